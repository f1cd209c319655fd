/* asyncio conformance scenario 20_done_callbacks: the C twin of 20_done_callbacks.py, whose CPython 3.11
 * output is expected/20_done_callbacks.txt.
 * C1 C2 C4 N4: done callbacks are queued on completion in registration order (repeats run each
 * time), never called synchronously; on a done task they are queued at once; current_task() is None.
 */

#include "scenario.h"

static int cb(weft_task *t, void *arg)
{
    printf("done cb %s current=%s %s\n", (const char *)arg, cur(), st(t));
    return 0;
}

static int plain(void *arg)
{
    printf("plain %s current=%s\n", (const char *)arg, cur());
    return 0;
}

static int work(void *arg, void **result)
{
    (void)arg;
    printf("work runs\n");
    weft_yield();
    printf("work returns\n");
    *result = PV(1);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *w = weft_task_create(weft_coro_new(work, NULL), NULL);
    weft_task_add_done_callback(w, cb, "1");
    weft_task_add_done_callback(w, cb, "2");
    weft_task_add_done_callback(w, cb, "1");
    weft_call_soon(loop(), plain, "p1", NULL);
    weft_yield();
    printf("main after sleep0\n");
    weft_call_soon(loop(), plain, "p2", NULL);
    weft_await(w, NULL);
    printf("main resumed %s\n", st(w));
    weft_call_soon(loop(), plain, "p3", NULL);
    weft_task_add_done_callback(w, cb, "3");
    weft_task_add_done_callback(w, cb, "3");
    printf("cb3 added twice, not called yet\n");
    weft_yield();
    printf("main after sleep0\n");
    weft_task_release(w);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
