/* gather: asyncio.gather over tasks or coroutines (tasks.gather and its
 * _GatheringFuture, Python 3.11). The outer future completes in a child's
 * done callback, one hop after that child finishes; the caller resumes one
 * hop later. The outer future's canceller passes a cancel on to the
 * children instead of cancelling the outer future itself. */
#include <stdint.h>

#include "alloc.h"
#include "compose.h"
#include "error.h"
#include "spinlock.h"

#undef weft_gather
#undef weft_gather_coros

typedef struct gather_state {
    /* The gathering call's, one per registered done callback, and one per
     * canceller call in flight; acq_rel on release so the freeing thread
     * sees every other use. */
    atomic_int references;
    weft_future outer; /* _GatheringFuture */
    /* Guards finished and cancel_requested, and makes each callback's
     * decision and its completion of outer one step. */
    weft_spinlock lock;
    size_t finished;      /* nfinished */
    size_t unique_count;  /* nfuts */
    bool return_errors;
    bool cancel_requested; /* outer._cancel_requested */
    size_t count;
    weft_task **children;  /* argument order, one reference per entry */
    weft_task **unique;    /* borrowed from children: first occurrences */
} gather_state;

static void gather_retain(void *arg)
{
    gather_state *state = arg;
    atomic_fetch_add_explicit(&state->references, 1, memory_order_relaxed);
}

static void gather_release(void *arg)
{
    gather_state *state = arg;
    if (atomic_fetch_sub_explicit(&state->references, 1, memory_order_acq_rel) != 1)
        return;
    for (size_t i = 0; i < state->count; i++)
        weft_task_release(state->children[i]);
    weft_future_destroy(&state->outer);
    weft_free(state->children);
    weft_free(state->unique);
    weft_free(state);
}

/* Completes outer with an error carrying a copy of message. */
static void fail_outer(gather_state *state, int code, const char *message)
{
    weft_future_complete(&state->outer, WEFT_FUTURE_FINISHED, code, NULL, weft_strdup(message));
}

/* _GatheringFuture.cancel: cancels every child, True if any cancel worked.
 * cancel_requested is raised before the children are cancelled: with
 * several workers a child may finish (and run its callback) before this
 * returns, and the last callback must already see the request. If no
 * cancel worked, the caller is cancelled at its wake-up anyway (S3). */
static bool gather_cancel(void *arg, const char *msg)
{
    gather_state *state = arg;
    if (weft_future_done(&state->outer))
        return false;
    weft_spinlock_lock(&state->lock);
    state->cancel_requested = true;
    weft_spinlock_unlock(&state->lock);
    bool any = false;
    for (size_t i = 0; i < state->unique_count; i++)
        if (weft_task_request_cancel(state->unique[i], msg) == 1)
            any = true;
    if (!any) {
        weft_spinlock_lock(&state->lock);
        state->cancel_requested = false;
        weft_spinlock_unlock(&state->lock);
    }
    return any;
}

static const weft_future_canceller gather_canceller = {
    .cancel = gather_cancel,
    .retain = gather_retain,
    .release = gather_release,
};

/* gather's _done_callback. */
static int gather_child_done(weft_task *child, void *arg)
{
    gather_state *state = arg;
    const char *message = NULL;
    weft_spinlock_lock(&state->lock);
    state->finished++;
    /* fut.exception(): counts as a retrieval (the cancelled case raises
     * instead, and a cancel is not an error to report anyway). */
    int outcome = weft_compose_peek(child, NULL, &message, true);
    if (weft_future_done(&state->outer)) {
        /* Outer already failed: nothing more to decide. */
    } else if (!state->return_errors && outcome != 0) {
        /* The first failure or cancel goes to outer at once; a cancelled
         * child makes outer fail with CancelledError, not be cancelled. */
        fail_outer(state, outcome, message);
    } else if (state->finished == state->unique_count) {
        for (size_t i = 0; i < state->unique_count; i++)
            weft_compose_peek(state->unique[i], NULL, NULL, true);
        if (state->cancel_requested) {
            /* The CancelledError of the last child in argument order (its
             * message if it was cancelled), whatever return_errors says. */
            weft_task *last = state->children[state->count - 1];
            const char *last_message = NULL;
            bool cancelled = weft_compose_peek(last, NULL, &last_message, false) ==
                             WEFT_ECANCELLED;
            fail_outer(state, WEFT_ECANCELLED, cancelled ? last_message : NULL);
        } else {
            weft_future_complete(&state->outer, WEFT_FUTURE_FINISHED, 0, NULL, NULL);
        }
    }
    weft_spinlock_unlock(&state->lock);
    gather_release(state);
    return 0;
}

/* Gathers children (count entries, each holding a reference that moves to
 * the state; released here on failure). */
static int gather_children(weft_task *self, weft_task **children, size_t count, bool return_errors,
                           void **results, int *codes)
{
    gather_state *state = weft_calloc(1, sizeof(*state));
    weft_task **unique = weft_malloc(count * sizeof(*unique));
    weft_callback_entry **entries = weft_calloc(count, sizeof(*entries));
    size_t unique_count = unique != NULL ? weft_compose_unique(children, count, unique) : SIZE_MAX;
    bool ok = state != NULL && unique != NULL && entries != NULL && unique_count != SIZE_MAX;
    for (size_t i = 0; ok && i < unique_count; i++) {
        entries[i] = weft_compose_entry_new(self->executor, gather_child_done, state, "gather");
        ok = entries[i] != NULL;
    }
    if (!ok) {
        for (size_t i = 0; entries != NULL && i < count; i++)
            weft_free(entries[i]);
        for (size_t i = 0; i < count; i++)
            weft_task_release(children[i]);
        weft_free(entries);
        weft_free(unique);
        weft_free(children);
        weft_free(state);
        return weft_error_set(WEFT_ENOMEM, "out of memory in weft_gather");
    }
    atomic_init(&state->references, (int)(1 + unique_count));
    weft_future_init(&state->outer, NULL);
    weft_future_set_canceller(&state->outer, &gather_canceller, state);
    weft_spinlock_init(&state->lock);
    state->unique_count = unique_count;
    state->return_errors = return_errors;
    state->count = count;
    state->children = children;
    state->unique = unique;
    /* In argument order, as gather calls add_done_callback; a child already
     * done has its callback queued at once (3.11: one hop, not inline). */
    for (size_t i = 0; i < unique_count; i++)
        weft_compose_entry_add(unique[i], entries[i]);
    weft_free(entries);

    int code = weft_compose_await(self, &state->outer, NULL);
    char *message = code != 0 ? weft_error_slot_take_message(weft_error_slot_current(), code) : NULL;
    for (size_t i = 0; i < count; i++) {
        void *value = NULL;
        int outcome = weft_compose_peek(children[i], &value, NULL, false);
        if (results != NULL)
            results[i] = outcome == 0 ? value : NULL;
        if (codes != NULL)
            codes[i] = outcome;
    }
    gather_release(state);
    if (code != 0)
        weft_error_set_owned(code, message);
    return code;
}

int weft_gather(weft_task *const *tasks, size_t count, bool return_errors, void **results,
                int *codes)
{
    weft_task *self = weft_compose_self("weft_gather");
    if (self == NULL)
        return weft_last_error();
    int code = weft_compose_check_tasks("weft_gather", tasks, count, self->executor);
    if (code != 0)
        return code;
    for (size_t i = 0; i < count; i++)
        if (tasks[i] == self)
            return weft_error_set(WEFT_EINVAL, "weft_gather: a task cannot gather itself");
    if (count == 0)
        return 0; /* gather() is already done with [] */
    weft_task **children = weft_malloc(count * sizeof(*children));
    if (children == NULL)
        return weft_error_set(WEFT_ENOMEM, "out of memory in weft_gather");
    for (size_t i = 0; i < count; i++)
        children[i] = weft_task_retain(tasks[i]);
    return gather_children(self, children, count, return_errors, results, codes);
}

int weft_gather_coros(weft_coro *const *coros, size_t count, bool return_errors, void **results,
                      int *codes)
{
    weft_task *self = weft_compose_self("weft_gather_coros");
    if (self == NULL)
        return weft_last_error();
    if (coros == NULL && count > 0)
        return weft_error_set(WEFT_EINVAL, "weft_gather_coros: coros is NULL");
    if (count == 0)
        return 0;
    weft_task **children = weft_malloc(count * sizeof(*children));
    weft_ptrset seen;
    if (children == NULL || weft_ptrset_init(&seen, count) != 0) {
        weft_free(children);
        return weft_error_set(WEFT_ENOMEM, "out of memory in weft_gather_coros");
    }
    int code = 0;
    size_t made = 0;
    for (; made < count; made++) {
        weft_coro *coro = coros[made];
        if (coro != NULL && !weft_ptrset_add(&seen, coro)) {
            /* A repeated coroutine is wrapped once (arg_to_fut). */
            size_t first = 0;
            while (coros[first] != coro)
                first++;
            children[made] = weft_task_retain(children[first]);
            continue;
        }
        children[made] = weft_task_create(coro, NULL);
        if (children[made] == NULL) {
            code = weft_last_error();
            break;
        }
    }
    weft_ptrset_destroy(&seen);
    if (code != 0) {
        /* The tasks already made are hidden from the caller: cancel them. */
        char *message = weft_error_slot_take_message(weft_error_slot_current(), code);
        for (size_t i = 0; i < made; i++) {
            weft_task_request_cancel(children[i], NULL);
            weft_task_release(children[i]);
        }
        weft_free(children);
        return weft_error_set_owned(code, message);
    }
    return gather_children(self, children, count, return_errors, results, codes);
}
