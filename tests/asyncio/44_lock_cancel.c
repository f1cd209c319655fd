/* asyncio conformance scenario 44_lock_cancel: the C twin of 44_lock_cancel.py, whose CPython
 * 3.11 output is expected/44_lock_cancel.txt.
 * Lock: a cancelled head is skipped by release() and wakes the next waiter when it runs; a
 * woken waiter cancelled before it runs passes the lock on (S3); with only cancelled waiters
 * left acquire() takes the free lock at once; a self-cancelled task's acquire() of a held
 * lock is cancelled (T3).
 */

#include "scenario.h"

static weft_lock *lock;

static int user(void *arg, void **result)
{
    const char *name = arg;
    printf("%s acquiring\n", name);
    int rc = weft_lock_acquire(lock);
    if (rc != 0) {
        printf("%s caught %s locked=%s\n", name, errstr(rc), TF(weft_lock_locked(lock)));
        return rc;
    }
    printf("%s acquired\n", name);
    weft_yield();
    printf("%s releases\n", name);
    weft_lock_release(lock);
    *result = PV(0);
    return 0;
}

static int self_cancel(void *arg, void **result)
{
    (void)arg;
    weft_task_cancel(weft_current_task(), "self");
    int rc = weft_lock_acquire(lock);
    if (rc == 0)
        printf("self_cancel acquired\n");
    else
        printf("self_cancel caught %s\n", errstr(rc));
    *result = PV(0);
    return 0;
}

static void finish(const char *name, weft_task *t)
{
    weft_await(t, NULL);
    printf("%s %s\n", name, st(t));
    weft_task_release(t);
}

static weft_task *spawn_user(const char *name)
{
    return weft_task_create(weft_coro_new(user, (void *)name), NULL);
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_lock_new(&lock);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(12)), NULL);
    printf("-- cancelled head\n");
    weft_lock_acquire(lock);
    weft_task *c = spawn_user("c"), *d = spawn_user("d");
    weft_yield();
    printf("cancel c: %s\n", TF(weft_task_cancel(c, "stop c") == 1));
    printf("main releases\n");
    weft_lock_release(lock);
    finish("c", c);
    finish("d", d);
    printf("-- woken then cancelled\n");
    weft_lock_acquire(lock);
    weft_task *e = spawn_user("e"), *f = spawn_user("f");
    weft_yield();
    printf("main releases\n");
    weft_lock_release(lock);
    printf("cancel e: %s\n", TF(weft_task_cancel(e, "stop e") == 1));
    finish("e", e);
    finish("f", f);
    printf("-- only cancelled waiters\n");
    weft_lock_acquire(lock);
    weft_task *g = spawn_user("g");
    weft_yield();
    printf("cancel g: %s\n", TF(weft_task_cancel(g, NULL) == 1));
    weft_lock_release(lock);
    weft_lock_acquire(lock);
    printf("main acquired at once, locked %s\n", TF(weft_lock_locked(lock)));
    weft_lock_release(lock);
    finish("g", g);
    printf("-- self cancel\n");
    weft_lock_acquire(lock);
    weft_task *s = weft_task_create(weft_coro_new(self_cancel, NULL), NULL);
    finish("s", s);
    weft_lock_release(lock);
    weft_await(tk, NULL);
    weft_task_release(tk);
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
