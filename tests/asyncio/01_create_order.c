/* asyncio conformance scenario 01_create_order: the C twin of 01_create_order.py, whose CPython 3.11
 * output is expected/01_create_order.txt.
 * T1 N1 N5 L1 A1: first steps run one hop later, in creation order; the creator keeps running.
 */

#include "scenario.h"

static int child(void *arg, void **result)
{
    const char *name = arg;
    printf("%s step 1 current=%s\n", name, cur());
    weft_yield();
    printf("%s step 2\n", name);
    (void)result;
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    printf("main start %s\n", cur());
    weft_task *t1 = weft_task_create(weft_coro_new(child, "c1"), NULL);
    weft_task *t2 = weft_task_create(weft_coro_new(child, "c2"), NULL);
    weft_task *t3 = weft_task_create(weft_coro_new(child, "c3"), NULL);
    printf("created %s %s %s\n", weft_task_get_name(t1), weft_task_get_name(t2),
           weft_task_get_name(t3));
    printf("all_tasks: %s\n", names());
    printf("c1 %s\n", st(t1));
    printf("main still running\n");
    weft_yield();
    printf("main after sleep0\n");
    weft_yield();
    printf("main after second sleep0\n");
    printf("c1 %s c3 %s\n", st(t1), st(t3));
    printf("all_tasks: %s\n", names());
    weft_task_release(t1);
    weft_task_release(t2);
    weft_task_release(t3);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
