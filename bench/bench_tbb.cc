// oneTBB: the workloads with tbb::task_group inside a task_arena of WORKERS
// threads (the calling thread plus WORKERS - 1 of TBB's workers), and the
// wake-up latency of a task enqueued from outside into an idle arena. An
// untimed warm-up brings the workers into the arena first; the timed region
// is the root's work, as for weft's root task.
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>
#include <oneapi/tbb/version.h>

#include <atomic>
#include <cstring>
#include <vector>

#include "bench.h"

namespace {

long fib_forkjoin(long n)
{
    if (n < 2)
        return n;
    long a = 0;
    tbb::task_group group;
    group.run([&a, n] { a = fib_forkjoin(n - 1); });
    long b = fib_forkjoin(n - 2);
    group.wait();
    return a + b;
}

long fib_asyncio(long n)
{
    if (n < 2)
        return n;
    long a = 0, b = 0;
    tbb::task_group group;
    group.run([&a, n] { a = fib_asyncio(n - 1); });
    group.run([&b, n] { b = fib_asyncio(n - 2); });
    group.wait();
    return a + b;
}

long skynet(long number, int level)
{
    if (level == 0)
        return number;
    long width = 1;
    for (int i = 1; i < level; i++)
        width *= 10;
    long sums[10];
    tbb::task_group group;
    for (int i = 0; i < 10; i++)
        group.run([&sums, i, number, width, level] { sums[i] = skynet(number + i * width, level - 1); });
    group.wait();
    long sum = 0;
    for (long s : sums)
        sum += s;
    return sum;
}

long flat(std::vector<long> &slots)
{
    tbb::task_group group;
    long *data = slots.data();
    for (long i = 0; i < BENCH_FLAT_TASKS; i++)
        group.run([data, i] { data[i] = i; });
    group.wait();
    long sum = 0;
    for (long s : slots)
        sum += s;
    return sum;
}

// An arena with no slot kept for outside threads: the enqueued task runs on
// one of WORKERS workers, which are idle (asleep after their spinning) when
// each sample is enqueued.
void run_wakeup(unsigned workers)
{
    tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, workers + 1);
    tbb::task_arena arena((int)workers, 0);
    arena.initialize();
    std::vector<int64_t> latencies(BENCH_WAKEUP_SAMPLES);
    for (int i = 0; i < BENCH_WAKEUP_SAMPLES; i++) {
        bench_sleep_ns(BENCH_WAKEUP_IDLE_NS);
        std::atomic<int64_t> started{0};
        int64_t submitted = bench_now_ns();
        // Release/acquire: the sample's start time is complete when seen.
        arena.enqueue([&started] { started.store(bench_now_ns(), std::memory_order_release); });
        while (started.load(std::memory_order_acquire) == 0)
            bench_sleep_ns(20000);
        latencies[i] = started.load(std::memory_order_relaxed) - submitted;
        if (latencies[i] < 0)
            bench_fail("tbb wakeup: task started before it was submitted");
    }
    int64_t p99 = bench_percentile(latencies.data(), latencies.size(), 99.0);
    int64_t p50 = bench_percentile(latencies.data(), latencies.size(), 50.0);
    char extra[96];
    snprintf(extra, sizeof extra, "p50_ns=%lld;p99_ns=%lld", (long long)p50, (long long)p99);
    bench_row("wakeup", "tbb", workers, BENCH_WAKEUP_SAMPLES, (double)p50 * 1e-9 * BENCH_WAKEUP_SAMPLES,
              0, extra);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
        printf("oneTBB %s\n", TBB_VERSION_STRING);
        return 0;
    }
    const char *workload;
    unsigned workers;
    bench_parse_args(argc, argv, &workload, &workers);
    if (std::strcmp(workload, "wakeup") == 0) {
        run_wakeup(workers);
        return 0;
    }
    int kind = std::strcmp(workload, "fib-forkjoin") == 0  ? 1
               : std::strcmp(workload, "fib-asyncio") == 0 ? 2
               : std::strcmp(workload, "flat") == 0        ? 3
               : std::strcmp(workload, "skynet") == 0      ? 4
                                                           : 0;
    if (kind == 0)
        bench_unsupported("tbb", workload);
    long tasks = kind == 1   ? BENCH_FIB_FORKJOIN_TASKS
                 : kind == 2 ? BENCH_FIB_ASYNCIO_TASKS
                 : kind == 3 ? BENCH_FLAT_TASKS
                             : BENCH_SKYNET_TASKS;
    long expected = kind <= 2   ? BENCH_FIB_VALUE
                    : kind == 3 ? BENCH_FLAT_TASKS * (BENCH_FLAT_TASKS - 1) / 2
                                : BENCH_SKYNET_SUM;

    tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, workers);
    tbb::task_arena arena((int)workers);
    std::vector<long> slots(kind == 3 ? BENCH_FLAT_TASKS : 0, -1); // resident before the baseline
    arena.execute([] { fib_asyncio(16); });                         // workers join the arena

    long base = bench_memory_begin();
    long value = 0;
    int64_t start = 0, end = 0;
    arena.execute([&] {
        start = bench_now_ns();
        value = kind == 1   ? fib_forkjoin(BENCH_FIB_N)
                : kind == 2 ? fib_asyncio(BENCH_FIB_N)
                : kind == 3 ? flat(slots)
                            : skynet(0, BENCH_SKYNET_DEPTH);
        end = bench_now_ns();
    });
    long peak = bench_memory_peak_delta(base);
    if (value != expected)
        bench_fail("tbb %s on %u workers: result %ld, expected %ld", workload, workers, value,
                   expected);
    bench_row(workload, "tbb", workers, tasks, (double)(end - start) * 1e-9, peak, nullptr);
    return 0;
}
