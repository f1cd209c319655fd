/* asyncio conformance scenario 03_await_pending: the C twin of 03_await_pending.py, whose CPython 3.11
 * output is expected/03_await_pending.txt.
 * T4 T5 T6: awaiting a pending task suspends; the waiter resumes one hop after it completes.
 */

#include "scenario.h"

static int child(void *arg, void **result)
{
    int n = IV(arg);
    printf("child start\n");
    for (int i = 0; i < n; i++) {
        weft_yield();
        printf("child step %d\n", i);
    }
    printf("child returns 42\n");
    *result = PV(42);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *c = weft_task_create(weft_coro_new(child, PV(2)), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(6)), NULL);
    printf("main awaits child\n");
    void *r = NULL;
    int rc = weft_await(c, &r);
    if (rc)
        printf("main await failed: %s\n", errstr(rc));
    printf("main got %d child %s\n", IV(r), st(c));
    weft_await(tk, NULL);
    printf("main end\n");
    weft_task_release(c);
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
