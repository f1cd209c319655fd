/*
 * Allocation-failure sweep (issue 5, item 2).
 *
 * A counting allocator is installed through the public weft_set_allocator
 * and, through the internal weft_stack_fault_hook, counts stack
 * acquisitions as allocations too. Every workload is run once to count its
 * allocations N, then again with the k-th allocation failing ("one" mode)
 * and with every allocation from the k-th on failing ("from" mode). After
 * every run it checks:
 *   - no crash (ASan/UBSan abort the program; the workload and k being run
 *     are printed first, so a crash names them);
 *   - the run ended with success or a clean error: weft_run returned 0,
 *     WEFT_ENOMEM, or (scenarios) the code it returns without failures;
 *     a failed run's error carries a message;
 *   - no leak: the allocator's count of live blocks is back to 0 (and
 *     LeakSanitizer checks the whole process at exit);
 *   - no lost task: every task the workload created (weft_task_create,
 *     weft_spawn and weft_executor_submit are wrapped to keep a reference)
 *     is done once weft_run has returned, and a creation that failed said
 *     WEFT_ENOMEM.
 *
 * Workloads: every asyncio conformance scenario in single-loop mode (their
 * main() is linked in as fault_scenario_NAME(), see local.mk), and a
 * fork-join tree + queue + gather workload on 2 and 4 workers, whose
 * allocation order varies from run to run: k then covers the largest N
 * seen over a few counting runs.
 *
 * Time: by default each workload gets a time budget and k is sampled with a
 * stride when N runs would not fit (the stride and the first k vary with
 * the workload, so the sweep as a whole covers different k). The full sweep
 * (every k, both modes) is WEFT_FAULTS_FULL=1. WEFT_FAULTS_ONLY=substring
 * restricts the workloads, WEFT_FAULTS_VERBOSE=1 keeps the scenarios'
 * output and prints every run.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

#include "stack.h"
#include "weft.h"

/* ------------------------------------------------------------------ */
/* The counting allocator                                              */
/* ------------------------------------------------------------------ */

typedef enum fail_mode { FAIL_NONE, FAIL_ONE, FAIL_FROM } fail_mode;

/* Set between runs (no executor alive); read by workers, which were created after. */
static fail_mode mode;
static long fail_at;
/* Allocations attempted in this run, blocks live, failures injected. */
static atomic_long attempts;
static atomic_long live_blocks;
static atomic_long injected;

static bool verbose;

/* The sweep's own calls into weft (the watchdog) neither count nor fail. */
static _Thread_local bool exempt;

static bool should_fail(void)
{
    if (exempt)
        return false;
    long n = atomic_fetch_add_explicit(&attempts, 1, memory_order_relaxed) + 1;
    bool fail = (mode == FAIL_ONE && n == fail_at) || (mode == FAIL_FROM && n >= fail_at);
    if (fail && atomic_fetch_add_explicit(&injected, 1, memory_order_relaxed) == 0 && verbose)
        __sanitizer_print_stack_trace(); /* where the first failure hit */
    return fail;
}

static void *counting_malloc(size_t size, void *ctx)
{
    (void)ctx;
    if (size == 0)
        abort(); /* the documented contract: never 0 bytes */
    if (should_fail())
        return NULL;
    void *pointer = malloc(size);
    if (pointer != NULL)
        atomic_fetch_add_explicit(&live_blocks, 1, memory_order_relaxed);
    return pointer;
}

static void *counting_realloc(void *pointer, size_t size, void *ctx)
{
    (void)ctx;
    if (size == 0)
        abort();
    if (should_fail())
        return NULL;
    void *moved = realloc(pointer, size);
    if (moved != NULL && pointer == NULL)
        atomic_fetch_add_explicit(&live_blocks, 1, memory_order_relaxed);
    return moved;
}

static void counting_free(void *pointer, void *ctx)
{
    (void)ctx;
    if (pointer == NULL)
        abort(); /* the documented contract: never NULL */
    atomic_fetch_sub_explicit(&live_blocks, 1, memory_order_relaxed);
    free(pointer);
}

static bool counting_stack_hook(void)
{
    return should_fail();
}

/* ------------------------------------------------------------------ */
/* Task tracking: the wrappers the scenarios are compiled against      */
/* ------------------------------------------------------------------ */

#define MAX_TRACKED 4096
static weft_task *tracked[MAX_TRACKED];
static atomic_size_t tracked_count;
static atomic_long creation_failures;     /* NULL returned with WEFT_ENOMEM */
static atomic_long bad_creation_failures; /* NULL returned with another code, under failure */
static atomic_long tracked_overflow;

/* Scenarios are not written for failures: one that ignores a failed
 * creation may wait forever for the task it did not get (51_queue_fifo
 * waits for an item its missing producer would have put). In single-loop
 * runs a timer armed at the first creation cancels every task each
 * watchdog_s seconds; a run it had to break is noted, and is a failure
 * only if no allocation had failed (then the library lost a wake-up). */
static double watchdog_s = 10.0; /* 5 times a run without failures, at least 0.25 s */
static bool watchdog_wanted, watchdog_armed;
static int watchdog_fired;

static int watchdog(void *arg)
{
    (void)arg;
    watchdog_fired++;
    exempt = true;
    weft_task **tasks = NULL;
    size_t count = 0;
    if (weft_all_tasks(&tasks, &count) == 0) {
        for (size_t i = 0; i < count; i++)
            weft_task_cancel(tasks[i], "test_faults watchdog");
        weft_tasks_release(tasks, count);
    }
    weft_call_later(weft_executor_current(), 0.01, watchdog, NULL, NULL);
    exempt = false;
    return 0;
}

static weft_task *track(weft_task *task)
{
    if (watchdog_wanted && !watchdog_armed && weft_executor_current() != NULL) {
        int saved = weft_last_error();
        char *message = weft_last_error_message() ? strdup(weft_last_error_message()) : NULL;
        exempt = true;
        watchdog_armed = weft_call_later(weft_executor_current(), watchdog_s, watchdog, NULL, NULL) == 0;
        weft_raise(saved, message != NULL ? "%s" : NULL, message); /* as the creation left it */
        exempt = false;
        free(message);
    }

    if (task == NULL) {
        /* Under injected failures a NULL is only acceptable as WEFT_ENOMEM;
         * without failures the scenario meant it (EREUSED and the like). */
        if (atomic_load_explicit(&injected, memory_order_relaxed) != 0) {
            if (weft_last_error() == WEFT_ENOMEM)
                atomic_fetch_add_explicit(&creation_failures, 1, memory_order_relaxed);
            else if (weft_last_error() != WEFT_ENOTCORO && weft_last_error() != WEFT_EREUSED &&
                     weft_last_error() != WEFT_EAWAITED && weft_last_error() != WEFT_ENOLOOP &&
                     weft_last_error() != WEFT_ESHUTDOWN)
                atomic_fetch_add_explicit(&bad_creation_failures, 1, memory_order_relaxed);
        }
        return NULL;
    }
    size_t slot = atomic_fetch_add_explicit(&tracked_count, 1, memory_order_relaxed);
    if (slot < MAX_TRACKED)
        tracked[slot] = weft_task_retain(task);
    else
        atomic_fetch_add_explicit(&tracked_overflow, 1, memory_order_relaxed);
    return task;
}

weft_task *fault_task_create(weft_coro *coro, const char *name);
weft_task *fault_task_create(weft_coro *coro, const char *name)
{
    return track(weft_task_create(coro, name));
}

weft_task *fault_spawn_named(weft_fn fn, void *arg, const char *name, const char *file, int line);
weft_task *fault_spawn_named(weft_fn fn, void *arg, const char *name, const char *file, int line)
{
    return track(weft_spawn_named(fn, arg, name, file, line));
}

weft_task *fault_executor_submit(weft_executor *executor, weft_coro *coro, const char *name);
weft_task *fault_executor_submit(weft_executor *executor, weft_coro *coro, const char *name)
{
    return track(weft_executor_submit(executor, coro, name));
}

/* The outcomes of the workload's weft_run calls (a scenario may make
 * several: 28_no_loop). */
#define MAX_RUNS 8
static int run_rcs[MAX_RUNS];
static bool run_has_message[MAX_RUNS];
static int run_count;

static int record_run(int rc)
{
    if (run_count < MAX_RUNS) {
        run_rcs[run_count] = rc;
        run_has_message[run_count] = weft_last_error_message() != NULL;
    }
    run_count++;
    return rc;
}

int fault_weft_run(weft_coro *main_coro, void **result);
int fault_weft_run(weft_coro *main_coro, void **result)
{
    return record_run(weft_run(main_coro, result));
}

/* ------------------------------------------------------------------ */
/* Workloads                                                           */
/* ------------------------------------------------------------------ */

#define SCENARIO(name) int fault_scenario_##name(void);
#include "scenario_list.h"
#undef SCENARIO

typedef struct workload {
    const char *name;
    int (*body)(void); /* runs weft_run once */
    unsigned workers;  /* 1: a scenario; allocation order is then deterministic */
} workload;

/* Multi-worker workload: fork-join tree, a queue between two tasks, gather. */
static unsigned mw_workers;

static int tree(void *arg, void **result)
{
    intptr_t depth = (intptr_t)arg;
    if (depth == 0) {
        *result = (void *)(intptr_t)1;
        return 0;
    }
    weft_task *left = fault_spawn_named(tree, (void *)(depth - 1), "tree", __FILE__, __LINE__);
    if (left == NULL)
        return weft_last_error();
    weft_task *right = fault_spawn_named(tree, (void *)(depth - 1), "tree", __FILE__, __LINE__);
    void *a = NULL, *b = NULL;
    int rc = weft_await(left, &a);
    weft_task_release(left);
    if (right == NULL)
        return rc != 0 ? rc : weft_last_error(); /* NOLINT: ENOMEM from the spawn is the slot's */
    int rc2 = weft_await(right, &b);
    weft_task_release(right);
    if (rc != 0 || rc2 != 0)
        return rc != 0 ? rc : rc2;
    *result = (void *)((intptr_t)a + (intptr_t)b);
    return 0;
}

#define QUEUE_ITEMS 40

static int producer(void *arg, void **result)
{
    (void)result;
    weft_queue *queue = arg;
    for (intptr_t i = 1; i <= QUEUE_ITEMS; i++) {
        int rc = weft_queue_put(queue, (void *)i);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int consumer(void *arg, void **result)
{
    weft_queue *queue = arg;
    intptr_t sum = 0;
    for (int i = 0; i < QUEUE_ITEMS; i++) {
        void *item = NULL;
        int rc = weft_queue_get(queue, &item);
        if (rc != 0)
            return rc;
        sum += (intptr_t)item;
    }
    *result = (void *)sum;
    return 0;
}

static int leaf(void *arg, void **result)
{
    int rc = weft_yield();
    *result = arg;
    return rc;
}

#define TREE_DEPTH 5
#define GATHER_TASKS 6

static int multi_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    void *sum = NULL;
    weft_task *root = fault_spawn_named(tree, (void *)(intptr_t)TREE_DEPTH, "tree", __FILE__, __LINE__);
    if (root == NULL)
        return weft_last_error();
    int rc = weft_await(root, &sum);
    weft_task_release(root);
    if (rc != 0)
        return rc;
    if ((intptr_t)sum != (intptr_t)1 << TREE_DEPTH)
        return weft_raise(99, "tree sum %ld", (long)(intptr_t)sum);

    /* Small bound: puts wait for the consumer. */
    weft_queue *queue = NULL;
    if ((rc = weft_queue_new(4, WEFT_QUEUE_FIFO, NULL, &queue)) != 0)
        return rc;
    weft_task *put_task = fault_task_create(weft_coro_new(producer, queue), "producer");
    weft_task *get_task = fault_task_create(weft_coro_new(consumer, queue), "consumer");
    int put_rc = put_task != NULL ? weft_await(put_task, NULL) : weft_last_error();
    void *got = NULL;
    int get_rc = 0;
    if (get_task != NULL) {
        /* Without a producer the consumer would wait forever. */
        if (put_task == NULL || put_rc != 0)
            weft_task_cancel(get_task, NULL);
        get_rc = weft_await(get_task, &got);
    } else {
        get_rc = weft_last_error();
    }
    weft_task_release(put_task);
    weft_task_release(get_task);
    weft_queue_free(queue);
    if (put_rc != 0)
        return put_rc;
    if (get_rc != 0)
        return get_rc;
    if ((intptr_t)got != QUEUE_ITEMS * (QUEUE_ITEMS + 1) / 2)
        return weft_raise(98, "queue sum %ld", (long)(intptr_t)got);

    weft_task *tasks[GATHER_TASKS] = {0};
    rc = 0;
    size_t made = 0;
    for (; made < GATHER_TASKS; made++) {
        tasks[made] = fault_task_create(weft_coro_new(leaf, (void *)(intptr_t)made), NULL);
        if (tasks[made] == NULL) {
            rc = weft_last_error();
            break;
        }
    }
    void *values[GATHER_TASKS];
    if (rc == 0)
        rc = weft_gather(tasks, made, false, values, NULL);
    for (size_t i = 0; i < made; i++) {
        if (rc != 0)
            weft_task_cancel(tasks[i], NULL);
        int done_rc = weft_await(tasks[i], NULL); /* each one ends before main does */
        if (rc == 0 && done_rc != 0)
            rc = done_rc;
        weft_task_release(tasks[i]);
    }
    if (rc == WEFT_ECANCELLED)
        rc = weft_raise(WEFT_ENOMEM, "gather tasks cancelled after an allocation failure");
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < GATHER_TASKS; i++)
        if ((intptr_t)values[i] != (intptr_t)i)
            return weft_raise(97, "gather value %zu", i);
    return 0;
}

static int multi_worker_body(void)
{
    weft_config config;
    weft_config_init(&config);
    config.workers = mw_workers;
    record_run(weft_run_with(&config, weft_coro_new(multi_main, NULL), NULL));
    return 0;
}

/* ------------------------------------------------------------------ */
/* The sweep                                                           */
/* ------------------------------------------------------------------ */

static int real_stdout = -1, real_stderr = -1, devnull = -1;
static const char *volatile current_name = "(none)";
static volatile long current_k;
static volatile int current_mode;
static long problems;
static long watchdog_breaks;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[1024];
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(line, sizeof line, fmt, args);
    va_end(args);
    if (n > (int)sizeof line - 1)
        n = (int)sizeof line - 1;
    if (write(real_stderr, line, (size_t)n) < 0) {
        /* nothing better to do */
    }
}

static void on_alarm(int signal_number)
{
    (void)signal_number;
    static const char text[] = "test_faults: watchdog: a run hung (see the last 'run' line)\n";
    if (write(real_stderr, text, sizeof text - 1) < 0) {
        /* exiting anyway */
    }
    _exit(2);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void quiet(bool on)
{
    if (verbose)
        return;
    fflush(stdout);
    fflush(stderr);
    dup2(on ? devnull : real_stdout, STDOUT_FILENO);
    dup2(on ? devnull : real_stderr, STDERR_FILENO);
}

typedef struct run_result {
    long allocations;
    int runs;
    int rcs[MAX_RUNS];
    long injected;
} run_result;

static const char *mode_name(fail_mode m)
{
    return m == FAIL_ONE ? "one" : m == FAIL_FROM ? "from" : "none";
}

/* Runs w once with the given failure, checks the run, returns what it saw. */
static run_result run_once(const workload *w, fail_mode m, long k, const run_result *baseline)
{
    mode = m;
    fail_at = k;
    current_k = k;
    current_mode = (int)m;
    atomic_store(&attempts, 0);
    atomic_store(&injected, 0);
    atomic_store(&tracked_count, 0);
    atomic_store(&creation_failures, 0);
    atomic_store(&bad_creation_failures, 0);
    atomic_store(&tracked_overflow, 0);
    run_count = 0;
    watchdog_wanted = w->workers == 1;
    watchdog_armed = false;
    watchdog_fired = 0;
    if (verbose)
        say("run %s %s k=%ld\n", w->name, mode_name(m), k);
    quiet(true);
    w->body();
    quiet(false);

    run_result out = {
        .allocations = atomic_load(&attempts),
        .runs = run_count,
        .injected = atomic_load(&injected),
    };
    memcpy(out.rcs, run_rcs, sizeof out.rcs);
    mode = FAIL_NONE; /* releasing the tracked tasks below must not fail */

    bool bad = false;
    char why[512] = "";
    size_t count = atomic_load(&tracked_count);
    if (count > MAX_TRACKED)
        count = MAX_TRACKED;
    size_t pending = 0;
    for (size_t i = 0; i < count; i++)
        if (!weft_task_done(tracked[i]))
            pending++;
    for (size_t i = 0; i < count; i++) {
        /* The scenario's own errors were reported or retrieved already. */
        weft_task_exception(tracked[i], NULL);
        weft_task_release(tracked[i]);
    }
    weft_raise(0, NULL); /* frees this thread's last error message */

    if (run_count < 1 || run_count > MAX_RUNS ||
        (baseline != NULL && run_count > baseline->runs)) {
        bad = true;
        snprintf(why, sizeof why, "weft_run ran %d times", run_count);
    } else if (pending != 0) {
        bad = true;
        snprintf(why, sizeof why, "%zu task(s) still pending after weft_run (lost)", pending);
    } else if (atomic_load(&bad_creation_failures) != 0) {
        bad = true;
        snprintf(why, sizeof why, "a task creation failed without WEFT_ENOMEM");
    } else {
        for (int i = 0; i < run_count && !bad; i++) {
            int rc = out.rcs[i];
            /* Scenarios return their own codes, and may swallow an
             * allocation failure and fail differently (awaiting the NULL
             * task they got, say): with failures injected any weft code
             * is a clean end. The multi-worker workload passes errors on. */
            bool expected = rc == 0 || (baseline != NULL && rc == baseline->rcs[i]) ||
                            (rc == WEFT_ENOMEM && out.injected != 0) ||
                            (w->workers == 1 && out.injected != 0 && rc <= WEFT_EINVAL &&
                             rc >= WEFT_EBUSY);
            if (baseline == NULL && w->workers == 1)
                expected = true; /* counting run: this is the baseline */
            if (!expected) {
                bad = true;
                snprintf(why, sizeof why, "weft_run returned %d (%s)", rc, weft_strerror(rc));
            } else if (rc == WEFT_ENOMEM && m == FAIL_ONE && !run_has_message[i]) {
                /* With one failure, the message's own allocation succeeds. */
                bad = true;
                snprintf(why, sizeof why, "weft_run returned WEFT_ENOMEM without a message");
            }
        }
    }
    if (watchdog_fired != 0 && !bad) {
        if (out.injected == 0) {
            bad = true;
            snprintf(why, sizeof why, "hung with no failure injected (watchdog)");
        } else {
            watchdog_breaks++;
            if (verbose || watchdog_breaks <= 20)
                say("note: %s mode=%s k=%ld: the scenario waited forever after a failure it "
                    "ignored; the watchdog cancelled its tasks\n",
                    w->name, mode_name(m), k);
        }
    }
    long leaked = atomic_load(&live_blocks);
    if (leaked != 0) {
        bad = true;
        size_t used = strlen(why);
        snprintf(why + used, sizeof why - used, "%s%ld block(s) leaked", used ? "; " : "", leaked);
        atomic_store(&live_blocks, 0); /* report each run once; LSan names them at exit */
    }
    if (bad) {
        problems++;
        if (problems <= 200)
            say("FAIL %s mode=%s k=%ld: %s\n", w->name, mode_name(m), k, why);
    }
    return out;
}

static bool full_sweep;
static double budget_per_workload;

static void sweep(const workload *w)
{
    current_name = w->name;
    watchdog_s = 10.0;
    /* Count: the largest N over a few runs (one is enough with one worker). */
    int counting_runs = w->workers > 1 ? 3 : 1;
    long n_max = 0;
    run_result baseline = {0};
    double started = now();
    for (int i = 0; i < counting_runs; i++) {
        baseline = run_once(w, FAIL_NONE, 0, NULL);
        if (baseline.allocations > n_max)
            n_max = baseline.allocations;
    }
    double per_run = (now() - started) / counting_runs;
    watchdog_s = per_run * 5 > 0.25 ? per_run * 5 : 0.25;
    if (n_max == 0) {
        problems++;
        say("FAIL %s: made no allocation through the hook\n", w->name);
        return;
    }
    long samples = n_max;
    if (!full_sweep) {
        long fit = (long)(budget_per_workload / (2 * (per_run > 1e-4 ? per_run : 1e-4)));
        if (fit < 6)
            fit = 6;
        if (fit < samples)
            samples = fit;
    }
    long stride = (n_max + samples - 1) / samples;
    /* Vary the first k so that strided sweeps of different workloads
     * cover different residues. */
    long first = 1 + (long)(strlen(w->name) * 7) % stride;
    long runs = 0, ended_with_error = 0;
    for (fail_mode m = FAIL_ONE; m <= FAIL_FROM; m++) {
        for (long k = first; k <= n_max; k += stride) {
            run_result r = run_once(w, m, k, &baseline);
            runs++;
            if (r.rcs[0] != 0)
                ended_with_error++;
        }
        if (first != 1)
            run_once(w, m, 1, &baseline), runs++; /* the very first allocation, always */
    }
    say("%-32s N=%-5ld stride=%-3ld runs=%-5ld errors=%-5ld %.1fs\n", w->name, n_max, stride, runs,
        ended_with_error, now() - started);
}

/* Scenarios whose own code crashes when a weft call fails (they use what a
 * failed call did not set, e.g. a NULL item from a failed get): not swept
 * by default; WEFT_FAULTS_ONLY=NAME still runs them. */
static bool scenario_unchecked(const char *name)
{
    static const char *const unchecked[] = {"52_queue_lifo_priority", "64_wait_modes", "65_wait_timeout"};
    for (size_t i = 0; i < sizeof unchecked / sizeof unchecked[0]; i++)
        if (strcmp(name, unchecked[i]) == 0)
            return true;
    return false;
}

int main(void)
{
    real_stdout = dup(STDOUT_FILENO);
    real_stderr = dup(STDERR_FILENO);
    devnull = open("/dev/null", O_WRONLY);
    if (real_stdout < 0 || real_stderr < 0 || devnull < 0) {
        perror("test_faults: dup");
        return 1;
    }
    /* Sanitizer reports go to the real stderr even while a run is quiet. */
    __sanitizer_set_report_fd((void *)(intptr_t)real_stderr);
    setvbuf(stdout, NULL, _IOLBF, 0);

    const char *env = getenv("WEFT_FAULTS_FULL");
    full_sweep = env != NULL && strcmp(env, "0") != 0 && env[0] != '\0';
    env = getenv("WEFT_FAULTS_VERBOSE");
    verbose = env != NULL && strcmp(env, "0") != 0 && env[0] != '\0';
    const char *only = getenv("WEFT_FAULTS_ONLY");

    signal(SIGALRM, on_alarm);
    alarm(full_sweep ? 4 * 3600 : 600);

    workload workloads[] = {
#define SCENARIO(name) {#name, fault_scenario_##name, 1},
#include "scenario_list.h"
#undef SCENARIO
        {"multi_worker_2", multi_worker_body, 2},
        {"multi_worker_4", multi_worker_body, 4},
    };
    size_t count = sizeof workloads / sizeof workloads[0];
    /* About 100 s of runs in all under ASan, a third for the multi-worker ones. */
    budget_per_workload = 66.0 / (double)(count - 2);

    weft_allocator allocator = {counting_malloc, counting_realloc, counting_free, NULL};
    weft_raise(0, NULL); /* drop any message made with libc's allocator */
    if (weft_set_allocator(&allocator) != 0) {
        say("test_faults: weft_set_allocator failed: %s\n", weft_last_error_message());
        return 1;
    }
    weft_stack_fault_hook = counting_stack_hook;

    /* The hook refuses while an executor exists. */
    weft_executor *executor = NULL;
    weft_config config;
    weft_config_init(&config);
    config.workers = 1;
    if (weft_executor_create(&config, &executor) != 0) {
        say("test_faults: weft_executor_create failed\n");
        return 1;
    }
    if (weft_set_allocator(NULL) != WEFT_EBUSY || weft_last_error_message() == NULL) {
        say("FAIL weft_set_allocator did not refuse with WEFT_EBUSY while an executor exists\n");
        problems++;
    }
    weft_executor_free(executor);
    weft_raise(0, NULL);
    if (atomic_load(&live_blocks) != 0) {
        say("FAIL executor create/free leaked %ld block(s)\n", atomic_load(&live_blocks));
        problems++;
        atomic_store(&live_blocks, 0);
    }

    double started = now();
    size_t swept = 0;
    for (size_t i = 0; i < count; i++) {
        if (only != NULL && strstr(workloads[i].name, only) == NULL)
            continue;
        if (only == NULL && scenario_unchecked(workloads[i].name)) {
            say("%-32s skipped: it dereferences results it does not check (crashes in its own code)\n",
                workloads[i].name);
            continue;
        }
        if (workloads[i].workers > 1) {
            mw_workers = workloads[i].workers;
            budget_per_workload = 16.0;
        }
        sweep(&workloads[i]);
        swept++;
    }
    say("test_faults: %zu workloads, %s sweep, %.1fs, %ld run(s) broken by the watchdog, "
        "%ld problem(s)\n",
        swept, full_sweep ? "full" : "sampled", now() - started, watchdog_breaks, problems);

    weft_stack_fault_hook = NULL;
    if (weft_set_allocator(NULL) != 0) {
        say("FAIL weft_set_allocator(NULL) refused after every executor was freed\n");
        problems++;
    }
    return problems == 0 ? 0 : 1;
}
