/* The work itself, as plain C calls on one thread: the floor every task
 * system's figures stand on. Tasks are counted as for the task systems
 * (one per call that would spawn), so ns_per_task reads as the cost of the
 * call alone. The calls go through a volatile function pointer so the
 * compiler keeps every one of them. yield-pingpong's serial row (weft's
 * raw context switch) comes from bench_weft. */
#include <stdint.h>
#include <string.h>

#include "bench.h"

typedef long (*unary_fn)(long);
typedef long (*binary_fn)(long, int);

static long fib(long n);
static long skynet(long number, int level);
static long identity(long i);
static unary_fn volatile fib_call = fib;
static binary_fn volatile skynet_call = skynet;
static unary_fn volatile identity_call = identity;

static long fib(long n)
{
    if (n < 2)
        return n;
    return fib_call(n - 1) + fib_call(n - 2);
}

static long skynet(long number, int level)
{
    if (level == 0)
        return number;
    long width = 1;
    for (int i = 1; i < level; i++)
        width *= 10;
    long sum = 0;
    for (int i = 0; i < 10; i++)
        sum += skynet_call(number + i * width, level - 1);
    return sum;
}

static long identity(long i)
{
    return i;
}

int main(int argc, char **argv)
{
    const char *workload;
    unsigned workers;
    bench_parse_args(argc, argv, &workload, &workers);
    if (workers != 1)
        bench_unsupported("serial", "more than one worker");
    long tasks, expected, value = 0;
    long base = bench_memory_begin();
    int64_t start = bench_now_ns();
    if (strcmp(workload, "fib-forkjoin") == 0 || strcmp(workload, "fib-asyncio") == 0) {
        value = fib_call(BENCH_FIB_N);
        expected = BENCH_FIB_VALUE;
        tasks = workload[4] == 'f' ? BENCH_FIB_FORKJOIN_TASKS : BENCH_FIB_ASYNCIO_TASKS;
    } else if (strcmp(workload, "flat") == 0) {
        for (long i = 0; i < BENCH_FLAT_TASKS; i++)
            value += identity_call(i);
        expected = BENCH_FLAT_TASKS * (BENCH_FLAT_TASKS - 1) / 2;
        tasks = BENCH_FLAT_TASKS;
    } else if (strcmp(workload, "skynet") == 0) {
        value = skynet_call(0, BENCH_SKYNET_DEPTH);
        expected = BENCH_SKYNET_SUM;
        tasks = BENCH_SKYNET_TASKS;
    } else {
        bench_unsupported("serial", workload);
    }
    int64_t end = bench_now_ns();
    if (value != expected)
        bench_fail("serial %s: result %ld, expected %ld", workload, value, expected);
    bench_row(workload, "serial", 1, tasks, (double)(end - start) * 1e-9,
              bench_memory_peak_delta(base), NULL);
    return 0;
}
