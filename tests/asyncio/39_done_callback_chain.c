/* asyncio conformance scenario 39_done_callback_chain: the C twin of 39_done_callback_chain.py, whose CPython 3.11
 * output is expected/39_done_callback_chain.txt.
 * C1 C2 S3: done callbacks of a task cancelled before its first step run one hop after it ends;
 * a callback added from inside a done callback of the same (done) task is queued at the tail.
 */

#include "scenario.h"

static int late_cb(weft_task *t, void *arg)
{
    (void)arg;
    printf("late cb %s\n", st(t));
    return 0;
}

static int first_cb(weft_task *t, void *arg)
{
    (void)arg;
    printf("first cb %s\n", st(t));
    weft_task_add_done_callback(t, late_cb, NULL);
    return 0;
}

static int second_cb(weft_task *t, void *arg)
{
    (void)t;
    (void)arg;
    printf("second cb\n");
    return 0;
}

static int print_cb(void *arg)
{
    printf("%s\n", (const char *)arg);
    return 0;
}

static int body(void *arg, void **result)
{
    (void)arg;
    printf("body runs\n");
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *t = weft_task_create(weft_coro_new(body, NULL), NULL);
    weft_task_add_done_callback(t, first_cb, NULL);
    weft_task_add_done_callback(t, second_cb, NULL);
    printf("cancel %s\n", TF(weft_task_cancel(t, NULL)));
    weft_call_soon(loop(), print_cb, "plain before", NULL);
    weft_yield();
    printf("main 1 %s\n", st(t));
    weft_yield();
    printf("main 2\n");
    weft_yield();
    printf("main 3\n");
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
