/* asyncio conformance scenario 10_cancel_before_start: the C twin of 10_cancel_before_start.py, whose CPython 3.11
 * output is expected/10_cancel_before_start.txt.
 * S2 S3 S4: a task cancelled before its first step never runs its body and ends cancelled one hop
 * later; cancelled twice before starting, the last message wins and cancelling() is 2.
 */

#include "scenario.h"

static int body(void *arg, void **result)
{
    printf("%s body runs\n", (const char *)arg);
    *result = PV(1);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *t = weft_task_create(weft_coro_new(body, "t"), NULL);
    printf("cancel 1 %s\n", TF(weft_task_cancel(t, "first")));
    printf("cancel 2 %s\n", TF(weft_task_cancel(t, "second")));
    printf("t %s cancelling %d\n", st(t), weft_task_cancelling(t));
    weft_task *u = weft_task_create(weft_coro_new(body, "u"), NULL);
    printf("cancel u %s\n", TF(weft_task_cancel(u, NULL)));
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(2)), NULL);
    weft_yield();
    printf("t %s cancelling %d\n", st(t), weft_task_cancelling(t));
    int c = weft_task_cancel(t, "third");
    printf("cancel t again %s cancelling %d\n", TF(c), weft_task_cancelling(t));
    int rc = weft_task_result(t, NULL);
    printf("t.result: %s\n", errstr(rc));
    rc = weft_await(u, NULL);
    printf("await u: %s\n", errstr(rc));
    weft_await(tk, NULL);
    printf("main end\n");
    weft_task_release(t);
    weft_task_release(u);
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
