/* Fork-join fib(30) with a task per call, on 1 and 2 workers (and every
 * online CPU when there are more): median of 5 runs, ns per task, speedup,
 * and the executor's steal and park counters. Two shapes:
 *   fork-join   spawn fib(n-1), compute fib(n-2) inline, await: 1,346,268 tasks
 *   asyncio     spawn both fib(n-1) and fib(n-2), await both:  2,692,536 tasks
 * Prints figures; fails only on a wrong result or a library error. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, sysconf */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "weft.h"

#define N 30
#define RUNS 5

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define AS_PTR(v) ((void *)(intptr_t)(v))
#define AS_LONG(p) ((long)(intptr_t)(p))

/* spawn fib(n-1); fib(n-2) as a plain call; await. */
static int fib(void *arg, void **result)
{
    long n = AS_LONG(arg);
    if (n < 2) {
        *result = AS_PTR(n);
        return 0;
    }
    weft_task *t = weft_spawn(fib, AS_PTR(n - 1));
    if (t == NULL)
        return weft_last_error();
    void *a = NULL, *b = NULL;
    int rc = fib(AS_PTR(n - 2), &b);
    int rc_t = weft_await(t, &a);
    weft_task_release(t);
    if (rc == 0)
        rc = rc_t;
    *result = AS_PTR(AS_LONG(a) + AS_LONG(b));
    return rc;
}

/* async def fib(n): return await create_task(fib(n-1)) + await create_task(fib(n-2)) */
static int fib_asyncio(void *arg, void **result)
{
    long n = AS_LONG(arg);
    if (n < 2) {
        *result = AS_PTR(n);
        return 0;
    }
    weft_task *t1 = weft_spawn(fib_asyncio, AS_PTR(n - 1));
    weft_task *t2 = weft_spawn(fib_asyncio, AS_PTR(n - 2));
    void *a = NULL, *b = NULL;
    int rc1 = t1 ? weft_await(t1, &a) : weft_last_error();
    int rc2 = t2 ? weft_await(t2, &b) : weft_last_error();
    weft_task_release(t1);
    weft_task_release(t2);
    *result = AS_PTR(AS_LONG(a) + AS_LONG(b));
    return rc1 != 0 ? rc1 : rc2;
}

struct run {
    weft_fn fn;
    double seconds;
    long value;
    weft_executor_stats stats;
};

static int run_main(void *arg, void **result)
{
    (void)result;
    struct run *r = arg;
    void *value = NULL;
    double start = now();
    int rc = r->fn(AS_PTR(N), &value);
    r->seconds = now() - start;
    r->value = AS_LONG(value);
    weft_executor_get_stats(weft_executor_current(), &r->stats);
    return rc;
}

static int by_seconds(const void *a, const void *b)
{
    double x = ((const struct run *)a)->seconds, y = ((const struct run *)b)->seconds;
    return (x > y) - (x < y);
}

/* The median of RUNS runs on `workers` workers, into *median. */
static int measure(weft_fn fn, unsigned workers, struct run *median)
{
    struct run runs[RUNS];
    weft_config config;
    weft_config_init(&config);
    config.workers = workers;
    config.order = WEFT_ORDER_LIFO; /* depth first on 1 worker too: the fork-join order */
    for (int i = 0; i < RUNS; i++) {
        runs[i] = (struct run){.fn = fn};
        int rc = weft_run_with(&config, weft_coro_new(run_main, &runs[i]), NULL);
        if (rc != 0) {
            const char *msg = weft_last_error_message();
            fprintf(stderr, "bench_fib: %u workers: %s: %s\n", workers, weft_error_name(rc),
                    msg ? msg : weft_strerror(rc));
            return 1;
        }
        if (runs[i].value != 832040) {
            fprintf(stderr, "bench_fib: fib(%d) = %ld, expected 832040\n", N, runs[i].value);
            return 1;
        }
    }
    qsort(runs, RUNS, sizeof(runs[0]), by_seconds);
    *median = runs[RUNS / 2];
    return 0;
}

static int bench(const char *title, weft_fn fn, double tasks, const unsigned *workers, int nworkers)
{
    printf("fib(%d), %s: %.0f tasks, median of %d runs\n", N, title, tasks, RUNS);
    double base = 0;
    for (int i = 0; i < nworkers; i++) {
        struct run r;
        if (measure(fn, workers[i], &r) != 0)
            return 1;
        if (i == 0)
            base = r.seconds;
        printf("  %2u worker%s %7.1f ms %6.1f ns/task  speedup %.2fx  steals %llu  parks %llu\n",
               workers[i], workers[i] == 1 ? ": " : "s:", r.seconds * 1e3, r.seconds * 1e9 / tasks,
               base / r.seconds, (unsigned long long)r.stats.steals,
               (unsigned long long)r.stats.parks);
    }
    return 0;
}

int main(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned workers[3] = {1, 2, cpus > 2 ? (unsigned)cpus : 0};
    int nworkers = cpus > 2 ? 3 : 2;
    /* fib(30) makes fib(31) - 1 calls with n >= 2, each spawning one task
     * (fork-join) or two (asyncio style). */
    const double calls = 1346268;
    if (bench("fork-join, one task per call", fib, calls, workers, nworkers) != 0 ||
        bench("asyncio style, two tasks per call", fib_asyncio, 2 * calls, workers, nworkers) != 0)
        return 1;
    return 0;
}
