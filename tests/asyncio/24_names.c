/* asyncio conformance scenario 24_names: the C twin of 24_names.py, whose CPython 3.11
 * output is expected/24_names.txt.
 * N1 N2 N6 T1: Task-N numbers come from one counter; named tasks and rejected non-coroutines take
 * no number; set_name/get_name; get_coro() returns the very coroutine object, even when done.
 */

#include "scenario.h"

static int c(void *arg, void **result)
{
    printf("%s runs as %s\n", (const char *)arg, cur());
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    printf("main is %s\n", cur());
    weft_task *t2 = weft_task_create(weft_coro_new(c, "t2"), NULL);
    weft_task *n = weft_executor_submit(loop(), weft_coro_new(c, "n"), "worker");
    weft_task *t3 = weft_task_create(weft_coro_new(c, "t3"), NULL);
    printf("names %s %s %s\n", weft_task_get_name(t2), weft_task_get_name(n),
           weft_task_get_name(t3));
    weft_task *bad = weft_task_create(NULL, NULL);
    if (bad == NULL)
        printf("create_task(bad): %s\n", weft_error_name(weft_last_error()));
    weft_task *t4 = weft_task_create(weft_coro_new(c, "t4"), NULL);
    printf("next %s\n", weft_task_get_name(t4));
    weft_task_set_name(t4, "renamed");
    printf("renamed %s\n", weft_task_get_name(t4));
    weft_coro *co = weft_coro_new(c, "t5");
    weft_task *t5 = weft_task_create(co, NULL);
    printf("t5 %s same coro %s\n", weft_task_get_name(t5), TF(weft_task_get_coro(t5) == co));
    weft_await(t5, NULL);
    printf("t5 done, same coro %s t4 name %s\n", TF(weft_task_get_coro(t5) == co),
           weft_task_get_name(t4));
    weft_await(t2, NULL);
    weft_await(n, NULL);
    weft_await(t3, NULL);
    weft_await(t4, NULL);
    weft_task_release(t2);
    weft_task_release(n);
    weft_task_release(t3);
    weft_task_release(t4);
    weft_task_release(t5);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
