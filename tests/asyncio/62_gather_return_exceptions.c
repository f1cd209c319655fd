/* asyncio conformance scenario 62_gather_return_exceptions: the C twin of
 * 62_gather_return_exceptions.py, whose CPython 3.11 output is
 * expected/62_gather_return_exceptions.txt.
 * gather(return_exceptions=True): errors and cancellations take their place in the results, in
 * argument order; gather returns two hops after the last child finishes. A cancelled child's
 * entry is printed without its message (CPython drops it there, weft keeps it: R3).
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

static int sleeper(void *arg, void **result)
{
    printf("%s start\n", (const char *)arg);
    int rc = weft_sleep(10);
    if (rc == WEFT_ECANCELLED) {
        printf("%s cancelled\n", (const char *)arg);
        return rc;
    }
    *result = PV(0);
    return 0;
}

static weft_task *c;

static int canceller(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_yield();
    weft_yield();
    printf("cancel c %s\n", TF(weft_task_cancel(c, NULL)));
    return 0;
}

/* One entry of the results: the value, or the error (a cancel without its message). */
static const char *entry(weft_task *t, int code, void *value)
{
    static char buf[4][128];
    static int slot;
    char *b = buf[slot++ % 4];
    if (code == 0) {
        snprintf(b, 128, "%d", IV(value));
    } else if (code == WEFT_ECANCELLED) {
        snprintf(b, 128, "CancelledError");
    } else {
        const char *message = NULL;
        weft_task_exception(t, &message);
        snprintf(b, 128, "%s", errfmt(code, message));
    }
    return b;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct child_args aa = {"a", 3, 1}, ba = {"b", 1, 7}, da = {"d", 2, 8};
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(10)), NULL);
    weft_task *a = weft_task_create(weft_coro_new(child, &aa), NULL);
    weft_task *b = weft_task_create(weft_coro_new(fails, &ba), NULL);
    c = weft_task_create(weft_coro_new(sleeper, "c"), NULL);
    weft_task *d = weft_task_create(weft_coro_new(fails, &da), NULL);
    weft_task *k = weft_task_create(weft_coro_new(canceller, NULL), NULL);
    weft_task *all[] = {a, b, c, d};
    void *r[4];
    int codes[4];
    int rc = weft_gather(all, 4, true, r, codes);
    if (rc != 0)
        printf("gather raised %s\n", errstr(rc));
    printf("gather returned %s | %s | %s | %s\n", entry(a, codes[0], r[0]),
           entry(b, codes[1], r[1]), entry(c, codes[2], r[2]), entry(d, codes[3], r[3]));
    printf("states %s %s %s %s\n", st(a), st(b), st(c), st(d));
    printf("cancelling %d\n", weft_task_cancelling(weft_current_task()));
    weft_await(k, NULL);
    weft_await(tk, NULL);
    weft_task *tasks[] = {tk, a, b, c, d, k};
    for (int i = 0; i < 6; i++)
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
