/* asyncio conformance scenario 72_task_group_error: the C twin of 72_task_group_error.py, whose
 * CPython 3.11 output is expected/72_task_group_error.txt.
 * TaskGroup: the first child failure (seen in its done callback, one hop after it failed) cancels
 * the other children and the body; create_task is then refused ("is shutting down"); the exit
 * waits for every child, withdraws the group's cancel (cancelling() back to 0) and raises the
 * ExceptionGroup of the children's errors; a sibling that swallowed the cancel counts as done.
 */

#include "scenario.h"

struct child_args {
    const char *name;
    int hops;
    int code;
};

static int fails(void *arg, void **result)
{
    struct child_args *a = arg;
    (void)result;
    printf("%s start\n", a->name);
    for (int i = 0; i < a->hops; i++)
        weft_yield();
    printf("%s raises %d\n", a->name, a->code);
    return weft_raise(a->code, "%s failed", a->name);
}

struct sleeper_args {
    const char *name;
    bool swallow;
};

static int sleeper(void *arg, void **result)
{
    struct sleeper_args *a = arg;
    printf("%s start\n", a->name);
    int rc = weft_sleep(10);
    if (rc == WEFT_ECANCELLED) {
        printf("%s caught %s\n", a->name, errstr(rc));
        if (!a->swallow)
            return rc;
        weft_yield();
        printf("%s returns\n", a->name);
        *result = PV(5);
        return 0;
    }
    *result = PV(0);
    return 0;
}

static int quiet(void *arg, void **result)
{
    printf("%s start\n", (const char *)arg);
    *result = PV(0);
    return weft_sleep(10);
}

/* Prints an ExceptionGroup's members as the Python twin does. */
static void members(weft_task_group *group)
{
    const weft_task_error *errors;
    size_t count = weft_task_group_errors(group, &errors);
    for (size_t i = 0; i < count; i++)
        printf("  member %s\n", errfmt(errors[i].code, errors[i].message));
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct child_args ba = {"b", 2, 7};
    static struct sleeper_args ca = {"c", true}, da = {"d", false};
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(10)), NULL);
    weft_task *me = weft_current_task();
    weft_task_group *group = weft_task_group_new();
    weft_task *a = weft_task_group_create_task(group, weft_coro_new(quiet, "a"), NULL);
    weft_task *b = weft_task_group_create_task(group, weft_coro_new(fails, &ba), NULL);
    weft_task *c = weft_task_group_create_task(group, weft_coro_new(sleeper, &ca), NULL);
    int rc = weft_sleep(10);
    if (rc == WEFT_ECANCELLED) {
        printf("body caught %s cancelling %d\n", errstr(rc), weft_task_cancelling(me));
        weft_coro *child = weft_coro_new(sleeper, &da);
        weft_task *d = weft_task_group_create_task(group, child, NULL);
        if (d == NULL) {
            printf("create_task: %s\n", weft_last_error_message());
            weft_coro_free(child);
        }
        weft_task_release(d); /* created only when the group was not shutting down */
        weft_raise(rc, NULL); /* re-raise: the body leaves with its CancelledError */
    }
    rc = weft_task_group_wait(group, rc);
    if (rc == WEFT_EGROUP) {
        printf("group raised %s\n", errstr(rc));
        members(group);
    }
    void *value = NULL;
    weft_task_result(c, &value);
    printf("states %s %s %s c result %d\n", st(a), st(b), st(c), IV(value));
    printf("cancelling %d\n", weft_task_cancelling(me));
    weft_task_group_free(group);
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
