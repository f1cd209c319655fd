#include "coro.h"

#include <stdio.h>

#include "alloc.h"
#include "error.h"
#include "executor.h"

void weft_coro_init(weft_coro *coro, weft_fn fn, void *arg, const char *name, const char *file,
                    int line)
{
    coro->fn = fn;
    coro->arg = arg;
    coro->name = name != NULL ? name : "coroutine";
    coro->file = file != NULL ? file : "?";
    coro->line = line;
    atomic_init(&coro->state, WEFT_CORO_FRESH);
    coro->task = NULL;
    coro->embedded = false;
    atomic_init(&coro->reported, false);
    coro->tracker = NULL;
    coro->track_prev = coro->track_next = NULL;
}

weft_coro *weft_coro_new_named(weft_fn fn, void *arg, const char *name, const char *file, int line)
{
    if (fn == NULL) {
        weft_error_set(WEFT_ENOTCORO, "a coroutine function was expected, got NULL");
        return NULL;
    }
    weft_coro *coro = weft_malloc(sizeof(*coro));
    if (coro == NULL) {
        weft_error_set(WEFT_ENOMEM, "out of memory creating coroutine %s()", name ? name : "");
        return NULL;
    }
    weft_coro_init(coro, fn, arg, name, file, line);
    /* Only coroutines made on a running loop are tracked: that loop's
     * shutdown is where an unawaited one is reported (asyncio warns when it
     * is garbage collected). */
    weft_executor *executor = weft_executor_running();
    if (executor != NULL)
        weft_executor_track_coro(executor, coro);
    return coro;
}

int weft_coro_claim(weft_coro *coro, weft_coro_state new_state)
{
    weft_coro_state expected = WEFT_CORO_FRESH;
    if (atomic_compare_exchange_strong_explicit(&coro->state, &expected, new_state,
                                                memory_order_acq_rel, memory_order_acquire)) {
        weft_coro_untrack(coro);
        return 0;
    }
    if (expected == WEFT_CORO_DONE)
        return weft_error_set(WEFT_EREUSED, "cannot reuse already awaited coroutine");
    return weft_error_set(WEFT_EAWAITED, "coroutine is being awaited already");
}

void weft_coro_untrack(weft_coro *coro)
{
    weft_executor *executor = coro->tracker;
    if (executor == NULL)
        return;
    pthread_mutex_lock(&executor->lock);
    if (coro->track_prev != NULL)
        coro->track_prev->track_next = coro->track_next;
    else
        executor->fresh_coros = coro->track_next;
    if (coro->track_next != NULL)
        coro->track_next->track_prev = coro->track_prev;
    coro->track_prev = coro->track_next = NULL;
    coro->tracker = NULL;
    pthread_mutex_unlock(&executor->lock);
    weft_executor_release(executor);
}

void weft_coro_destroy(weft_coro *coro)
{
    weft_coro_untrack(coro);
    if (!coro->embedded)
        weft_free(coro);
}

void weft_coro_warn_never_awaited(weft_executor *executor, const weft_coro *coro)
{
    char source[256];
    snprintf(source, sizeof source, "%s() at %s:%d", coro->name, coro->file, coro->line);
    char *text = weft_format("coroutine '%s' was never awaited", coro->name);
    weft_exception_context context = {
        .message = text != NULL ? text : "coroutine was never awaited",
        .source = source,
    };
    weft_call_exception_handler(executor, &context);
    weft_free(text);
}

int weft_coro_free(weft_coro *coro)
{
    if (coro == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_coro_free: coro is NULL");
    if (weft_coro_state_of(coro) != WEFT_CORO_FRESH)
        return weft_error_set(WEFT_EINVALSTATE,
                              "coroutine %s() belongs to a task: release the task instead",
                              coro->name);
    if (!atomic_load_explicit(&coro->reported, memory_order_relaxed))
        weft_coro_warn_never_awaited(
            coro->tracker != NULL ? coro->tracker : weft_executor_running(), coro);
    weft_coro_destroy(coro);
    return 0;
}

const char *weft_coro_get_name(const weft_coro *coro)
{
    return coro != NULL ? coro->name : NULL;
}

int weft_coro_describe(const weft_coro *coro, char *buf, size_t size)
{
    if (coro == NULL || (buf == NULL && size > 0))
        return weft_error_set(WEFT_EINVAL, "weft_coro_describe: NULL argument");
    return snprintf(buf, size, "<coroutine object %s at %p>", coro->name, (const void *)coro);
}
