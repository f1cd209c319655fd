/* asyncio conformance scenario 63_gather_cancel: the C twin of 63_gather_cancel.py, whose CPython
 * 3.11 output is expected/63_gather_cancel.txt.
 * Cancelling a task that awaits gather cancels every child still running (_GatheringFuture.cancel
 * with the message). Without return_exceptions the caller gets the first cancelled child's
 * CancelledError while the others finish; with it, gather waits for every child and raises
 * CancelledError even if a child swallowed the cancel. Children already done are left alone.
 */

#include "scenario.h"

struct child_args {
    const char *name;
    int n; /* hops after the cancel, or the value returned */
};

static int sleeper(void *arg, void **result)
{
    struct child_args *a = arg;
    printf("%s start\n", a->name);
    int rc = weft_sleep(10);
    if (rc == WEFT_ECANCELLED) {
        printf("%s caught %s\n", a->name, errstr(rc));
        for (int i = 0; i < a->n; i++)
            weft_yield();
        printf("%s re-raises\n", a->name);
        return rc; /* the CancelledError and its message, still the last error */
    }
    *result = PV(0);
    return 0;
}

static int swallower(void *arg, void **result)
{
    struct child_args *a = arg;
    printf("%s start\n", a->name);
    int rc = weft_sleep(10);
    if (rc == WEFT_ECANCELLED)
        printf("%s swallows %s\n", a->name, errstr(rc));
    *result = PV(a->n);
    return 0;
}

static int quick(void *arg, void **result)
{
    printf("%s runs\n", (const char *)arg);
    *result = PV(7);
    return 0;
}

struct gatherer_args {
    weft_task **tasks;
    size_t count;
    bool return_exceptions;
};

static int gatherer(void *arg, void **result)
{
    struct gatherer_args *a = arg;
    int rc = weft_gather(a->tasks, a->count, a->return_exceptions, NULL, NULL);
    if (rc == WEFT_ECANCELLED) {
        printf("gatherer caught %s cancelling %d\n", errstr(rc),
               weft_task_cancelling(weft_current_task()));
        return rc;
    }
    printf("gather returned %d\n", rc);
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct child_args aa = {"a", 2}, ba = {"b", 5}, ca = {"c", 0}, da = {"d", 1},
                             ea = {"e", 6};
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(16)), NULL);
    weft_task *q = weft_task_create(weft_coro_new(quick, "q"), NULL);
    weft_task *a = weft_task_create(weft_coro_new(sleeper, &aa), NULL);
    weft_task *b = weft_task_create(weft_coro_new(swallower, &ba), NULL);
    weft_task *c = weft_task_create(weft_coro_new(sleeper, &ca), NULL);
    weft_task *first[] = {q, a, b, c};
    struct gatherer_args ga = {first, 4, false};
    weft_task *g = weft_task_create(weft_coro_new(gatherer, &ga), NULL);
    weft_yield();
    weft_yield();
    printf("cancel g %s\n", TF(weft_task_cancel(g, "stop")));
    printf("cancelling %d %d %d %d %d\n", weft_task_cancelling(g), weft_task_cancelling(q),
           weft_task_cancelling(a), weft_task_cancelling(b), weft_task_cancelling(c));
    int rc = weft_await(g, NULL);
    if (rc != 0)
        printf("main: g raised %s\n", errstr(rc));
    void *value = NULL;
    weft_task_result(b, &value);
    printf("states %s %s %s %s b result %d\n", st(q), st(a), st(b), st(c), IV(value));
    weft_task_release(g);

    weft_task *d = weft_task_create(weft_coro_new(sleeper, &da), NULL);
    weft_task *e = weft_task_create(weft_coro_new(swallower, &ea), NULL);
    weft_task *second[] = {d, e};
    struct gatherer_args gb = {second, 2, true};
    g = weft_task_create(weft_coro_new(gatherer, &gb), NULL);
    weft_yield();
    weft_yield();
    printf("cancel g %s\n", TF(weft_task_cancel(g, "halt")));
    rc = weft_await(g, NULL);
    if (rc != 0)
        printf("main: g raised %s\n", errstr(rc));
    weft_task_result(e, &value);
    printf("states %s %s e result %d\n", st(d), st(e), IV(value));
    weft_await(tk, NULL);
    weft_task *tasks[] = {tk, q, a, b, c, d, e, g};
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
