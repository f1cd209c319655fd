/* asyncio conformance scenario 46_semaphore_cancel: the C twin of 46_semaphore_cancel.py, whose
 * CPython 3.11 output is expected/46_semaphore_cancel.txt.
 * Semaphore: a cancelled waiter is skipped by release(); a waiter woken by release() and
 * cancelled before it runs gives its permit back and wakes the next one (S3).
 */

#include "scenario.h"

static weft_semaphore *sem;

static int user(void *arg, void **result)
{
    const char *name = arg;
    printf("%s acquiring\n", name);
    int rc = weft_semaphore_acquire(sem);
    if (rc != 0) {
        printf("%s caught %s locked=%s\n", name, errstr(rc), TF(weft_semaphore_locked(sem)));
        return rc;
    }
    printf("%s acquired\n", name);
    weft_yield();
    printf("%s releases\n", name);
    weft_semaphore_release(sem);
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_semaphore_new(1, false, &sem);
    weft_semaphore_acquire(sem);
    static const char *names[] = {"s0", "s1", "s2", "s3"};
    weft_task *ts[4];
    for (int i = 0; i < 4; i++)
        ts[i] = weft_task_create(weft_coro_new(user, (void *)names[i]), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(8)), NULL);
    weft_yield();
    printf("cancel s0: %s\n", TF(weft_task_cancel(ts[0], "stop s0") == 1));
    printf("main releases\n");
    weft_semaphore_release(sem);
    printf("cancel s1 (just woken): %s\n", TF(weft_task_cancel(ts[1], "stop s1") == 1));
    for (int i = 0; i < 4; i++) {
        weft_await(ts[i], NULL);
        printf("s%d %s\n", i, st(ts[i]));
        weft_task_release(ts[i]);
    }
    weft_await(tk, NULL);
    weft_task_release(tk);
    printf("locked %s\n", TF(weft_semaphore_locked(sem)));
    printf("main end\n");
    weft_semaphore_free(sem);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
