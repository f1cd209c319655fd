/* A scheduled callback (asyncio's Handle / TimerHandle): call_soon,
 * call_later, call_at, and the internal timer of weft_sleep. */
#ifndef WEFT_HANDLE_H
#define WEFT_HANDLE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "runnable.h"
#include "weft.h"

#define WEFT_HANDLE_SOON INT64_MIN

struct weft_handle {
    weft_runnable runnable; /* first: the ready queue holds &handle->runnable */
    /* One reference for the loop while the call is queued or in a timer
     * heap, one for the user if they asked for the handle. */
    atomic_int references;
    /* WEFT_HANDLE_CANCELLED | WEFT_HANDLE_RUNNING, changed only by RMWs so
     * a cancel and a run on different threads are totally ordered: either
     * the run sees the cancel and skips, or the canceller sees RUNNING and
     * can wait for the callback to finish (weft_handle_cancel_and_wait).
     * Cancelled handles stay queued and are dropped lazily (L5). */
    atomic_uint flags;
    int64_t when_ns;   /* loop time in ns, >= 0; WEFT_HANDLE_SOON for call_soon */
    uint64_t sequence; /* tie-break for equal deadlines: FIFO */
    /* The heap holding it, NULL when not in one. Written by the heap's
     * worker; read by cancel on any thread, hence atomic (relaxed: only
     * compared with the caller's own heap). */
    _Atomic(struct weft_timer_heap *) heap;
    weft_executor *executor;
    weft_callback_fn fn;
    void *arg;
    const char *name; /* the callback's C name, for messages */
    const char *file;
    int line;
};

/* A new handle with one reference (the loop's). NULL when out of memory. */
weft_handle *weft_handle_new(weft_executor *executor, int64_t when_ns, weft_callback_fn fn,
                             void *arg, const char *name, const char *file, int line);
/* Runs the callback unless cancelled; errors go to the exception handler. */
void weft_handle_run(weft_handle *handle);

#define WEFT_HANDLE_CANCELLED 1u
#define WEFT_HANDLE_RUNNING 2u

static inline bool weft_handle_is_cancelled(const weft_handle *handle)
{
    return atomic_load_explicit(&handle->flags, memory_order_relaxed) & WEFT_HANDLE_CANCELLED;
}

/* Cancels and, if the callback is running on another worker right now,
 * waits until it returns: afterwards nothing it uses is touched again. */
void weft_handle_cancel_and_wait(weft_handle *handle);

void weft_handle_retain_internal(weft_handle *handle);

#endif

