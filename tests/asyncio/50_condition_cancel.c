/* asyncio conformance scenario 50_condition_cancel: the C twin of 50_condition_cancel.py, whose
 * CPython 3.11 output is expected/50_condition_cancel.txt.
 * Condition: a waiter cancelled before it is notified re-acquires the lock before the
 * CancelledError leaves wait(); the other waiters are not woken by it; a self-cancelled
 * task's wait() is cancelled at once (T3).
 */

#include "scenario.h"

static weft_condition *cond;

static int waiter(void *arg, void **result)
{
    const char *name = arg;
    weft_condition_acquire(cond);
    printf("%s waits\n", name);
    int rc = weft_condition_wait(cond);
    if (rc != 0) {
        printf("%s caught %s locked=%s\n", name, errstr(rc), TF(weft_condition_locked(cond)));
        weft_condition_release(cond);
        return rc;
    }
    printf("%s woke locked=%s\n", name, TF(weft_condition_locked(cond)));
    weft_condition_release(cond);
    *result = PV(0);
    return 0;
}

static int self_cancel(void *arg, void **result)
{
    (void)arg;
    weft_condition_acquire(cond);
    weft_task_cancel(weft_current_task(), "self");
    int rc = weft_condition_wait(cond);
    if (rc != 0)
        printf("self_cancel caught %s locked=%s\n", errstr(rc), TF(weft_condition_locked(cond)));
    weft_condition_release(cond);
    printf("self_cancel released\n");
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_condition_new(NULL, &cond);
    static const char *names[] = {"w0", "w1", "w2"};
    weft_task *ws[3];
    for (int i = 0; i < 3; i++)
        ws[i] = weft_task_create(weft_coro_new(waiter, (void *)names[i]), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(6)), NULL);
    weft_yield();
    weft_condition_acquire(cond);
    printf("cancel w0: %s\n", TF(weft_task_cancel(ws[0], "stop w0") == 1));
    weft_yield();
    weft_yield();
    printf("main releases\n");
    weft_condition_release(cond);
    weft_yield();
    weft_condition_acquire(cond);
    printf("main notifies 1\n");
    weft_condition_notify(cond, 1);
    weft_condition_release(cond);
    for (int i = 0; i < 2; i++) {
        weft_await(ws[i], NULL);
        printf("w%d %s\n", i, st(ws[i]));
        weft_task_release(ws[i]);
    }
    weft_condition_acquire(cond);
    weft_condition_notify_all(cond);
    weft_condition_release(cond);
    weft_await(ws[2], NULL);
    weft_task_release(ws[2]);
    weft_task *s = weft_task_create(weft_coro_new(self_cancel, NULL), NULL);
    weft_await(s, NULL);
    printf("s %s\n", st(s));
    weft_task_release(s);
    weft_await(tk, NULL);
    weft_task_release(tk);
    printf("main end\n");
    weft_condition_free(cond);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
