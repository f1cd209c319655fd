/* asyncio conformance scenario 55_queue_rewait: the C twin of 55_queue_rewait.py, whose CPython
 * 3.11 output is expected/55_queue_rewait.txt.
 * Queue: a woken getter whose item was taken by get_nowait() before it ran waits again at the
 * back of the getters, behind those that came after it.
 */

#include "scenario.h"

static weft_queue *q;

static int getter(void *arg, void **result)
{
    const char *name = arg;
    printf("%s gets\n", name);
    void *item = NULL;
    int rc = weft_queue_get(q, &item);
    if (rc != 0)
        return rc;
    printf("%s got %s\n", name, (const char *)item);
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_queue_new(0, WEFT_QUEUE_FIFO, NULL, &q);
    weft_task *g1 = weft_task_create(weft_coro_new(getter, "g1"), NULL);
    weft_yield();
    weft_task *g2 = weft_task_create(weft_coro_new(getter, "g2"), NULL);
    weft_yield();
    weft_queue_put_nowait(q, "x");
    void *item = NULL;
    weft_queue_get_nowait(q, &item);
    printf("main takes %s before g1 runs\n", (const char *)item);
    weft_yield();
    printf("main after one hop\n");
    weft_queue_put_nowait(q, "y");
    weft_yield();
    weft_queue_put_nowait(q, "z");
    weft_await(g1, NULL);
    weft_await(g2, NULL);
    weft_task_release(g1);
    weft_task_release(g2);
    printf("main end\n");
    weft_queue_free(q);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
