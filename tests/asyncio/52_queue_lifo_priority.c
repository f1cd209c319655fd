/* asyncio conformance scenario 52_queue_lifo_priority: the C twin of 52_queue_lifo_priority.py,
 * whose CPython 3.11 output is expected/52_queue_lifo_priority.txt.
 * LifoQueue: newest first; PriorityQueue: smallest first, equal items in heapq's order;
 * getters of both wait FIFO.
 */

#include "scenario.h"

typedef struct job {
    int prio;
    const char *name;
} job;

/* Job.__lt__ compares the priority only. */
static int by_prio(const void *a, const void *b)
{
    const job *x = a, *y = b;
    return (x->prio > y->prio) - (x->prio < y->prio);
}

static const char *jobstr(const void *item)
{
    static char buf[4][32];
    static int slot;
    char *b = buf[slot++ % 4];
    const job *j = item;
    snprintf(b, 32, "%s:%d", j->name, j->prio);
    return b;
}

static weft_queue *lq, *pq;

static int lgetter(void *arg, void **result)
{
    void *item = NULL;
    int rc = weft_queue_get(lq, &item);
    if (rc != 0)
        return rc;
    printf("%s got %d\n", (const char *)arg, IV(item));
    *result = PV(0);
    return 0;
}

static int pgetter(void *arg, void **result)
{
    void *item = NULL;
    int rc = weft_queue_get(pq, &item);
    if (rc != 0)
        return rc;
    printf("%s got %s\n", (const char *)arg, jobstr(item));
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_queue_new(0, WEFT_QUEUE_LIFO, NULL, &lq);
    for (int i = 0; i < 4; i++)
        weft_queue_put_nowait(lq, PV(i));
    printf("lifo:");
    for (int i = 0; i < 4; i++) {
        void *item = NULL;
        weft_queue_get_nowait(lq, &item);
        printf(" %d", IV(item));
    }
    printf("\n");
    weft_queue_new(0, WEFT_QUEUE_PRIORITY, by_prio, &pq);
    static job jobs[] = {{3, "a"}, {1, "b"}, {2, "c"}, {1, "d"}, {0, "e"},
                         {1, "f"}, {2, "g"}, {1, "h"}, {3, "i"}, {1, "j"}};
    for (int i = 0; i < 10; i++)
        weft_queue_put_nowait(pq, &jobs[i]);
    printf("priority:");
    for (int i = 0; i < 10; i++) {
        void *item = NULL;
        weft_queue_get_nowait(pq, &item);
        printf(" %s", jobstr(item));
    }
    printf("\n");
    static job x = {5, "x"}, y = {4, "y"}, z = {4, "z"}, w = {1, "w"}, k = {9, "k"},
               m = {8, "m"};
    weft_queue_put_nowait(pq, &x);
    weft_queue_put_nowait(pq, &y);
    void *item = NULL;
    weft_queue_get_nowait(pq, &item);
    printf("interleaved: %s\n", jobstr(item));
    weft_queue_put_nowait(pq, &z);
    weft_queue_put_nowait(pq, &w);
    printf("interleaved:");
    for (int i = 0; i < 3; i++) {
        weft_queue_get_nowait(pq, &item);
        printf(" %s", jobstr(item));
    }
    printf("\n");
    weft_task *ts[4];
    ts[0] = weft_task_create(weft_coro_new(lgetter, "l0"), NULL);
    ts[1] = weft_task_create(weft_coro_new(lgetter, "l1"), NULL);
    ts[2] = weft_task_create(weft_coro_new(pgetter, "p0"), NULL);
    ts[3] = weft_task_create(weft_coro_new(pgetter, "p1"), NULL);
    weft_yield();
    weft_queue_put_nowait(lq, PV(7));
    weft_queue_put_nowait(pq, &k);
    weft_queue_put_nowait(lq, PV(8));
    weft_queue_put_nowait(pq, &m);
    for (int i = 0; i < 4; i++) {
        weft_await(ts[i], NULL);
        weft_task_release(ts[i]);
    }
    printf("main end\n");
    weft_queue_free(lq);
    weft_queue_free(pq);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
