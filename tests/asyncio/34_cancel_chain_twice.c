/* asyncio conformance scenario 34_cancel_chain_twice: the C twin of 34_cancel_chain_twice.py, whose CPython 3.11
 * output is expected/34_cancel_chain_twice.txt.
 * S4 S2 S8: cancelling twice a task that awaits another task: both cancels pass down; the first
 * message wins, both tasks count 2 cancel requests.
 */

#include "scenario.h"

static int inner(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("inner sleeps\n");
    int rc = weft_sleep(1);
    if (rc == WEFT_ECANCELLED) {
        printf("inner caught %s cancelling %d\n", errstr(rc),
               weft_task_cancelling(weft_current_task()));
        return rc;
    }
    return 0;
}

static int outer(void *arg, void **result)
{
    (void)result;
    printf("outer awaits inner\n");
    int rc = weft_await((weft_task *)arg, NULL);
    if (rc == WEFT_ECANCELLED) {
        printf("outer caught %s cancelling %d\n", errstr(rc),
               weft_task_cancelling(weft_current_task()));
        return rc;
    }
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *i = weft_task_create(weft_coro_new(inner, NULL), NULL);
    weft_task *o = weft_task_create(weft_coro_new(outer, i), NULL);
    weft_yield();
    printf("cancel 1 %s\n", TF(weft_task_cancel(o, "m1")));
    printf("cancel 2 %s\n", TF(weft_task_cancel(o, "m2")));
    printf("cancelling %d %d\n", weft_task_cancelling(o), weft_task_cancelling(i));
    int rc = weft_await(o, NULL);
    printf("main await outer: %s\n", errstr(rc));
    printf("outer %s inner %s\n", st(o), st(i));
    weft_task_release(i);
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
