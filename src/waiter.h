/* The FIFO of waiters shared by the synchronization primitives (event.c,
 * lock.c, semaphore.c, condition.c, queue.c): asyncio's deque of per-waiter
 * futures. A waiter is a task suspended on its own plain future, or a
 * thread (not a worker) parked on its own condition variable; both live on
 * the waiter's stack.
 *
 * Every function here is called with the owning primitive's mutex held.
 * That mutex is what keeps a waiter alive while a waker looks at it: a
 * woken or cancelled waiter can only unlink itself, and return, after
 * taking the mutex, so a waker holding it may read any queued waiter. */
#ifndef WEFT_WAITER_H
#define WEFT_WAITER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "future.h"
#include "weft.h"

/* A thread waiter's outcome (written under the primitive's mutex). */
typedef enum weft_thread_wait_state {
    WEFT_THREAD_WAITING,
    WEFT_THREAD_WOKEN,
    WEFT_THREAD_TIMED_OUT, /* gave up: counts as cancelled */
} weft_thread_wait_state;

typedef struct weft_waiter {
    struct weft_waiter *prev, *next;
    bool linked;             /* in a waitlist right now */
    weft_task *task;         /* NULL for a thread waiter */
    weft_future future;      /* task waiter: FINISHED = woken, CANCELLED = cancelled */
    pthread_cond_t wakeup;   /* thread waiter */
    weft_thread_wait_state thread_state;
} weft_waiter;

typedef struct weft_waitlist {
    weft_waiter *head, *tail;
    size_t length;
} weft_waitlist;

void weft_waitlist_init(weft_waitlist *list);
void weft_waitlist_append(weft_waitlist *list, weft_waiter *waiter);
/* Unlinks waiter if it is still linked (a waker may have popped it). */
void weft_waitlist_remove(weft_waitlist *list, weft_waiter *waiter);
/* Unlinks and returns the first waiter, NULL when empty. */
weft_waiter *weft_waitlist_pop_front(weft_waitlist *list);

/* A waiter for the running task self / for the calling thread. 0, or
 * WEFT_ESYSTEM when a condition variable cannot be had. */
void weft_waiter_init_task(weft_waiter *waiter, weft_task *self);
int weft_waiter_init_thread(weft_waiter *waiter);
/* One of the two: for the running task self, or for the calling thread when
 * self is NULL (the *_blocking calls). 0 or WEFT_ESYSTEM. */
int weft_waiter_init(weft_waiter *waiter, weft_task *self);
/* Call once the waiter is unlinked and its wait has returned. */
void weft_waiter_destroy(weft_waiter *waiter);

/* asyncio's fut.done() / fut.cancelled() for a waiter. */
bool weft_waiter_done(weft_waiter *waiter);
bool weft_waiter_cancelled(weft_waiter *waiter);
/* fut.set_result(): wakes a waiter that is not done yet. Returns whether
 * this call woke it (false when it was already woken or cancelled, which
 * for a task may have happened an instant ago on another thread). The
 * woken task runs one hop later; a thread is signalled. */
bool weft_waiter_wake(weft_waiter *waiter);

/* Suspends until woken (or cancelled / timed out). Called with mutex held;
 * a task releases it for the suspension, a thread waits on it; either way
 * it is held again on return. deadline (CLOCK_MONOTONIC, threads only) may
 * be NULL. Returns 0 when woken, WEFT_ECANCELLED for a task (the cancel
 * message recorded, including the case where the cancel came after the
 * wake-up, asyncio's rule S3), WEFT_ETIMEDOUT for a thread. */
int weft_waiter_wait(weft_waiter *waiter, pthread_mutex_t *mutex, const struct timespec *deadline);

/* The running task for a waiting call named function, or NULL with last
 * error WEFT_ENOTASK (on a worker, outside a task) or WEFT_ENOLOOP. */
weft_task *weft_waiter_running_task(const char *function);
/* The checks every *_blocking call starts with, in this order: the caller
 * is not a worker thread (else WEFT_ERUNNING), timeout is not NaN and
 * object (named object_name in the message) is not NULL (else
 * WEFT_EINVAL). Converts timeout (seconds, < 0: none) into *deadline:
 * NULL for no limit, else storage. Returns 0 or the error (last error set). */
int weft_waiter_blocking_prologue(const char *function, const void *object,
                                  const char *object_name, double timeout,
                                  struct timespec *storage, const struct timespec **deadline);

/* A mutex for a primitive; 0 or WEFT_ESYSTEM (last error set). */
int weft_waiter_mutex_init(pthread_mutex_t *mutex);

#endif
