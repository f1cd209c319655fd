/* A one-shot result with an ordered list of done callbacks: asyncio's Future.
 * Every task embeds one; weft_sleep waits on one that lives on its stack. */
#ifndef WEFT_FUTURE_H
#define WEFT_FUTURE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "runnable.h"
#include "spinlock.h"
#include "weft.h"

typedef enum weft_future_state {
    WEFT_FUTURE_PENDING,
    WEFT_FUTURE_FINISHED, /* with a result, or with an error code */
    WEFT_FUTURE_CANCELLED,
} weft_future_state;

/* One registration in a future's callback list: asyncio's Task.__wakeup of a
 * waiting task (just this link, embedded in the waiter, so awaiting
 * allocates nothing and a task carries 16 bytes for it) or the link of a
 * user's done callback (inside a weft_callback_entry). */
typedef struct weft_callback_link {
    struct weft_callback_link *next;
    weft_task *waiter; /* wake-up: the task to wake; NULL in a done callback */
} weft_callback_link;

/* A user's done callback, which becomes a runnable of its own when the
 * future completes (C1). */
typedef struct weft_callback_entry {
    weft_runnable runnable; /* first: queued as WEFT_RUNNABLE_DONE_CALLBACK */
    weft_callback_link link; /* waiter NULL */
    weft_done_fn fn;
    void *arg;
    weft_task *task;        /* the finished task handed to fn (referenced while queued) */
    weft_executor *executor;
    const char *name;
    const char *file;
    int line;
} weft_callback_entry;

/* The done callback a link with waiter == NULL belongs to. */
static inline weft_callback_entry *weft_callback_entry_of(weft_callback_link *link)
{
    return (weft_callback_entry *)((char *)link - offsetof(weft_callback_entry, link));
}
/* asyncio lets a Future subclass override cancel(): gather's outer future
 * (_GatheringFuture) cancels its children instead of itself. A future may
 * carry such an override, a canceller: weft_future_cancel_any, and the cancel
 * of a task waiting on the future, call it instead of completing the future
 * CANCELLED. Futures without one (the default) behave as before. */
typedef struct weft_future_canceller {
    /* Future.cancel(msg) of the subclass; returns whether it did anything.
     * Called with no lock held; it may cancel tasks. */
    bool (*cancel)(void *arg, const char *msg);
    /* Pin and unpin arg (the object embedding the future): a task being
     * cancelled calls retain under its own lock, while it is known to be
     * waiting on the future, so cancel can run after that lock is dropped. */
    void (*retain)(void *arg);
    void (*release)(void *arg);
} weft_future_canceller;

typedef struct weft_future {
    /* Guards the callback list, the outcome while it is written, and (for a
     * task) its cancel fields. Rarely contended: only wakers and cancellers. */
    weft_spinlock lock;
    atomic_bool retrieved; /* R4: an error was looked at (by any thread) */
    /* Written with release after the outcome; read with acquire, so a thread
     * that sees a final state also sees result, error and messages. */
    _Atomic weft_future_state state;
    weft_callback_link *callbacks;
    weft_callback_link **callbacks_tail;
    int error;           /* FINISHED: 0 or the error code */
    char *error_message; /* FINISHED with an error, or CANCELLED: the message */
    void *result;
    weft_task *task;     /* the task embedding this future, or NULL */
    const weft_future_canceller *canceller; /* NULL: cancel completes it */
    void *canceller_arg;
} weft_future;

/* task: the task embedding future, or NULL for a plain future. */
void weft_future_init(weft_future *future, weft_task *task);
/* Installs a canceller (before anyone can wait on the future). */
static inline void weft_future_set_canceller(weft_future *future,
                                             const weft_future_canceller *canceller, void *arg)
{
    future->canceller = canceller;
    future->canceller_arg = arg;
}
/* Frees the messages; the future must be done or never have had callbacks. */
void weft_future_destroy(weft_future *future);

static inline weft_future_state weft_future_state_of(const weft_future *future)
{
    return atomic_load_explicit(&future->state, memory_order_acquire);
}

static inline bool weft_future_done(const weft_future *future)
{
    return weft_future_state_of(future) != WEFT_FUTURE_PENDING;
}

/* Completes a pending future (FINISHED with error/result, or CANCELLED with
 * message) and queues its callbacks in registration order (T6, C1). message
 * is owned by the future from here on. Returns false (and frees message) if
 * the future was already done. */
bool weft_future_complete(weft_future *future, weft_future_state state, int error, void *result,
                          char *message);

/* weft_future_complete in two halves, for a caller that must decide the
 * outcome under future->lock (a task's end, against a racing cancel): the
 * first, called with the lock held on a pending future, sets the outcome
 * and hands back the callbacks; the second, called after unlocking, queues
 * them. task is future->task, read before unlocking. */
weft_callback_link *weft_future_settle_locked(weft_future *future, weft_future_state state,
                                              int error, void *result, char *message);
void weft_future_dispatch(weft_callback_link *links, struct weft_task *task);

/* Registers link (a waiter's wake-up or a done callback's link); returns
 * false if the future is already done (the link was not added). */
bool weft_future_add(weft_future *future, weft_callback_link *link);
/* Unlinks link if still registered; returns whether it was. */
bool weft_future_remove_link(weft_future *future, weft_callback_link *link);

/* The outcome of a done future as weft_await returns it: 0 with *result, the
 * error code, or WEFT_ECANCELLED. The message is recorded as the caller's
 * last error. Marks the error retrieved. */
int weft_future_outcome(weft_future *future, void **result);

/* Queues a done-callback entry on the executor (scheduled from a worker or
 * from outside). */
void weft_callback_entry_schedule(weft_callback_entry *entry);
/* Runs a queued done callback and frees the entry. */
void weft_callback_entry_run(weft_callback_entry *entry);

#endif
