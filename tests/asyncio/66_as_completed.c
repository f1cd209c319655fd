/* asyncio conformance scenario 66_as_completed: the C twin of 66_as_completed.py, whose CPython
 * 3.11 output is expected/66_as_completed.txt.
 * as_completed hands out the tasks in completion order, each two hops after it completed (its
 * done callback, then the getter's wake-up) or at once when it is already queued; an error comes
 * out where the task comes out; on timeout each task left gives TimeoutError.
 */

#include "scenario.h"

struct child_args {
    const char *name;
    int hops;
    int value;
};

static int child(void *arg, void **result)
{
    struct child_args *a = arg;
    printf("%s start\n", a->name);
    for (int i = 0; i < a->hops; i++)
        weft_yield();
    printf("%s end\n", a->name);
    *result = PV(a->value);
    return 0;
}

static int fails(void *arg, void **result)
{
    struct child_args *a = arg;
    (void)result;
    printf("%s start\n", a->name);
    for (int i = 0; i < a->hops; i++)
        weft_yield();
    printf("%s raises %d\n", a->name, a->value);
    return weft_raise(a->value, "%s failed", a->name);
}

static int sleep10(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_sleep(10);
}

static void drain(weft_as_completed *it, int hops_between)
{
    if (it == NULL)
        return; /* out of memory (the fault sweep): nothing to drain */
    for (;;) {
        weft_task *t = NULL;
        void *value = NULL;
        int rc = weft_as_completed_next(it, &t, &value);
        if (t == NULL && rc == 0)
            break;
        if (rc == 0)
            printf("next returned %d\n", IV(value));
        else
            printf("next raised %s\n", errstr(rc));
        for (int i = 0; i < hops_between; i++)
            weft_yield();
    }
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct child_args aa = {"a", 4, 1}, ba = {"b", 1, 7}, ca = {"c", 2, 3},
                             da = {"d", 2, 4}, ea = {"e", 1, 5}, ga = {"g", 0, 6};
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(20)), NULL);
    weft_task *a = weft_task_create(weft_coro_new(child, &aa), NULL);
    weft_task *b = weft_task_create(weft_coro_new(fails, &ba), NULL);
    weft_task *c = weft_task_create(weft_coro_new(child, &ca), NULL);
    weft_task *d = weft_task_create(weft_coro_new(child, &da), NULL);
    weft_task *abcda[] = {a, b, c, d, a};
    weft_as_completed *it = weft_as_completed_new(abcda, 5, WEFT_NO_TIMEOUT);
    drain(it, 3);
    weft_as_completed_free(it);

    weft_task *e = weft_task_create(weft_coro_new(child, &ea), NULL);
    weft_task *f = weft_task_create(weft_coro_new(sleep10, NULL), "f");
    weft_task *g = weft_task_create(weft_coro_new(child, &ga), NULL);
    weft_task *efg[] = {e, f, g};
    it = weft_as_completed_new(efg, 3, 0.05);
    drain(it, 0);
    weft_as_completed_free(it);
    printf("f %s\n", st(f));
    weft_task_cancel(f, NULL);
    weft_await(tk, NULL);
    weft_task *tasks[] = {tk, a, b, c, d, e, f, g};
    for (int i = 0; i < 8; i++)
        weft_task_release(tasks[i]);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
