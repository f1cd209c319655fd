/* asyncio conformance scenario 13_swallow_cancel: the C twin of 13_swallow_cancel.py, whose CPython 3.11
 * output is expected/13_swallow_cancel.txt.
 * S5 S8: a task that catches the cancellation and returns finishes normally, keeps cancelling() >= 1
 * and is not cancelled again; an outer task resumes normally when the inner one swallows it.
 */

#include "scenario.h"

static int stubborn(void *arg, void **result)
{
    (void)arg;
    printf("stubborn start\n");
    int rc = weft_sleep(1);
    if (rc == WEFT_ECANCELLED)
        printf("stubborn caught %s\n", errstr(rc));
    printf("stubborn cancelling %d\n", weft_task_cancelling(weft_current_task()));
    rc = weft_sleep(0.01);
    if (rc)
        printf("stubborn second sleep: %s\n", errstr(rc));
    printf("stubborn slept again\n");
    *result = PV(99);
    return 0;
}

static int inner(void *arg, void **result)
{
    (void)arg;
    int rc = weft_sleep(1);
    if (rc == WEFT_ECANCELLED) {
        printf("inner swallows %s\n", errstr(rc));
        *result = PV(5);
        return 0;
    }
    *result = PV(0);
    return 0;
}

static int outer(void *arg, void **result)
{
    weft_task *i = arg;
    printf("outer awaits inner\n");
    void *r = NULL;
    int rc = weft_await(i, &r);
    if (rc) {
        printf("outer await failed: %s\n", errstr(rc));
        return rc;
    }
    printf("outer got %d cancelling %d\n", IV(r), weft_task_cancelling(weft_current_task()));
    *result = PV(IV(r) + 1);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *s = weft_task_create(weft_coro_new(stubborn, NULL), NULL);
    weft_yield();
    printf("cancel %s\n", TF(weft_task_cancel(s, NULL)));
    void *r = NULL;
    int rc = weft_await(s, &r);
    if (rc)
        printf("await s failed: %s\n", errstr(rc));
    printf("main got %d s %s cancelling %d\n", IV(r), st(s), weft_task_cancelling(s));
    int u = weft_task_uncancel(s);
    printf("uncancel %d cancelling %d\n", u, weft_task_cancelling(s));
    weft_task *i = weft_task_create(weft_coro_new(inner, NULL), NULL);
    weft_task *o = weft_task_create(weft_coro_new(outer, i), NULL);
    weft_yield();
    printf("cancel outer %s\n", TF(weft_task_cancel(o, "x")));
    r = NULL;
    rc = weft_await(o, &r);
    if (rc)
        printf("await o failed: %s\n", errstr(rc));
    printf("main got %d outer %s inner %s\n", IV(r), st(o), st(i));
    printf("cancelling %d %d\n", weft_task_cancelling(o), weft_task_cancelling(i));
    weft_task_release(s);
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
