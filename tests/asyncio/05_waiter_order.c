/* asyncio conformance scenario 05_waiter_order: the C twin of 05_waiter_order.py, whose CPython 3.11
 * output is expected/05_waiter_order.txt.
 * T6 C1: waiters and done callbacks of one task run in registration order.
 */

#include "scenario.h"

static int cb(weft_task *t, void *arg)
{
    (void)t;
    printf("done cb %s current=%s\n", (const char *)arg, cur());
    return 0;
}

static int leaf(void *arg, void **result)
{
    (void)arg;
    printf("leaf start\n");
    weft_sleep(0.01);
    printf("leaf end\n");
    *result = PV(5);
    return 0;
}

struct wargs {
    const char *name;
    weft_task *t;
};

static int waiter(void *arg, void **result)
{
    struct wargs *a = arg;
    printf("%s waits\n", a->name);
    void *r = NULL;
    int rc = weft_await(a->t, &r);
    if (rc)
        printf("%s await failed: %s\n", a->name, errstr(rc));
    printf("%s got %d\n", a->name, IV(r));
    (void)result;
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *lf = weft_task_create(weft_coro_new(leaf, NULL), NULL);
    struct wargs a1 = {"w1", lf}, a2 = {"w2", lf}, a3 = {"w3", lf};
    weft_task *w1 = weft_task_create(weft_coro_new(waiter, &a1), NULL);
    weft_task_add_done_callback(lf, cb, "a");
    weft_task *w2 = weft_task_create(weft_coro_new(waiter, &a2), NULL);
    weft_yield();
    printf("main adds cb b\n");
    weft_task_add_done_callback(lf, cb, "b");
    weft_task *w3 = weft_task_create(weft_coro_new(waiter, &a3), NULL);
    printf("main waits\n");
    void *r = NULL;
    int rc = weft_await(lf, &r);
    if (rc)
        printf("main await failed: %s\n", errstr(rc));
    printf("main got %d\n", IV(r));
    weft_await(w1, NULL);
    weft_await(w2, NULL);
    weft_await(w3, NULL);
    printf("main end\n");
    weft_task_release(lf);
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
