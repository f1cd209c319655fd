#include "future.h"
#include "sanitizer.h"

#include <stdio.h>

#include "alloc.h"
#include "error.h"
#include "executor.h"
#include "task.h"
#include "worker.h"

void weft_future_init(weft_future *future, weft_task *task)
{
    weft_spinlock_init(&future->lock);
    atomic_init(&future->state, WEFT_FUTURE_PENDING);
    future->callbacks = NULL;
    future->callbacks_tail = &future->callbacks;
    future->error = 0;
    future->error_message = NULL;
    future->result = NULL;
    atomic_init(&future->retrieved, false);
    future->task = task;
    future->canceller = NULL;
    future->canceller_arg = NULL;
}

void weft_future_destroy(weft_future *future)
{
    /* Done callbacks of a future that never completed (a task freed while
     * pending cannot happen: the executor holds a reference) are dropped. */
    while (future->callbacks != NULL) {
        weft_callback_link *link = future->callbacks;
        future->callbacks = link->next;
        if (link->waiter == NULL)
            weft_free(weft_callback_entry_of(link));
    }
    weft_free(future->error_message);
    future->error_message = NULL;
}

weft_callback_link *weft_future_settle_locked(weft_future *future, weft_future_state state,
                                              int error, void *result, char *message)
{
    future->error = error;
    future->result = result;
    future->error_message = message;
    /* Release: whoever reads the final state with acquire sees the outcome. */
    WEFT_TSAN_RELEASE(future);
    atomic_store_explicit(&future->state, state, memory_order_release);
    weft_callback_link *links = future->callbacks;
    future->callbacks = NULL;
    future->callbacks_tail = &future->callbacks;
    return links;
}

void weft_future_dispatch(weft_callback_link *links, weft_task *task)
{
    /* asyncio's __schedule_callbacks: every callback goes to the ready queue
     * with call_soon, in registration order; wake-ups are callbacks too. */
    while (links != NULL) {
        weft_callback_link *link = links;
        links = link->next;
        link->next = NULL;
        if (link->waiter != NULL) {
            weft_task_wake(link->waiter);
        } else {
            weft_callback_entry *entry = weft_callback_entry_of(link);
            entry->task = task != NULL ? weft_task_retain(task) : NULL;
            weft_callback_entry_schedule(entry);
        }
    }
}

bool weft_future_complete(weft_future *future, weft_future_state state, int error, void *result,
                          char *message)
{
    weft_spinlock_lock(&future->lock);
    if (weft_future_state_of(future) != WEFT_FUTURE_PENDING) {
        weft_spinlock_unlock(&future->lock);
        weft_free(message);
        return false;
    }
    weft_callback_link *links = weft_future_settle_locked(future, state, error, result, message);
    /* Read before the first wake-up: a woken waiter may free a future that
     * lives on its stack as soon as it runs. */
    weft_task *task = future->task;
    weft_spinlock_unlock(&future->lock);
    weft_future_dispatch(links, task);
    return true;
}

bool weft_future_add(weft_future *future, weft_callback_link *link)
{
    link->next = NULL;
    weft_spinlock_lock(&future->lock);
    bool pending = weft_future_state_of(future) == WEFT_FUTURE_PENDING;
    if (pending) {
        *future->callbacks_tail = link;
        future->callbacks_tail = &link->next;
    }
    weft_spinlock_unlock(&future->lock);
    return pending;
}

bool weft_future_remove_link(weft_future *future, weft_callback_link *link)
{
    bool found = false;
    weft_spinlock_lock(&future->lock);
    for (weft_callback_link **at = &future->callbacks; *at != NULL; at = &(*at)->next) {
        if (*at == link) {
            *at = link->next;
            if (future->callbacks_tail == &link->next)
                future->callbacks_tail = at;
            found = true;
            break;
        }
    }
    weft_spinlock_unlock(&future->lock);
    return found;
}

int weft_future_outcome(weft_future *future, void **result)
{
    weft_future_state state = weft_future_state_of(future);
    if (state == WEFT_FUTURE_PENDING)
        return weft_error_set(WEFT_EINVALSTATE, "Result is not set.");
    WEFT_TSAN_ACQUIRE(future);
    atomic_store_explicit(&future->retrieved, true, memory_order_relaxed);
    if (state == WEFT_FUTURE_CANCELLED)
        return weft_error_set_copy(WEFT_ECANCELLED, future->error_message);
    if (future->error != 0)
        return weft_error_set_copy(future->error, future->error_message);
    if (result != NULL)
        *result = future->result;
    return 0;
}

void weft_callback_entry_schedule(weft_callback_entry *entry)
{
    entry->runnable.kind = WEFT_RUNNABLE_DONE_CALLBACK;
    weft_schedule(entry->executor, &entry->runnable);
}

void weft_callback_entry_run(weft_callback_entry *entry)
{
    int rc = entry->fn(entry->task, entry->arg);
    if (rc != 0) {
        char source[256];
        snprintf(source, sizeof source, "%s() at %s:%d", entry->name, entry->file, entry->line);
        char *text = weft_format("Exception in callback %s", source);
        weft_error_slot *slot = weft_error_slot_current();
        weft_exception_context context = {
            .message = text != NULL ? text : "Exception in callback",
            .error = rc,
            .error_message = slot->code == rc ? slot->message : NULL,
            .task = entry->task,
            .source = source,
        };
        weft_call_exception_handler(entry->executor, &context);
        weft_free(text);
    }
    if (entry->task != NULL)
        weft_task_release(entry->task);
    weft_free(entry);
}
