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
    /* Set by cancel; the loop skips and drops cancelled handles lazily, as
     * asyncio does (L5). Relaxed is enough in single-loop mode; with several
     * workers, cancel and run happen on the worker owning the timer. */
    atomic_bool cancelled;
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

static inline bool weft_handle_is_cancelled(const weft_handle *handle)
{
    return atomic_load_explicit(&handle->cancelled, memory_order_relaxed);
}

void weft_handle_retain_internal(weft_handle *handle);

#endif

