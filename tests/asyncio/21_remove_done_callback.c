/* asyncio conformance scenario 21_remove_done_callback: the C twin of 21_remove_done_callback.py, whose CPython 3.11
 * output is expected/21_remove_done_callback.txt.
 * C3: remove_done_callback removes every pending registration and returns the count; after
 * completion it returns 0 and cannot stop calls already scheduled.
 */

#include "scenario.h"

static int cb1(weft_task *t, void *arg)
{
    (void)t;
    (void)arg;
    printf("done cb 1\n");
    return 0;
}

static int cb2(weft_task *t, void *arg)
{
    (void)t;
    (void)arg;
    printf("done cb 2\n");
    return 0;
}

static int cb3(weft_task *t, void *arg)
{
    (void)t;
    (void)arg;
    printf("done cb 3\n");
    return 0;
}

static int cbx(weft_task *t, void *arg)
{
    (void)t;
    (void)arg;
    printf("done cb x\n");
    return 0;
}

static int remover(weft_task *t, void *arg)
{
    (void)arg;
    printf("remover: removed cb2 %d\n", weft_task_remove_done_callback(t, cb2, NULL));
    return 0;
}

static int work(void *arg, void **result)
{
    (void)arg;
    printf("work runs\n");
    weft_yield();
    *result = PV(1);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *t = weft_task_create(weft_coro_new(work, NULL), NULL);
    weft_task_add_done_callback(t, remover, NULL);
    weft_task_add_done_callback(t, cb1, NULL);
    weft_task_add_done_callback(t, cb1, NULL);
    weft_task_add_done_callback(t, cb2, NULL);
    weft_task_add_done_callback(t, cb1, NULL);
    weft_task_add_done_callback(t, cb3, NULL);
    printf("removed cb1 %d\n", weft_task_remove_done_callback(t, cb1, NULL));
    printf("removed cb1 again %d\n", weft_task_remove_done_callback(t, cb1, NULL));
    printf("removed never added %d\n", weft_task_remove_done_callback(t, cbx, NULL));
    weft_await(t, NULL);
    printf("main resumed\n");
    printf("removed cb3 after done %d\n", weft_task_remove_done_callback(t, cb3, NULL));
    weft_task_release(t);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
