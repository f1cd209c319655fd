/* wait: asyncio.wait (tasks.wait and _wait, Python 3.11). A done callback
 * on each task decides FIRST_COMPLETED / FIRST_EXCEPTION / ALL_COMPLETED
 * and releases a waiter future; the caller resumes one hop after that, two
 * after the deciding completion. A timer releases the waiter on timeout. */
#include <math.h>
#include <stdint.h>

#include "alloc.h"
#include "compose.h"
#include "error.h"

#undef weft_wait

typedef struct wait_state {
    weft_waiter *waiter;     /* the state's reference */
    atomic_size_t remaining; /* `counter`: completions still to come */
    weft_wait_when when;
    /* The timeout's timer (the state's reference, so that a late callback
     * may still cancel it), or NULL. Set before any callback can run. */
    weft_handle *timer;
    /* One per registered callback plus the waiting call's; acq_rel on
     * release so the freeing thread sees every other use. */
    atomic_int references;
} wait_state;

static void wait_release(wait_state *state)
{
    if (atomic_fetch_sub_explicit(&state->references, 1, memory_order_acq_rel) != 1)
        return;
    if (state->timer != NULL)
        weft_handle_release(state->timer);
    weft_waiter_release(state->waiter);
    weft_free(state);
}

/* _wait's _on_completion. */
static int wait_on_completion(weft_task *task, void *arg)
{
    wait_state *state = arg;
    /* acq_rel: the completions are totally ordered, so exactly one sees 0. */
    size_t remaining =
        atomic_fetch_sub_explicit(&state->remaining, 1, memory_order_acq_rel) - 1;
    /* Evaluated like Python's `or` chain: f.exception() (a retrieval) only
     * when the earlier tests failed. */
    bool decided = remaining == 0 || state->when == WEFT_FIRST_COMPLETED ||
                   (state->when == WEFT_FIRST_EXCEPTION && !weft_task_cancelled(task) &&
                    weft_compose_peek(task, NULL, NULL, true) != 0);
    if (decided) {
        if (state->timer != NULL)
            weft_handle_cancel(state->timer);
        weft_waiter_set(state->waiter);
    }
    wait_release(state);
    return 0;
}

int weft_wait(weft_task *const *tasks, size_t count, double timeout, weft_wait_when when,
              bool *done)
{
    weft_task *self = weft_compose_self("weft_wait");
    if (self == NULL)
        return weft_last_error();
    int code = weft_compose_check_tasks("weft_wait", tasks, count, self->executor);
    if (code != 0)
        return code;
    if (count == 0)
        return weft_error_set(WEFT_EINVAL, "Set of Tasks/Futures is empty.");
    if (when != WEFT_ALL_COMPLETED && when != WEFT_FIRST_COMPLETED &&
        when != WEFT_FIRST_EXCEPTION)
        return weft_error_set(WEFT_EINVAL, "Invalid return_when value: %d", (int)when);
    if (isnan(timeout))
        return weft_error_set(WEFT_EINVAL, "weft_wait: timeout is NaN");

    weft_task **unique = weft_malloc(count * sizeof(*unique));
    weft_callback_entry **entries = weft_calloc(count, sizeof(*entries));
    wait_state *state = weft_calloc(1, sizeof(*state));
    weft_waiter *waiter = weft_waiter_new();
    size_t unique_count = unique != NULL ? weft_compose_unique(tasks, count, unique) : SIZE_MAX;
    bool ok = entries != NULL && state != NULL && waiter != NULL && unique_count != SIZE_MAX;
    for (size_t i = 0; ok && i < unique_count; i++) {
        entries[i] = weft_compose_entry_new(self->executor, wait_on_completion, state,
                                            "_on_completion");
        ok = entries[i] != NULL;
    }
    if (ok && !weft_compose_forever(timeout)) {
        state->timer = weft_compose_timer(self->executor,
                                          weft_compose_time_ns(weft_time(NULL) + timeout),
                                          weft_waiter_on_timer, waiter, "_release_waiter");
        ok = state->timer != NULL;
    }
    if (!ok) {
        for (size_t i = 0; entries != NULL && i < count; i++)
            weft_free(entries[i]);
        weft_free(entries);
        weft_free(unique);
        weft_free(state);
        if (waiter != NULL)
            weft_waiter_release(waiter);
        return weft_error_set(WEFT_ENOMEM, "out of memory in weft_wait");
    }
    state->waiter = waiter;
    atomic_init(&state->remaining, unique_count);
    state->when = when;
    atomic_init(&state->references, (int)(1 + unique_count));
    for (size_t i = 0; i < unique_count; i++)
        weft_compose_entry_add(unique[i], entries[i]);
    weft_free(entries);

    code = weft_compose_await(self, &waiter->future, NULL);
    char *message = code != 0 ? weft_error_slot_take_message(weft_error_slot_current(), code) : NULL;

    /* The finally of _wait: no timer and no callback may fire later. A
     * callback already queued keeps its reference and finds the waiter
     * done. */
    if (state->timer != NULL)
        weft_handle_cancel_and_wait(state->timer);
    for (size_t i = 0; i < unique_count; i++)
        if (weft_compose_entry_remove(unique[i], wait_on_completion, state))
            wait_release(state);
    weft_free(unique);
    if (done != NULL)
        for (size_t i = 0; i < count; i++)
            done[i] = weft_task_done(tasks[i]);
    wait_release(state);
    if (code != 0)
        weft_error_set_owned(code, message);
    return code;
}
