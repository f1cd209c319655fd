/* Per-worker caches that keep the spawn/free path off shared memory: task
 * memory recycled on the worker that frees it, and executor references
 * handed to tasks from a per-worker batch instead of one shared counter. */
#ifndef WEFT_WORKER_CACHE_H
#define WEFT_WORKER_CACHE_H

#include <stddef.h>

#include "weft.h"

struct weft_worker;

/* Zeroed memory for a task (size is always sizeof(weft_task)), from the
 * calling worker's cache when it has one, else from the allocator. NULL if
 * out of memory. Thread: any. */
void *weft_task_memory_take(size_t size);
/* Gives task memory back: to the calling worker's cache (any executor's
 * worker will do: the memory is plain allocator memory), else to the
 * allocator. Thread: any. */
void weft_task_memory_give(void *memory);

/* One reference to executor for a new task / back from a freed task. On a
 * worker of executor these move between the task and the worker's batch;
 * elsewhere they go to the shared count (which may free the executor).
 * Thread: any. */
void weft_executor_take_task_reference(weft_executor *executor);
void weft_executor_give_task_reference(weft_executor *executor);

/* Empties worker's caches (worker destroy; its thread has stopped). */
void weft_worker_cache_flush(struct weft_worker *worker);

#endif
