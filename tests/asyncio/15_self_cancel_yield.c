/* asyncio conformance scenario 15_self_cancel_yield: the C twin of 15_self_cancel_yield.py, whose CPython 3.11
 * output is expected/15_self_cancel_yield.txt.
 * S6 S3 T8: a task that cancels itself and then does sleep(0) gets CancelledError at its next step.
 */

#include "scenario.h"

static int selfc(void *arg, void **result)
{
    (void)arg;
    weft_task *me = weft_current_task();
    printf("selfc cancel %s\n", TF(weft_task_cancel(me, "y")));
    int rc = weft_yield();
    if (rc == 0)
        printf("selfc not cancelled?\n");
    else
        printf("selfc caught at sleep0 %s\n", errstr(rc));
    printf("selfc cancelling %d\n", weft_task_cancelling(me));
    weft_yield();
    printf("selfc continues\n");
    *result = PV(3);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *t = weft_task_create(weft_coro_new(selfc, NULL), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(4)), NULL);
    void *r = NULL;
    int rc = weft_await(t, &r);
    if (rc)
        printf("await t failed: %s\n", errstr(rc));
    printf("main got %d t %s cancelling %d\n", IV(r), st(t), weft_task_cancelling(t));
    weft_await(tk, NULL);
    weft_task_release(t);
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
