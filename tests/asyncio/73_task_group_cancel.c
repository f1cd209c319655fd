/* asyncio conformance scenario 73_task_group_cancel: the C twin of 73_task_group_cancel.py, whose
 * CPython 3.11 output is expected/73_task_group_cancel.txt.
 * Cancelling the parent of a TaskGroup from outside: while it waits in the exit, the cancel is
 * passed on to the children and, once they are done, the exit raises CancelledError with the
 * message (cancelling() stays 1: not the group's cancel); while the body runs, the body's
 * CancelledError makes the exit cancel the children, wait for them and re-raise it. A child
 * error meanwhile wins over the cancel (ExceptionGroup).
 */

#include "scenario.h"

struct sleeper_args {
    char name[32];
    int hops_after;
    int code;
};

static int sleeper(void *arg, void **result)
{
    struct sleeper_args *a = arg;
    printf("%s start\n", a->name);
    int rc = weft_sleep(10);
    if (rc == WEFT_ECANCELLED) {
        printf("%s caught %s\n", a->name, errstr(rc));
        for (int i = 0; i < a->hops_after; i++)
            weft_yield();
        if (a->code) {
            printf("%s raises %d\n", a->name, a->code);
            return weft_raise(a->code, "%s failed", a->name);
        }
        return weft_raise(rc, NULL);
    }
    *result = PV(0);
    return 0;
}

struct parent_args {
    const char *label;
    bool in_body;
    int code;
    struct sleeper_args child;
};

static int parent(void *arg, void **result)
{
    struct parent_args *a = arg;
    weft_task *me = weft_current_task();
    weft_task_group *group = weft_task_group_new();
    snprintf(a->child.name, sizeof a->child.name, "%s-a", a->label);
    a->child.hops_after = 1;
    a->child.code = a->code;
    weft_task_release(weft_task_group_create_task(group, weft_coro_new(sleeper, &a->child), NULL));
    int rc = 0;
    if (a->in_body) {
        rc = weft_sleep(10);
        if (rc == WEFT_ECANCELLED)
            printf("%s body caught %s\n", a->label, errstr(rc));
    }
    if (rc == 0)
        printf("%s body leaves\n", a->label);
    rc = weft_task_group_wait(group, rc);
    if (rc != 0)
        printf("%s group raised %s cancelling %d\n", a->label, errstr(rc),
               weft_task_cancelling(me));
    if (rc == WEFT_EGROUP) {
        const weft_task_error *errors;
        size_t count = weft_task_group_errors(group, &errors);
        for (size_t i = 0; i < count; i++)
            printf("  member %s\n", errfmt(errors[i].code, errors[i].message));
        rc = 0;
    }
    weft_task_group_free(group);
    *result = PV(0);
    return rc;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct parent_args runs[] = {{"exit", false, 0, {"", 0, 0}}, {"body", true, 0, {"", 0, 0}},
                                        {"error", false, 7, {"", 0, 0}}};
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(16)), NULL);
    for (int i = 0; i < 3; i++) {
        weft_task *p = weft_task_create(weft_coro_new(parent, &runs[i]), NULL);
        weft_yield();
        weft_yield();
        printf("cancel %s %s\n", runs[i].label, TF(weft_task_cancel(p, "stop")));
        void *value = NULL;
        int rc = weft_await(p, &value);
        if (rc == 0)
            printf("%s returned %d\n", runs[i].label, IV(value));
        else
            printf("main: %s raised %s\n", runs[i].label, errstr(rc));
        weft_task_release(p);
    }
    weft_await(tk, NULL);
    weft_task_release(tk);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
