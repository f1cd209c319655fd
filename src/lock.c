/* weft_lock: asyncio.Lock (CPython 3.11 Lib/asyncio/locks.py): a FIFO of
 * waiters, a release that wakes the first, and a fast path that never
 * barges past a woken waiter. */
#include "lock.h"

#include <pthread.h>

#include "alloc.h"
#include "error.h"
#include "task.h"
#include "waiter.h"

struct weft_lock {
    pthread_mutex_t mutex; /* guards everything below */
    bool locked;
    weft_waitlist waiters;
    size_t users; /* tasks and threads inside a waiting acquire: free must refuse */
};

int weft_lock_new(weft_lock **out)
{
    if (out == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_lock_new: out is NULL");
    *out = NULL;
    weft_lock *lock = weft_calloc(1, sizeof(*lock));
    if (lock == NULL)
        return weft_error_set(WEFT_ENOMEM, "out of memory creating a lock");
    if (weft_waiter_mutex_init(&lock->mutex) != 0) {
        weft_free(lock);
        return WEFT_ESYSTEM;
    }
    weft_waitlist_init(&lock->waiters);
    *out = lock;
    return 0;
}

int weft_lock_free(weft_lock *lock)
{
    if (lock == NULL)
        return 0;
    pthread_mutex_lock(&lock->mutex);
    size_t users = lock->users;
    pthread_mutex_unlock(&lock->mutex);
    if (users > 0)
        return weft_error_set(WEFT_EINVALSTATE,
                              "weft_lock_free: %zu waiter(s) still inside acquire", users);
    pthread_mutex_destroy(&lock->mutex);
    weft_free(lock);
    return 0;
}

/* Lock._wake_up_first: only the head is looked at. A head that is done
 * (woken, or cancelled) will run and either take the lock or, cancelled
 * and finding it free, call this again for the next one. */
static void wake_up_first(weft_lock *lock)
{
    if (lock->waiters.head != NULL)
        weft_waiter_wake(lock->waiters.head);
}

static bool all_waiters_cancelled(weft_lock *lock)
{
    for (weft_waiter *waiter = lock->waiters.head; waiter != NULL; waiter = waiter->next)
        if (!weft_waiter_cancelled(waiter))
            return false;
    return true;
}

int weft_lock_acquire_as(weft_lock *lock, weft_task *self, const struct timespec *deadline)
{
    pthread_mutex_lock(&lock->mutex);
    /* A woken waiter is done but not cancelled: it keeps newcomers out
     * until it has run and taken the lock. A thread waiter reads as
     * cancelled only once it timed out, and unlinks itself before it lets
     * go of the mutex, so the rule is the same for both kinds. */
    if (!lock->locked && all_waiters_cancelled(lock)) {
        lock->locked = true;
        pthread_mutex_unlock(&lock->mutex);
        return 0;
    }
    weft_waiter waiter;
    if (weft_waiter_init(&waiter, self) != 0) {
        pthread_mutex_unlock(&lock->mutex);
        return WEFT_ESYSTEM;
    }
    lock->users++;
    weft_waitlist_append(&lock->waiters, &waiter);
    int code = weft_waiter_wait(&waiter, &lock->mutex, deadline);
    weft_waitlist_remove(&lock->waiters, &waiter);
    if (code != 0) {
        /* Cancelled, perhaps after being woken (a thread times out only
         * when it was not woken): the lock must not stay free with a live
         * waiter nobody will wake. */
        if (!lock->locked)
            wake_up_first(lock);
    } else {
        lock->locked = true;
    }
    lock->users--;
    pthread_mutex_unlock(&lock->mutex);
    weft_waiter_destroy(&waiter);
    return code;
}

int weft_lock_acquire(weft_lock *lock)
{
    weft_task *self = weft_waiter_running_task("weft_lock_acquire");
    if (self == NULL)
        return weft_last_error();
    if (lock == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_lock_acquire: lock is NULL");
    return weft_lock_acquire_as(lock, self, NULL);
}

int weft_lock_acquire_blocking(weft_lock *lock, double timeout)
{
    struct timespec storage;
    const struct timespec *deadline;
    int code = weft_waiter_blocking_prologue("weft_lock_acquire_blocking", lock, "lock", timeout,
                                             &storage, &deadline);
    if (code != 0)
        return code;
    return weft_lock_acquire_as(lock, NULL, deadline);
}

int weft_lock_release(weft_lock *lock)
{
    if (lock == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_lock_release: lock is NULL");
    pthread_mutex_lock(&lock->mutex);
    if (!lock->locked) {
        pthread_mutex_unlock(&lock->mutex);
        return weft_error_set(WEFT_ENOTACQUIRED, "Lock is not acquired.");
    }
    lock->locked = false;
    wake_up_first(lock);
    pthread_mutex_unlock(&lock->mutex);
    return 0;
}

bool weft_lock_locked(const weft_lock *lock)
{
    if (lock == NULL)
        return false;
    weft_lock *mutable_lock = (weft_lock *)lock;
    pthread_mutex_lock(&mutable_lock->mutex);
    bool locked = lock->locked;
    pthread_mutex_unlock(&mutable_lock->mutex);
    return locked;
}
