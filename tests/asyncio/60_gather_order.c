/* asyncio conformance scenario 60_gather_order: the C twin of 60_gather_order.py, whose CPython
 * 3.11 output is expected/60_gather_order.txt.
 * gather: coroutines are wrapped in tasks in argument order (Task-N numbers), a repeated argument
 * is waited for once, results come in argument order; the caller resumes two hops after the last
 * child finishes (its done callback, then the wake-up), also for children already done (3.11);
 * gather() with no argument does not suspend.
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
    printf("%s start in %s\n", a->name, cur());
    for (int i = 0; i < a->hops; i++)
        weft_yield();
    printf("%s end\n", a->name);
    *result = PV(a->value);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct child_args aa = {"a", 3, 10}, ba = {"b", 0, 20}, ca = {"c", 1, 30},
                             da = {"d", 0, 40};
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(12)), NULL);
    weft_task *a = weft_task_create(weft_coro_new(child, &aa), NULL);
    weft_coro *b = weft_coro_new(child, &ba);
    /* gather(a, b, c(), a, b): the coroutines become tasks in argument order. */
    weft_task *bt = weft_task_create(b, NULL);
    weft_task *ct = weft_task_create(weft_coro_new(child, &ca), NULL);
    weft_task *args[] = {a, bt, ct, a, bt};
    void *r[5];
    int rc = weft_gather(args, 5, false, r, NULL);
    if (rc != 0)
        printf("gather raised %s\n", errstr(rc));
    printf("gather returned %d %d %d %d %d\n", IV(r[0]), IV(r[1]), IV(r[2]), IV(r[3]), IV(r[4]));
    printf("a %s\n", st(a));
    rc = weft_gather(NULL, 0, false, NULL, NULL);
    printf("empty gather returned %d\n", rc);
    weft_task *twice[] = {a, a};
    weft_gather(twice, 2, false, r, NULL);
    printf("gather of a done task returned %d %d\n", IV(r[0]), IV(r[1]));
    weft_coro *one[] = {weft_coro_new(child, &da)};
    weft_gather_coros(one, 1, false, r, NULL);
    printf("gather of one coroutine returned %d\n", IV(r[0]));
    weft_await(tk, NULL);
    weft_task_release(tk);
    weft_task_release(a);
    weft_task_release(bt);
    weft_task_release(ct);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
