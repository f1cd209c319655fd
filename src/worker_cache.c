#include "worker_cache.h"

#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

#include "alloc.h"
#include "executor.h"
#include "task.h"
#include "worker.h"

/* Enough to absorb the burst of a fork-join level without holding on to
 * much memory once it is over. */
enum { TASK_CACHE_MAX = 1024 };

/* Task memory comes from blocks that a worker carves into slots, one
 * allocation per block instead of one per task: a million tasks created at
 * once would otherwise cost a million allocator calls, each growing a
 * thread arena by a page (an mprotect every eleven tasks with glibc).
 *
 * A block counts its slots that are handed out or cached, plus one while
 * its worker is still carving it; it goes back to the allocator when the
 * count reaches zero, whichever thread drops the last slot. To keep the
 * carving path free of atomics the count starts with every slot included
 * and the carver subtracts the ones it never handed out when it moves on. */
typedef struct weft_task_block {
    atomic_size_t live;
} weft_task_block;

/* Each slot starts with its block (NULL: a slot allocated on its own, by a
 * thread that is no worker). */
typedef struct task_slot {
    weft_task_block *block;
    max_align_t memory[];
} task_slot;

enum { BLOCK_BYTES = 64 * 1024 };

static size_t slot_size(size_t size)
{
    size_t align = _Alignof(max_align_t);
    return (sizeof(task_slot) + size + align - 1) / align * align;
}

static size_t slots_per_block(size_t size)
{
    return (BLOCK_BYTES - sizeof(max_align_t)) / slot_size(size);
}

static task_slot *slot_at(weft_task_block *block, size_t size, size_t index)
{
    char *first = (char *)block + sizeof(max_align_t);
    return (task_slot *)(first + index * slot_size(size));
}

static void block_drop(weft_task_block *block, size_t count)
{
    /* acq_rel: whoever frees the block sees every write made to its slots
     * by the threads that dropped theirs before. */
    if (atomic_fetch_sub_explicit(&block->live, count, memory_order_acq_rel) == count)
        weft_free(block);
}

static void slot_release(task_slot *slot)
{
    if (slot->block == NULL)
        weft_free(slot);
    else
        block_drop(slot->block, 1);
}

static void stop_carving(weft_worker *worker, size_t size)
{
    if (worker->carving == NULL)
        return;
    /* The slots never handed out, and the carver's own count. */
    block_drop(worker->carving, slots_per_block(size) - worker->carved + 1);
    worker->carving = NULL;
}

static task_slot *carve(weft_worker *worker, size_t size)
{
    size_t per_block = slots_per_block(size);
    if (worker->carving == NULL || worker->carved == per_block) {
        stop_carving(worker, size);
        weft_task_block *block = weft_malloc(BLOCK_BYTES);
        if (block == NULL)
            return NULL;
        atomic_init(&block->live, per_block + 1);
        worker->carving = block;
        worker->carved = 0;
    }
    task_slot *slot = slot_at(worker->carving, size, worker->carved++);
    slot->block = worker->carving;
    return slot;
}

void *weft_task_memory_take(size_t size)
{
    weft_worker *worker = weft_worker_current();
    task_slot *slot;
    if (worker == NULL) {
        slot = weft_malloc(slot_size(size));
        if (slot == NULL)
            return NULL;
        slot->block = NULL;
    } else if (worker->free_tasks != NULL) {
        slot = worker->free_tasks;
        memcpy(&worker->free_tasks, slot->memory, sizeof(void *)); /* the next cached slot */
        worker->free_task_count--;
    } else if ((slot = carve(worker, size)) == NULL) {
        return NULL;
    }
    memset(slot->memory, 0, size);
    return slot->memory;
}

void weft_task_memory_give(void *memory)
{
    if (memory == NULL)
        return;
    task_slot *slot = (task_slot *)((char *)memory - offsetof(task_slot, memory));
    weft_worker *worker = weft_worker_current();
    if (worker == NULL || worker->free_task_count >= TASK_CACHE_MAX) {
        slot_release(slot);
        return;
    }
    /* Cached slots stay counted in their blocks. */
    memcpy(slot->memory, &worker->free_tasks, sizeof(void *));
    worker->free_tasks = slot;
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
        task_slot *slot = worker->free_tasks;
        memcpy(&worker->free_tasks, slot->memory, sizeof(void *));
        slot_release(slot);
    }
    worker->free_task_count = 0;
    stop_carving(worker, sizeof(weft_task));
    if (worker->cached_references > 0) {
        /* Not the last either: the executor's owner is closing it. */
        atomic_fetch_sub_explicit(&worker->executor->references, worker->cached_references,
                                  memory_order_release);
        worker->cached_references = 0;
    }
}
