/* The public task functions of weft.h: create, await, cancel, inspect. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"
#include "executor.h"
#include "task.h"
#include "worker.h"
#include "worker_cache.h"

/* The header wraps these in position-recording macros. */
#undef weft_await
#undef weft_await_coro
#undef weft_yield
#undef weft_sleep

static weft_task *running_task(const char *function)
{
    weft_task *task = weft_task_current_internal();
    if (task == NULL)
        weft_error_set(weft_executor_running() != NULL ? WEFT_ENOTASK : WEFT_ENOLOOP,
                       "%s() must be called from a running task", function);
    return task;
}

/* ------------------------------------------------------------------ */
/* Creation                                                           */
/* ------------------------------------------------------------------ */

static weft_task *submit_held(weft_executor *executor, weft_coro *coro, const char *name,
                              bool outside);

weft_task *weft_executor_submit(weft_executor *executor, weft_coro *coro, const char *name)
{
    if (executor == NULL) {
        weft_error_set(WEFT_EINVAL, "weft_executor_submit: executor is NULL");
        return NULL;
    }
    /* From outside the pool the executor may be gone: it must still be on
     * the live list (held for the call) and not freed by its owner. */
    weft_worker *worker = weft_worker_current();
    bool outside = worker == NULL || worker->executor != executor;
    if (outside && !weft_executor_retain_live(executor)) {
        weft_error_set(WEFT_EINVAL, "weft_executor_submit: not a live executor (freed, or never "
                                    "created)");
        return NULL;
    }
    if (outside && atomic_load_explicit(&executor->owner_released, memory_order_acquire)) {
        weft_executor_release(executor);
        weft_error_set(WEFT_EINVAL, "weft_executor_submit: the executor was freed");
        return NULL;
    }
    weft_task *task = submit_held(executor, coro, name, outside);
    if (outside)
        weft_executor_release(executor);
    return task;
}

static weft_task *submit_held(weft_executor *executor, weft_coro *coro, const char *name,
                              bool outside)
{
    if (coro == NULL) {
        weft_error_set(WEFT_ENOTCORO, "a coroutine was expected, got None");
        return NULL;
    }
    /* From outside the pool, pass the gate that shutdown closes; on a
     * worker the submitting task is itself pending, so shutdown waits for
     * whatever it creates. */
    if (outside && !weft_executor_enter_submit(executor)) {
        weft_error_set(WEFT_ESHUTDOWN, "cannot create a task: the executor is shut down");
        return NULL;
    }
    if (atomic_load_explicit(&executor->closed, memory_order_acquire)) {
        if (outside)
            weft_executor_leave_submit(executor);
        weft_error_set(WEFT_ESHUTDOWN, "cannot create a task: the executor is shut down");
        return NULL;
    }
    /* Allocate before claiming: claiming untracks the coroutine, and one
     * left with the caller must stay tracked so that its loop's shutdown
     * still reports and frees it. */
    weft_task *task = NULL;
    if (weft_coro_state_of(coro) != WEFT_CORO_FRESH) {
        weft_coro_claim(coro, WEFT_CORO_OWNED); /* fails: records EREUSED or EAWAITED */
    } else if ((task = weft_task_alloc(name)) != NULL) {
        if (weft_coro_claim(coro, WEFT_CORO_OWNED) == 0) {
            weft_task_launch(executor, task, coro);
        } else { /* claimed by another thread meanwhile */
            weft_free(task->name);
            weft_task_memory_give(task);
            task = NULL;
        }
    }
    if (outside)
        weft_executor_leave_submit(executor);
    return task;
}

weft_task *weft_task_create(weft_coro *coro, const char *name)
{
    /* T2 before T1: asyncio looks for the loop before checking the argument. */
    weft_executor *executor = weft_executor_running();
    if (executor == NULL) {
        weft_error_set(WEFT_ENOLOOP, "no running event loop");
        return NULL;
    }
    return weft_executor_submit(executor, coro, name);
}

weft_task *weft_spawn_named(weft_fn fn, void *arg, const char *name, const char *file, int line)
{
    weft_executor *executor = weft_executor_running();
    if (executor == NULL) {
        weft_error_set(WEFT_ENOLOOP, "no running event loop");
        return NULL;
    }
    if (fn == NULL) {
        weft_error_set(WEFT_ENOTCORO, "a coroutine was expected, got None");
        return NULL;
    }
    if (atomic_load_explicit(&executor->closed, memory_order_acquire)) {
        weft_error_set(WEFT_ESHUTDOWN, "cannot create a task: the executor is shut down");
        return NULL;
    }
    weft_task *task = weft_task_alloc(NULL);
    if (task == NULL)
        return NULL;
    weft_coro_init(&task->inline_coro, fn, arg, name, file, line);
    task->inline_coro.embedded = true;
    atomic_store_explicit(&task->inline_coro.state, WEFT_CORO_OWNED, memory_order_relaxed);
    weft_task_launch(executor, task, &task->inline_coro);
    return task;
}

/* ------------------------------------------------------------------ */
/* Awaiting                                                           */
/* ------------------------------------------------------------------ */

/* Wait on future with the T3 rule applied; returns after the wake-up. The
 * caller has already called weft_task_prepare_wait. Returns WEFT_ECANCELLED
 * (message recorded) when a cancel delivered at the wake-up step wins over
 * the future's outcome (S3), else 0. */
static int wait_on(weft_task *self, weft_future *future)
{
    weft_spinlock_lock(&self->future.lock);
    self->waiting_on = future;
    bool must_cancel = atomic_load_explicit(&self->must_cancel, memory_order_relaxed);
    char *message = must_cancel ? weft_strdup(self->cancel_message) : NULL;
    weft_spinlock_unlock(&self->future.lock);

    /* T3: a cancel requested earlier in this step goes straight to what we
     * are about to wait on; if that works it is no longer pending here. */
    if (must_cancel && weft_future_cancel_any(future, message)) {
        weft_spinlock_lock(&self->future.lock);
        atomic_store_explicit(&self->must_cancel, false, memory_order_relaxed);
        weft_spinlock_unlock(&self->future.lock);
    }
    weft_free(message);

    weft_task_switch_out(self, WEFT_INTENT_WAIT);

    weft_spinlock_lock(&self->future.lock);
    self->waiting_on = NULL;
    weft_spinlock_unlock(&self->future.lock);

    char *cancel_message = NULL;
    if (weft_task_take_step_cancel(self, &cancel_message) != 0) {
        /* A CancelledError coming from the future itself is kept as it is
         * (S4: the first message wins); anything else becomes the cancel. */
        if (weft_future_state_of(future) != WEFT_FUTURE_CANCELLED)
            return weft_error_set_owned(WEFT_ECANCELLED, cancel_message);
        weft_free(cancel_message);
    }
    return 0;
}

int weft_task_await_future(weft_task *self, weft_future *future)
{
    if (weft_future_done(future))
        return 0;
    weft_task_prepare_wait(self);
    if (!weft_future_add(future, &self->wakeup)) {
        /* It completed on another thread in between: no suspension. */
        atomic_store_explicit(&self->state, WEFT_TASK_RUNNING, memory_order_relaxed);
        return 0;
    }
    return wait_on(self, future);
}

/* After task ran inline: a cancel of self that came meanwhile is delivered
 * as the wake-up step of a suspended await would deliver it (S3, S4). */
static int finish_inline_await(weft_task *self, weft_task *task, void **result)
{
    weft_spinlock_lock(&self->future.lock);
    self->waiting_on = NULL;
    bool must_cancel = atomic_load_explicit(&self->must_cancel, memory_order_relaxed);
    atomic_store_explicit(&self->must_cancel, false, memory_order_relaxed);
    char *message = must_cancel ? weft_strdup(self->cancel_message) : NULL;
    weft_spinlock_unlock(&self->future.lock);
    if (must_cancel) {
        if (weft_future_state_of(&task->future) != WEFT_FUTURE_CANCELLED)
            return weft_error_set_owned(WEFT_ECANCELLED, message);
        weft_free(message);
    }
    return weft_future_outcome(&task->future, result);
}

int weft_await(weft_task *task, void **result)
{
    weft_task *self = running_task("weft_await");
    if (self == NULL)
        return weft_last_error();
    if (task == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_await: task is NULL");
    if (task == self) {
        /* T3: the error arrives one hop later; other ready work runs first. */
        char description[512];
        weft_task_describe_into(self, description, sizeof description, 0);
        weft_free(self->step_message);
        self->step_error = WEFT_EAWAITSELF;
        self->step_message = weft_format("Task cannot await on itself: %s", description);
        weft_task_switch_out(self, WEFT_INTENT_REQUEUE);
        int code = self->step_error;
        char *message = self->step_message;
        self->step_error = 0;
        self->step_message = NULL;
        return weft_error_set_owned(code, message);
    }
    if (task->executor != self->executor)
        return weft_error_set(WEFT_EINVAL, "weft_await: the task belongs to another executor");
    /* T5: a done task is awaited without suspending. */
    if (weft_future_done(&task->future))
        return weft_future_outcome(&task->future, result);

    /* LIFO mode: a task not yet started runs here, as a function call. */
    if (weft_task_run_inline(self, task))
        return finish_inline_await(self, task, result);

    weft_task_retain(task);
    int code = weft_task_await_future(self, &task->future);
    if (code == 0)
        code = weft_future_outcome(&task->future, result);
    weft_task_release(task);
    return code;
}

int weft_await_coro(weft_coro *coro, void **result)
{
    weft_task *self = running_task("weft_await_coro");
    if (self == NULL)
        return weft_last_error();
    if (coro == NULL)
        return weft_error_set(WEFT_ENOTCORO, "a coroutine was expected, got None");
    int code = weft_coro_claim(coro, WEFT_CORO_RUNNING);
    if (code != 0)
        return code;
    /* T7: inline, on our own stack, as the same task. */
    void *value = NULL;
    code = coro->fn(coro->arg, &value);
    weft_coro_set_state(coro, WEFT_CORO_DONE);
    weft_coro_destroy(coro);
    if (code == 0 && result != NULL)
        *result = value;
    return code;
}

int weft_yield(void)
{
    weft_task *self = running_task("weft_yield");
    if (self == NULL)
        return weft_last_error();
    weft_task_switch_out(self, WEFT_INTENT_REQUEUE);
    char *message = NULL;
    if (weft_task_take_step_cancel(self, &message) != 0)
        return weft_error_set_owned(WEFT_ECANCELLED, message);
    return 0;
}

/* futures._set_result_unless_cancelled, the timer callback of sleep. */
static int sleep_timer_fired(void *arg)
{
    weft_future_complete(arg, WEFT_FUTURE_FINISHED, 0, NULL, NULL);
    return 0;
}

int weft_sleep(double seconds)
{
    weft_task *self = running_task("weft_sleep");
    if (self == NULL)
        return weft_last_error();
    if (isnan(seconds))
        return weft_error_set(WEFT_EINVAL, "weft_sleep: seconds is NaN");
    if (seconds <= 0) /* T8: sleep(0) is a bare yield */
        return weft_yield();
    if (seconds > 1e9)
        seconds = 1e9; /* keep the deadline inside int64 nanoseconds */

    weft_future sleeper;
    weft_future_init(&sleeper, NULL);
    weft_handle *timer = weft_handle_new(self->executor,
                                         weft_clock_ns() + (int64_t)(seconds * 1e9),
                                         sleep_timer_fired, &sleeper, "sleep", __FILE__, __LINE__);
    if (timer == NULL)
        return weft_error_set(WEFT_ENOMEM, "out of memory for a sleep timer");
    weft_handle_retain_internal(timer); /* ours, to cancel it afterwards */
    if (weft_worker_add_timer(weft_worker_current(), timer) != 0) {
        weft_handle_release(timer);
        weft_handle_release(timer);
        return weft_error_set(WEFT_ENOMEM, "out of memory for a sleep timer");
    }
    int code = weft_task_await_future(self, &sleeper);
    /* The finally of asyncio.sleep: the timer must not fire later, and if
     * it is firing right now on the worker that owns it, sleeper (on this
     * stack) must outlive that call. */
    weft_handle_cancel_and_wait(timer);
    weft_handle_release(timer);
    if (code == 0)
        code = weft_future_outcome(&sleeper, NULL);
    weft_future_destroy(&sleeper);
    return code;
}

/* A sequence lock with one writer, the task (its successive steps are
 * ordered by the scheduler, on whichever thread). The fields are atomics
 * stored with release after the odd count: a reader whose acquire load sees
 * a new field value also sees that count, and retries (Boehm, "Can seqlocks
 * get along with programming language memory models?", MSPC 2012). No
 * fence, no read-modify-write: this runs at every suspension. */
void weft_task_set_position(const char *file, int line)
{
    weft_task *self = weft_task_current_internal();
    if (self == NULL)
        return;
    unsigned seq = atomic_load_explicit(&self->position_seq, memory_order_relaxed);
    atomic_store_explicit(&self->position_seq, seq + 1, memory_order_relaxed);
    atomic_store_explicit(&self->file, file, memory_order_release);
    atomic_store_explicit(&self->line, line, memory_order_release);
    atomic_store_explicit(&self->position_seq, seq + 2, memory_order_release);
}

void weft_task_position(weft_task *task, const char **file, int *line)
{
    for (;;) {
        unsigned before = atomic_load_explicit(&task->position_seq, memory_order_acquire);
        const char *f = atomic_load_explicit(&task->file, memory_order_acquire);
        int l = atomic_load_explicit(&task->line, memory_order_acquire);
        unsigned after = atomic_load_explicit(&task->position_seq, memory_order_relaxed);
        if (before == after && (before & 1u) == 0) {
            *file = f;
            *line = l;
            return;
        }
        /* The writer is between two stores: a few instructions. */
    }
}

/* ------------------------------------------------------------------ */
/* Introspection                                                      */
/* ------------------------------------------------------------------ */

weft_coro *weft_task_get_coro(const weft_task *task)
{
    return task != NULL ? task->coro : NULL;
}

weft_task *weft_current_task(void)
{
    return weft_task_current_internal();
}

int weft_all_tasks(weft_task ***tasks, size_t *count)
{
    if (tasks == NULL || count == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_all_tasks: NULL argument");
    *tasks = NULL;
    *count = 0;
    weft_executor *executor = weft_executor_running();
    if (executor == NULL)
        return weft_error_set(WEFT_ENOLOOP, "no running event loop");
    return weft_executor_snapshot_tasks(executor, tasks, count);
}

void weft_tasks_release(weft_task **tasks, size_t count)
{
    if (tasks == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        weft_task_release(tasks[i]);
    weft_free(tasks);
}

int weft_task_cancel(weft_task *task, const char *msg)
{
    if (task == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_task_cancel: task is NULL");
    return weft_task_request_cancel(task, msg);
}

int weft_task_cancelling(const weft_task *task)
{
    if (task == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_task_cancelling: task is NULL");
    weft_task *mutable_task = (weft_task *)task;
    weft_spinlock_lock(&mutable_task->future.lock);
    int count = task->cancel_requests;
    weft_spinlock_unlock(&mutable_task->future.lock);
    return count;
}

int weft_task_uncancel(weft_task *task)
{
    if (task == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_task_uncancel: task is NULL");
    weft_spinlock_lock(&task->future.lock);
    if (task->cancel_requests > 0)
        task->cancel_requests--;
    int count = task->cancel_requests;
    weft_spinlock_unlock(&task->future.lock);
    return count;
}

bool weft_task_done(const weft_task *task)
{
    return task != NULL && weft_future_done(&task->future);
}

bool weft_task_cancelled(const weft_task *task)
{
    return task != NULL && weft_future_state_of(&task->future) == WEFT_FUTURE_CANCELLED;
}

int weft_task_result(weft_task *task, void **result)
{
    if (task == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_task_result: task is NULL");
    return weft_future_outcome(&task->future, result);
}

int weft_task_exception(weft_task *task, const char **message)
{
    if (message != NULL)
        *message = NULL;
    if (task == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_task_exception: task is NULL");
    weft_future *future = &task->future;
    weft_future_state state = weft_future_state_of(future);
    if (state == WEFT_FUTURE_PENDING)
        return weft_error_set(WEFT_EINVALSTATE, "Exception is not set.");
    atomic_store_explicit(&future->retrieved, true, memory_order_relaxed);
    if (message != NULL)
        *message = future->error_message;
    if (state == WEFT_FUTURE_CANCELLED)
        return weft_error_set_copy(WEFT_ECANCELLED, future->error_message);
    return future->error;
}

/* ------------------------------------------------------------------ */
/* Done callbacks                                                     */
/* ------------------------------------------------------------------ */

int weft_task_add_done_callback_named(weft_task *task, weft_done_fn fn, void *arg,
                                      const char *name, const char *file, int line)
{
    if (task == NULL || fn == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_task_add_done_callback: %s is NULL",
                              task == NULL ? "task" : "fn");
    weft_callback_entry *entry = weft_calloc(1, sizeof(*entry));
    if (entry == NULL)
        return weft_error_set(WEFT_ENOMEM, "out of memory adding a done callback");
    entry->fn = fn;
    entry->arg = arg;
    entry->executor = task->executor;
    entry->name = name != NULL ? name : "callback";
    entry->file = file != NULL ? file : "?";
    entry->line = line;
    if (!weft_future_add(&task->future, &entry->link)) {
        /* C2: already done, so it is queued at once. */
        entry->task = weft_task_retain(task);
        weft_callback_entry_schedule(entry);
    }
    return 0;
}

int weft_task_remove_done_callback(weft_task *task, weft_done_fn fn, void *arg)
{
    if (task == NULL || fn == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_task_remove_done_callback: %s is NULL",
                              task == NULL ? "task" : "fn");
    weft_future *future = &task->future;
    weft_callback_link *removed = NULL;
    int count = 0;
    weft_spinlock_lock(&future->lock);
    weft_callback_link **at = &future->callbacks;
    while (*at != NULL) {
        weft_callback_link *link = *at;
        if (link->waiter == NULL && weft_callback_entry_of(link)->fn == fn &&
            weft_callback_entry_of(link)->arg == arg) {
            *at = link->next;
            link->next = removed;
            removed = link;
            count++;
        } else {
            at = &link->next;
        }
    }
    future->callbacks_tail = at;
    weft_spinlock_unlock(&future->lock);
    while (removed != NULL) {
        weft_callback_link *next = removed->next;
        weft_free(weft_callback_entry_of(removed));
        removed = next;
    }
    return count;
}

/* ------------------------------------------------------------------ */
/* Names                                                              */
/* ------------------------------------------------------------------ */

const char *weft_task_get_name(weft_task *task)
{
    if (task == NULL)
        return NULL;
    weft_spinlock_lock(&task->future.lock);
    const char *name = task->name;
    weft_spinlock_unlock(&task->future.lock);
    if (name != NULL)
        return name;
    /* An unnamed task's "Task-N" is formatted into the heap on first use:
     * most tasks are never asked their name, so they carry only the number.
     * The number is fixed since launch; the lock only decides who wins. */
    char numbered[32];
    snprintf(numbered, sizeof numbered, "Task-%llu", (unsigned long long)task->number);
    char *copy = weft_strdup(numbered);
    if (copy == NULL) {
        /* Out of memory: right text, shorter life (the next such call on
         * this thread overwrites it). */
        static _Thread_local char fallback[32];
        memcpy(fallback, numbered, sizeof fallback);
        return fallback;
    }
    weft_spinlock_lock(&task->future.lock);
    if (task->name == NULL) {
        task->name = copy;
        copy = NULL;
    }
    name = task->name;
    weft_spinlock_unlock(&task->future.lock);
    weft_free(copy);
    return name;
}

int weft_task_set_name(weft_task *task, const char *name)
{
    if (task == NULL || name == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_task_set_name: %s is NULL",
                              task == NULL ? "task" : "name");
    char *copy = weft_strdup(name);
    if (copy == NULL)
        return weft_error_set(WEFT_ENOMEM, "out of memory copying a task name");
    weft_spinlock_lock(&task->future.lock);
    char *old = task->name;
    task->name = copy;
    weft_spinlock_unlock(&task->future.lock);
    weft_free(old);
    return 0;
}
