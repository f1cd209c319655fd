/* asyncio conformance scenario 54_queue_cancel: the C twin of 54_queue_cancel.py, whose CPython
 * 3.11 output is expected/54_queue_cancel.txt.
 * Queue: a getter cancelled while waiting loses nothing; a getter woken by put_nowait() and
 * cancelled before it runs wakes the next getter, which takes the item; same for putters.
 */

#include "scenario.h"

static weft_queue *q, *q2;

static int getter(void *arg, void **result)
{
    const char *name = arg;
    printf("%s gets\n", name);
    void *item = NULL;
    int rc = weft_queue_get(q, &item);
    if (rc != 0) {
        printf("%s caught %s qsize=%zu\n", name, errstr(rc), weft_queue_qsize(q));
        return rc;
    }
    printf("%s got %s\n", name, (const char *)item);
    *result = PV(0);
    return 0;
}

struct putter_args {
    const char *name;
    const char *item;
};

static int putter(void *arg, void **result)
{
    struct putter_args *a = arg;
    printf("%s puts %s\n", a->name, a->item);
    int rc = weft_queue_put(q2, (void *)a->item);
    if (rc != 0) {
        printf("%s caught %s qsize=%zu\n", a->name, errstr(rc), weft_queue_qsize(q2));
        return rc;
    }
    printf("%s put %s\n", a->name, a->item);
    *result = PV(0);
    return 0;
}

static void finish(const char *name, weft_task *t)
{
    weft_await(t, NULL);
    printf("%s %s\n", name, st(t));
    weft_task_release(t);
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_queue_new(0, WEFT_QUEUE_FIFO, NULL, &q);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(12)), NULL);
    static const char *names[] = {"g0", "g1", "g2", "g3"};
    weft_task *gs[4];
    for (int i = 0; i < 4; i++)
        gs[i] = weft_task_create(weft_coro_new(getter, (void *)names[i]), NULL);
    weft_yield();
    printf("cancel g0: %s\n", TF(weft_task_cancel(gs[0], "stop g0") == 1));
    weft_yield();
    weft_queue_put_nowait(q, "A");
    printf("put A, cancel g1 (just woken): %s\n", TF(weft_task_cancel(gs[1], "stop g1") == 1));
    weft_yield();
    printf("main after one hop, qsize %zu\n", weft_queue_qsize(q));
    weft_yield();
    weft_queue_put_nowait(q, "B");
    for (int i = 0; i < 4; i++)
        finish(names[i], gs[i]);
    printf("qsize %zu\n", weft_queue_qsize(q));
    printf("-- putters\n");
    weft_queue_new(1, WEFT_QUEUE_FIFO, NULL, &q2);
    weft_queue_put_nowait(q2, "full");
    static struct putter_args pargs[] = {{"p0", "P0"}, {"p1", "P1"}, {"p2", "P2"}};
    weft_task *ps[3];
    for (int i = 0; i < 3; i++)
        ps[i] = weft_task_create(weft_coro_new(putter, &pargs[i]), NULL);
    weft_yield();
    void *item = NULL;
    weft_queue_get_nowait(q2, &item);
    printf("got %s\n", (const char *)item);
    printf("cancel p0 (just woken): %s\n", TF(weft_task_cancel(ps[0], "stop p0") == 1));
    weft_yield();
    weft_yield();
    weft_queue_get_nowait(q2, &item);
    printf("got %s\n", (const char *)item);
    for (int i = 0; i < 3; i++)
        finish(pargs[i].name, ps[i]);
    weft_queue_get_nowait(q2, &item);
    printf("got %s qsize %zu\n", (const char *)item, weft_queue_qsize(q2));
    weft_await(tk, NULL);
    weft_task_release(tk);
    printf("main end\n");
    weft_queue_free(q);
    weft_queue_free(q2);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
