/* asyncio conformance scenario 61_gather_first_error: the C twin of 61_gather_first_error.py, whose
 * CPython 3.11 output is expected/61_gather_first_error.txt.
 * gather without return_exceptions: the first error reaches the caller two hops after the child
 * failed, while the other children keep running (a later error is retrieved by gather, not
 * reported); a cancelled child makes gather raise CancelledError without cancelling the caller.
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
    for (int i = 0; i < a->hops; i++) {
        int rc = weft_yield();
        if (rc != 0)
            return rc;
    }
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

static weft_task *e;

static int canceller(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_yield();
    printf("cancel e %s\n", TF(weft_task_cancel(e, "stop e")));
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct child_args aa = {"a", 1, 1}, ba = {"b", 2, 7}, ca = {"c", 5, 3},
                             da = {"d", 3, 8}, ea = {"e", 4, 5}, fa = {"f", 1, 6};
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(14)), NULL);
    weft_task *a = weft_task_create(weft_coro_new(child, &aa), NULL);
    weft_task *b = weft_task_create(weft_coro_new(fails, &ba), NULL);
    weft_task *c = weft_task_create(weft_coro_new(child, &ca), NULL);
    weft_task *d = weft_task_create(weft_coro_new(fails, &da), NULL);
    weft_task *all[] = {a, b, c, d};
    void *r[4];
    int rc = weft_gather(all, 4, false, r, NULL);
    if (rc == 0)
        printf("gather returned %d %d %d %d\n", IV(r[0]), IV(r[1]), IV(r[2]), IV(r[3]));
    else
        printf("gather raised %s\n", errstr(rc));
    printf("states %s %s %s %s\n", st(a), st(b), st(c), st(d));
    void *value = NULL;
    weft_await(c, &value);
    printf("c result %d\n", IV(value));
    printf("states %s %s cancelling %d\n", st(c), st(d), weft_task_cancelling(weft_current_task()));

    e = weft_task_create(weft_coro_new(child, &ea), NULL);
    weft_task *f = weft_task_create(weft_coro_new(child, &fa), NULL);
    weft_task *k = weft_task_create(weft_coro_new(canceller, NULL), NULL);
    weft_task *ef[] = {e, f};
    rc = weft_gather(ef, 2, false, r, NULL);
    if (rc == 0)
        printf("gather returned %d %d\n", IV(r[0]), IV(r[1]));
    else
        printf("gather raised %s\n", errstr(rc));
    printf("states %s %s cancelling %d\n", st(e), st(f), weft_task_cancelling(weft_current_task()));
    weft_await(k, NULL);
    weft_await(tk, NULL);
    weft_task *tasks[] = {tk, a, b, c, d, e, f, k};
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
