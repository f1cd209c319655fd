/* asyncio conformance scenario 18_cancel_message_await: the C twin of 18_cancel_message_await.py, whose CPython 3.11
 * output is expected/18_cancel_message_await.txt.
 * R3 S4 S8: the waiter of a cancelled task gets its CancelledError with the message (first
 * retrieval) and may catch it without being cancelled itself.
 */

#include "scenario.h"

static int sleeper(void *arg, void **result)
{
    (void)result;
    printf("%s sleeps\n", (const char *)arg);
    return weft_sleep(1);
}

static int waiter(void *arg, void **result)
{
    weft_task *t = arg;
    printf("waiter awaits\n");
    int rc = weft_await(t, NULL);
    if (rc == WEFT_ECANCELLED) {
        printf("waiter caught %s cancelling %d\n", errstr(rc),
               weft_task_cancelling(weft_current_task()));
        *result = PV(1);
        return 0;
    }
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *b = weft_task_create(weft_coro_new(sleeper, "b"), NULL);
    weft_task *w = weft_task_create(weft_coro_new(waiter, b), NULL);
    weft_yield();
    printf("cancel b %s\n", TF(weft_task_cancel(b, "stop")));
    void *r = NULL;
    int rc = weft_await(w, &r);
    if (rc)
        printf("await w failed: %s\n", errstr(rc));
    printf("main got %d w %s b %s\n", IV(r), st(w), st(b));
    weft_task *c = weft_task_create(weft_coro_new(sleeper, "c"), NULL);
    weft_task *w2 = weft_task_create(weft_coro_new(waiter, c), NULL);
    weft_yield();
    printf("cancel c %s\n", TF(weft_task_cancel(c, NULL)));
    r = NULL;
    rc = weft_await(w2, &r);
    if (rc)
        printf("await w2 failed: %s\n", errstr(rc));
    printf("main got %d w2 %s c %s\n", IV(r), st(w2), st(c));
    weft_task_release(b);
    weft_task_release(w);
    weft_task_release(c);
    weft_task_release(w2);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
