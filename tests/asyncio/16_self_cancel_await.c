/* asyncio conformance scenario 16_self_cancel_await: the C twin of 16_self_cancel_await.py, whose CPython 3.11
 * output is expected/16_self_cancel_await.txt.
 * S6 T3 S8: a task that cancels itself and then awaits a pending task cancels that task in the same
 * step; the CancelledError comes back one hop after the awaited task ends.
 */

#include "scenario.h"

static int victim(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("victim start\n");
    int rc = weft_sleep(1);
    if (rc == WEFT_ECANCELLED) {
        printf("victim caught %s\n", errstr(rc));
        return rc;
    }
    return 0;
}

static int selfc(void *arg, void **result)
{
    weft_task *v = arg;
    weft_task *me = weft_current_task();
    printf("selfc cancel %s\n", TF(weft_task_cancel(me, "z")));
    int rc = weft_await(v, NULL);
    if (rc == 0)
        printf("selfc not cancelled?\n");
    else
        printf("selfc caught %s victim %s\n", errstr(rc), st(v));
    printf("selfc cancelling %d\n", weft_task_cancelling(me));
    *result = PV(4);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *v = weft_task_create(weft_coro_new(victim, NULL), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(5)), NULL);
    weft_yield();
    weft_task *s = weft_task_create(weft_coro_new(selfc, v), NULL);
    void *r = NULL;
    int rc = weft_await(s, &r);
    if (rc)
        printf("await s failed: %s\n", errstr(rc));
    printf("main got %d selfc %s victim %s cancelling %d\n", IV(r), st(s), st(v),
           weft_task_cancelling(v));
    weft_await(tk, NULL);
    weft_task_release(v);
    weft_task_release(s);
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
