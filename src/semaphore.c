/* weft_semaphore: asyncio.Semaphore and BoundedSemaphore, following
 * CPython 3.11.7 Lib/asyncio/locks.py (the FIFO-fair version that came
 * with gh-90155): a waker hands the permit over by decrementing the value
 * for the waiter it wakes, so nobody can take it in between. */
#include <limits.h>
#include <pthread.h>

#include "alloc.h"
#include "error.h"
#include "task.h"
#include "waiter.h"

struct weft_semaphore {
    pthread_mutex_t mutex; /* guards everything below */
    int value;
    int bound; /* the initial value, when bounded */
    bool bounded;
    weft_waitlist waiters;
    size_t users; /* tasks and threads inside a waiting acquire */
};

int weft_semaphore_new(int value, bool bounded, weft_semaphore **out)
{
    if (out == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_semaphore_new: out is NULL");
    *out = NULL;
    if (value < 0)
        return weft_error_set(WEFT_EINVAL, "Semaphore initial value must be >= 0");
    weft_semaphore *semaphore = weft_calloc(1, sizeof(*semaphore));
    if (semaphore == NULL)
        return weft_error_set(WEFT_ENOMEM, "out of memory creating a semaphore");
    if (weft_waiter_mutex_init(&semaphore->mutex) != 0) {
        weft_free(semaphore);
        return WEFT_ESYSTEM;
    }
    semaphore->value = value;
    semaphore->bound = value;
    semaphore->bounded = bounded;
    weft_waitlist_init(&semaphore->waiters);
    *out = semaphore;
    return 0;
}

int weft_semaphore_free(weft_semaphore *semaphore)
{
    if (semaphore == NULL)
        return 0;
    pthread_mutex_lock(&semaphore->mutex);
    size_t users = semaphore->users;
    pthread_mutex_unlock(&semaphore->mutex);
    if (users > 0)
        return weft_error_set(WEFT_EINVALSTATE,
                              "weft_semaphore_free: %zu waiter(s) still inside acquire", users);
    pthread_mutex_destroy(&semaphore->mutex);
    weft_free(semaphore);
    return 0;
}

/* Semaphore.locked(). */
static bool is_locked(weft_semaphore *semaphore)
{
    if (semaphore->value == 0)
        return true;
    for (weft_waiter *waiter = semaphore->waiters.head; waiter != NULL; waiter = waiter->next)
        if (!weft_waiter_cancelled(waiter))
            return true;
    return false;
}

/* Semaphore._wake_up_next: the first waiter that is not done gets the
 * permit. */
static void wake_up_next(weft_semaphore *semaphore)
{
    for (weft_waiter *waiter = semaphore->waiters.head; waiter != NULL; waiter = waiter->next) {
        if (!weft_waiter_done(waiter) && weft_waiter_wake(waiter)) {
            semaphore->value--;
            return;
        }
    }
}

/* Semaphore.acquire for the running task self, or for the calling thread
 * when self is NULL (deadline: when it gives up, NULL for never); both wait
 * in the one FIFO. */
static int acquire_as(weft_semaphore *semaphore, weft_task *self, const struct timespec *deadline)
{
    pthread_mutex_lock(&semaphore->mutex);
    if (!is_locked(semaphore)) {
        semaphore->value--;
        pthread_mutex_unlock(&semaphore->mutex);
        return 0;
    }
    weft_waiter waiter;
    if (weft_waiter_init(&waiter, self) != 0) {
        pthread_mutex_unlock(&semaphore->mutex);
        return WEFT_ESYSTEM;
    }
    semaphore->users++;
    weft_waitlist_append(&semaphore->waiters, &waiter);
    int code = weft_waiter_wait(&waiter, &semaphore->mutex, deadline);
    weft_waitlist_remove(&semaphore->waiters, &waiter);
    if (code != 0) {
        /* Woken, then cancelled before running: give the permit back and
         * pass it on. (A thread that timed out was never woken: it holds
         * no permit.) */
        if (!weft_waiter_cancelled(&waiter)) {
            semaphore->value++;
            wake_up_next(semaphore);
        }
    } else if (semaphore->value > 0) {
        wake_up_next(semaphore);
    }
    semaphore->users--;
    pthread_mutex_unlock(&semaphore->mutex);
    weft_waiter_destroy(&waiter);
    return code;
}

int weft_semaphore_acquire(weft_semaphore *semaphore)
{
    weft_task *self = weft_waiter_running_task("weft_semaphore_acquire");
    if (self == NULL)
        return weft_last_error();
    if (semaphore == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_semaphore_acquire: semaphore is NULL");
    return acquire_as(semaphore, self, NULL);
}

int weft_semaphore_acquire_blocking(weft_semaphore *semaphore, double timeout)
{
    struct timespec storage;
    const struct timespec *deadline;
    int code = weft_waiter_blocking_prologue("weft_semaphore_acquire_blocking", semaphore,
                                             "semaphore", timeout, &storage, &deadline);
    if (code != 0)
        return code;
    return acquire_as(semaphore, NULL, deadline);
}

int weft_semaphore_release(weft_semaphore *semaphore)
{
    if (semaphore == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_semaphore_release: semaphore is NULL");
    pthread_mutex_lock(&semaphore->mutex);
    if (semaphore->bounded && semaphore->value >= semaphore->bound) {
        pthread_mutex_unlock(&semaphore->mutex);
        return weft_error_set(WEFT_EINVAL, "BoundedSemaphore released too many times");
    }
    if (semaphore->value == INT_MAX) {
        pthread_mutex_unlock(&semaphore->mutex);
        return weft_error_set(WEFT_EINVAL, "Semaphore value would exceed INT_MAX");
    }
    semaphore->value++;
    wake_up_next(semaphore);
    pthread_mutex_unlock(&semaphore->mutex);
    return 0;
}

bool weft_semaphore_locked(const weft_semaphore *semaphore)
{
    if (semaphore == NULL)
        return false;
    weft_semaphore *mutable_semaphore = (weft_semaphore *)semaphore;
    pthread_mutex_lock(&mutable_semaphore->mutex);
    bool locked = is_locked(mutable_semaphore);
    pthread_mutex_unlock(&mutable_semaphore->mutex);
    return locked;
}
