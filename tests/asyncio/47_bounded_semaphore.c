/* asyncio conformance scenario 47_bounded_semaphore: the C twin of 47_bounded_semaphore.py,
 * whose CPython 3.11 output is expected/47_bounded_semaphore.txt.
 * BoundedSemaphore: release() above the initial value is a ValueError (and changes nothing);
 * waiters are served FIFO.
 */

#include "scenario.h"

static weft_semaphore *sem;

static int user(void *arg, void **result)
{
    const char *name = arg;
    int rc = weft_semaphore_acquire(sem);
    if (rc != 0)
        return rc;
    printf("%s acquired\n", name);
    weft_yield();
    weft_semaphore_release(sem);
    printf("%s released\n", name);
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_semaphore_new(2, true, &sem);
    int rc = weft_semaphore_release(sem);
    if (rc != 0)
        printf("release at the bound: %s\n", errstr(rc));
    weft_semaphore_acquire(sem);
    weft_semaphore_release(sem);
    rc = weft_semaphore_release(sem);
    if (rc != 0)
        printf("release again: %s\n", errstr(rc));
    printf("locked %s\n", TF(weft_semaphore_locked(sem)));
    static const char *names[] = {"b0", "b1", "b2", "b3"};
    weft_task *us[4];
    for (int i = 0; i < 4; i++)
        us[i] = weft_task_create(weft_coro_new(user, (void *)names[i]), NULL);
    for (int i = 0; i < 4; i++) {
        weft_await(us[i], NULL);
        weft_task_release(us[i]);
    }
    printf("locked %s\n", TF(weft_semaphore_locked(sem)));
    rc = weft_semaphore_release(sem);
    if (rc != 0)
        printf("release after all: %s\n", errstr(rc));
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
