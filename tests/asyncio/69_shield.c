/* asyncio conformance scenario 69_shield: the C twin of 69_shield.py, whose CPython 3.11 output is
 * expected/69_shield.txt.
 * shield: cancelling the task that awaits a shielded task wakes it one hop later with the
 * CancelledError while the inner task runs on to its end; an inner task that is cancelled
 * cancels the shield; the result comes two hops after the inner task finishes; a done task is
 * returned as it is (no hop).
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

struct shielder_args {
    const char *label;
    weft_task *task;
};

static int shielder(void *arg, void **result)
{
    struct shielder_args *a = arg;
    void *value = NULL;
    int rc = weft_shield(a->task, &value);
    if (rc != 0) {
        printf("%s raised %s cancelling %d\n", a->label, errstr(rc),
               weft_task_cancelling(weft_current_task()));
        return rc;
    }
    printf("%s returned %d\n", a->label, IV(value));
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct child_args aa = {"a", 4, 1}, ba = {"b", 3, 2}, ca = {"c", 2, 3};
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(16)), NULL);
    weft_task *a = weft_task_create(weft_coro_new(child, &aa), NULL);
    struct shielder_args sa = {"shield a", a};
    weft_task *s = weft_task_create(weft_coro_new(shielder, &sa), NULL);
    weft_yield();
    printf("cancel %s\n", TF(weft_task_cancel(s, "stop")));
    int rc = weft_await(s, NULL);
    if (rc != 0)
        printf("main: shielder raised %s\n", errstr(rc));
    printf("a %s\n", st(a));
    void *value = NULL;
    weft_await(a, &value);
    printf("a result %d\n", IV(value));
    weft_task_release(s);

    weft_task *b = weft_task_create(weft_coro_new(child, &ba), NULL);
    struct shielder_args sb = {"shield b", b};
    s = weft_task_create(weft_coro_new(shielder, &sb), NULL);
    weft_yield();
    printf("cancel b %s\n", TF(weft_task_cancel(b, "inner")));
    rc = weft_await(s, NULL);
    if (rc != 0)
        printf("main: shielder raised %s\n", errstr(rc));
    weft_task_release(s);

    weft_task *c = weft_task_create(weft_coro_new(child, &ca), NULL);
    struct shielder_args sc = {"shield c", c}, sd = {"shield done c", c};
    weft_await_coro(weft_coro_new(shielder, &sc), NULL);
    weft_await_coro(weft_coro_new(shielder, &sd), NULL);
    weft_await(tk, NULL);
    weft_task *tasks[] = {tk, a, b, c};
    for (int i = 0; i < 4; i++)
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
