/* shield: asyncio.shield (Python 3.11). The caller waits on an outer
 * future that a done callback of the inner task completes; cancelling the
 * caller cancels only the outer future. */
#include "alloc.h"
#include "compose.h"
#include "error.h"

#undef weft_shield

typedef struct shield_state {
    /* The caller's and the inner task's done callback's; acq_rel on release
     * so the freeing thread sees every other use. */
    atomic_int references;
    weft_future outer;
} shield_state;

static void shield_release(shield_state *state)
{
    if (atomic_fetch_sub_explicit(&state->references, 1, memory_order_acq_rel) != 1)
        return;
    weft_future_destroy(&state->outer);
    weft_free(state);
}

/* shield's _inner_done_callback. */
static int inner_done(weft_task *inner, void *arg)
{
    shield_state *state = arg;
    const char *message = NULL;
    void *value = NULL;
    int code = weft_compose_peek(inner, &value, &message, false);
    if (weft_future_state_of(&state->outer) == WEFT_FUTURE_CANCELLED)
        ; /* the caller was cancelled: nothing to pass on */
    else if (weft_task_cancelled(inner))
        weft_future_complete(&state->outer, WEFT_FUTURE_CANCELLED, 0, NULL, NULL);
    else
        weft_future_complete(&state->outer, WEFT_FUTURE_FINISHED, code, value,
                             code != 0 ? weft_strdup(message) : NULL);
    /* inner.exception() in every branch but a cancelled inner. */
    if (!weft_task_cancelled(inner))
        weft_compose_peek(inner, NULL, NULL, true);
    shield_release(state);
    return 0;
}

int weft_shield(weft_task *task, void **result)
{
    weft_task *self = weft_compose_self("weft_shield");
    if (self == NULL)
        return weft_last_error();
    if (task == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_shield: task is NULL");
    if (task->executor != self->executor)
        return weft_error_set(WEFT_EINVAL, "weft_shield: the task belongs to another executor");
    if (task == self)
        return weft_error_set(WEFT_EINVAL, "weft_shield: a task cannot shield itself");
    /* The shortcut: a done inner future is awaited as it is. */
    if (weft_task_done(task))
        return weft_future_outcome(&task->future, result);
    shield_state *state = weft_malloc(sizeof(*state));
    weft_callback_entry *entry =
        state != NULL ? weft_compose_entry_new(self->executor, inner_done, state,
                                               "_inner_done_callback")
                      : NULL;
    if (entry == NULL) {
        weft_free(state);
        return weft_error_set(WEFT_ENOMEM, "out of memory in weft_shield");
    }
    atomic_init(&state->references, 2);
    weft_future_init(&state->outer, NULL);
    weft_compose_entry_add(task, entry);

    int code = weft_compose_await(self, &state->outer, result);
    /* _outer_done_callback: a cancelled outer no longer listens to inner,
     * whose error then goes unretrieved unless someone else looks. */
    if (weft_future_state_of(&state->outer) == WEFT_FUTURE_CANCELLED &&
        weft_compose_entry_remove(task, inner_done, state))
        shield_release(state);
    char *message = code != 0 ? weft_error_slot_take_message(weft_error_slot_current(), code) : NULL;
    shield_release(state);
    if (code != 0)
        weft_error_set_owned(code, message);
    return code;
}
