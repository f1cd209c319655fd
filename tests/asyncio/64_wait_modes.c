/* asyncio conformance scenario 64_wait_modes: the C twin of 64_wait_modes.py, whose CPython 3.11
 * output is expected/64_wait_modes.txt.
 * wait: FIRST_COMPLETED, FIRST_EXCEPTION (a cancelled task does not count) and ALL_COMPLETED are
 * decided in a done callback, and the caller resumes two hops after the deciding completion,
 * also when the tasks are already done; wait never cancels; wait([]) is a ValueError.
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

static weft_task *named(weft_fn fn, struct child_args *a)
{
    return weft_task_create(weft_coro_new_named(fn, a, "child", __FILE__, __LINE__), a->name);
}

/* Prints the done and pending sets (sorted names, each once). */
static void show(const char *label, weft_task **tasks, const bool *done, size_t n)
{
    const char *sets[2][8];
    size_t counts[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        int which = done[i] ? 0 : 1;
        const char *name = weft_task_get_name(tasks[i]);
        bool seen = false;
        for (size_t j = 0; j < counts[which]; j++)
            seen = seen || strcmp(sets[which][j], name) == 0;
        if (!seen)
            sets[which][counts[which]++] = name;
    }
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

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct child_args aa = {"a", 2, 1}, ba = {"b", 4, 2}, ca = {"c", 1, 3},
                             da = {"d", 3, 7}, ea = {"e", 6, 4}, fa = {"f", 8, 5};
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(24)), NULL);
    weft_task *a = named(child, &aa);
    weft_task *b = named(child, &ba);
    bool done[4];
    weft_task *ab[] = {a, b};
    weft_wait(ab, 2, WEFT_NO_TIMEOUT, WEFT_FIRST_COMPLETED, done);
    show("first completed", ab, done, 2);
    weft_task *aba[] = {a, b, a};
    weft_wait(aba, 3, WEFT_NO_TIMEOUT, WEFT_ALL_COMPLETED, done);
    show("all completed", aba, done, 3);

    weft_task *c = named(child, &ca);
    weft_task *d = named(fails, &da);
    weft_task *e = named(child, &ea);
    weft_task *f = named(child, &fa);
    weft_task_cancel(e, NULL);
    weft_task *cdef[] = {c, d, e, f};
    weft_wait(cdef, 4, WEFT_NO_TIMEOUT, WEFT_FIRST_EXCEPTION, done);
    show("first exception", cdef, done, 4);
    const char *message = NULL;
    int code = weft_task_exception(d, &message);
    printf("d %s\n", errfmt(code, message));
    weft_task *ce[] = {c, e};
    weft_wait(ce, 2, WEFT_NO_TIMEOUT, WEFT_FIRST_EXCEPTION, done);
    show("first exception, none failed", ce, done, 2);
    weft_wait(&f, 1, WEFT_NO_TIMEOUT, WEFT_FIRST_COMPLETED, done);
    show("f", &f, done, 1);
    int rc = weft_wait(NULL, 0, WEFT_NO_TIMEOUT, WEFT_ALL_COMPLETED, NULL);
    printf("wait([]) raised %s\n", errstr(rc));
    weft_await(tk, NULL);
    weft_task *tasks[] = {tk, a, b, c, d, e, f};
    for (int i = 0; i < 7; i++)
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
