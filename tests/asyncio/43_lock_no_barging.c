/* asyncio conformance scenario 43_lock_no_barging: the C twin of 43_lock_no_barging.py, whose
 * CPython 3.11 output is expected/43_lock_no_barging.txt.
 * Lock: after release() the woken waiter owns the next turn: a task whose acquire() runs
 * before that waiter did, and the releaser acquiring again in the same step, queue behind it.
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
    weft_lock_acquire(lock);
    weft_task *a = weft_task_create(weft_coro_new(user, "a"), NULL);
    weft_yield();
    weft_task *b = weft_task_create(weft_coro_new(user, "b"), NULL);
    printf("main releases\n");
    weft_lock_release(lock);
    printf("locked %s\n", TF(weft_lock_locked(lock)));
    printf("main acquires again\n");
    weft_lock_acquire(lock);
    printf("main acquired\n");
    weft_yield();
    printf("main releases\n");
    weft_lock_release(lock);
    weft_await(a, NULL);
    weft_await(b, NULL);
    weft_task_release(a);
    weft_task_release(b);
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
