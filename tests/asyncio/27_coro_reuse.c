/* asyncio conformance scenario 27_coro_reuse: the C twin of 27_coro_reuse.py, whose CPython 3.11
 * output is expected/27_coro_reuse.txt.
 * Section 7: awaiting a coroutine that is suspended in another await, and one that is exhausted.
 */

#include "scenario.h"

static int c(void *arg, void **result)
{
    printf("coro %s runs\n", (const char *)arg);
    int rc = weft_sleep(0.01);
    if (rc)
        return rc;
    printf("coro %s returns\n", (const char *)arg);
    *result = PV(1);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_coro *co = weft_coro_new(c, "x");
    weft_task *t = weft_task_create(co, NULL);
    weft_yield();
    int rc = weft_await_coro(co, NULL);
    printf("await running coro: %s\n", errstr(rc));
    void *r = NULL;
    rc = weft_await(t, &r);
    if (rc)
        printf("await t failed: %s\n", errstr(rc));
    printf("task got %d\n", IV(r));
    rc = weft_await_coro(weft_task_get_coro(t), NULL);
    printf("await exhausted coro: %s\n", errstr(rc));
    weft_task_release(t);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
