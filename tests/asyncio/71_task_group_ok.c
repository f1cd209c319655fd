/* asyncio conformance scenario 71_task_group_ok: the C twin of 71_task_group_ok.py, whose CPython
 * 3.11 output is expected/71_task_group_ok.txt.
 * TaskGroup: children start one hop after creation in creation order (Task-N numbers), the body
 * goes on meanwhile, a child may create a sibling, and the exit returns two hops after the last
 * child finished; afterwards create_task is refused ("is finished").
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

static int spawner(void *arg, void **result)
{
    static struct child_args late = {"late", 2, 9};
    weft_task_group *group = arg;
    printf("spawner in %s\n", cur());
    weft_yield();
    weft_task_release(weft_task_group_create_task(group, weft_coro_new(child, &late), NULL));
    printf("spawner end\n");
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct child_args aa = {"a", 1, 1}, ba = {"b", 3, 2}, ca = {"c", 0, 3};
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(10)), NULL);
    weft_task_group *group = weft_task_group_new();
    weft_task *a = weft_task_group_create_task(group, weft_coro_new(child, &aa), NULL);
    weft_task *b = weft_task_group_create_task(group, weft_coro_new(child, &ba), NULL);
    weft_task *s = weft_task_group_create_task(group, weft_coro_new(spawner, group), NULL);
    printf("body goes on\n");
    int rc = weft_yield();
    if (rc == 0)
        printf("body leaves\n");
    rc = weft_task_group_wait(group, rc);
    if (rc != 0)
        printf("group raised %s\n", errstr(rc));
    void *ra = NULL, *rb = NULL;
    weft_task_result(a, &ra);
    weft_task_result(b, &rb);
    printf("group done %s %s %s %d %d\n", st(a), st(b), st(s), IV(ra), IV(rb));
    printf("cancelling %d\n", weft_task_cancelling(weft_current_task()));
    weft_coro *c = weft_coro_new(child, &ca);
    if (weft_task_group_create_task(group, c, NULL) == NULL) {
        printf("create_task after exit: %s\n", weft_last_error_message());
        weft_coro_free(c);
    }
    weft_task_group_free(group);
    weft_await(tk, NULL);
    weft_task *tasks[] = {tk, a, b, s};
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
