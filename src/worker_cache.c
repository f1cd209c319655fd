#include "worker_cache.h"

#include <stdatomic.h>
#include <string.h>

#include "alloc.h"
#include "executor.h"
#include "worker.h"

/* Enough to absorb the burst of a fork-join level without holding on to
 * much memory once it is over. */
enum { TASK_CACHE_MAX = 1024 };

typedef struct free_task {
    struct free_task *next;
} free_task;

void *weft_task_memory_take(size_t size)
{
    weft_worker *worker = weft_worker_current();
    if (worker == NULL || worker->free_tasks == NULL)
        return weft_calloc(1, size);
    free_task *memory = worker->free_tasks;
    worker->free_tasks = memory->next;
    worker->free_task_count--;
    memset(memory, 0, size);
    return memory;
}

void weft_task_memory_give(void *memory)
{
    weft_worker *worker = weft_worker_current();
    if (memory == NULL || worker == NULL || worker->free_task_count >= TASK_CACHE_MAX) {
        weft_free(memory);
        return;
    }
    free_task *entry = memory;
    entry->next = worker->free_tasks;
    worker->free_tasks = entry;
    worker->free_task_count++;
}

/* A worker takes REFERENCE_BATCH references at once and hands them out one
 * by one; a task freed on a worker of its executor gives its reference to
 * that worker's batch. The shared count always includes every batch, so it
 * cannot reach zero while a worker holds one: batches go back when the
 * worker is destroyed, while the executor's owner still holds its own
 * reference. */
enum { REFERENCE_BATCH = 256 };

static weft_worker *worker_of(const weft_executor *executor)
{
    weft_worker *worker = weft_worker_current();
    return worker != NULL && worker->executor == executor ? worker : NULL;
}

void weft_executor_take_task_reference(weft_executor *executor)
{
    weft_worker *worker = worker_of(executor);
    if (worker == NULL) {
        weft_executor_retain(executor);
        return;
    }
    if (worker->cached_references == 0) {
        /* Relaxed, as any retain: the holder already has a reference. */
        atomic_fetch_add_explicit(&executor->references, REFERENCE_BATCH, memory_order_relaxed);
        worker->cached_references = REFERENCE_BATCH;
    }
    worker->cached_references--;
}

void weft_executor_give_task_reference(weft_executor *executor)
{
    weft_worker *worker = worker_of(executor);
    if (worker == NULL) {
        weft_executor_release(executor);
        return;
    }
    if (++worker->cached_references >= 2 * REFERENCE_BATCH) {
        /* Never the last reference: the batch left behind is still counted. */
        atomic_fetch_sub_explicit(&worker->executor->references, REFERENCE_BATCH,
                                  memory_order_release);
        worker->cached_references -= REFERENCE_BATCH;
    }
}

void weft_worker_cache_flush(weft_worker *worker)
{
    while (worker->free_tasks != NULL) {
        free_task *memory = worker->free_tasks;
        worker->free_tasks = memory->next;
        weft_free(memory);
    }
    worker->free_task_count = 0;
    if (worker->cached_references > 0) {
        /* Not the last either: the executor's owner is closing it. */
        atomic_fetch_sub_explicit(&worker->executor->references, worker->cached_references,
                                  memory_order_release);
        worker->cached_references = 0;
    }
}
