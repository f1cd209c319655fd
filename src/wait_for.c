/* wait_for: asyncio.wait_for as Python 3.12 writes it, a timeout scope
 * around an await (`async with timeouts.timeout(t): return await fut`),
 * and for timeout <= 0 a cancel-and-wait of the task. 3.11's version waited
 * on a separate waiter future and could swallow the caller's cancellation
 * (CPython gh-86296); 3.12's is simpler, keeps every cancel, and runs a
 * coroutine inline instead of in a new task. */
#include <math.h>

#include "compose.h"
#include "error.h"

#undef weft_await
#undef weft_await_coro
#undef weft_wait_for
#undef weft_wait_for_coro

/* The timeout <= 0 branch: the task is cancelled at once unless done. */
static int wait_for_now(weft_task *self, weft_task *task, void **result)
{
    if (!weft_task_done(task)) {
        int code = weft_compose_cancel_and_wait(self, task);
        if (code != 0)
            return code;
    }
    int code = weft_future_outcome(&task->future, result);
    if (code == WEFT_ECANCELLED)
        code = weft_error_set_copy(WEFT_ETIMEDOUT, NULL); /* raise TimeoutError from exc */
    return code;
}

/* Runs the await (of task, or of coro inline) inside a timeout scope. */
static int wait_in_scope(double timeout, weft_task *task, weft_coro *coro, void **result)
{
    weft_timeout *scope;
    int code = weft_timeout_enter(&scope, timeout);
    if (code != 0) {
        if (coro != NULL)
            weft_coro_free(coro);
        return code;
    }
    code = task != NULL ? weft_await(task, result) : weft_await_coro(coro, result);
    code = weft_timeout_exit(scope, code);
    weft_timeout_free(scope);
    return code;
}

int weft_wait_for(weft_task *task, double timeout, void **result)
{
    weft_task *self = weft_compose_self("weft_wait_for");
    if (self == NULL)
        return weft_last_error();
    if (task == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_wait_for: task is NULL");
    if (task->executor != self->executor)
        return weft_error_set(WEFT_EINVAL, "weft_wait_for: the task belongs to another executor");
    if (task == self)
        return weft_error_set(WEFT_EINVAL, "weft_wait_for: a task cannot wait for itself");
    if (isnan(timeout))
        return weft_error_set(WEFT_EINVAL, "weft_wait_for: timeout is NaN");
    if (timeout <= 0)
        return wait_for_now(self, task, result);
    return wait_in_scope(timeout, task, NULL, result);
}

int weft_wait_for_coro(weft_coro *coro, double timeout, void **result)
{
    weft_task *self = weft_compose_self("weft_wait_for_coro");
    if (self == NULL)
        return weft_last_error();
    if (coro == NULL)
        return weft_error_set(WEFT_ENOTCORO, "a coroutine was expected, got None");
    if (isnan(timeout))
        return weft_error_set(WEFT_EINVAL, "weft_wait_for_coro: timeout is NaN");
    if (timeout <= 0) {
        /* ensure_future: a new task (not started, so it is cancelled before
         * its first step). */
        weft_task *task = weft_task_create(coro, NULL);
        if (task == NULL)
            return weft_last_error();
        int code = wait_for_now(self, task, result);
        weft_task_release(task);
        return code;
    }
    if (weft_coro_state_of(coro) != WEFT_CORO_FRESH)
        return weft_await_coro(coro, result); /* its WEFT_EAWAITED / WEFT_EREUSED */
    return wait_in_scope(timeout, NULL, coro, result);
}
