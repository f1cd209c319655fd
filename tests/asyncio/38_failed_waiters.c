/* asyncio conformance scenario 38_failed_waiters: the C twin of 38_failed_waiters.py, whose CPython 3.11
 * output is expected/38_failed_waiters.txt.
 * T6 R2 S3: waiters of a failing task all get its error in registration order; a waiter cancelled
 * after the failure but before its wakeup gets CancelledError instead.
 */

#include "scenario.h"

static weft_task *task_w2;

static int cancel_w2(void *arg)
{
    (void)arg;
    printf("cb cancels w2: %s\n", TF(weft_task_cancel(task_w2, NULL)));
    return 0;
}

static int failing(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("failing starts\n");
    weft_yield();
    weft_call_soon(loop(), cancel_w2, NULL, NULL);
    printf("failing raises\n");
    return weft_raise(3, "bad");
}

struct wargs {
    const char *name;
    weft_task *t;
};

static int waiter(void *arg, void **result)
{
    struct wargs *a = arg;
    (void)result;
    printf("%s waits\n", a->name);
    int rc = weft_await(a->t, NULL);
    if (rc)
        printf("%s got %s\n", a->name, errstr(rc));
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *f = weft_task_create(weft_coro_new(failing, NULL), NULL);
    struct wargs a1 = {"w1", f}, a2 = {"w2", f}, a3 = {"w3", f};
    weft_task *w1 = weft_task_create(weft_coro_new(waiter, &a1), NULL);
    weft_task *w2 = weft_task_create(weft_coro_new(waiter, &a2), NULL);
    task_w2 = w2;
    weft_task *w3 = weft_task_create(weft_coro_new(waiter, &a3), NULL);
    weft_await(w1, NULL);
    weft_await(w2, NULL);
    weft_await(w3, NULL);
    printf("w2 %s f %s\n", st(w2), st(f));
    weft_task_release(f);
    weft_task_release(w1);
    weft_task_release(w2);
    weft_task_release(w3);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
