/* One worker loop: a ready deque, a timer heap, a stack pool, and the
 * thread's own stack where the loop runs between task steps. */
#ifndef WEFT_WORKER_H
#define WEFT_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "deque.h"
#include "spinlock.h"
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
    /* The task whose code just switched back to this worker: the one
     * stepped, or a task it ran inline that suspended or finished. */
    weft_task *switched_out;
    /* Pending tasks created on this worker (all_tasks): a spinlock per
     * worker keeps spawning off any shared lock; a task that finishes on
     * another worker takes this lock to leave the list. */
    weft_spinlock tasks_lock;
    weft_task *tasks_head, *tasks_tail;
    size_t task_count;
    /* LIFO mode: tasks that yielded wait here, behind the work that was
     * ready, so a yield gives others a turn (owner only). */
    weft_task *yielded_head, *yielded_tail;
    bool stopping;          /* loop.stop(): finish this iteration, then return */
    /* Debug mode: report a runnable that runs this long (ns); 0 when off.
     * A copy of the executor's, so the check stays on this line. */
    int64_t slow_step_ns;
    /* Owner-only caches (worker_cache.c): recycled task memory and a batch
     * of references to the executor for the tasks created here. */
    void *free_tasks; /* recycled task slots (worker_cache.c) */
    unsigned free_task_count;
    struct weft_task_block *carving; /* the block new task slots come from */
    unsigned claims_left_behind; /* inline claims since the last stale-entry sweep (task.c) */
    void *sweep_found_live;      /* the newest entry the last sweep put back (task.c) */
    unsigned carved;                 /* slots of it handed out so far */
    unsigned cached_references;
    uint64_t next_number, end_number; /* a block of Task-N numbers (task.c) */

    /* Multi-worker mode. */
    pthread_t thread;
    bool has_thread;        /* started by the executor (not weft_run's caller) */
    bool searching;         /* counted in executor->searching (owner only) */
    uint32_t random_state;  /* victim selection */
    /* Parking: the worker sleeps on its own condition variable; notified
     * is set (under park_lock) by whoever takes it off the sleeper list. */
    pthread_mutex_t park_lock;
    pthread_cond_t park_signal;
    bool notified;
    /* Statistics, written by the owner, read by anyone: relaxed. */
    atomic_uint_fast64_t tasks_run, steals, parks, wakeups;
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

/* One iteration of asyncio's _run_once (L2). With one worker it blocks
 * (until a timer is due or work is injected) when there is nothing to do;
 * with several it never blocks. Returns how many runnables it ran. */
size_t weft_worker_run_once(weft_worker *worker);

/* Multi-worker: one round of the scheduler loop: run own work, else steal,
 * else park (at most until this worker's next timer, or max_wait_ns when
 * >= 0). */
void weft_worker_turn(weft_worker *worker, int64_t max_wait_ns);

/* The loop of a worker thread: turns until the executor stops. */
void *weft_worker_thread_main(void *worker);

/* New work was published: wake a parked worker unless one is searching. */
void weft_executor_notify_work(weft_executor *executor);
/* Wakes every parked worker (shutdown). */
void weft_executor_wake_all(weft_executor *executor);

/* Adds a timer handle to the calling worker's heap. 0 or -1. */
int weft_worker_add_timer(weft_worker *worker, weft_handle *handle);

/* Queues a task that yielded: at the tail in FIFO mode, on the yield lane
 * in LIFO mode. */
void weft_worker_requeue_yielded(weft_worker *worker, weft_task *task);

/* Runs one runnable (dispatch on kind); in debug mode, timed. */
void weft_runnable_run(weft_worker *worker, weft_runnable *runnable);
/* Runs one runnable, never timed (weft_runnable_run without debug mode). */
void weft_runnable_dispatch(weft_worker *worker, weft_runnable *runnable);
/* Drops a runnable that will never run (loop closing): releases what it holds. */
void weft_runnable_discard(weft_runnable *runnable);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t weft_clock_ns(void);
/* The CLOCK_MONOTONIC time timeout_ns (>= 0) from now, for condition
 * variables created with that clock. */
struct timespec weft_deadline_after(int64_t timeout_ns);

#endif
