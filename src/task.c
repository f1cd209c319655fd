/* Task internals: creation, one step on a worker, suspension, wake-up,
 * completion and the cancellation rules of asyncio's Task.__step/cancel. */
#include "task.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "executor.h"
#include "worker.h"
#include "worker_cache.h"

/* Issue 4's budget: at most 400 bytes of peak memory per task created and
 * not yet started. With glibc's 8-byte chunk header and a ready-queue slot
 * (about 25 bytes with its growth) 336 bytes of task keep it in the 352-byte
 * malloc size class, about 370 bytes in all: a field added here must fit in
 * the padding or pay for itself elsewhere. */
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(weft_task) <= 336, "weft_task grew past its 352-byte malloc chunk");
#endif

/* Process-wide, like asyncio's _task_name_counter (N1). */
static atomic_uint_fast64_t task_counter;

/* The fiber layer calls this when a task's stack canary or guard page was
 * hit: memory is already corrupted, so report who overflowed and stop. */
static void report_stack_overflow(void *owner, size_t stack_size)
{
    weft_task *task = owner;
    const char *name = task->name;
    char numbered[32];
    if (name == NULL) {
        snprintf(numbered, sizeof numbered, "Task-%llu", (unsigned long long)task->number);
        name = numbered;
    }
    fprintf(stderr,
            "weft: stack overflow in task '%s' (coroutine %s(), stack size %zu bytes); "
            "raise weft_config.stack_size\n",
            name, task->coro != NULL ? task->coro->name : "?", stack_size);
    abort();
}

static void install_overflow_reporter(void)
{
    weft_fiber_overflow_handler = report_stack_overflow;
}

void weft_task_module_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install_overflow_reporter);
}

weft_task *weft_task_current_internal(void)
{
    weft_worker *worker = weft_worker_current();
    return worker != NULL ? worker->current_task : NULL;
}

weft_task *weft_task_alloc(const char *name)
{
    weft_task *task = weft_task_memory_take(sizeof(*task));
    char *name_copy = NULL;
    if (task == NULL || (name != NULL && (name_copy = weft_strdup(name)) == NULL)) {
        weft_task_memory_give(task);
        weft_error_set(WEFT_ENOMEM, "out of memory creating a task");
        return NULL;
    }
    task->name = name_copy;
    return task;
}

/* Numbers come from the process-wide counter one at a time in FIFO order,
 * so a single loop numbers in creation order as asyncio does (N1). In LIFO
 * order (several workers by default) that counter would be an RMW on a
 * shared line on every spawn: each worker takes a block of numbers instead,
 * so numbers stay unique but follow creation order only per worker. */
enum { TASK_NUMBER_BLOCK = 1024 };

static uint64_t next_task_number(weft_executor *executor)
{
    weft_worker *worker = weft_worker_current();
    if (executor->config.order != WEFT_ORDER_LIFO || worker == NULL || worker->executor != executor)
        return atomic_fetch_add_explicit(&task_counter, 1, memory_order_relaxed) + 1;
    if (worker->next_number == worker->end_number) {
        worker->next_number =
            atomic_fetch_add_explicit(&task_counter, TASK_NUMBER_BLOCK, memory_order_relaxed) + 1;
        worker->end_number = worker->next_number + TASK_NUMBER_BLOCK;
    }
    return worker->next_number++;
}

void weft_task_launch(weft_executor *executor, weft_task *task, weft_coro *coro)
{
    task->runnable.kind = WEFT_RUNNABLE_TASK_STEP;
    weft_future_init(&task->future, task);
    atomic_init(&task->state, WEFT_TASK_NEW);
    atomic_init(&task->references, 2); /* the caller's and the executor's */
    task->executor = executor;
    weft_executor_take_task_reference(executor);
    task->coro = coro;
    coro->task = task;
    /* N1/N2: only unnamed tasks take a number (weft follows 3.13 here). */
    if (task->name == NULL)
        task->number = next_task_number(executor);
    atomic_init(&task->position_seq, 0);
    atomic_init(&task->file, coro->file);
    atomic_init(&task->line, coro->line);
    task->wakeup.waiter = task;
    weft_executor_register_task(executor, task);
    /* T1: the first step is one hop away, behind everything queued. */
    weft_schedule(executor, &task->runnable);
}

weft_task *weft_task_retain(weft_task *task)
{
    if (task != NULL)
        atomic_fetch_add_explicit(&task->references, 1, memory_order_relaxed);
    return task;
}

static void report_unretrieved(weft_task *task)
{
    weft_future *future = &task->future;
    if (weft_future_state_of(future) != WEFT_FUTURE_FINISHED || future->error == 0 ||
        atomic_load_explicit(&future->retrieved, memory_order_relaxed))
        return;
    char description[512];
    weft_task_describe_into(task, description, sizeof description, 0);
    weft_exception_context context = {
        .message = "Task exception was never retrieved",
        .error = future->error,
        .error_message = future->error_message,
        .task = task,
        .source = description,
    };
    weft_call_exception_handler(task->executor, &context);
}

void weft_task_release(weft_task *task)
{
    if (task == NULL)
        return;
    /* A count of 1 is ours alone and cannot rise under us: a reference is
     * taken only by a holder of one, or under a lock (a worker's tasks_lock
     * for the registry, the awaiter's lock for waiting_on) from a pointer
     * that is unpublished under that lock before the last two references
     * go. So the last release needs no RMW, one locked instruction fewer
     * per task. acquire (and acq_rel on the decrement): the thread that
     * frees sees every write of the others. */
    if (atomic_load_explicit(&task->references, memory_order_acquire) != 1 &&
        atomic_fetch_sub_explicit(&task->references, 1, memory_order_acq_rel) != 1)
        return;
    report_unretrieved(task);
    weft_executor *executor = task->executor;
    weft_future_destroy(&task->future);
    weft_free(task->step_message);
    weft_free(task->cancel_message);
    weft_free(task->name);
    weft_error_slot_clear(&task->error);
    weft_coro_destroy(task->coro);
    weft_task_memory_give(task);
    weft_executor_give_task_reference(executor);
}

/* ------------------------------------------------------------------ */
/* Running a step                                                     */
/* ------------------------------------------------------------------ */

static void task_fiber_main(void *arg)
{
    weft_task *task = arg;
    void *value = NULL;
    task->return_code = task->coro->fn(task->coro->arg, &value);
    task->return_value = value;
    task->intent = WEFT_INTENT_FINISH;
    /* Re-read the worker: the task may have migrated while suspended. */
    weft_worker *worker = weft_worker_current();
    worker->switched_out = task;
    /* Only a task with a fiber of its own runs this function. */
    weft_fiber_exit_to(task->stack_fiber, &worker->fiber);
}

/* The coroutine returned (or never started): decide the final state the
 * way Task.__step does (T3, S3, S6, S7) and complete the future. */
static void task_finish(weft_task *task, int code, void *value)
{
    weft_coro_set_state(task->coro, WEFT_CORO_DONE);
    /* N5: a task leaves all_tasks as soon as it is done, before its
     * callbacks run. */
    weft_executor_unregister_task(task->executor, task);
    atomic_store_explicit(&task->state, WEFT_TASK_DONE, memory_order_release);

    /* The outcome is decided and set under the task's lock, in one piece: a
     * cancel request from another thread either comes first, and is seen
     * here, or finds the task done. Between a look at must_cancel and the
     * completion it would be counted yet have no effect: lost. */
    weft_future_state state = WEFT_FUTURE_FINISHED;
    char *message = NULL;
    weft_spinlock_lock(&task->future.lock);
    bool must_cancel = atomic_load_explicit(&task->must_cancel, memory_order_relaxed);
    atomic_store_explicit(&task->must_cancel, false, memory_order_relaxed);
    /* The message of an earlier, delivered cancel is freed at release. */
    char *cancel_message = must_cancel ? task->cancel_message : NULL;
    if (must_cancel)
        task->cancel_message = NULL;
    if (code == 0 && must_cancel) {
        /* Cancelled during its last step and returned without awaiting:
         * the return value is dropped, the message kept (S6). */
        state = WEFT_FUTURE_CANCELLED;
        message = cancel_message;
        cancel_message = NULL;
        value = NULL;
    } else if (code == WEFT_ECANCELLED) {
        state = WEFT_FUTURE_CANCELLED;
        message = weft_error_slot_take_message(&task->error, code);
        value = NULL;
    } else if (code != 0) {
        message = weft_error_slot_take_message(&task->error, code);
        value = NULL;
    }
    weft_callback_link *links = weft_future_settle_locked(
        &task->future, state, code == WEFT_ECANCELLED ? 0 : code, value, message);
    weft_spinlock_unlock(&task->future.lock);
    weft_free(cancel_message);
    weft_future_dispatch(links, task);
    weft_task_release(task); /* the executor's reference */
}

/* S3: a pending cancel replaces whatever this step would deliver. */
static void deliver_pending_cancel(weft_task *task)
{
    /* The look without the lock: see must_cancel in task.h. */
    if (!atomic_load_explicit(&task->must_cancel, memory_order_relaxed))
        return;
    weft_spinlock_lock(&task->future.lock);
    if (atomic_load_explicit(&task->must_cancel, memory_order_relaxed)) {
        atomic_store_explicit(&task->must_cancel, false, memory_order_relaxed);
        weft_free(task->step_message);
        task->step_error = WEFT_ECANCELLED;
        task->step_message = weft_strdup(task->cancel_message);
    }
    weft_spinlock_unlock(&task->future.lock);
}

/* A task cancelled before its first step never runs its body. */
static bool finish_if_cancelled_before_start(weft_task *task)
{
    if (task->step_error != WEFT_ECANCELLED)
        return false;
    weft_error_slot *slot = &task->error;
    weft_free(slot->message);
    slot->code = WEFT_ECANCELLED;
    slot->message = task->step_message;
    task->step_message = NULL;
    task->step_error = 0;
    task_finish(task, WEFT_ECANCELLED, NULL);
    return true;
}

/* The popper of a queue entry and an awaiter claiming a new task (LIFO
 * mode) race for a task with a CAS on its state. Every entry is either
 * owed a step (the task is NEW or SCHEDULED) or left stale by a claim, and
 * each claim added one task reference: an entry whose task is in any other
 * state is stale, and its pop drops that reference. Which of two entries
 * of one task runs it does not matter: they are the same pointer. */
static bool take_step(weft_task *task)
{
    unsigned state = atomic_load_explicit(&task->state, memory_order_relaxed);
    while (state == WEFT_TASK_SCHEDULED || state == WEFT_TASK_NEW) {
        /* acquire: after a claim lost and won again nothing is read here,
         * but a won step reads what the scheduler wrote before the push. */
        if (atomic_compare_exchange_weak_explicit(&task->state, &state, WEFT_TASK_RUNNING,
                                                  memory_order_acquire, memory_order_relaxed))
            return true;
    }
    return false;
}

bool weft_task_entry_is_stale(weft_task *task)
{
    unsigned state = atomic_load_explicit(&task->state, memory_order_relaxed);
    return state != WEFT_TASK_SCHEDULED && state != WEFT_TASK_NEW;
}

void weft_task_step(weft_worker *worker, weft_task *task)
{
    if (worker->executor->config.order != WEFT_ORDER_LIFO) {
        /* FIFO: nobody claims, so every entry is owed its step. */
        atomic_store_explicit(&task->state, WEFT_TASK_RUNNING, memory_order_relaxed);
    } else if (!take_step(task)) {
        weft_task_release(task); /* a stale entry: its claim's reference */
        return;
    }
    deliver_pending_cancel(task);

    if (!task->started) {
        if (finish_if_cancelled_before_start(task))
            return;
        task->stack_fiber = weft_fiber_start_in_stack(&worker->stacks, task_fiber_main, task, task);
        if (task->stack_fiber == NULL) {
            weft_free(task->error.message);
            task->error.code = WEFT_ENOMEM;
            task->error.message = weft_strdup("out of memory for a task stack");
            task_finish(task, WEFT_ENOMEM, NULL);
            return;
        }
        task->started = true;
        weft_coro_set_state(task->coro, WEFT_CORO_RUNNING);
    }

    worker->current_task = task;
    weft_fiber_switch(&worker->fiber, task->stack_fiber);
    worker->current_task = NULL;
    /* Usually task itself; another when task ran inline on a fiber whose
     * owner has since switched away, or the other way round. */
    task = worker->switched_out;

    switch ((weft_task_intent)task->intent) {
    case WEFT_INTENT_FINISH:
        /* FINISH comes from task_fiber_main: stack_fiber is task's own. */
        weft_fiber_release(task->stack_fiber, &worker->stacks);
        task->stack_fiber = NULL;
        task_finish(task, task->return_code, task->return_value);
        break;
    case WEFT_INTENT_REQUEUE:
        /* It stays RUNNING in the LIFO yield lane (a stale entry popped
         * meanwhile must not run it); SCHEDULED once it is queued. */
        weft_worker_requeue_yielded(worker, task);
        break;
    case WEFT_INTENT_WAIT: {
        unsigned expected = WEFT_TASK_SUSPENDING;
        /* acq_rel: pairs with the waker's CAS. If a waker came first it
         * set WOKEN_EARLY and left the queueing to us. */
        if (!atomic_compare_exchange_strong_explicit(&task->state, &expected, WEFT_TASK_SUSPENDED,
                                                     memory_order_acq_rel,
                                                     memory_order_acquire)) {
            atomic_store_explicit(&task->state, WEFT_TASK_SCHEDULED, memory_order_release);
            weft_schedule(task->executor, &task->runnable);
        }
        break;
    }
    }
}

void weft_task_prepare_wait(weft_task *task)
{
    /* Before registering anywhere: a waker must find SUSPENDING, never
     * RUNNING, so it knows the switch is still to come. */
    atomic_store_explicit(&task->state, WEFT_TASK_SUSPENDING, memory_order_release);
}

void weft_task_switch_out(weft_task *task, weft_task_intent intent)
{
    task->intent = intent;
    weft_worker *worker = weft_worker_current();
    worker->switched_out = task;
    weft_fiber_switch(task->stack_fiber, &worker->fiber);
}

/* The awaiting task lends its stack only while at least half of it is free,
 * so a task run inline keeps at least half the configured stack size and a
 * chain of inline awaits cannot run off the end. */
static bool stack_has_room(const weft_fiber *fiber)
{
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    uintptr_t low = (uintptr_t)fiber->stack.low;
    return here > low && here - low >= fiber->stack.size / 2;
}

static bool claim_new(weft_task *task)
{
    unsigned expected = WEFT_TASK_NEW;
    /* acquire: the launcher's writes (coro, name) were published by the
     * queue push this claim bypasses; the release side is the state's
     * initialisation before that push. */
    return atomic_compare_exchange_strong_explicit(&task->state, &expected, WEFT_TASK_RUNNING,
                                                   memory_order_acquire, memory_order_relaxed);
}

/* Claims task for an inline run: from the bottom of our own deque when it
 * is the newest entry there (no stale entry left), else wherever its entry
 * is, leaving that entry stale with a reference of its own. */
static bool claim_for_inline_run(weft_worker *worker, weft_task *task)
{
    if (weft_deque_peek_newest(&worker->ready) == &task->runnable &&
        weft_deque_take(&worker->ready) == &task->runnable) {
        if (claim_new(task))
            return true;
        /* Claimed elsewhere first: the entry we took was a stale one (or,
         * after the claimer ran and requeued it, an equivalent one). */
        weft_task_release(task);
        return false;
    }
    weft_task_retain(task); /* for the entry left behind */
    if (claim_new(task)) {
        worker->claims_left_behind++;
        return true;
    }
    weft_task_release(task); /* not the last: the caller holds one */
    return false;
}

/* The entries of tasks claimed while running inline end up stale on top
 * of our deque, above the siblings their awaiter wants next: drop them now
 * so the next await finds its task at the bottom and memory is freed. */
static void drop_stale_entries(weft_worker *worker)
{
    /* Only claims made here leave entries to sweep (others are dropped
     * when popped), so fork-join, which takes its newest entry and claims
     * nothing, never pays for the sweep. The count can run ahead of the
     * stale entries really in this deque (a claimed entry sat elsewhere):
     * an empty deque resets it. */
    if (worker->claims_left_behind == 0)
        return;
    /* Awaiting siblings oldest first (skynet, flat) leaves each one's stale
     * entry under the newest sibling, which the sweep would take and put
     * back on every await: a fence each time. Once put back it is skipped
     * until another entry is newest. Only the pointer is compared; if the
     * same address comes back as another task's entry, stale after all,
     * it is dropped when popped, as any stale entry is. */
    if (worker->sweep_found_live != NULL &&
        weft_deque_peek_newest(&worker->ready) == worker->sweep_found_live)
        return;
    /* Take before looking: a thief may steal and free the entry we would
     * peek at, so only an entry we own is read. */
    weft_runnable *newest;
    while ((newest = weft_deque_take(&worker->ready)) != NULL) {
        if (newest->kind != WEFT_RUNNABLE_TASK_STEP ||
            !weft_task_entry_is_stale((weft_task *)newest)) {
            /* Back where it was, the newest entry. */
            if (weft_deque_push(&worker->ready, newest) != 0)
                weft_executor_inject(worker->executor, newest);
            else
                worker->sweep_found_live = newest;
            return;
        }
        weft_task_release((weft_task *)newest);
        if (--worker->claims_left_behind == 0)
            return;
    }
    worker->claims_left_behind = 0;
}

bool weft_task_run_inline(weft_task *self, weft_task *task)
{
    weft_executor *executor = self->executor;
    if (executor->config.order != WEFT_ORDER_LIFO || task->executor != executor ||
        atomic_load_explicit(&task->state, memory_order_relaxed) != WEFT_TASK_NEW ||
        !stack_has_room(self->stack_fiber))
        return false;
    weft_worker *worker = weft_worker_current();
    /* self waits on task from here, so a cancel of self reaches task (S8);
     * a cancel already pending for self takes the usual way (T3). */
    weft_spinlock_lock(&self->future.lock);
    bool must_cancel = atomic_load_explicit(&self->must_cancel, memory_order_relaxed);
    if (!must_cancel)
        self->waiting_on = &task->future;
    weft_spinlock_unlock(&self->future.lock);
    if (must_cancel)
        return false;
    if (!claim_for_inline_run(worker, task)) {
        weft_spinlock_lock(&self->future.lock);
        self->waiting_on = NULL;
        weft_spinlock_unlock(&self->future.lock);
        return false;
    }

    deliver_pending_cancel(task);
    if (!finish_if_cancelled_before_start(task)) {
        weft_fiber *fiber = self->stack_fiber;
        void *lender = fiber->owner;
        fiber->owner = task; /* an overflow now is task's: report its name */
        task->started = true;
        task->stack_fiber = fiber;
        weft_coro_set_state(task->coro, WEFT_CORO_RUNNING);
        worker->current_task = task;
        void *value = NULL;
        int code = task->coro->fn(task->coro->arg, &value);
        /* task may have suspended, and self resumed on another worker. */
        worker = weft_worker_current();
        worker->current_task = self;
        fiber->owner = lender;
        task_finish(task, code, value);
        drop_stale_entries(worker);
    }
    return true;
}

void weft_task_wake(weft_task *task)
{
    unsigned state = atomic_load_explicit(&task->state, memory_order_acquire);
    for (;;) {
        if (state == WEFT_TASK_SUSPENDED) {
            if (atomic_compare_exchange_weak_explicit(&task->state, &state, WEFT_TASK_SCHEDULED,
                                                      memory_order_acq_rel,
                                                      memory_order_acquire)) {
                weft_schedule(task->executor, &task->runnable);
                return;
            }
        } else if (state == WEFT_TASK_SUSPENDING) {
            if (atomic_compare_exchange_weak_explicit(&task->state, &state,
                                                      WEFT_TASK_SUSPENDING | WEFT_TASK_WOKEN_EARLY,
                                                      memory_order_acq_rel,
                                                      memory_order_acquire))
                return;
        } else {
            return; /* already scheduled or running: one wake-up is enough */
        }
    }
}

int weft_task_take_step_cancel(weft_task *task, char **message)
{
    if (task->step_error != WEFT_ECANCELLED)
        return 0;
    task->step_error = 0;
    *message = task->step_message;
    task->step_message = NULL;
    return WEFT_ECANCELLED;
}

/* ------------------------------------------------------------------ */
/* Cancellation                                                       */
/* ------------------------------------------------------------------ */

bool weft_future_cancel_any(weft_future *future, const char *msg)
{
    if (future->task != NULL)
        return weft_task_request_cancel(future->task, msg) == 1;
    if (future->canceller != NULL)
        return future->canceller->cancel(future->canceller_arg, msg);
    char *copy = weft_strdup(msg);
    return weft_future_complete(future, WEFT_FUTURE_CANCELLED, 0, NULL, copy);
}

/* The tasks whose cancel is being passed down on this thread right now
 * (innermost last). A cancel never switches stacks, so this chain is the
 * call stack of one request: finding a task in it again means a cycle of
 * awaits, while another worker cancelling the same task at the same time
 * does not. */
enum { CANCEL_CHAIN_MAX = 64 };
static _Thread_local weft_task *cancel_chain[CANCEL_CHAIN_MAX];
static _Thread_local int cancel_depth;

static bool in_cancel_chain(const weft_task *task)
{
    for (int i = 0; i < cancel_depth; i++)
        if (cancel_chain[i] == task)
            return true;
    return cancel_depth == CANCEL_CHAIN_MAX; /* deeper than that: stop */
}

/* The cycle came back to task, but task registered no wake-up on awaited:
 * it is running awaited inline (LIFO mode), so it cannot stop waiting on
 * its own. The task that can is awaited, if it waits on task: it takes the
 * cancel instead, and its end ends task's inline await. */
static void break_inline_cycle(weft_task *task, weft_task *awaited, const char *msg)
{
    weft_spinlock_lock(&awaited->future.lock);
    bool waits_on_task = awaited->waiting_on == &task->future;
    if (waits_on_task) {
        atomic_store_explicit(&awaited->must_cancel, true, memory_order_relaxed);
        weft_free(awaited->cancel_message);
        awaited->cancel_message = weft_strdup(msg);
    }
    weft_spinlock_unlock(&awaited->future.lock);
    if (waits_on_task && weft_future_remove_link(&task->future, &awaited->wakeup))
        weft_task_wake(awaited);
}

/* S2.4: the cancel is delivered at the task's next step (or sent to what
 * it waits on next, T3); the last message wins. Called with the task's lock
 * held, so that wait_on, which reads must_cancel under the same lock as it
 * publishes waiting_on, either sees the mark or is seen by our caller. */
static void mark_must_cancel(weft_task *task, const char *msg)
{
    atomic_store_explicit(&task->must_cancel, true, memory_order_relaxed);
    weft_free(task->cancel_message);
    task->cancel_message = weft_strdup(msg);
}

int weft_task_request_cancel(weft_task *task, const char *msg)
{
    weft_future *future = &task->future;
    bool cycle = in_cancel_chain(task);
    bool counted = false;
    for (;;) {
        weft_spinlock_lock(&future->lock);
        if (weft_future_state_of(future) != WEFT_FUTURE_PENDING) {
            /* S2.1: cancelling a done task marks its error retrieved. A task
             * that ended while we passed the request on had it counted. */
            if (!counted)
                atomic_store_explicit(&future->retrieved, true, memory_order_relaxed);
            weft_spinlock_unlock(&future->lock);
            return counted ? 1 : 0;
        }
        if (!cycle && !counted)
            task->cancel_requests++;
        counted = true;
        weft_future *waiting_on = task->waiting_on;
        if (waiting_on == NULL || (waiting_on->task == NULL && waiting_on->canceller == NULL)) {
            /* Not waiting, or on a plain future (weft_sleep's), which lives
             * on the task's stack until the task clears waiting_on under
             * this lock: all is decided without letting go of it. */
            bool passed_on = waiting_on != NULL &&
                             weft_future_complete(waiting_on, WEFT_FUTURE_CANCELLED, 0, NULL,
                                                  weft_strdup(msg));
            if (!passed_on)
                mark_must_cancel(task, msg);
            weft_spinlock_unlock(&future->lock);
            return 1;
        }
        /* An awaited task, or a future with a canceller (gather's), is
         * pinned: its cancel may cancel tasks, which must not happen under
         * our lock (the chain may come back to us). */
        weft_task *awaited = NULL;
        const weft_future_canceller *canceller = NULL;
        void *canceller_arg = NULL;
        if (waiting_on->task != NULL) {
            awaited = weft_task_retain(waiting_on->task);
        } else {
            canceller = waiting_on->canceller;
            canceller_arg = waiting_on->canceller_arg;
            canceller->retain(canceller_arg);
        }
        weft_spinlock_unlock(&future->lock);

        /* S2.3 / S8: pass the request down. */
        bool passed_on = false;
        if (!cycle) {
            cancel_chain[cancel_depth++] = task;
            if (awaited != NULL)
                passed_on = weft_task_request_cancel(awaited, msg) == 1;
            else
                passed_on = canceller->cancel(canceller_arg, msg);
            cancel_depth--;
        }
        bool moved_on = false;
        if (!passed_on) {
            /* While our lock was let go the task may have been woken and
             * gone on to wait on something else, having read must_cancel
             * before we set it: then that new wait takes the request (a
             * mark alone would sit there until the new wait ends). The
             * pin keeps waiting_on's address from being reused meanwhile. */
            weft_spinlock_lock(&future->lock);
            moved_on = task->waiting_on != NULL && task->waiting_on != waiting_on;
            if (!moved_on)
                mark_must_cancel(task, msg);
            weft_spinlock_unlock(&future->lock);
        }
        /* A cycle of tasks awaiting each other (CPython recurses until
         * RecursionError): the request came back to this task, so it stops
         * waiting and takes the cancel at its next step, which unwinds the
         * cycle. Only if its wake-up is still registered, i.e. not queued. */
        if (cycle && !moved_on) {
            if (weft_future_remove_link(awaited != NULL ? &awaited->future : waiting_on,
                                        &task->wakeup))
                weft_task_wake(task);
            else if (awaited != NULL)
                break_inline_cycle(task, awaited, msg);
        }
        weft_task_release(awaited);
        if (canceller != NULL)
            canceller->release(canceller_arg);
        if (!moved_on)
            return 1;
    }
}
