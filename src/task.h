/* The task object and its scheduling state machine (DESIGN.md section 5). */
#ifndef WEFT_TASK_H
#define WEFT_TASK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "coro.h"
#include "error.h"
#include "fiber.h"
#include "future.h"
#include "runnable.h"
#include "weft.h"

/* Scheduling states. Every transition is a CAS or a store by the one thread
 * that owns the task at that moment (the worker running or queueing it). */
typedef enum weft_task_state {
    WEFT_TASK_SCHEDULED = 1,  /* in exactly one ready queue */
    WEFT_TASK_RUNNING = 2,    /* a worker is running its step */
    WEFT_TASK_SUSPENDING = 3, /* registered as a waiter, switch not finished */
    WEFT_TASK_SUSPENDED = 4,  /* switched away, waiting for a wake-up */
    WEFT_TASK_DONE = 5,
    /* Scheduled for its first step. In LIFO mode an awaiter may claim it
     * (NEW -> RUNNING) and run it inline; its queue entry is then stale, and
     * holds a task reference that whoever pops it drops (weft_task_step).
     * A stale entry may also be the one that runs a later step, so every
     * store of SCHEDULED is a release: its popper synchronizes through the
     * state, not through the queue it was pushed on. */
    WEFT_TASK_NEW = 6,
} weft_task_state;
/* Set on SUSPENDING by a waker that came before the switch finished: the
 * worker reschedules the task right after the switch (lost wake-up rule). */
#define WEFT_TASK_WOKEN_EARLY 0x100u

/* What a task asks its worker to do once it has switched away. */
typedef enum weft_task_intent {
    WEFT_INTENT_REQUEUE, /* yield: back to the tail of the ready queue */
    WEFT_INTENT_WAIT,    /* wait for a wake-up */
    WEFT_INTENT_FINISH,  /* the coroutine returned */
} weft_task_intent;

/* Every unstarted task costs this struct (plus the allocator's header), so
 * fields are ordered to leave no padding: the 4-byte and 1-byte ones fill
 * the words between pointers, and a fiber, a stack and a name in text come
 * only when needed. */
struct weft_task {
    weft_runnable runnable; /* first: the ready queue holds &task->runnable */
    /* weft_task_state plus WEFT_TASK_WOKEN_EARLY; see weft_task_wake. */
    atomic_uint state;
    weft_future future; /* outcome and done callbacks */
    /* User references plus one held by the executor until the task is done
     * and its callbacks are queued; acq_rel so the last releaser sees every
     * write made before other releases. */
    atomic_int references;

    /* Step input: a cancellation delivered at the start of this step (the
     * _must_cancel rule, S3) or the self-await error (T3). */
    int step_error;
    char *step_message;

    weft_executor *executor;
    weft_coro *coro;
    /* The fiber this task's code runs on, NULL until its first step: its
     * own, whose record lives at the top of its stack (so a task that has
     * not started costs no fiber either), or, for a task run inline by the
     * task that awaited it (LIFO mode), that awaiter's fiber. */
    weft_fiber *stack_fiber;
    bool started;
    /* Written under future.lock; atomic so the step's hot path can look
     * without the lock (a cancel that lands just after the look is
     * delivered at the next suspension, as one arriving mid-step is). */
    atomic_bool must_cancel;
    unsigned char intent; /* a weft_task_intent */
    int return_code;      /* what the coroutine returned (intent FINISH) */
    void *return_value;

    /* Cancellation (under future.lock): Task._must_cancel (above),
     * _cancel_message, _num_cancels_requested. */
    char *cancel_message;
    int cancel_requests;

    /* Where the coroutine last suspended, for descriptions. Written only
     * by the task itself (weft_task_set_position), read by describe on any
     * worker, possibly while the task runs: position_seq is odd during a
     * write, so a reader can take a consistent (file, line) pair
     * (weft_task_position). */
    atomic_uint position_seq;
    atomic_int line;
    _Atomic(const char *) file;

    weft_future *waiting_on;   /* Task._fut_waiter */
    weft_callback_link wakeup; /* our registration while waiting */

    /* Name (under future.lock): given, or "Task-N" formatted from number
     * into the heap on first use (NULL until then). */
    uint64_t number;
    char *name;

    weft_error_slot error; /* last error while this task runs */

    /* The pending-task list of the worker it was created on (all_tasks),
     * under that worker's tasks_lock. */
    struct weft_worker *registry;
    weft_task *all_prev;
    weft_task *all_next;
    weft_task *yield_next; /* the worker's yield lane (LIFO mode) */

    weft_coro inline_coro; /* the coroutine of weft_spawn, in one allocation */
};

/* Installs the stack-overflow reporter (once per process). */
void weft_task_module_init(void);

/* The task running on this thread (re-read after every switch). */
weft_task *weft_task_current_internal(void);

/* A zeroed task with a copy of name (NULL: numbered at launch), or NULL
 * with last error WEFT_ENOMEM. */
weft_task *weft_task_alloc(const char *name);
/* Binds coro (already claimed) and queues the first step. The task then
 * holds two references: the caller's and the executor's. */
void weft_task_launch(weft_executor *executor, weft_task *task, weft_coro *coro);

/* Runs one step of task on worker (called by the worker loop), or, for
 * a stale queue entry left by an inline claim, drops its reference. */
struct weft_worker;
void weft_task_step(struct weft_worker *worker, weft_task *task);
/* Whether a queue entry of task is stale (see WEFT_TASK_NEW). */
bool weft_task_entry_is_stale(weft_task *task);

/* LIFO mode: if task has not started, claims it and runs it to completion
 * on self's fiber, as a function call (DESIGN.md section 6), with self
 * waiting on it. Returns false, having done nothing, when that is not
 * possible (started, claimed or stolen first, or self's stack is half used). */
bool weft_task_run_inline(weft_task *self, weft_task *task);

/* Wakes a waiting task: SUSPENDED -> SCHEDULED and queue it, or mark a
 * SUSPENDING task woken early. */
void weft_task_wake(weft_task *task);

/* Switches from the running task to its worker with the given intent.
 * For WEFT_INTENT_WAIT call weft_task_prepare_wait first, then register. */
void weft_task_prepare_wait(weft_task *task);
void weft_task_switch_out(weft_task *task, weft_task_intent intent);

/* Suspends the running task self until future is done, as `await fut` does
 * for a plain asyncio Future (a done future: no suspension). Returns 0 once
 * the future is done (read it with weft_future_outcome), or WEFT_ECANCELLED
 * with the message recorded when a cancel delivered at the wake-up wins over
 * the future's outcome (S3). Cancelling self while it waits cancels a plain
 * future under self's lock, so a future on self's stack stays valid; a
 * completer must not touch the future after weft_future_complete returns.
 * Thread: task (self is the running task). */
int weft_task_await_future(weft_task *self, weft_future *future);

/* The cancellation pending at the start of this step, if any: returns
 * WEFT_ECANCELLED and moves the message into *message, else 0. */
int weft_task_take_step_cancel(weft_task *task, char **message);

/* Task.cancel(msg) without argument checks. Returns 1 or 0. */
int weft_task_request_cancel(weft_task *task, const char *msg);

/* Cancels whatever a task waits on: a task (propagation, S8) or a plain
 * future. Returns true if that cancel succeeded. */
bool weft_future_cancel_any(weft_future *future, const char *msg);

/* The task's last recorded position (file, line), consistent even while
 * the task records a new one on another thread. Thread: any. */
void weft_task_position(weft_task *task, const char **file, int *line);

/* The C name of a task's coroutine and repr helpers (describe.c). */
int weft_task_describe_into(weft_task *task, char *buf, size_t size, int depth);

#endif
