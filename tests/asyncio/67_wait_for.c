/* asyncio conformance scenario 67_wait_for: the C twin of 67_wait_for.py, whose CPython 3.11 output
 * is expected/67_wait_for.txt (identical with 3.12's own asyncio.wait_for).
 * wait_for as Python 3.12 defines it: the caller resumes one hop after the task completes, a
 * coroutine runs inline in the caller's task, a timeout cancels the task, waits for it and raises
 * TimeoutError (or returns what a task that swallowed the cancel returned), the caller's
 * cancelling() is back to 0 afterwards; timeout <= 0 cancels at once; None just awaits.
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
    weft_yield();
    return weft_raise(a->value, "%s failed", a->name);
}

struct sleeper_args {
    const char *name;
    bool swallow;
};

static int sleeper(void *arg, void **result)
{
    struct sleeper_args *a = arg;
    printf("%s start in %s\n", a->name, cur());
    int rc = weft_sleep(10);
    if (rc == WEFT_ECANCELLED) {
        printf("%s caught %s\n", a->name, errstr(rc));
        if (!a->swallow)
            return rc;
        *result = PV(9);
        return 0;
    }
    *result = PV(0);
    return 0;
}

static void report(const char *label, int rc, void *value)
{
    if (rc == 0)
        printf("%s returned %d\n", label, IV(value));
    else
        printf("%s raised %s\n", label, errstr(rc));
    printf("%s cancelling %d\n", label, weft_task_cancelling(weft_current_task()));
}

static void attempt(const char *label, weft_task *task, double timeout)
{
    void *value = NULL;
    int rc = weft_wait_for(task, timeout, &value);
    report(label, rc, value);
}

static void attempt_coro(const char *label, weft_coro *coro, double timeout)
{
    void *value = NULL;
    int rc = weft_wait_for_coro(coro, timeout, &value);
    report(label, rc, value);
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct child_args aa = {"a", 2, 1}, ba = {"b", 1, 2}, ca = {"c", 0, 7},
                             ga = {"g", 3, 4}, ha = {"h", 0, 5}, ia = {"i", 1, 6};
    static struct sleeper_args da = {"d", false}, ea = {"e", false}, fa = {"f", true};
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(12)), NULL);
    weft_task *a = weft_task_create(weft_coro_new(child, &aa), NULL);
    attempt("task in time", a, 5);
    attempt_coro("coroutine in time", weft_coro_new(child, &ba), 5);
    weft_task *c = weft_task_create(weft_coro_new(fails, &ca), NULL);
    attempt("failing task", c, 5);
    weft_task *d = weft_task_create(weft_coro_new(sleeper, &da), NULL);
    attempt("timeout", d, 0.02);
    printf("d %s\n", st(d));
    attempt_coro("timeout, coroutine", weft_coro_new(sleeper, &ea), 0.02);
    weft_task *f = weft_task_create(weft_coro_new(sleeper, &fa), NULL);
    attempt("timeout, cancel swallowed", f, 0.02);
    weft_task *g = weft_task_create(weft_coro_new(child, &ga), NULL);
    weft_yield();
    attempt("timeout 0", g, 0);
    printf("g %s\n", st(g));
    attempt("timeout 0, done task", a, 0);
    attempt_coro("timeout 0, coroutine", weft_coro_new(child, &ha), 0);
    attempt_coro("no timeout", weft_coro_new(child, &ia), WEFT_NO_TIMEOUT);
    weft_await(tk, NULL);
    weft_task *tasks[] = {tk, a, c, d, f, g};
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
