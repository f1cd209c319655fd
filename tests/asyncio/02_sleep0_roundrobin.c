/* asyncio conformance scenario 02_sleep0_roundrobin: the C twin of 02_sleep0_roundrobin.py, whose CPython 3.11
 * output is expected/02_sleep0_roundrobin.txt.
 * T8 (delay 0) L1 L2: sleep(0) requeues at the tail; steps and call_soon callbacks share one FIFO.
 */

#include "scenario.h"

struct wargs {
    const char *name;
    int n;
};

static int worker(void *arg, void **result)
{
    struct wargs *a = arg;
    for (int i = 0; i < a->n; i++) {
        printf("%s step %d\n", a->name, i);
        weft_yield();
    }
    printf("%s done\n", a->name);
    (void)result;
    return 0;
}

static int cb(void *arg)
{
    printf("cb %s\n", (const char *)arg);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct wargs wa = {"A", 3}, wb = {"B", 2};
    weft_task *a = weft_task_create(weft_coro_new(worker, &wa), NULL);
    weft_call_soon(loop(), cb, "x", NULL);
    weft_task *b = weft_task_create(weft_coro_new(worker, &wb), NULL);
    weft_yield();
    printf("main 1\n");
    weft_call_soon(loop(), cb, "y", NULL);
    weft_yield();
    printf("main 2\n");
    weft_await(a, NULL);
    printf("main after A\n");
    weft_await(b, NULL);
    printf("main end\n");
    weft_task_release(a);
    weft_task_release(b);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
