/* asyncio conformance scenario 65_wait_timeout: the C twin of 65_wait_timeout.py, whose CPython
 * 3.11 output is expected/65_wait_timeout.txt.
 * wait with a timeout: on timeout it just returns the sets (no error, nothing cancelled), one hop
 * after its timer ran; timeout=0 is due at the next iteration; a completion before the deadline
 * wins; a waiting task that is cancelled gets CancelledError and the tasks keep running.
 */

#include "scenario.h"

struct child_args {
    const char *name;
    int hops; /* yields, or seconds to sleep for a sleeper */
    int value;
};

static int sleeper(void *arg, void **result)
{
    struct child_args *a = arg;
    printf("%s start\n", a->name);
    int rc = weft_sleep(a->hops);
    if (rc == WEFT_ECANCELLED) {
        printf("%s cancelled %s\n", a->name, errstr(rc));
        return rc;
    }
    printf("%s end\n", a->name);
    *result = PV(a->value);
    return 0;
}

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

static weft_task *named(weft_fn fn, struct child_args *a)
{
    return weft_task_create(weft_coro_new_named(fn, a, "child", __FILE__, __LINE__), a->name);
}

static void show(const char *label, weft_task **tasks, const bool *done, size_t n)
{
    const char *sets[2][8];
    size_t counts[2] = {0, 0};
    for (size_t i = 0; i < n; i++)
        sets[done[i] ? 0 : 1][counts[done[i] ? 0 : 1]++] = weft_task_get_name(tasks[i]);
    printf("%s done:", label);
    for (int which = 0; which < 2; which++) {
        qsort(sets[which], counts[which], sizeof(char *), cmp_names);
        if (which == 1)
            printf(" pending:");
        for (size_t j = 0; j < counts[which]; j++)
            printf(" %s", sets[which][j]);
        if (counts[which] == 0)
            printf(" ");
    }
    printf("\n");
}

static int waiter(void *arg, void **result)
{
    weft_task **tasks = arg;
    bool done[1];
    int rc = weft_wait(tasks, 1, WEFT_NO_TIMEOUT, WEFT_ALL_COMPLETED, done);
    if (rc == WEFT_ECANCELLED) {
        printf("waiter caught %s\n", errstr(rc));
        return rc;
    }
    show("waiter", tasks, done, 1);
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct child_args aa = {"a", 10, 1}, ba = {"b", 1, 2}, ca = {"c", 2, 3};
    weft_task *a = named(sleeper, &aa);
    weft_task *b = named(child, &ba);
    bool done[2];
    weft_task *ab[] = {a, b};
    weft_wait(ab, 2, 0.02, WEFT_ALL_COMPLETED, done);
    show("timeout", ab, done, 2);
    printf("a %s\n", st(a));

    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(6)), NULL);
    weft_yield();
    weft_task *c = named(child, &ca);
    weft_task *ac[] = {a, c};
    weft_wait(ac, 2, 0, WEFT_ALL_COMPLETED, done);
    show("timeout 0", ac, done, 2);
    weft_wait(ac, 2, 5, WEFT_ALL_COMPLETED, done);
    show("c before the deadline", ac, done, 2);

    weft_task *w = weft_task_create(weft_coro_new(waiter, &a), NULL);
    weft_yield();
    printf("cancel waiter %s\n", TF(weft_task_cancel(w, "stop")));
    int rc = weft_await(w, NULL);
    if (rc != 0)
        printf("main: waiter raised %s\n", errstr(rc));
    printf("a %s cancelling %d\n", st(a), weft_task_cancelling(a));
    weft_task_cancel(a, NULL);
    weft_wait(&a, 1, WEFT_NO_TIMEOUT, WEFT_ALL_COMPLETED, NULL);
    printf("a %s\n", st(a));
    weft_await(tk, NULL);
    weft_task *tasks[] = {tk, a, b, c, w};
    for (int i = 0; i < 5; i++)
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
