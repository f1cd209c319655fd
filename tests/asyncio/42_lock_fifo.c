/* asyncio conformance scenario 42_lock_fifo: the C twin of 42_lock_fifo.py, whose CPython 3.11
 * output is expected/42_lock_fifo.txt.
 * Lock: acquire() of a free lock does not suspend; waiters queue FIFO; release() wakes the
 * first, which holds the lock one hop later; release() of an unlocked lock is a RuntimeError.
 */

#include "scenario.h"

static weft_lock *lock;

static int user(void *arg, void **result)
{
    const char *name = arg;
    printf("%s acquiring locked=%s\n", name, TF(weft_lock_locked(lock)));
    int rc = weft_lock_acquire(lock);
    if (rc != 0)
        return rc;
    printf("%s acquired\n", name);
    weft_yield();
    printf("%s releases\n", name);
    weft_lock_release(lock);
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_lock_new(&lock);
    printf("locked %s\n", TF(weft_lock_locked(lock)));
    weft_lock_acquire(lock);
    printf("main acquired (same step), locked %s\n", TF(weft_lock_locked(lock)));
    static const char *names[] = {"u0", "u1", "u2"};
    weft_task *us[3];
    for (int i = 0; i < 3; i++)
        us[i] = weft_task_create(weft_coro_new(user, (void *)names[i]), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(9)), NULL);
    weft_yield();
    printf("main releases\n");
    weft_lock_release(lock);
    printf("locked after release %s\n", TF(weft_lock_locked(lock)));
    for (int i = 0; i < 3; i++) {
        weft_await(us[i], NULL);
        weft_task_release(us[i]);
    }
    weft_await(tk, NULL);
    weft_task_release(tk);
    printf("locked %s\n", TF(weft_lock_locked(lock)));
    int rc = weft_lock_release(lock);
    if (rc != 0)
        printf("release unlocked: %s\n", errstr(rc));
    weft_lock_acquire(lock);
    printf("in async with, locked %s\n", TF(weft_lock_locked(lock)));
    weft_lock_release(lock);
    printf("after async with, locked %s\n", TF(weft_lock_locked(lock)));
    printf("main end\n");
    weft_lock_free(lock);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
