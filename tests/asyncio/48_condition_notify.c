/* asyncio conformance scenario 48_condition_notify: the C twin of 48_condition_notify.py, whose
 * CPython 3.11 output is expected/48_condition_notify.txt.
 * Condition: wait() releases the lock and suspends; notify(n) / notify_all() wake FIFO; a
 * woken waiter re-acquires the lock before wait() returns; wait() or notify() without the
 * lock is a RuntimeError.
 */

#include "scenario.h"

static weft_condition *cond;

static int waiter(void *arg, void **result)
{
    const char *name = arg;
    weft_condition_acquire(cond);
    printf("%s waits\n", name);
    int rc = weft_condition_wait(cond);
    printf("%s woke %s locked=%s\n", name, TF(rc == 0), TF(weft_condition_locked(cond)));
    weft_yield();
    printf("%s releases\n", name);
    weft_condition_release(cond);
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_condition_new(NULL, &cond);
    int rc = weft_condition_wait(cond);
    if (rc != 0)
        printf("wait without the lock: %s\n", errstr(rc));
    rc = weft_condition_notify(cond, 1);
    if (rc != 0)
        printf("notify without the lock: %s\n", errstr(rc));
    static const char *names[] = {"w0", "w1", "w2", "w3"};
    weft_task *ws[4];
    for (int i = 0; i < 4; i++)
        ws[i] = weft_task_create(weft_coro_new(waiter, (void *)names[i]), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(10)), NULL);
    weft_yield();
    weft_condition_acquire(cond);
    printf("main notifies 2\n");
    weft_condition_notify(cond, 2);
    weft_yield();
    printf("main still holds the lock\n");
    weft_condition_release(cond);
    printf("main released\n");
    weft_yield();
    weft_yield();
    weft_yield();
    weft_condition_acquire(cond);
    printf("main notifies all\n");
    weft_condition_notify_all(cond);
    weft_condition_release(cond);
    for (int i = 0; i < 4; i++) {
        weft_await(ws[i], NULL);
        weft_task_release(ws[i]);
    }
    weft_await(tk, NULL);
    weft_task_release(tk);
    weft_condition_acquire(cond);
    weft_condition_notify(cond, 5);
    printf("notify with no waiters: fine\n");
    weft_condition_release(cond);
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
