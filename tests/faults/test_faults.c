/*
 * Allocation-failure sweep (issue 5, item 2).
 *
 * A counting allocator is installed through the public weft_set_allocator
 * and, through the internal weft_stack_fault_hook, counts stack
 * acquisitions as allocations too. Every workload is run once to count its
 * allocations N, then again with the k-th allocation failing ("one" mode)
 * and with every allocation from the k-th on failing ("from" mode). After
 * every run it checks:
 *   - no crash and no hang: each failing run is made in a forked child
 *     with a time limit; a crash or hang blamed on the scenario's own code
 *     (it used what a failed call did not set) is a scenario limitation,
 *     counted but not a failure; anywhere else it is a failure (see
 *     run_in_child and README.md);
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
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>

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
static bool in_child; /* a run forked by run_in_child */
static int report_fd = -1; /* the child's sanitizer reports and stacks */

/* The sweep's own calls into weft (the watchdog) neither count nor fail. */
static _Thread_local bool exempt;

static bool should_fail(void)
{
    if (exempt)
        return false;
    long n = atomic_fetch_add_explicit(&attempts, 1, memory_order_relaxed) + 1;
    bool fail = (mode == FAIL_ONE && n == fail_at) || (mode == FAIL_FROM && n >= fail_at);
    if (fail && atomic_fetch_add_explicit(&injected, 1, memory_order_relaxed) == 0 && verbose)
        __sanitizer_print_stack_trace(); /* where the first failure hit (a child's goes to its report) */
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

static int real_stdout = -1, real_stderr = -1, devnull = -1;

#define MAX_TRACKED 4096
static weft_task *tracked[MAX_TRACKED];
static atomic_size_t tracked_count;
static atomic_long creation_failures;     /* NULL returned with WEFT_ENOMEM */
static atomic_long bad_creation_failures; /* NULL returned with another code, under failure */
static atomic_long tracked_overflow;
/* Creations that returned NULL in this run: a run that hangs after one
 * waits on a task its scenario did not get. Also kept in a MAP_SHARED page
 * (shared_creation_nulls), so that the parent sees it when a child hangs. */
static atomic_long creation_nulls;
static atomic_long *shared_creation_nulls;

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
        atomic_fetch_add_explicit(&creation_nulls, 1, memory_order_relaxed);
        if (shared_creation_nulls != NULL)
            atomic_fetch_add_explicit(shared_creation_nulls, 1, memory_order_relaxed);
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

/* An error the workload keeps while it makes more weft calls (which
 * overwrite the last error) before it returns it. Returning the bare code
 * after those calls would lose the message the library gave it, and the
 * sweep flags a WEFT_ENOMEM without a message as the library's fault. */
typedef struct saved_error {
    int code;
    bool has_message;
    char message[256];
} saved_error;

static saved_error save_error(int code)
{
    saved_error saved = {.code = code};
    const char *message = weft_last_error() == code ? weft_last_error_message() : NULL;
    if (message != NULL) {
        saved.has_message = true;
        snprintf(saved.message, sizeof saved.message, "%s", message);
    }
    return saved;
}

/* Returns the saved code, with its message when it had one (a bare code
 * otherwise, so that a message the library lost still shows). */
static int raise_saved(const saved_error *saved)
{
    return saved->has_message ? weft_raise(saved->code, "%s", saved->message)
                              : weft_raise(saved->code, NULL);
}

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
    saved_error right_error = save_error(right == NULL ? weft_last_error() : 0);
    /* Both halves are awaited whatever happens, so that no task is lost and
     * no error goes unretrieved; the first failure is the one returned. */
    void *a = NULL, *b = NULL;
    int rc = weft_await(left, &a);
    saved_error failure = save_error(rc);
    weft_task_release(left);
    if (right != NULL) {
        int right_rc = weft_await(right, &b);
        weft_task_release(right);
        if (rc == 0 && right_rc != 0)
            return right_rc; /* still the last error: release does not touch it */
    } else if (rc == 0) {
        failure = right_error;
    }
    if (failure.code != 0)
        return raise_saved(&failure);
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

/* A task of fn(arg), or NULL with WEFT_ENOMEM from whichever step failed
 * (weft_task_create(NULL) would say WEFT_ENOTCORO instead). */
static weft_task *create_task(weft_fn fn, void *arg, const char *name)
{
    weft_coro *coro = weft_coro_new(fn, arg);
    return coro != NULL ? fault_task_create(coro, name) : NULL;
}

/* The producer and the consumer in a task group: if either fails (or
 * cannot be created), the group cancels the other, which would otherwise
 * wait forever on a queue nobody fills or empties. */
static int queue_pair(void **sum)
{
    weft_queue *queue = NULL;
    int rc = weft_queue_new(4, WEFT_QUEUE_FIFO, NULL, &queue); /* small: puts wait for gets */
    if (rc != 0)
        return rc;
    weft_task_group *group = weft_task_group_new();
    if (group == NULL) {
        saved_error saved = save_error(weft_last_error());
        weft_queue_free(queue);
        return raise_saved(&saved);
    }
    weft_task *put_task = weft_task_group_spawn(group, producer, queue);
    weft_task *get_task = put_task != NULL ? weft_task_group_spawn(group, consumer, queue) : NULL;
    /* A failed creation leaves the body with its error: the group cancels
     * the child it has and reports the body's error beside the children's. */
    rc = weft_task_group_wait(group, get_task != NULL ? 0 : weft_last_error());
    saved_error saved = {0};
    if (rc == WEFT_EGROUP) {
        const weft_task_error *errors = NULL;
        weft_task_group_errors(group, &errors);
        saved.code = errors[0].code; /* the first failure is the one to report */
        saved.has_message = errors[0].message != NULL;
        if (saved.has_message)
            snprintf(saved.message, sizeof saved.message, "%s", errors[0].message);
    } else if (rc != 0) {
        saved = save_error(rc);
    } else {
        rc = weft_task_result(get_task, sum);
        if (rc != 0)
            saved = save_error(rc);
    }
    weft_task_release(put_task);
    weft_task_release(get_task);
    weft_task_group_free(group);
    weft_queue_free(queue);
    return saved.code != 0 ? raise_saved(&saved) : 0;
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

    void *got = NULL;
    if ((rc = queue_pair(&got)) != 0)
        return rc;
    if ((intptr_t)got != QUEUE_ITEMS * (QUEUE_ITEMS + 1) / 2)
        return weft_raise(98, "queue sum %ld", (long)(intptr_t)got);

    weft_task *tasks[GATHER_TASKS] = {0};
    rc = 0;
    size_t made = 0;
    for (; made < GATHER_TASKS; made++) {
        tasks[made] = create_task(leaf, (void *)(intptr_t)made, NULL);
        if (tasks[made] == NULL) {
            rc = weft_last_error();
            break;
        }
    }
    void *values[GATHER_TASKS];
    if (rc == 0)
        rc = weft_gather(tasks, made, false, values, NULL);
    saved_error saved = save_error(rc);
    for (size_t i = 0; i < made; i++) {
        if (rc != 0)
            weft_task_cancel(tasks[i], NULL);
        int done_rc = weft_await(tasks[i], NULL); /* each one ends before main does */
        if (rc == 0 && done_rc != 0)
            saved = save_error(rc = done_rc);
        weft_task_release(tasks[i]);
    }
    if (rc == WEFT_ECANCELLED)
        return weft_raise(WEFT_ENOMEM, "gather tasks cancelled after an allocation failure");
    if (rc != 0)
        return raise_saved(&saved);
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
    weft_coro *main_coro = weft_coro_new(multi_main, NULL);
    /* A failed weft_coro_new is this workload's, not weft_run's, to report. */
    record_run(main_coro != NULL ? weft_run_with(&config, main_coro, NULL) : weft_last_error());
    return 0;
}

/* ------------------------------------------------------------------ */
/* The sweep                                                           */
/* ------------------------------------------------------------------ */

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

/* Text of any length (say() cuts at a line's worth). */
static void say_text(const char *text)
{
    if (write(real_stderr, text, strlen(text)) < 0) {
        /* nothing better to do */
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A child's stderr goes to its report: UBSan writes there, not to the
 * sanitizer report descriptor. */
static void quiet(bool on)
{
    if (verbose && !in_child)
        return;
    fflush(stdout);
    fflush(stderr);
    dup2(on ? devnull : real_stdout, STDOUT_FILENO);
    dup2(on ? (in_child ? report_fd : devnull) : real_stderr, STDERR_FILENO);
}

/* What a run saw; a child writes it into shared memory for the parent. */
typedef struct run_result {
    long allocations;
    int runs;
    int rcs[MAX_RUNS];
    long injected;
    long creation_nulls;
    bool watchdog_broke; /* the watchdog had to cancel a scenario waiting forever */
    bool bad;
    char why[512];
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
    atomic_store(&attempts, 0);
    atomic_store(&creation_nulls, 0);
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
        .creation_nulls = atomic_load(&creation_nulls),
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
            out.watchdog_broke = true;
        }
    }
    long leaked = atomic_load(&live_blocks);
    if (leaked != 0) {
        bad = true;
        size_t used = strlen(why);
        snprintf(why + used, sizeof why - used, "%s%ld block(s) leaked", used ? "; " : "", leaked);
        if (verbose)
            __lsan_do_recoverable_leak_check(); /* where the leaked blocks were allocated */
        atomic_store(&live_blocks, 0); /* report each run once; LSan names them at exit */
    }
    out.bad = bad;
    memcpy(out.why, why, sizeof out.why);
    return out;
}

/* ------------------------------------------------------------------ */
/* Runs in forked children                                             */
/* ------------------------------------------------------------------ */

/* Each failing run is made in a child forked after the counting run (the
 * parent is single-threaded then: weft_run joined its workers), so a crash
 * or a hang costs one run, not the sweep. The child writes its run_result
 * into a shared page and sanitizer reports into a file the parent reads. */
enum {
    CHILD_OK = 0,
    CHILD_BAD = 10,  /* a check of run_once failed: result->why */
    CHILD_HUNG = 11, /* its own alarm: still running at the time limit */
};

typedef enum verdict {
    VERDICT_OK,
    VERDICT_FAILURE,             /* the library (or this test) is at fault */
    VERDICT_SCENARIO_LIMITATION, /* the scenario's own code, after a failure it ignored */
} verdict;

static run_result *shared_result; /* in a MAP_SHARED page */
static volatile pid_t running_child;

static void child_on_signal(int signal_number)
{
    static const char hung[] = "test_faults: child still running at its time limit; stack:\n";
    static const char aborted[] = "test_faults: child aborted; stack:\n";
    const char *text = signal_number == SIGALRM ? hung : aborted;
    if (write(report_fd, text, strlen(text)) < 0) {
        /* exiting anyway */
    }
    /* Not async-signal-safe, but the child ends here either way. */
    __sanitizer_print_stack_trace();
    _exit(signal_number == SIGALRM ? CHILD_HUNG : 134);
}

static void parent_on_alarm(int signal_number)
{
    (void)signal_number;
    if (running_child > 0)
        kill(running_child, SIGKILL); /* its own alarm did not end it */
}

/* The location ("file:line") of the first frame of the first stack in the
 * report that is in this tree (not the sanitizer runtime, not libc) and is
 * not this program's signal handler: where the crash is to be blamed. */
static bool blamed_location(const char *report, char *location, size_t size)
{
    /* A UBSan report names the place first: "file:line:col: runtime error". */
    const char *runtime = strstr(report, ": runtime error:");
    if (runtime != NULL) {
        const char *start = runtime;
        while (start > report && start[-1] != '\n')
            start--;
        snprintf(location, size, "%.*s", (int)(runtime - start), start);
        return true;
    }
    const char *line = report;
    bool in_stack = false;
    while (line != NULL && *line != '\0') {
        const char *end = strchr(line, '\n');
        size_t length = end != NULL ? (size_t)(end - line) : strlen(line);
        char frame[1024];
        snprintf(frame, sizeof frame, "%.*s", (int)length, line);
        const char *hash = frame;
        while (*hash == ' ')
            hash++;
        if (*hash == '#') {
            in_stack = true;
            const char *in = strstr(frame, " in ");
            const char *where = in != NULL ? strchr(in + 4, ' ') : NULL;
            /* This tree's files are compiled under relative names;
             * the sanitizer runtime's and libc's are not. */
            const char *file = where != NULL ? where + 1 : "";
            bool ours = in != NULL && where != NULL &&
                        (strncmp(file, "src/", 4) == 0 || strncmp(file, "tests/", 6) == 0 ||
                         strncmp(file, "stress/", 7) == 0 || strncmp(file, "examples/", 9) == 0) &&
                        strstr(frame, " in child_on_signal ") == NULL;
            bool runtime_frame = !ours;
            if (!runtime_frame) {
                snprintf(location, size, "%s", where + 1);
                return true;
            }
        } else if (in_stack) {
            break; /* the first stack ended */
        }
        line = end != NULL ? end + 1 : NULL;
    }
    return false;
}

static bool in_scenario_code(const char *location)
{
    return strstr(location, "tests/asyncio/") != NULL;
}

static double now(void);

/* Runs w with failure (m, k) in a child, within limit_s seconds; classifies
 * the outcome into *why. */
static verdict run_in_child(const workload *w, fail_mode m, long k, const run_result *baseline,
                            double limit_s, run_result *out, char *why, size_t why_size)
{
    memset(shared_result, 0, sizeof *shared_result);
    atomic_store(shared_creation_nulls, 0);
    shared_result->runs = -1; /* set when the child got to write its result */
    if (ftruncate(report_fd, 0) != 0 || lseek(report_fd, 0, SEEK_SET) != 0) {
        snprintf(why, why_size, "cannot reset the report file");
        return VERDICT_FAILURE;
    }
    unsigned limit = (unsigned)limit_s + 1;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(why, why_size, "fork: %s", strerror(errno));
        return VERDICT_FAILURE;
    }
    if (pid == 0) {
        in_child = true;
        __sanitizer_set_report_fd((void *)(intptr_t)report_fd);
        signal(SIGALRM, child_on_signal);
        signal(SIGABRT, child_on_signal);
        alarm(limit);
        run_result result = run_once(w, m, k, baseline);
        *shared_result = result;
        alarm(0);
        _exit(result.bad ? CHILD_BAD : CHILD_OK);
    }
    running_child = pid;
    alarm(limit + 10); /* parent_on_alarm kills a child its own alarm did not end */
    int status = 0;
    pid_t waited;
    while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
    }
    alarm(0);
    running_child = 0;
    *out = *shared_result;
    if (waited != pid) {
        snprintf(why, why_size, "waitpid: %s", strerror(errno));
        return VERDICT_FAILURE;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_OK && out->runs >= 0)
        return VERDICT_OK;
    char report[16384];
    ssize_t got = pread(report_fd, report, sizeof report - 1, 0);
    report[got > 0 ? got : 0] = '\0';
    if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_BAD && out->runs >= 0) {
        snprintf(why, why_size, "%s", out->why);
        if (verbose)
            say_text(report); /* where the first failure hit */
        return VERDICT_FAILURE;
    }

    char location[512] = "";
    bool located = blamed_location(report, location, sizeof location);
    bool hung = (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_HUNG) ||
                (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    if (hung) {
        /* A scenario waiting on a task it failed to create is stuck in its
         * own code; anything else (the multi-worker workload handles its
         * failures) is a lost wake-up or a livelock in the library. */
        if (w->workers == 1 && atomic_load(shared_creation_nulls) > 0) {
            snprintf(why, why_size, "hung after a failed task creation (at %s)",
                     located ? location : "?");
            return VERDICT_SCENARIO_LIMITATION;
        }
        /* A scenario looping on a call that keeps failing (a NULL iterator
         * it did not check) is caught running its own code. */
        if (w->workers == 1 && located && in_scenario_code(location)) {
            snprintf(why, why_size, "hung in its own code at %s", location);
            return VERDICT_SCENARIO_LIMITATION;
        }
        snprintf(why, why_size, "hung past %u s (at %s)", limit, located ? location : "?");
        if (verbose || !located)
            say_text(report);
        return VERDICT_FAILURE;
    }
    if (strstr(report, "LeakSanitizer") != NULL) {
        snprintf(why, why_size, "LeakSanitizer reported a leak");
        say_text(report);
        return VERDICT_FAILURE;
    }
    if (located && in_scenario_code(location)) {
        snprintf(why, why_size, "crashed in its own code at %s", location);
        return VERDICT_SCENARIO_LIMITATION;
    }
    if (WIFSIGNALED(status))
        snprintf(why, why_size, "killed by signal %d (at %s)", WTERMSIG(status), located ? location : "?");
    else
        snprintf(why, why_size, "exited with status %d (at %s)", WEXITSTATUS(status),
                 located ? location : "?");
    say_text(report);
    return VERDICT_FAILURE;
}

static bool full_sweep;
static double budget_per_workload;
static double fork_cost_s; /* a child's fork, exit and wait, measured once */
static long limitations;   /* runs a scenario's own code crashed or hung in */

static void sweep(const workload *w)
{
    watchdog_s = 10.0;
    /* Count in-process: the largest N over a few runs (one is enough with
     * one worker, whose allocation order is deterministic). */
    int counting_runs = w->workers > 1 ? 3 : 1;
    long n_max = 0;
    run_result baseline = {0};
    double started = now();
    for (int i = 0; i < counting_runs; i++) {
        baseline = run_once(w, FAIL_NONE, 0, NULL);
        if (baseline.bad) {
            problems++;
            say("FAIL %s (no failure injected): %s\n", w->name, baseline.why);
            return;
        }
        if (baseline.allocations > n_max)
            n_max = baseline.allocations;
    }
    double per_run = (now() - started) / counting_runs;
    watchdog_s = per_run * 5 > 0.25 ? per_run * 5 : 0.25;
    /* Generous on a loaded machine: a run only reaches it when stuck. */
    double limit_s = 5.0 + 8 * watchdog_s;
    if (n_max == 0) {
        problems++;
        say("FAIL %s: made no allocation through the hook\n", w->name);
        return;
    }
    long samples = n_max;
    double per_child = per_run + fork_cost_s;
    if (!full_sweep) {
        long fit = (long)(budget_per_workload / (2 * (per_child > 1e-4 ? per_child : 1e-4)));
        if (fit < 3)
            fit = 3; /* slow (timer-bound) scenarios: a few k, plus k=1 */
        if (fit < samples)
            samples = fit;
    }
    long stride = (n_max + samples - 1) / samples;
    /* Vary the first k so that strided sweeps of different workloads
     * cover different residues. */
    long first = 1 + (long)(strlen(w->name) * 7) % stride;
    /* The sampled sweep also stops at a cap (runs that hang cost their
     * time limit); the full sweep runs every k. */
    double cap_s = 3 * budget_per_workload;
    long runs = 0, ended_with_error = 0, own_limitations = 0, failures = 0;
    bool capped = false;
    for (fail_mode m = FAIL_ONE; m <= FAIL_FROM && !capped; m++) {
        for (long k = first - stride; k <= n_max && !capped; k += stride) {
            long at = k < first ? 1 : k; /* the very first allocation, always */
            if (k < first && first == 1)
                continue;
            run_result r;
            char why[768] = "";
            verdict v = run_in_child(w, m, at, &baseline, limit_s, &r, why, sizeof why);
            runs++;
            if (v == VERDICT_OK && r.rcs[0] != 0)
                ended_with_error++;
            if (v == VERDICT_OK && r.watchdog_broke) {
                watchdog_breaks++;
                if (verbose)
                    say("note: %s mode=%s k=%ld: the scenario waited forever after a failure it "
                        "ignored; the watchdog cancelled its tasks\n",
                        w->name, mode_name(m), at);
            } else if (v == VERDICT_SCENARIO_LIMITATION) {
                limitations++;
                if (verbose || ++own_limitations <= 2)
                    say("note: %s mode=%s k=%ld: scenario limitation: %s\n", w->name, mode_name(m),
                        at, why);
            } else if (v == VERDICT_FAILURE) {
                problems++;
                failures++;
                if (problems <= 200)
                    say("FAIL %s mode=%s k=%ld: %s\n", w->name, mode_name(m), at, why);
            }
            if (!full_sweep && now() - started > cap_s)
                capped = true;
        }
    }
    say("%-26s N=%-5ld stride=%-3ld runs=%-4ld errors=%-4ld limitations=%-3ld failures=%-3ld "
        "%.1fs%s\n",
        w->name, n_max, stride, runs, ended_with_error, own_limitations, failures, now() - started,
        capped ? " (capped)" : "");
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

    /* Each run is bounded by its child's time limit (and the parent kills
     * a child that outlives it), so the sweep is bounded too. */
    signal(SIGALRM, parent_on_alarm);
    shared_result = mmap(NULL, sizeof *shared_result + sizeof(atomic_long), PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared_result == MAP_FAILED) {
        perror("test_faults: mmap");
        return 1;
    }
    shared_creation_nulls = (atomic_long *)(void *)(shared_result + 1);
    char report_path[] = "/tmp/weft_faults_report_XXXXXX";
    report_fd = mkstemp(report_path);
    if (report_fd < 0) {
        perror("test_faults: mkstemp");
        return 1;
    }
    unlink(report_path); /* the descriptor is enough; nothing left behind */
    double fork_started = now();
    for (int i = 0; i < 3; i++) {
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        if (pid > 0)
            waitpid(pid, NULL, 0);
    }
    fork_cost_s = (now() - fork_started) / 3;

    workload workloads[] = {
#define SCENARIO(name) {#name, fault_scenario_##name, 1},
#include "scenario_list.h"
#undef SCENARIO
        {"multi_worker_2", multi_worker_body, 2},
        {"multi_worker_4", multi_worker_body, 4},
    };
    size_t count = sizeof workloads / sizeof workloads[0];
    /* About 80 s of runs in all under ASan, 20 s of them for the multi-worker ones. */
    budget_per_workload = 60.0 / (double)(count - 2);

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
        if (workloads[i].workers > 1) {
            mw_workers = workloads[i].workers;
            budget_per_workload = 10.0;
        }
        sweep(&workloads[i]);
        swept++;
    }
    say("test_faults: %zu workloads, %s sweep, %.1fs, %ld run(s) broken by the watchdog, "
        "%ld scenario limitation(s), %ld problem(s)\n",
        swept, full_sweep ? "full" : "sampled", now() - started, watchdog_breaks, limitations,
        problems);

    weft_stack_fault_hook = NULL;
    if (weft_set_allocator(NULL) != 0) {
        say("FAIL weft_set_allocator(NULL) refused after every executor was freed\n");
        problems++;
    }
    return problems == 0 ? 0 : 1;
}
