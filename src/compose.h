/* Private helpers shared by the task-composition functions (gather.c,
 * wait.c, as_completed.c, wait_for.c, shield.c, timeout.c, task_group.c):
 * argument checks, pre-allocated done callbacks, timers, and the "waiter"
 * future that asyncio creates with loop.create_future() and releases from a
 * done callback or a timer.
 *
 * The composite objects live on the heap and are reference counted, because
 * a done callback already queued on another worker cannot be taken back:
 * whoever registers a callback gives it a reference, and the callback drops
 * it when it runs (or the registrant drops it after removing the callback). */
#ifndef WEFT_COMPOSE_H
#define WEFT_COMPOSE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "future.h"
#include "handle.h"
#include "task.h"
#include "weft.h"

/* The running task, or NULL with WEFT_ENOTASK (in a callback) or
 * WEFT_ENOLOOP (no loop) recorded. */
weft_task *weft_compose_self(const char *function);

/* Checks an array of tasks: not NULL when count > 0, no NULL element, every
 * task of executor. Returns 0 or WEFT_EINVAL (recorded). */
int weft_compose_check_tasks(const char *function, weft_task *const *tasks, size_t count,
                             const weft_executor *executor);

/* A set of pointers (open addressing), to wrap a repeated argument once as
 * asyncio's gather and wait do. */
typedef struct weft_ptrset {
    const void **slots;
    size_t mask;
} weft_ptrset;
/* 0, or -1 when out of memory (nothing recorded). */
int weft_ptrset_init(weft_ptrset *set, size_t count);
/* Adds p (not NULL); returns true if it was not there yet. */
bool weft_ptrset_add(weft_ptrset *set, const void *p);
void weft_ptrset_destroy(weft_ptrset *set);

/* Copies the distinct tasks of tasks[0..count) to unique, first occurrences
 * in argument order, and returns how many; SIZE_MAX with WEFT_ENOMEM
 * recorded when out of memory. */
size_t weft_compose_unique(weft_task *const *tasks, size_t count, weft_task **unique);

/* The outcome of a done task without touching the caller's last error: 0
 * and *result (result may be NULL), the task's code, or WEFT_ECANCELLED.
 * *message (may be NULL) is borrowed from the task. mark: count this as a
 * retrieval of the error (R4), as Future.exception() does. */
int weft_compose_peek(weft_task *task, void **result, const char **message, bool mark);

/* A done-callback registration allocated up front, so that registering it
 * cannot fail (NULL with WEFT_ENOMEM recorded). */
weft_callback_entry *weft_compose_entry_new(weft_executor *executor, weft_done_fn fn, void *arg,
                                            const char *name);
/* Registers entry on task; a task already done has it queued at once (C2). */
void weft_compose_entry_add(weft_task *task, weft_callback_entry *entry);
/* Removes the registration of (fn, arg) from task; true if it was still
 * registered (then it will never run). */
bool weft_compose_entry_remove(weft_task *task, weft_done_fn fn, void *arg);

/* True for a timeout meaning "no deadline" (WEFT_NO_TIMEOUT, +infinity). */
bool weft_compose_forever(double seconds);
/* A loop time in seconds as the timer heap's nanoseconds (clamped). */
int64_t weft_compose_time_ns(double when);

/* A timer calling fn(arg) at loop time when_ns on the calling worker
 * (WEFT_HANDLE_SOON: at the tail of the ready queue, like call_soon), with a
 * second reference for the caller, who must end it with
 * weft_handle_cancel_and_wait (nothing it uses is touched afterwards) and
 * weft_handle_release. NULL with WEFT_ENOMEM recorded on failure. */
weft_handle *weft_compose_timer(weft_executor *executor, int64_t when_ns, weft_callback_fn fn,
                                void *arg, const char *name);

/* asyncio's `waiter = loop.create_future()` released by _release_waiter,
 * from a done callback or a timer. The waiting call holds one reference and
 * each registered done callback one; a timer holds none (the waiting call
 * ends it with weft_handle_cancel_and_wait before letting go). */
typedef struct weft_waiter {
    atomic_int references; /* acq_rel on release: the freeing thread sees all uses */
    weft_future future;
} weft_waiter;

/* NULL with WEFT_ENOMEM recorded. One reference. */
weft_waiter *weft_waiter_new(void);
weft_waiter *weft_waiter_retain(weft_waiter *waiter);
void weft_waiter_release(weft_waiter *waiter);
/* _release_waiter: completes the future with None unless it is done. */
void weft_waiter_set(weft_waiter *waiter);
/* Done callback: weft_waiter_set, then drops the callback's reference. */
int weft_waiter_on_done(weft_task *task, void *waiter);
/* Timer callback: weft_waiter_set. */
int weft_waiter_on_timer(void *waiter);

/* Awaits future in the running task self and returns its outcome as
 * weft_await does (0 and *result, its code, WEFT_ECANCELLED), with the
 * message recorded. */
int weft_compose_await(weft_task *self, weft_future *future, void **result);

/* tasks._cancel_and_wait: cancels task (no message) and waits until it is
 * done, through a waiter so that this wait stays cancellable. Returns 0, or
 * WEFT_ECANCELLED (message recorded) if self was cancelled meanwhile, or
 * WEFT_ENOMEM. */
int weft_compose_cancel_and_wait(weft_task *self, weft_task *task);

#endif
