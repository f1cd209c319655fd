/* asyncio conformance scenario 53_queue_join: the C twin of 53_queue_join.py, whose CPython
 * 3.11 output is expected/53_queue_join.txt.
 * Queue.join(): at once when every put was matched by task_done(); otherwise joiners resume in
 * order one hop after the last task_done(); task_done() too often is a ValueError.
 */

#include "scenario.h"

static weft_queue *q;

#define STOP PV(-1)

static int worker(void *arg, void **result)
{
    (void)arg;
    for (;;) {
        void *item = NULL;
        int rc = weft_queue_get(q, &item);
        if (rc != 0)
            return rc;
        if (item == STOP) {
            weft_queue_task_done(q);
            printf("worker stops\n");
            *result = PV(0);
            return 0;
        }
        printf("worker handles %d\n", IV(item));
        weft_yield();
        weft_queue_task_done(q);
        printf("worker done with %d\n", IV(item));
    }
}

static int joiner(void *arg, void **result)
{
    const char *name = arg;
    printf("%s joins\n", name);
    int rc = weft_queue_join(q);
    if (rc != 0)
        return rc;
    printf("%s joined\n", name);
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_queue_new(0, WEFT_QUEUE_FIFO, NULL, &q);
    weft_queue_join(q);
    printf("join on a fresh queue: no wait\n");
    int rc = weft_queue_task_done(q);
    if (rc != 0)
        printf("task_done on a fresh queue: %s\n", errstr(rc));
    for (int i = 0; i < 3; i++)
        weft_queue_put_nowait(q, PV(i));
    weft_task *js[2];
    js[0] = weft_task_create(weft_coro_new(joiner, "j0"), NULL);
    js[1] = weft_task_create(weft_coro_new(joiner, "j1"), NULL);
    weft_task *w = weft_task_create(weft_coro_new(worker, NULL), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(10)), NULL);
    for (int i = 0; i < 2; i++) {
        weft_await(js[i], NULL);
        weft_task_release(js[i]);
    }
    printf("main: all joined, qsize %zu\n", weft_queue_qsize(q));
    weft_queue_put_nowait(q, STOP);
    weft_task *j2 = weft_task_create(weft_coro_new(joiner, "j2"), NULL);
    weft_await(j2, NULL);
    weft_await(w, NULL);
    weft_task_release(j2);
    weft_task_release(w);
    rc = weft_queue_task_done(q);
    if (rc != 0)
        printf("task_done too many times: %s\n", errstr(rc));
    weft_await(tk, NULL);
    weft_task_release(tk);
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
