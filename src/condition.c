/* weft_condition: asyncio.Condition (CPython 3.11 Lib/asyncio/locks.py)
 * over a weft_lock, with one fix taken from later CPython (gh-112202, in
 * 3.13): a waiter that was notified but is cancelled before it returns
 * passes its notification on, so a notify(1) is never lost. */
#include <pthread.h>
#include <stdint.h>

#include "alloc.h"
#include "error.h"
#include "lock.h"
#include "task.h"
#include "waiter.h"

struct weft_condition {
    pthread_mutex_t mutex; /* guards waiters and users, never held with lock's */
    weft_lock *lock;
    bool owns_lock;
    weft_waitlist waiters;
    size_t users; /* tasks and threads inside wait */
};

int weft_condition_new(weft_lock *lock, weft_condition **out)
{
    if (out == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_condition_new: out is NULL");
    *out = NULL;
    weft_condition *condition = weft_calloc(1, sizeof(*condition));
    if (condition == NULL)
        return weft_error_set(WEFT_ENOMEM, "out of memory creating a condition");
    if (weft_waiter_mutex_init(&condition->mutex) != 0) {
        weft_free(condition);
        return WEFT_ESYSTEM;
    }
    if (lock == NULL) {
        int code = weft_lock_new(&lock);
        if (code != 0) {
            pthread_mutex_destroy(&condition->mutex);
            weft_free(condition);
            return code;
        }
        condition->owns_lock = true;
    }
    condition->lock = lock;
    weft_waitlist_init(&condition->waiters);
    *out = condition;
    return 0;
}

int weft_condition_free(weft_condition *condition)
{
    if (condition == NULL)
        return 0;
    pthread_mutex_lock(&condition->mutex);
    size_t users = condition->users;
    pthread_mutex_unlock(&condition->mutex);
    if (users > 0)
        return weft_error_set(WEFT_EINVALSTATE,
                              "weft_condition_free: %zu waiter(s) still inside wait", users);
    if (condition->owns_lock) {
        int code = weft_lock_free(condition->lock);
        if (code != 0)
            return code; /* a task still waits to acquire it */
    }
    pthread_mutex_destroy(&condition->mutex);
    weft_free(condition);
    return 0;
}

int weft_condition_acquire(weft_condition *condition)
{
    if (condition == NULL) {
        /* Same precedence as the other waiting calls: task first. */
        if (weft_waiter_running_task("weft_condition_acquire") == NULL)
            return weft_last_error();
        return weft_error_set(WEFT_EINVAL, "weft_condition_acquire: condition is NULL");
    }
    return weft_lock_acquire(condition->lock);
}

int weft_condition_acquire_blocking(weft_condition *condition, double timeout)
{
    struct timespec storage;
    const struct timespec *deadline;
    int code = weft_waiter_blocking_prologue("weft_condition_acquire_blocking", condition,
                                             "condition", timeout, &storage, &deadline);
    if (code != 0)
        return code;
    return weft_lock_acquire_as(condition->lock, NULL, deadline);
}

int weft_condition_release(weft_condition *condition)
{
    if (condition == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_condition_release: condition is NULL");
    return weft_lock_release(condition->lock);
}

bool weft_condition_locked(const weft_condition *condition)
{
    return condition != NULL && weft_lock_locked(condition->lock);
}

/* Condition.notify without the lock check. */
static void notify_waiters(weft_condition *condition, size_t n)
{
    size_t woken = 0;
    pthread_mutex_lock(&condition->mutex);
    for (weft_waiter *waiter = condition->waiters.head; waiter != NULL && woken < n;
         waiter = waiter->next) {
        if (!weft_waiter_done(waiter) && weft_waiter_wake(waiter))
            woken++;
    }
    pthread_mutex_unlock(&condition->mutex);
}

/* Condition.wait for the running task self, or for the calling thread when
 * self is NULL, which stops waiting for a notify at deadline (NULL: never)
 * but, like a task, always takes the lock back before returning. */
static int wait_as(weft_condition *condition, weft_task *self, const struct timespec *deadline)
{
    if (!weft_lock_locked(condition->lock))
        return weft_error_set(WEFT_ENOTACQUIRED, "cannot wait on un-acquired lock");

    weft_waiter waiter;
    if (weft_waiter_init(&waiter, self) != 0)
        return WEFT_ESYSTEM;
    pthread_mutex_lock(&condition->mutex);
    condition->users++;
    /* Listed before the lock is released: a notify made by whoever takes
     * the lock next cannot miss us (asyncio releases first, which is the
     * same thing on one thread). */
    weft_waitlist_append(&condition->waiters, &waiter);
    pthread_mutex_unlock(&condition->mutex);
    int released = weft_lock_release(condition->lock);
    pthread_mutex_lock(&condition->mutex);
    int code = released;
    if (released == 0)
        code = weft_waiter_wait(&waiter, &condition->mutex, deadline);
    weft_waitlist_remove(&condition->waiters, &waiter);
    /* A thread's notify beats its deadline (weft_waiter_wait), so only a
     * task can be both notified and failing here. */
    bool notified = weft_waiter_done(&waiter) && !weft_waiter_cancelled(&waiter);
    if (released != 0) {
        /* The lock was released under us by someone else: nothing to wait
         * for or to take back. */
        pthread_mutex_unlock(&condition->mutex);
        if (notified)
            notify_waiters(condition, 1);
        pthread_mutex_lock(&condition->mutex);
        condition->users--;
        pthread_mutex_unlock(&condition->mutex);
        weft_waiter_destroy(&waiter);
        return code;
    }
    pthread_mutex_unlock(&condition->mutex);
    char *message = code != 0 ? weft_strdup(weft_last_error_message()) : NULL;

    /* Take the lock back whatever happens; a task's cancel meanwhile is
     * kept for after (each one is a fresh wait for the lock, as in
     * asyncio). A thread waits without a deadline here: it can only fail
     * to get a condition variable. */
    bool cancelled_while_acquiring = false;
    int acquired;
    for (;;) {
        acquired = weft_lock_acquire_as(condition->lock, self, NULL);
        if (acquired == 0 || self == NULL)
            break;
        cancelled_while_acquiring = true;
    }
    if (notified && (code != 0 || cancelled_while_acquiring || acquired != 0))
        notify_waiters(condition, 1);

    pthread_mutex_lock(&condition->mutex);
    condition->users--;
    pthread_mutex_unlock(&condition->mutex);
    weft_waiter_destroy(&waiter);
    if (acquired != 0) {
        weft_free(message);
        return acquired; /* WEFT_ESYSTEM, its message set */
    }
    if (cancelled_while_acquiring) {
        /* 3.11 raises a fresh CancelledError there: no message. */
        weft_free(message);
        return weft_error_set_owned(WEFT_ECANCELLED, NULL);
    }
    if (code != 0)
        return weft_error_set_owned(code, message);
    return 0;
}

int weft_condition_wait(weft_condition *condition)
{
    weft_task *self = weft_waiter_running_task("weft_condition_wait");
    if (self == NULL)
        return weft_last_error();
    if (condition == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_condition_wait: condition is NULL");
    return wait_as(condition, self, NULL);
}

int weft_condition_wait_blocking(weft_condition *condition, double timeout)
{
    struct timespec storage;
    const struct timespec *deadline;
    int code = weft_waiter_blocking_prologue("weft_condition_wait_blocking", condition, "condition",
                                             timeout, &storage, &deadline);
    if (code != 0)
        return code;
    return wait_as(condition, NULL, deadline);
}

int weft_condition_wait_for(weft_condition *condition, weft_predicate_fn predicate, void *arg)
{
    weft_task *self = weft_waiter_running_task("weft_condition_wait_for");
    if (self == NULL)
        return weft_last_error();
    if (condition == NULL || predicate == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_condition_wait_for: %s is NULL",
                              condition == NULL ? "condition" : "predicate");
    while (!predicate(arg)) {
        int code = weft_condition_wait(condition);
        if (code != 0)
            return code;
    }
    return 0;
}

int weft_condition_notify(weft_condition *condition, size_t n)
{
    if (condition == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_condition_notify: condition is NULL");
    if (!weft_lock_locked(condition->lock))
        return weft_error_set(WEFT_ENOTACQUIRED, "cannot notify on un-acquired lock");
    notify_waiters(condition, n);
    return 0;
}

int weft_condition_notify_all(weft_condition *condition)
{
    return weft_condition_notify(condition, SIZE_MAX);
}
