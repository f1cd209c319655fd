/* One worker loop: a ready deque, a timer heap, a stack pool, and the
 * thread's own stack where the loop runs between task steps. */
#ifndef WEFT_WORKER_H
#define WEFT_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "deque.h"
#include "fiber.h"
#include "runnable.h"
#include "stack.h"
#include "timer.h"
#include "weft.h"

typedef struct weft_worker {
    weft_executor *executor;
    unsigned index;
    weft_deque ready;       /* runnables; FIFO in single-loop mode */
    weft_timer_heap timers; /* call_later, call_at, sleep */
    weft_stack_pool stacks;
    weft_fiber fiber;       /* the thread's own stack: the loop runs here */
    weft_task *current_task;
    /* LIFO mode: tasks that yielded wait here, behind the work that was
     * ready, so a yield gives others a turn (owner only). */
    weft_task *yielded_head, *yielded_tail;
    bool stopping;          /* loop.stop(): finish this iteration, then return */
} weft_worker;

int weft_worker_init(weft_worker *worker, weft_executor *executor, unsigned index);
void weft_worker_destroy(weft_worker *worker);

/* Makes worker the calling thread's worker (NULL to unbind). */
void weft_worker_bind(weft_worker *worker);
/* The calling thread's worker, or NULL. Not inlined and never cached across
 * a switch: a task may resume on another thread. */
weft_worker *weft_worker_current(void);

/* Queues runnable at the tail: on the calling thread's worker when it
 * belongs to executor, through the executor's inject queue otherwise. */
void weft_schedule(weft_executor *executor, weft_runnable *runnable);

/* One iteration of asyncio's _run_once (L2). */
void weft_worker_run_once(weft_worker *worker);

/* Adds a timer handle to the calling worker's heap. 0 or -1. */
int weft_worker_add_timer(weft_worker *worker, weft_handle *handle);

/* Queues a task that yielded: at the tail in FIFO mode, on the yield lane
 * in LIFO mode. */
void weft_worker_requeue_yielded(weft_worker *worker, weft_task *task);

/* Runs one runnable (dispatch on kind). */
void weft_runnable_run(weft_worker *worker, weft_runnable *runnable);
/* Drops a runnable that will never run (loop closing): releases what it holds. */
void weft_runnable_discard(weft_runnable *runnable);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t weft_clock_ns(void);

#endif
