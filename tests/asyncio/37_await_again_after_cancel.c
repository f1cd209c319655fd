/* asyncio conformance scenario 37_await_again_after_cancel: the C twin of 37_await_again_after_cancel.py, whose CPython 3.11
 * output is expected/37_await_again_after_cancel.txt.
 * S5 T5 S8: a task that caught the CancelledError coming from the task it awaited may await that
 * (now cancelled) task again: it is done, so no suspension, and CancelledError again.
 */

#include "scenario.h"

static int inner(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_sleep(1);
}

static int outer(void *arg, void **result)
{
    weft_task *i = arg;
    int rc = weft_await(i, NULL);
    if (rc == WEFT_ECANCELLED)
        printf("outer caught %s\n", errstr(rc));
    printf("outer awaits inner again %s\n", st(i));
    rc = weft_await(i, NULL);
    if (rc == WEFT_ECANCELLED)
        printf("outer caught again %s\n", errstr(rc));
    printf("outer still running, cancelling %d\n", weft_task_cancelling(weft_current_task()));
    rc = weft_yield();
    if (rc)
        printf("outer yield: %s\n", errstr(rc));
    printf("outer returns\n");
    *result = PV(2);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *i = weft_task_create(weft_coro_new(inner, NULL), NULL);
    weft_task *o = weft_task_create(weft_coro_new(outer, i), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(5)), NULL);
    weft_yield();
    printf("cancel outer %s\n", TF(weft_task_cancel(o, NULL)));
    void *r = NULL;
    int rc = weft_await(o, &r);
    if (rc)
        printf("await o failed: %s\n", errstr(rc));
    printf("main got %d outer %s inner %s\n", IV(r), st(o), st(i));
    weft_await(tk, NULL);
    weft_task_release(i);
    weft_task_release(o);
    weft_task_release(tk);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
