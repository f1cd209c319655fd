/* weft's side of every workload (see bench.h for the protocol), through the
 * public API only, except the raw context switch printed beside
 * yield-pingpong, which calls weft's internal assembly switch directly.
 *
 * Each run creates an executor (its threads start there), lets one empty
 * task through so every thread is up, then times the workload from the
 * first instruction of its root task to the root's last: thread start,
 * submission, the waiting main thread's wake-up and shutdown are outside
 * the timed region. The task-tree workloads (both fibs, flat, skynet) use
 * WEFT_ORDER_LIFO on every worker count, where an awaited task that has
 * not started runs inline; memory uses the default order for the worker
 * count (FIFO, asyncio's, on one worker). */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/context.h"
#include "bench.h"
#include "weft.h"

#define AS_PTR(v) ((void *)(intptr_t)(v))
#define AS_LONG(p) ((long)(intptr_t)(p))

static const char *workload_name;
static unsigned workers;

static void check(int rc, const char *what)
{
    if (rc != 0) {
        const char *message = weft_last_error_message();
        bench_fail("weft %s: %s: %s", what, weft_error_name(rc),
                   message ? message : weft_strerror(rc));
    }
}

static int empty(void *arg, void **result)
{
    *result = arg;
    return 0;
}

/* ------------------------------------------------------------ fib */

/* spawn fib(n-1), compute fib(n-2) inline, await. */
static int fib_forkjoin(void *arg, void **result)
{
    long n = AS_LONG(arg);
    if (n < 2) {
        *result = AS_PTR(n);
        return 0;
    }
    weft_task *child = weft_spawn(fib_forkjoin, AS_PTR(n - 1));
    if (child == NULL)
        return weft_last_error();
    void *a = NULL, *b = NULL;
    int rc = fib_forkjoin(AS_PTR(n - 2), &b);
    int rc_child = weft_await(child, &a);
    weft_task_release(child);
    *result = AS_PTR(AS_LONG(a) + AS_LONG(b));
    return rc != 0 ? rc : rc_child;
}

/* return await create_task(fib(n-1)) + await create_task(fib(n-2)) */
static int fib_asyncio(void *arg, void **result)
{
    long n = AS_LONG(arg);
    if (n < 2) {
        *result = AS_PTR(n);
        return 0;
    }
    weft_task *first = weft_spawn(fib_asyncio, AS_PTR(n - 1));
    weft_task *second = weft_spawn(fib_asyncio, AS_PTR(n - 2));
    void *a = NULL, *b = NULL;
    int rc_first = first ? weft_await(first, &a) : weft_last_error();
    int rc_second = second ? weft_await(second, &b) : weft_last_error();
    weft_task_release(first);
    weft_task_release(second);
    *result = AS_PTR(AS_LONG(a) + AS_LONG(b));
    return rc_first != 0 ? rc_first : rc_second;
}

/* ------------------------------------------------------------ skynet */

/* arg packs a leaf number and a level: the node covers 10^level leaves
 * starting at that number. */
#define SKYNET_ARG(number, level) AS_PTR(((long)(number) << 8) | (level))

static int skynet(void *arg, void **result)
{
    long number = AS_LONG(arg) >> 8;
    int level = (int)(AS_LONG(arg) & 0xff);
    if (level == 0) {
        *result = AS_PTR(number);
        return 0;
    }
    long width = 1;
    for (int i = 1; i < level; i++)
        width *= 10;
    weft_task *children[10];
    for (int i = 0; i < 10; i++) {
        children[i] = weft_spawn(skynet, SKYNET_ARG(number + i * width, level - 1));
        if (children[i] == NULL)
            return weft_last_error();
    }
    long sum = 0;
    int rc = 0;
    for (int i = 0; i < 10; i++) {
        void *value = NULL;
        int rc_child = weft_await(children[i], &value);
        weft_task_release(children[i]);
        if (rc == 0)
            rc = rc_child;
        sum += AS_LONG(value);
    }
    *result = AS_PTR(sum);
    return rc;
}

/* ------------------------------------------------------------ roots */

/* What a root task reports back to main. */
typedef struct measurement {
    int64_t start_ns, end_ns;
    int64_t excluded_ns; /* memory readings inside the root, not timed */
    long value;
    long peak_kib; /* read inside the root when >= 0 */
    long memory_base_kib;
    weft_task **handles; /* flat and memory: preallocated, pre-touched */
} measurement;

static int fib_forkjoin_root(void *arg, void **result)
{
    (void)result;
    measurement *m = arg;
    void *value = NULL;
    m->start_ns = bench_now_ns();
    int rc = fib_forkjoin(AS_PTR(BENCH_FIB_N), &value);
    m->end_ns = bench_now_ns();
    m->value = AS_LONG(value);
    return rc;
}

static int fib_asyncio_root(void *arg, void **result)
{
    (void)result;
    measurement *m = arg;
    void *value = NULL;
    m->start_ns = bench_now_ns();
    int rc = fib_asyncio(AS_PTR(BENCH_FIB_N), &value);
    m->end_ns = bench_now_ns();
    m->value = AS_LONG(value);
    return rc;
}

static int skynet_root(void *arg, void **result)
{
    (void)result;
    measurement *m = arg;
    void *value = NULL;
    m->start_ns = bench_now_ns();
    int rc = skynet(SKYNET_ARG(0, BENCH_SKYNET_DEPTH), &value);
    m->end_ns = bench_now_ns();
    m->value = AS_LONG(value);
    return rc;
}

/* Creates every task first (none starts before the first await on one
 * worker), then awaits them in order; the value is the sum of the indices
 * the tasks hand back. */
static int flat_root(void *arg, void **result)
{
    (void)result;
    measurement *m = arg;
    m->start_ns = bench_now_ns();
    for (long i = 0; i < BENCH_FLAT_TASKS; i++) {
        m->handles[i] = weft_spawn(empty, AS_PTR(i));
        if (m->handles[i] == NULL)
            return weft_last_error();
    }
    long sum = 0;
    for (long i = 0; i < BENCH_FLAT_TASKS; i++) {
        void *value = NULL;
        int rc = weft_await(m->handles[i], &value);
        weft_task_release(m->handles[i]);
        if (rc != 0)
            return rc;
        sum += AS_LONG(value);
    }
    m->end_ns = bench_now_ns();
    m->value = sum;
    return 0;
}

static _Atomic long sleepers_started;

static int sleeper(void *arg, void **result)
{
    (void)arg;
    (void)result;
    /* Relaxed: only counted; the root reads it on the same worker. */
    atomic_fetch_add_explicit(&sleepers_started, 1, memory_order_relaxed);
    return weft_sleep(3600.0);
}

/* Creates the sleepers and yields until all are suspended in their sleep
 * (timed); reads the peak there; then cancels them all (not timed). The
 * value is how many ended cancelled. */
static int memory_root(void *arg, void **result)
{
    (void)result;
    measurement *m = arg;
    m->start_ns = bench_now_ns();
    for (long i = 0; i < BENCH_MEMORY_TASKS; i++) {
        m->handles[i] = weft_spawn(sleeper, NULL);
        if (m->handles[i] == NULL)
            return weft_last_error();
    }
    while (atomic_load_explicit(&sleepers_started, memory_order_relaxed) < BENCH_MEMORY_TASKS)
        weft_yield();
    m->end_ns = bench_now_ns();
    m->peak_kib = bench_memory_peak_delta(m->memory_base_kib);
    long cancelled = 0;
    for (long i = 0; i < BENCH_MEMORY_TASKS; i++)
        weft_task_cancel(m->handles[i], NULL);
    for (long i = 0; i < BENCH_MEMORY_TASKS; i++) {
        if (weft_await(m->handles[i], NULL) == WEFT_ECANCELLED)
            cancelled++;
        weft_task_release(m->handles[i]);
    }
    m->value = cancelled;
    return 0;
}

/* ------------------------------------------------------------ runs */

static weft_executor *start_executor(weft_order order)
{
    weft_config config;
    weft_config_init(&config);
    config.workers = workers;
    config.order = order;
    weft_executor *executor = NULL;
    check(weft_executor_create(&config, &executor), "executor_create");
    /* One task through, so the threads are running before anything is timed. */
    weft_task *warmup = weft_executor_submit(executor, weft_coro_new(empty, NULL), "warmup");
    if (warmup == NULL)
        check(weft_last_error(), "submit");
    check(weft_executor_wait(warmup, NULL), "warm-up task");
    weft_task_release(warmup);
    return executor;
}

/* Runs root(m) as the executor's only task and prints its row. */
static void run_root(weft_order order, weft_fn root, long tasks, long expected, bool needs_handles)
{
    measurement m = {.peak_kib = -1};
    if (needs_handles) {
        long count = BENCH_FLAT_TASKS > BENCH_MEMORY_TASKS ? BENCH_FLAT_TASKS : BENCH_MEMORY_TASKS;
        m.handles = malloc((size_t)count * sizeof(*m.handles));
        if (m.handles == NULL)
            bench_fail("out of memory");
        /* Resident before the baseline; not zeros, which the compiler would
         * turn malloc + memset into calloc, whose pages stay untouched. */
        memset(m.handles, 0xff, (size_t)count * sizeof(*m.handles));
    }
    weft_executor *executor = start_executor(order);
    m.memory_base_kib = bench_memory_begin();
    weft_task *task = weft_executor_submit(executor, weft_coro_new(root, &m), "root");
    if (task == NULL)
        check(weft_last_error(), "submit");
    check(weft_executor_wait(task, NULL), workload_name);
    weft_task_release(task);
    long peak = m.peak_kib >= 0 ? m.peak_kib : bench_memory_peak_delta(m.memory_base_kib);
    weft_executor_free(executor);
    free(m.handles);
    if (m.value != expected)
        bench_fail("weft %s on %u workers: result %ld, expected %ld", workload_name, workers,
                   m.value, expected);
    bench_row(workload_name, "weft", workers, tasks, (double)(m.end_ns - m.start_ns) * 1e-9, peak,
              NULL);
}

/* ------------------------------------------------------------ ping-pong */

static int yielder(void *arg, void **result)
{
    (void)arg;
    (void)result;
    for (long i = 0; i < BENCH_PINGPONG_ROUNDS; i++) {
        int rc = weft_yield();
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int pingpong_root(void *arg, void **result)
{
    (void)result;
    measurement *m = arg;
    m->start_ns = bench_now_ns();
    weft_task *a = weft_spawn(yielder, NULL);
    weft_task *b = weft_spawn(yielder, NULL);
    if (a == NULL || b == NULL)
        return weft_last_error();
    int rc_a = weft_await(a, NULL);
    int rc_b = weft_await(b, NULL);
    m->end_ns = bench_now_ns();
    weft_task_release(a);
    weft_task_release(b);
    m->value = 2 * BENCH_PINGPONG_ROUNDS;
    return rc_a != 0 ? rc_a : rc_b;
}

/* The raw switch: the main thread and one context bounce off each other
 * with weft_context_switch, nothing else. */
static weft_context raw_main, raw_partner;
static long raw_partner_switches;

static void raw_partner_entry(void *arg)
{
    (void)arg;
    for (;;) {
        raw_partner_switches++;
        weft_context_switch(&raw_partner, &raw_main);
    }
}

static double raw_switch_seconds(long rounds)
{
    size_t size = 64 * 1024;
    void *stack = aligned_alloc(64, size);
    if (stack == NULL)
        bench_fail("out of memory");
    weft_context_make(&raw_partner, stack, size, raw_partner_entry, NULL);
    weft_context_switch(&raw_main, &raw_partner); /* first entry, untimed */
    int64_t start = bench_now_ns();
    for (long i = 0; i < rounds; i++)
        weft_context_switch(&raw_main, &raw_partner);
    int64_t end = bench_now_ns();
    if (raw_partner_switches != rounds + 1)
        bench_fail("raw switch: partner ran %ld times, expected %ld", raw_partner_switches,
                   rounds + 1);
    /* The partner stays suspended on its stack for good: keep the stack. */
    return (double)(end - start) * 1e-9;
}

/* Two rows from one process: weft's yield ping-pong, and the raw switch as
 * the `serial` row (the work itself: one bare switch per hand-over). */
static void run_pingpong(void)
{
    if (workers != 1)
        bench_unsupported("weft", "yield-pingpong on more than one worker");
    long rounds = 10 * BENCH_PINGPONG_ROUNDS;
    double raw = raw_switch_seconds(rounds);
    run_root(WEFT_ORDER_DEFAULT, pingpong_root, 2 * BENCH_PINGPONG_ROUNDS,
             2 * BENCH_PINGPONG_ROUNDS, false);
    bench_row("yield-pingpong", "serial", 1, 2 * rounds, raw, 0, "what=raw weft_context_switch");
}

/* ------------------------------------------------------------ wake-up */

typedef struct wakeup_sample {
    int64_t submitted_ns, started_ns;
} wakeup_sample;

static int record_start(void *arg, void **result)
{
    (void)result;
    wakeup_sample *sample = arg;
    sample->started_ns = bench_now_ns();
    return 0;
}

/* The main thread (not a worker) submits one tiny task at a time to an
 * idle executor after letting its workers park; latency is from just
 * before weft_executor_submit to the task's first instruction. */
static void run_wakeup(void)
{
    weft_executor *executor = start_executor(WEFT_ORDER_DEFAULT);
    int64_t *latencies = malloc(BENCH_WAKEUP_SAMPLES * sizeof(*latencies));
    if (latencies == NULL)
        bench_fail("out of memory");
    weft_executor_stats before, after;
    weft_executor_get_stats(executor, &before);
    for (int i = 0; i < BENCH_WAKEUP_SAMPLES; i++) {
        bench_sleep_ns(BENCH_WAKEUP_IDLE_NS);
        wakeup_sample sample = {0, 0};
        weft_coro *coro = weft_coro_new(record_start, &sample);
        if (coro == NULL)
            check(weft_last_error(), "coro_new");
        sample.submitted_ns = bench_now_ns();
        weft_task *task = weft_executor_submit(executor, coro, NULL);
        if (task == NULL)
            check(weft_last_error(), "submit");
        check(weft_executor_wait(task, NULL), "wakeup task");
        weft_task_release(task);
        if (sample.started_ns < sample.submitted_ns)
            bench_fail("wakeup: task started before it was submitted");
        latencies[i] = sample.started_ns - sample.submitted_ns;
    }
    weft_executor_get_stats(executor, &after);
    weft_executor_free(executor);
    int64_t p99 = bench_percentile(latencies, BENCH_WAKEUP_SAMPLES, 99.0);
    int64_t p50 = bench_percentile(latencies, BENCH_WAKEUP_SAMPLES, 50.0);
    free(latencies);
    char extra[160];
    snprintf(extra, sizeof extra, "p50_ns=%lld;p99_ns=%lld;parks=%llu;wakeups=%llu", (long long)p50,
             (long long)p99, (unsigned long long)(after.parks - before.parks),
             (unsigned long long)(after.wakeups - before.wakeups));
    /* One "task" per sample; ns_per_task must be the p50: seconds = p50 * samples. */
    bench_row("wakeup", "weft", workers, BENCH_WAKEUP_SAMPLES,
              (double)p50 * 1e-9 * BENCH_WAKEUP_SAMPLES, 0, extra);
}

int main(int argc, char **argv)
{
    bench_parse_args(argc, argv, &workload_name, &workers);
    const char *w = workload_name;
    if (strcmp(w, "fib-forkjoin") == 0)
        run_root(WEFT_ORDER_LIFO, fib_forkjoin_root, BENCH_FIB_FORKJOIN_TASKS, BENCH_FIB_VALUE, false);
    else if (strcmp(w, "fib-asyncio") == 0)
        run_root(WEFT_ORDER_LIFO, fib_asyncio_root, BENCH_FIB_ASYNCIO_TASKS, BENCH_FIB_VALUE,
                 false);
    else if (strcmp(w, "flat") == 0)
        run_root(WEFT_ORDER_LIFO, flat_root, BENCH_FLAT_TASKS,
                 BENCH_FLAT_TASKS * (BENCH_FLAT_TASKS - 1) / 2, true);
    else if (strcmp(w, "skynet") == 0)
        run_root(WEFT_ORDER_LIFO, skynet_root, BENCH_SKYNET_TASKS, BENCH_SKYNET_SUM, false);
    else if (strcmp(w, "yield-pingpong") == 0)
        run_pingpong();
    else if (strcmp(w, "wakeup") == 0)
        run_wakeup();
    else if (strcmp(w, "memory") == 0)
        run_root(WEFT_ORDER_DEFAULT, memory_root, BENCH_MEMORY_TASKS, BENCH_MEMORY_TASKS, true);
    else
        bench_unsupported("weft", w);
    return 0;
}
