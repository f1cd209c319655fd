/* The executor: N workers (one in single-loop mode), the inject queue for
 * work from other threads, the registry of pending tasks, and the settings
 * every worker shares. */
#ifndef WEFT_EXECUTOR_H
#define WEFT_EXECUTOR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "coro.h"
#include "runnable.h"
#include "worker.h"
#include "weft.h"

struct weft_executor {
    /* One for the owner (weft_run) plus one per task not yet freed, so a
     * task may outlive weft_run and still report through the handler. */
    atomic_int references;
    weft_config config; /* config.debug: debug mode, the environment included */
    int64_t slow_step_ns; /* debug mode's threshold; 0 when off (debug.c) */
    unsigned worker_count;
    weft_worker *workers;
    weft_stack_depot stack_depot; /* stacks traded between the workers' pools */

    /* Guards the inject queue and the coroutine list. */
    pthread_mutex_t lock;
    pthread_cond_t work_available;
    weft_runnable **inject;
    size_t inject_head, inject_count, inject_capacity;
    /* inject_count mirrored outside the lock, so a worker with nothing to
     * wait for skips the lock when the queue is empty. Stored (release)
     * under the lock; a stale 0 only delays work to the next iteration, and
     * a worker about to block checks inject_count under the lock. */
    atomic_size_t inject_pending;
    weft_coro *fresh_coros;

    weft_exception_handler handler;
    void *handler_arg;
    /* Set once shutdown begins; read by submitters on any thread. */
    atomic_bool closed;
    /* Submissions from outside the workers pass a gate: bit 0 is "closed",
     * the rest counts submitters in flight (in steps of 2). Shutdown sets the
     * bit, then waits for the count to drain, so no submission can slip in
     * after the last task was counted and be lost with the closed executor.
     * One word, updated only by RMWs: they are totally ordered. */
    atomic_uint submit_gate;

    /* Multi-worker idle protocol (worker.c): how many workers are looking
     * for work to steal, and the stack of parked ones (under idle_lock).
     * sleepers mirrors sleeper_count for lock-free reads by notifiers. */
    atomic_uint searching;
    atomic_uint sleepers;
    pthread_mutex_t idle_lock;
    unsigned *sleeper_stack;
    unsigned sleeper_count;
    /* Worker threads leave their loop (shutdown). */
    atomic_bool stop_workers;
    /* weft_run: main finished, worker 0 (the caller) leaves its loop. */
    atomic_bool main_done;
    bool threads_started; /* under lock */
    bool shut_down;       /* under lock: shutdown completed */
    /* weft_executor_free was called: the owner's hold is gone, so the
     * executor takes no more calls (WEFT_EINVAL) even while tasks keep its
     * memory alive. Exchanged once, so a second free is refused. */
    atomic_bool owner_released;
    /* Set by a shutdown whose grace period passed with tasks still
     * pending: the executor is never closed (those tasks sit on its
     * stacks) and stays in the live list, reachable, for ever. */
    bool abandoned;
    /* Made by weft_run, which owns it: weft_executor_shutdown and
     * weft_executor_free refuse it. Written before any other thread sees it. */
    bool owned_by_run;
    /* The live list (under the registry lock in executor.c). */
    weft_executor *live_next;
};

#define WEFT_MAX_WORKERS 1024u

/* Worker count when config.workers is 0: WEFT_WORKERS, else online CPUs. */
unsigned weft_default_workers(void);

/* A new executor with config's settings (workers not started). NULL on
 * failure (last error set). */
weft_executor *weft_executor_new(const weft_config *config);
void weft_executor_retain(weft_executor *executor);
void weft_executor_release(weft_executor *executor);
/* Frees workers, stacks, queues; the struct lives on while tasks refer to it. */
void weft_executor_close(weft_executor *executor);

/* Queues runnable from a thread that is not one of executor's workers. */
void weft_executor_inject(weft_executor *executor, weft_runnable *runnable);
/* Moves injected runnables to worker's ready queue; waits up to timeout_ns
 * for one when wait is true (timeout_ns < 0: no limit). */
void weft_executor_poll(weft_executor *executor, weft_worker *worker, bool wait, int64_t timeout_ns);

void weft_executor_register_task(weft_executor *executor, weft_task *task);
void weft_executor_unregister_task(weft_executor *executor, weft_task *task);
/* A snapshot of the pending tasks, each retained: worker by worker, each in
 * creation order (all of them in creation order with one worker). 0 or
 * WEFT_ENOMEM; release with weft_tasks_release. */
int weft_executor_snapshot_tasks(weft_executor *executor, weft_task ***tasks, size_t *count);
void weft_executor_track_coro(weft_executor *executor, weft_coro *coro);

/* The submission gate: enter returns false when the executor is closed. */
bool weft_executor_enter_submit(weft_executor *executor);
void weft_executor_leave_submit(weft_executor *executor);

/* Starts the worker threads from index first on. 0 or WEFT_ESYSTEM. */
int weft_executor_start_threads(weft_executor *executor, unsigned first);
/* Stops and joins the worker threads. */
void weft_executor_stop_threads(weft_executor *executor);

/* The running executor of the calling thread. */
weft_executor *weft_executor_running(void);

/* Every executor is listed from weft_executor_new until its memory is
 * freed, so a call given a dangling pointer is refused instead of reading
 * freed memory. Takes a reference on executor if it is listed and still
 * referenced, else returns false; the caller releases it. (An executor
 * allocated later at the same address is indistinguishable: documented.) */
bool weft_executor_retain_live(weft_executor *executor);

/* The loop-clock time (weft_clock_ns) at which a shutdown starting now
 * gives up on tasks that ignore their cancellation; INT64_MAX for none. */
int64_t weft_executor_grace_deadline(const weft_executor *executor);

/* Reports each task of tasks that is not done as abandoned at shutdown
 * (exception handler, WEFT_ETIMEDOUT), marks executor abandoned and
 * returns how many it reported. */
size_t weft_executor_abandon(weft_executor *executor, weft_task **tasks, size_t count);

#endif
