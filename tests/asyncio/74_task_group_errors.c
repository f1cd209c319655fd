/* asyncio conformance scenario 74_task_group_errors: the C twin of 74_task_group_errors.py, whose
 * CPython 3.11 output is expected/74_task_group_errors.txt.
 * TaskGroup errors: several children failing are all reported, in the order their done
 * callbacks ran; a failure in the body cancels the children and comes last in the
 * ExceptionGroup; a child failing while cancelled still counts; a child that is already done is
 * not cancelled.
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

static int fails_when_cancelled(void *arg, void **result)
{
    struct child_args *a = arg;
    printf("%s start\n", a->name);
    if (weft_sleep(10) == WEFT_ECANCELLED) {
        printf("%s cancelled, raises %d\n", a->name, a->code);
        return weft_raise(a->code, "%s failed", a->name);
    }
    *result = PV(0);
    return 0;
}

static int quick(void *arg, void **result)
{
    printf("%s runs\n", (const char *)arg);
    *result = PV(1);
    return 0;
}

static void show(int rc, weft_task_group *group)
{
    printf("group raised %s\n", errstr(rc));
    const weft_task_error *errors;
    size_t count = weft_task_group_errors(group, &errors);
    for (size_t i = 0; i < count; i++)
        printf("  member %s\n", errfmt(errors[i].code, errors[i].message));
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct child_args aa = {"a", 1, 7}, ba = {"b", 1, 8}, ca = {"c", 0, 9},
                             da = {"d", 0, 10};
    weft_task_group *group = weft_task_group_new();
    weft_task_release(weft_task_group_create_task(group, weft_coro_new(fails, &aa), NULL));
    weft_task_release(weft_task_group_create_task(group, weft_coro_new(fails, &ba), NULL));
    weft_task_release(
        weft_task_group_create_task(group, weft_coro_new(fails_when_cancelled, &ca), NULL));
    printf("body leaves\n");
    int rc = weft_task_group_wait(group, 0);
    if (rc != 0)
        show(rc, group);
    weft_task_group_free(group);

    group = weft_task_group_new();
    weft_task *q = weft_task_group_create_task(group, weft_coro_new(quick, "q"), NULL);
    weft_task_release(
        weft_task_group_create_task(group, weft_coro_new(fails_when_cancelled, &da), NULL));
    weft_yield();
    weft_yield();
    printf("body raises 11\n");
    rc = weft_task_group_wait(group, weft_raise(11, "body failed"));
    if (rc != 0)
        show(rc, group);
    weft_task_group_free(group);
    printf("q %s\n", st(q));
    weft_task_release(q);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
