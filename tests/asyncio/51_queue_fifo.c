/* asyncio conformance scenario 51_queue_fifo: the C twin of 51_queue_fifo.py, whose CPython
 * 3.11 output is expected/51_queue_fifo.txt.
 * Queue (FIFO, bounded): queries; get() suspends and put_nowait() wakes the first getter one
 * hop later; QueueFull / QueueEmpty; put() on a full queue waits FIFO until a get frees a slot.
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
    printf("%s got %d qsize=%zu\n", name, IV(item), weft_queue_qsize(q));
    *result = PV(0);
    return 0;
}

struct putter_args {
    const char *name;
    int item;
};

static int putter(void *arg, void **result)
{
    struct putter_args *a = arg;
    printf("%s puts %d full=%s\n", a->name, a->item, TF(weft_queue_full(q)));
    int rc = weft_queue_put(q, PV(a->item));
    if (rc != 0)
        return rc;
    printf("%s put %d qsize=%zu\n", a->name, a->item, weft_queue_qsize(q));
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_queue_new(2, WEFT_QUEUE_FIFO, NULL, &q);
    printf("qsize %zu empty %s full %s maxsize %zu\n", weft_queue_qsize(q),
           TF(weft_queue_empty(q)), TF(weft_queue_full(q)), weft_queue_maxsize(q));
    weft_task *gs[2];
    gs[0] = weft_task_create(weft_coro_new(getter, "g0"), NULL);
    gs[1] = weft_task_create(weft_coro_new(getter, "g1"), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(8)), NULL);
    weft_yield();
    weft_queue_put_nowait(q, PV(1));
    weft_queue_put_nowait(q, PV(2));
    printf("qsize %zu empty %s full %s\n", weft_queue_qsize(q), TF(weft_queue_empty(q)),
           TF(weft_queue_full(q)));
    int rc = weft_queue_put_nowait(q, PV(3));
    if (rc != 0)
        printf("put_nowait on a full queue: %s\n", weft_error_name(rc));
    weft_yield();
    printf("main after one hop, qsize %zu\n", weft_queue_qsize(q));
    void *item = NULL;
    rc = weft_queue_get_nowait(q, &item);
    if (rc != 0)
        printf("get_nowait on an empty queue: %s\n", weft_error_name(rc));
    weft_queue_put(q, PV(10));
    weft_queue_put(q, PV(11));
    printf("main put 10 and 11 (same step), full %s\n", TF(weft_queue_full(q)));
    static struct putter_args pargs[] = {{"p0", 20}, {"p1", 21}, {"p2", 22}};
    weft_task *ps[3];
    for (int i = 0; i < 3; i++)
        ps[i] = weft_task_create(weft_coro_new(putter, &pargs[i]), NULL);
    weft_yield();
    for (int i = 0; i < 5; i++) {
        weft_queue_get(q, &item);
        printf("main got %d\n", IV(item));
        weft_yield();
    }
    for (int i = 0; i < 2; i++) {
        weft_await(gs[i], NULL);
        weft_task_release(gs[i]);
    }
    for (int i = 0; i < 3; i++) {
        weft_await(ps[i], NULL);
        weft_task_release(ps[i]);
    }
    weft_await(tk, NULL);
    weft_task_release(tk);
    printf("qsize %zu empty %s\n", weft_queue_qsize(q), TF(weft_queue_empty(q)));
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
