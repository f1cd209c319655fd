/* Core costs on one worker: a yield round trip between two tasks (two
 * switches through the loop), create+await of an empty task, and spawn of a
 * task awaited later (flat). Prints figures; asserts nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "weft.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long iterations = 2000000;

static int empty(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return 0;
}

static int yielder(void *arg, void **result)
{
    (void)result;
    long n = (long)(intptr_t)arg;
    for (long i = 0; i < n; i++)
        weft_yield();
    return 0;
}

static int bench_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    /* Two tasks alternating weft_yield: each yield is one switch out to the
     * loop and one switch back in. */
    double start = now();
    weft_task *a = weft_spawn(yielder, (void *)(intptr_t)iterations);
    weft_task *b = weft_spawn(yielder, (void *)(intptr_t)iterations);
    weft_await(a, NULL);
    weft_await(b, NULL);
    double elapsed = now() - start;
    printf("yield (switch out + in, via loop): %7.1f ns per yield\n",
           elapsed * 1e9 / (2.0 * (double)iterations));
    weft_task_release(a);
    weft_task_release(b);

    long n = iterations / 4;
    start = now();
    for (long i = 0; i < n; i++) {
        weft_task *t = weft_spawn(empty, NULL);
        weft_await(t, NULL);
        weft_task_release(t);
    }
    elapsed = now() - start;
    printf("create + await one empty task:     %7.1f ns per task\n", elapsed * 1e9 / (double)n);

    start = now();
    for (long i = 0; i < n; i++) {
        weft_task *t = weft_task_create(weft_coro_new(empty, NULL), NULL);
        weft_await(t, NULL);
        weft_task_release(t);
    }
    elapsed = now() - start;
    printf("coro_new + task_create + await:    %7.1f ns per task\n", elapsed * 1e9 / (double)n);

    long flat = 100000;
    weft_task **tasks = malloc((size_t)flat * sizeof(*tasks));
    start = now();
    for (long i = 0; i < flat; i++)
        tasks[i] = weft_spawn(empty, NULL);
    for (long i = 0; i < flat; i++) {
        weft_await(tasks[i], NULL);
        weft_task_release(tasks[i]);
    }
    elapsed = now() - start;
    printf("flat: spawn %ld then await all:   %7.1f ns per task\n", flat,
           elapsed * 1e9 / (double)flat);
    free(tasks);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        iterations = atol(argv[1]);
    return weft_run(weft_coro_new(bench_main, NULL), NULL) == 0 ? 0 : 1;
}
