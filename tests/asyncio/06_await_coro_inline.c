/* asyncio conformance scenario 06_await_coro_inline: the C twin of 06_await_coro_inline.py, whose CPython 3.11
 * output is expected/06_await_coro_inline.txt.
 * T7 N4 N1: awaiting a bare coroutine runs it inline: no task, no number, no hop unless it suspends.
 */

#include "scenario.h"

struct iargs {
    const char *tag;
    int suspend;
};

static int inner(void *arg, void **result)
{
    struct iargs *a = arg;
    printf("inner %s current=%s\n", a->tag, cur());
    if (a->suspend) {
        weft_yield();
        printf("inner %s resumed current=%s\n", a->tag, cur());
    }
    *result = PV(10);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct iargs ia = {"a", 0}, ib = {"b", 1}, ic = {"c", 0};
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(3)), NULL);
    void *r = NULL;
    int rc = weft_await_coro(weft_coro_new(inner, &ia), &r);
    if (rc)
        printf("await failed: %s\n", errstr(rc));
    printf("main got %d\n", IV(r));
    r = NULL;
    rc = weft_await_coro(weft_coro_new(inner, &ib), &r);
    if (rc)
        printf("await failed: %s\n", errstr(rc));
    printf("main got %d\n", IV(r));
    weft_task *t = weft_task_create(weft_coro_new(inner, &ic), NULL);
    printf("new task %s\n", weft_task_get_name(t));
    printf("all_tasks: %s\n", names());
    weft_await(t, NULL);
    weft_await(tk, NULL);
    weft_task_release(t);
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
