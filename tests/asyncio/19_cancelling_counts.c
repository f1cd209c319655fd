/* asyncio conformance scenario 19_cancelling_counts: the C twin of 19_cancelling_counts.py, whose CPython 3.11
 * output is expected/19_cancelling_counts.txt.
 * S2 S5 S7: cancelling() counts cancel() calls, uncancel() decrements, cancel() of a done task
 * returns False; a coroutine raising CancelledError itself ends cancelled with cancelling() == 0.
 */

#include "scenario.h"

static int catcher(void *arg, void **result)
{
    (void)arg;
    weft_task *me = weft_current_task();
    int rc = weft_sleep(1);
    if (rc == WEFT_ECANCELLED)
        printf("catcher caught %s cancelling %d\n", errstr(rc), weft_task_cancelling(me));
    for (int i = 0; i < 4; i++)
        printf("uncancel %d\n", weft_task_uncancel(me));
    rc = weft_yield();
    if (rc)
        printf("catcher yield: %s\n", errstr(rc));
    printf("catcher returns\n");
    *result = PV(8);
    return 0;
}

static int own(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("own raises CancelledError\n");
    return WEFT_ECANCELLED;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *c = weft_task_create(weft_coro_new(catcher, NULL), NULL);
    weft_yield();
    printf("cancelling %d\n", weft_task_cancelling(c));
    int c1 = weft_task_cancel(c, "one");
    int c2 = weft_task_cancel(c, "two");
    int c3 = weft_task_cancel(c, "three");
    printf("cancel %s %s %s\n", TF(c1), TF(c2), TF(c3));
    printf("cancelling %d\n", weft_task_cancelling(c));
    void *r = NULL;
    int rc = weft_await(c, &r);
    if (rc)
        printf("await c failed: %s\n", errstr(rc));
    printf("main got %d c %s cancelling %d\n", IV(r), st(c), weft_task_cancelling(c));
    int cd = weft_task_cancel(c, NULL);
    printf("cancel done %s cancelling %d\n", TF(cd), weft_task_cancelling(c));
    weft_task *o = weft_task_create(weft_coro_new(own, NULL), NULL);
    weft_yield();
    printf("own %s cancelling %d\n", st(o), weft_task_cancelling(o));
    rc = weft_task_result(o, NULL);
    printf("own.result: %s\n", errstr(rc));
    weft_task_release(c);
    weft_task_release(o);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
