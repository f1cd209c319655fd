/* Helpers shared by the task-composition functions (see compose.h). */
#include "compose.h"

#include <math.h>
#include <stdint.h>

#include "alloc.h"
#include "error.h"
#include "executor.h"
#include "worker.h"

weft_task *weft_compose_self(const char *function)
{
    weft_task *self = weft_task_current_internal();
    if (self == NULL)
        weft_error_set(weft_executor_running() != NULL ? WEFT_ENOTASK : WEFT_ENOLOOP,
                       "%s() must be called from a running task", function);
    return self;
}

int weft_compose_check_tasks(const char *function, weft_task *const *tasks, size_t count,
                             const weft_executor *executor)
{
    if (tasks == NULL && count > 0)
        return weft_error_set(WEFT_EINVAL, "%s: tasks is NULL", function);
    for (size_t i = 0; i < count; i++) {
        if (tasks[i] == NULL)
            return weft_error_set(WEFT_EINVAL, "%s: tasks[%zu] is NULL", function, i);
        if (tasks[i]->executor != executor)
            return weft_error_set(WEFT_EINVAL, "%s: tasks[%zu] belongs to another executor",
                                  function, i);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Pointer sets                                                       */
/* ------------------------------------------------------------------ */

int weft_ptrset_init(weft_ptrset *set, size_t count)
{
    size_t capacity = 8;
    while (capacity < 2 * count) {
        if (capacity > SIZE_MAX / 4 / sizeof(void *))
            return -1;
        capacity *= 2;
    }
    set->slots = weft_calloc(capacity, sizeof(void *));
    set->mask = capacity - 1;
    return set->slots != NULL ? 0 : -1;
}

bool weft_ptrset_add(weft_ptrset *set, const void *p)
{
    /* Fibonacci hashing of the address; allocations are aligned, so the
     * low bits carry little. */
    uint64_t hash = (uint64_t)(uintptr_t)p * UINT64_C(0x9e3779b97f4a7c15);
    size_t index = (size_t)(hash >> 32) & set->mask;
    while (set->slots[index] != NULL) {
        if (set->slots[index] == p)
            return false;
        index = (index + 1) & set->mask;
    }
    set->slots[index] = p;
    return true;
}

void weft_ptrset_destroy(weft_ptrset *set)
{
    weft_free((void *)set->slots);
    set->slots = NULL;
}

size_t weft_compose_unique(weft_task *const *tasks, size_t count, weft_task **unique)
{
    weft_ptrset set;
    if (weft_ptrset_init(&set, count) != 0) {
        weft_error_set(WEFT_ENOMEM, "out of memory");
        return SIZE_MAX;
    }
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        if (weft_ptrset_add(&set, tasks[i]))
            unique[n++] = tasks[i];
    weft_ptrset_destroy(&set);
    return n;
}

int weft_compose_peek(weft_task *task, void **result, const char **message, bool mark)
{
    weft_future *future = &task->future;
    weft_future_state state = weft_future_state_of(future);
    if (message != NULL)
        *message = NULL;
    if (result != NULL)
        *result = NULL;
    if (state == WEFT_FUTURE_PENDING)
        return WEFT_EINVALSTATE;
    if (mark)
        atomic_store_explicit(&future->retrieved, true, memory_order_relaxed);
    if (message != NULL)
        *message = future->error_message;
    if (state == WEFT_FUTURE_CANCELLED)
        return WEFT_ECANCELLED;
    if (future->error == 0 && result != NULL)
        *result = future->result;
    return future->error;
}

/* ------------------------------------------------------------------ */
/* Done callbacks                                                     */
/* ------------------------------------------------------------------ */

weft_callback_entry *weft_compose_entry_new(weft_executor *executor, weft_done_fn fn, void *arg,
                                            const char *name)
{
    weft_callback_entry *entry = weft_calloc(1, sizeof(*entry));
    if (entry == NULL) {
        weft_error_set(WEFT_ENOMEM, "out of memory registering a done callback");
        return NULL;
    }
    entry->fn = fn;
    entry->arg = arg;
    entry->executor = executor;
    entry->name = name;
    entry->file = __FILE__;
    entry->line = __LINE__;
    return entry;
}

void weft_compose_entry_add(weft_task *task, weft_callback_entry *entry)
{
    if (!weft_future_add(&task->future, &entry->link)) {
        entry->task = weft_task_retain(task);
        weft_callback_entry_schedule(entry);
    }
}

bool weft_compose_entry_remove(weft_task *task, weft_done_fn fn, void *arg)
{
    return weft_task_remove_done_callback(task, fn, arg) > 0;
}

/* ------------------------------------------------------------------ */
/* Time                                                               */
/* ------------------------------------------------------------------ */

bool weft_compose_forever(double seconds)
{
    return isinf(seconds) && seconds > 0;
}

int64_t weft_compose_time_ns(double when)
{
    if (when <= 0)
        return 0; /* earlier than any reading of CLOCK_MONOTONIC: due now */
    if (when > 9.2e9)
        return INT64_MAX / 2;
    return (int64_t)(when * 1e9 + 0.5);
}

weft_handle *weft_compose_timer(weft_executor *executor, int64_t when_ns, weft_callback_fn fn,
                                void *arg, const char *name)
{
    weft_handle *handle = weft_handle_new(executor, when_ns, fn, arg, name, __FILE__, __LINE__);
    if (handle == NULL) {
        weft_error_set(WEFT_ENOMEM, "out of memory for a timer");
        return NULL;
    }
    weft_handle_retain_internal(handle); /* the caller's */
    if (when_ns == WEFT_HANDLE_SOON) {
        weft_schedule(executor, &handle->runnable);
    } else if (weft_worker_add_timer(weft_worker_current(), handle) != 0) {
        weft_handle_release(handle);
        weft_handle_release(handle);
        weft_error_set(WEFT_ENOMEM, "out of memory for a timer");
        return NULL;
    }
    return handle;
}

/* ------------------------------------------------------------------ */
/* Waiters                                                            */
/* ------------------------------------------------------------------ */

weft_waiter *weft_waiter_new(void)
{
    weft_waiter *waiter = weft_malloc(sizeof(*waiter));
    if (waiter == NULL) {
        weft_error_set(WEFT_ENOMEM, "out of memory for a waiter");
        return NULL;
    }
    atomic_init(&waiter->references, 1);
    weft_future_init(&waiter->future, NULL);
    return waiter;
}

weft_waiter *weft_waiter_retain(weft_waiter *waiter)
{
    atomic_fetch_add_explicit(&waiter->references, 1, memory_order_relaxed);
    return waiter;
}

void weft_waiter_release(weft_waiter *waiter)
{
    if (atomic_fetch_sub_explicit(&waiter->references, 1, memory_order_acq_rel) != 1)
        return;
    weft_future_destroy(&waiter->future);
    weft_free(waiter);
}

void weft_waiter_set(weft_waiter *waiter)
{
    /* Returns false if it was done already: "if not waiter.done()". */
    weft_future_complete(&waiter->future, WEFT_FUTURE_FINISHED, 0, NULL, NULL);
}

int weft_waiter_on_done(weft_task *task, void *waiter)
{
    (void)task;
    weft_waiter_set(waiter);
    weft_waiter_release(waiter);
    return 0;
}

int weft_waiter_on_timer(void *waiter)
{
    weft_waiter_set(waiter);
    return 0;
}

int weft_compose_await(weft_task *self, weft_future *future, void **result)
{
    int code = weft_task_await_future(self, future);
    if (code != 0)
        return code;
    return weft_future_outcome(future, result);
}

int weft_compose_cancel_and_wait(weft_task *self, weft_task *task)
{
    weft_waiter *waiter = weft_waiter_new();
    if (waiter == NULL)
        return WEFT_ENOMEM;
    weft_callback_entry *entry =
        weft_compose_entry_new(self->executor, weft_waiter_on_done, waiter, "_release_waiter");
    if (entry == NULL) {
        weft_waiter_release(waiter);
        return WEFT_ENOMEM;
    }
    weft_waiter_retain(waiter); /* the callback's */
    weft_compose_entry_add(task, entry);
    weft_task_request_cancel(task, NULL);
    /* Not an await of task itself: cancelling us must not cancel it again. */
    int code = weft_compose_await(self, &waiter->future, NULL);
    if (weft_compose_entry_remove(task, weft_waiter_on_done, waiter))
        weft_waiter_release(waiter);
    weft_waiter_release(waiter);
    return code;
}
