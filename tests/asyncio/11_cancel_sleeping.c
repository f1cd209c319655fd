/* asyncio conformance scenario 11_cancel_sleeping: the C twin of 11_cancel_sleeping.py, whose CPython 3.11
 * output is expected/11_cancel_sleeping.txt.
 * S2 S4 R3: cancelling a sleeping task wakes it one hop later with the message; a second cancel
 * while it is suspended does not change the message.
 */

#include "scenario.h"

static int sleeper(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("sleeper start\n");
    int rc = weft_sleep(1);
    if (rc == WEFT_ECANCELLED) {
        printf("sleeper caught %s cancelling %d\n", errstr(rc),
               weft_task_cancelling(weft_current_task()));
        return rc;
    }
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *s = weft_task_create(weft_coro_new(sleeper, NULL), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(3)), NULL);
    weft_yield();
    printf("cancel 1 %s\n", TF(weft_task_cancel(s, "msg1")));
    printf("cancel 2 %s\n", TF(weft_task_cancel(s, "msg2")));
    printf("s %s cancelling %d\n", st(s), weft_task_cancelling(s));
    weft_yield();
    printf("s %s\n", st(s));
    int rc = weft_await(s, NULL);
    printf("main await s: %s\n", errstr(rc));
    weft_await(tk, NULL);
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
