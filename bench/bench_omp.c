/* OpenMP tasks: the same workloads with `#pragma omp task` and taskwait.
 * Built twice from this file: gcc -fopenmp (libgomp) and clang -fopenmp
 * (LLVM's libomp); BENCH_SYSTEM names the build. The thread team is
 * created by an untimed parallel region first; the timed region is the
 * root's work inside `omp single`, as for weft's root task. */
#include <omp.h>
#include <stdint.h>
#include <string.h>

#include "bench.h"

#ifndef BENCH_SYSTEM
#define BENCH_SYSTEM "openmp"
#endif

/* spawn fib(n-1), compute fib(n-2) inline, join */
static long fib_forkjoin(long n)
{
    if (n < 2)
        return n;
    long a, b;
#pragma omp task shared(a) firstprivate(n)
    a = fib_forkjoin(n - 1);
    b = fib_forkjoin(n - 2);
#pragma omp taskwait
    return a + b;
}

/* two tasks per call, both joined */
static long fib_asyncio(long n)
{
    if (n < 2)
        return n;
    long a, b;
#pragma omp task shared(a) firstprivate(n)
    a = fib_asyncio(n - 1);
#pragma omp task shared(b) firstprivate(n)
    b = fib_asyncio(n - 2);
#pragma omp taskwait
    return a + b;
}

static long skynet(long number, int level)
{
    if (level == 0)
        return number;
    long width = 1;
    for (int i = 1; i < level; i++)
        width *= 10;
    long sums[10];
    for (int i = 0; i < 10; i++) {
#pragma omp task shared(sums) firstprivate(i, number, width, level)
        sums[i] = skynet(number + i * width, level - 1);
    }
#pragma omp taskwait
    long sum = 0;
    for (int i = 0; i < 10; i++)
        sum += sums[i];
    return sum;
}

/* One task creates BENCH_FLAT_TASKS tasks, each storing its index, then
 * waits for them all; the value is the sum of the stored indices. */
static long flat(long *slots)
{
    for (long i = 0; i < BENCH_FLAT_TASKS; i++) {
#pragma omp task firstprivate(i) shared(slots)
        slots[i] = i;
    }
#pragma omp taskwait
    long sum = 0;
    for (long i = 0; i < BENCH_FLAT_TASKS; i++)
        sum += slots[i];
    return sum;
}

int main(int argc, char **argv)
{
    const char *workload;
    unsigned workers;
    bench_parse_args(argc, argv, &workload, &workers);
    int kind = strcmp(workload, "fib-forkjoin") == 0  ? 1
               : strcmp(workload, "fib-asyncio") == 0 ? 2
               : strcmp(workload, "flat") == 0        ? 3
               : strcmp(workload, "skynet") == 0      ? 4
                                                      : 0;
    if (kind == 0)
        bench_unsupported(BENCH_SYSTEM, workload);
    long tasks = kind == 1 ? BENCH_FIB_FORKJOIN_TASKS
                 : kind == 2 ? BENCH_FIB_ASYNCIO_TASKS
                 : kind == 3 ? BENCH_FLAT_TASKS
                             : BENCH_SKYNET_TASKS;
    long expected = kind <= 2 ? BENCH_FIB_VALUE
                    : kind == 3 ? BENCH_FLAT_TASKS * (BENCH_FLAT_TASKS - 1) / 2
                                : BENCH_SKYNET_SUM;

    long *slots = NULL;
    if (kind == 3) {
        slots = malloc(BENCH_FLAT_TASKS * sizeof(*slots));
        if (slots == NULL)
            bench_fail("out of memory");
        /* Resident before the baseline (not zeros: malloc + memset 0
         * becomes calloc, whose pages stay untouched). */
        memset(slots, 0xff, BENCH_FLAT_TASKS * sizeof(*slots));
    }
    omp_set_dynamic(0);
    int team = 0;
#pragma omp parallel num_threads((int)workers)
    {
#pragma omp single
        team = omp_get_num_threads();
    }
    if (team != (int)workers)
        bench_fail("%s: got %d threads, asked for %u", BENCH_SYSTEM, team, workers);

    long base = bench_memory_begin();
    long value = 0;
    int64_t start = 0, end = 0;
#pragma omp parallel num_threads((int)workers)
    {
#pragma omp single
        {
            start = bench_now_ns();
            value = kind == 1   ? fib_forkjoin(BENCH_FIB_N)
                    : kind == 2 ? fib_asyncio(BENCH_FIB_N)
                    : kind == 3 ? flat(slots)
                                : skynet(0, BENCH_SKYNET_DEPTH);
            end = bench_now_ns();
        }
    }
    long peak = bench_memory_peak_delta(base);
    free(slots);
    if (value != expected)
        bench_fail("%s %s on %u workers: result %ld, expected %ld", BENCH_SYSTEM, workload, workers,
                   value, expected);
    bench_row(workload, BENCH_SYSTEM, workers, tasks, (double)(end - start) * 1e-9, peak, NULL);
    return 0;
}
