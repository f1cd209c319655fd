/* asyncio conformance scenario 45_semaphore_fifo: the C twin of 45_semaphore_fifo.py, whose
 * CPython 3.11 output is expected/45_semaphore_fifo.txt.
 * Semaphore: no suspension while permits are left and nobody waits; waiters FIFO; release()
 * hands its permit to the first waiter (no barging); locked(); negative value: ValueError.
 */

#include "scenario.h"

static weft_semaphore *sem;

static int user(void *arg, void **result)
{
    const char *name = arg;
    printf("%s acquiring locked=%s\n", name, TF(weft_semaphore_locked(sem)));
    int rc = weft_semaphore_acquire(sem);
    if (rc != 0)
        return rc;
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
    weft_semaphore *bad = NULL;
    int rc = weft_semaphore_new(-1, false, &bad);
    if (rc != 0)
        printf("Semaphore(-1): %s\n", errstr(rc));
    weft_semaphore_new(2, false, &sem);
    printf("locked %s\n", TF(weft_semaphore_locked(sem)));
    weft_semaphore_acquire(sem);
    weft_semaphore_acquire(sem);
    printf("main took 2 (same step), locked %s\n", TF(weft_semaphore_locked(sem)));
    static const char *names[] = {"s0", "s1", "s2"};
    weft_task *us[3];
    for (int i = 0; i < 3; i++)
        us[i] = weft_task_create(weft_coro_new(user, (void *)names[i]), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(8)), NULL);
    weft_yield();
    weft_task *late = weft_task_create(weft_coro_new(user, "late"), NULL);
    printf("main releases one\n");
    weft_semaphore_release(sem);
    printf("locked %s\n", TF(weft_semaphore_locked(sem)));
    weft_yield();
    printf("main releases one\n");
    weft_semaphore_release(sem);
    for (int i = 0; i < 3; i++) {
        weft_await(us[i], NULL);
        weft_task_release(us[i]);
    }
    weft_await(late, NULL);
    weft_await(tk, NULL);
    weft_task_release(late);
    weft_task_release(tk);
    printf("locked %s\n", TF(weft_semaphore_locked(sem)));
    weft_semaphore_acquire(sem);
    printf("in async with, locked %s\n", TF(weft_semaphore_locked(sem)));
    weft_semaphore_release(sem);
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
