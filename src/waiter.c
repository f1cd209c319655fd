/* Waiters and their FIFO: how a primitive suspends a task or parks a
 * thread, and how a waker wakes exactly one of them. */
#include "waiter.h"

#include <errno.h>
#include <math.h>

#include "error.h"
#include "executor.h"
#include "task.h"
#include "worker.h"

void weft_waitlist_init(weft_waitlist *list)
{
    list->head = NULL;
    list->tail = NULL;
    list->length = 0;
}

void weft_waitlist_append(weft_waitlist *list, weft_waiter *waiter)
{
    waiter->next = NULL;
    waiter->prev = list->tail;
    if (list->tail != NULL)
        list->tail->next = waiter;
    else
        list->head = waiter;
    list->tail = waiter;
    list->length++;
    waiter->linked = true;
}

void weft_waitlist_remove(weft_waitlist *list, weft_waiter *waiter)
{
    if (!waiter->linked)
        return;
    if (waiter->prev != NULL)
        waiter->prev->next = waiter->next;
    else
        list->head = waiter->next;
    if (waiter->next != NULL)
        waiter->next->prev = waiter->prev;
    else
        list->tail = waiter->prev;
    waiter->prev = waiter->next = NULL;
    waiter->linked = false;
    list->length--;
}

weft_waiter *weft_waitlist_pop_front(weft_waitlist *list)
{
    weft_waiter *waiter = list->head;
    if (waiter != NULL)
        weft_waitlist_remove(list, waiter);
    return waiter;
}

void weft_waiter_init_task(weft_waiter *waiter, weft_task *self)
{
    waiter->prev = waiter->next = NULL;
    waiter->linked = false;
    waiter->task = self;
    /* A plain future (task NULL): cancelling self cancels it under self's
     * lock, which is what makes a future on this stack safe to cancel. */
    weft_future_init(&waiter->future, NULL);
    waiter->thread_state = WEFT_THREAD_WAITING;
}

int weft_waiter_init_thread(weft_waiter *waiter)
{
    waiter->prev = waiter->next = NULL;
    waiter->linked = false;
    waiter->task = NULL;
    waiter->thread_state = WEFT_THREAD_WAITING;
    pthread_condattr_t attributes;
    if (pthread_condattr_init(&attributes) != 0)
        return weft_error_set(WEFT_ESYSTEM, "cannot create a condition variable");
    /* Deadlines come from weft_deadline_after, on CLOCK_MONOTONIC. */
    int failed = pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC) != 0 ||
                 pthread_cond_init(&waiter->wakeup, &attributes) != 0;
    pthread_condattr_destroy(&attributes);
    if (failed)
        return weft_error_set(WEFT_ESYSTEM, "cannot create a condition variable");
    return 0;
}

int weft_waiter_init(weft_waiter *waiter, weft_task *self)
{
    if (self == NULL)
        return weft_waiter_init_thread(waiter);
    weft_waiter_init_task(waiter, self);
    return 0;
}

void weft_waiter_destroy(weft_waiter *waiter)
{
    if (waiter->task != NULL)
        weft_future_destroy(&waiter->future);
    else
        pthread_cond_destroy(&waiter->wakeup);
}

bool weft_waiter_done(weft_waiter *waiter)
{
    if (waiter->task != NULL)
        return weft_future_done(&waiter->future);
    return waiter->thread_state != WEFT_THREAD_WAITING;
}

bool weft_waiter_cancelled(weft_waiter *waiter)
{
    if (waiter->task != NULL)
        return weft_future_state_of(&waiter->future) == WEFT_FUTURE_CANCELLED;
    return waiter->thread_state == WEFT_THREAD_TIMED_OUT;
}

bool weft_waiter_wake(weft_waiter *waiter)
{
    if (waiter->task != NULL) {
        /* Loses cleanly against a concurrent cancel (both take the
         * future's lock); the woken task stays blocked on our mutex until
         * the waker lets go of it, so the waiter outlives this call. */
        return weft_future_complete(&waiter->future, WEFT_FUTURE_FINISHED, 0, NULL, NULL);
    }
    if (waiter->thread_state != WEFT_THREAD_WAITING)
        return false;
    waiter->thread_state = WEFT_THREAD_WOKEN;
    pthread_cond_signal(&waiter->wakeup);
    return true;
}

int weft_waiter_wait(weft_waiter *waiter, pthread_mutex_t *mutex, const struct timespec *deadline)
{
    if (waiter->task != NULL) {
        pthread_mutex_unlock(mutex);
        int code = weft_task_await_future(waiter->task, &waiter->future);
        if (code == 0)
            code = weft_future_outcome(&waiter->future, NULL);
        pthread_mutex_lock(mutex);
        return code;
    }
    while (waiter->thread_state == WEFT_THREAD_WAITING) {
        if (deadline == NULL) {
            pthread_cond_wait(&waiter->wakeup, mutex);
        } else if (pthread_cond_timedwait(&waiter->wakeup, mutex, deadline) == ETIMEDOUT &&
                   waiter->thread_state == WEFT_THREAD_WAITING) {
            /* A wake-up that raced the deadline wins; otherwise give up. */
            waiter->thread_state = WEFT_THREAD_TIMED_OUT;
            return weft_error_set(WEFT_ETIMEDOUT, "timed out");
        }
    }
    return 0;
}

weft_task *weft_waiter_running_task(const char *function)
{
    weft_task *task = weft_task_current_internal();
    if (task == NULL)
        weft_error_set(weft_executor_running() != NULL ? WEFT_ENOTASK : WEFT_ENOLOOP,
                       "%s() must be called from a running task", function);
    return task;
}

int weft_waiter_blocking_prologue(const char *function, const void *object,
                                  const char *object_name, double timeout,
                                  struct timespec *storage, const struct timespec **deadline)
{
    *deadline = NULL;
    if (weft_worker_current() != NULL)
        return weft_error_set(WEFT_ERUNNING,
                              "%s() would block a worker thread: use the waiting call of a task",
                              function);
    if (isnan(timeout))
        return weft_error_set(WEFT_EINVAL, "%s: timeout is NaN", function);
    if (object == NULL)
        return weft_error_set(WEFT_EINVAL, "%s: %s is NULL", function, object_name);
    if (timeout >= 0) {
        if (timeout > 1e9)
            timeout = 1e9; /* keep the deadline inside int64 nanoseconds */
        *storage = weft_deadline_after((int64_t)(timeout * 1e9));
        *deadline = storage;
    }
    return 0;
}

int weft_waiter_mutex_init(pthread_mutex_t *mutex)
{
    if (pthread_mutex_init(mutex, NULL) != 0)
        return weft_error_set(WEFT_ESYSTEM, "cannot create a mutex");
    return 0;
}
