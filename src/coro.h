/* Coroutine objects: a function and its argument, one-shot. */
#ifndef WEFT_CORO_H
#define WEFT_CORO_H

#include <stdatomic.h>
#include <stdbool.h>

#include "weft.h"

typedef enum weft_coro_state {
    WEFT_CORO_FRESH,   /* created, owned by its creator */
    WEFT_CORO_OWNED,   /* handed to a task that has not started it */
    WEFT_CORO_RUNNING, /* started and not finished ("being awaited") */
    WEFT_CORO_DONE,    /* finished: reusing it is an error */
} weft_coro_state;

struct weft_coro {
    weft_fn fn;
    void *arg;
    const char *name;
    const char *file;
    int line;
    /* One transition out of FRESH wins (two tasks racing for one coroutine
     * from different workers): compare-and-swap, acq_rel. */
    _Atomic weft_coro_state state;
    weft_task *task;  /* owner once handed to a task */
    bool embedded;    /* allocated inside its task (weft_spawn path) */
    /* Debug mode: already reported "never awaited" at its executor's
     * shutdown, so weft_coro_free stays quiet. Set under the executor's
     * lock; atomic because the owner may free it from another thread. */
    atomic_bool reported;
    /* "Never awaited" tracking: coroutines created on a loop are listed on
     * their executor until handed over (under the executor's lock). */
    weft_executor *tracker;
    struct weft_coro *track_prev;
    struct weft_coro *track_next;
};

void weft_coro_init(weft_coro *coro, weft_fn fn, void *arg, const char *name, const char *file,
                    int line);
/* FRESH -> new_state. Returns 0, or WEFT_EAWAITED / WEFT_EREUSED (with the
 * asyncio message recorded) when the coroutine is not fresh. */
int weft_coro_claim(weft_coro *coro, weft_coro_state new_state);
static inline weft_coro_state weft_coro_state_of(const weft_coro *coro)
{
    return atomic_load_explicit(&coro->state, memory_order_acquire);
}
static inline void weft_coro_set_state(weft_coro *coro, weft_coro_state state)
{
    atomic_store_explicit(&coro->state, state, memory_order_release);
}
/* Drops coro from its executor's never-awaited list. */
void weft_coro_untrack(weft_coro *coro);
/* Frees a coroutine object (not an embedded one). */
void weft_coro_destroy(weft_coro *coro);
/* Reports "coroutine 'NAME' was never awaited" through the handler. */
void weft_coro_warn_never_awaited(weft_executor *executor, const weft_coro *coro);

#endif
