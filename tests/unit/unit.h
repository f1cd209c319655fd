/* Shared helpers of the cmocka unit tests (tests/unit/test_*.c).
 *
 * cmocka's assert_* macros longjmp out of the test on failure, which must
 * never happen on a task's stack (it would skip the loop). Code that runs
 * inside a task or a callback therefore uses the EXPECT_* macros below: they
 * record failures, and URUN()/urun_with() turn them into a cmocka failure on
 * the main stack once weft_run has returned. The event log (ulog_*) and the
 * capturing exception handler (ureports) let tests assert exact orders.
 *
 * Worker counts. Each program runs its whole list with one worker (asyncio's
 * single loop: exact orders), then the tests that do not depend on that
 * order again with 2 and with 4 workers (URUN_GROUPS). uworkers tells a test
 * which run it is in. The helpers state an assertion once and check it as
 * strongly as the run allows: EXPECT_SOON and EXPECT_LOG hold at once with
 * one worker, and within a bounded time (EXPECT_LOG: in any order) with
 * several; EXPECT_ORDERED and EXPECT_HOPS are checked with one worker only.
 * Every shared record is thread-safe: with several workers, tasks and
 * callbacks run on several threads at once.
 */
#ifndef WEFT_UNIT_H
#define WEFT_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "weft.h"

/* Tests build expected strings with snprintf into fixed buffers on purpose. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

#if defined(__GNUC__)
#define UHELPER static inline __attribute__((unused))
#else
#define UHELPER static inline
#endif

#define IV(p) ((int)(intptr_t)(p))
#define PV(i) ((void *)(intptr_t)(i))

/* The worker count of the group being run. Set by the group setups of
 * URUN_GROUPS on the main thread before any loop of the group starts; the
 * worker threads are created later, so they read it without a race. */
static unsigned uworkers = 1;

/* Guards the shared records below (failures, log, reports), which tasks and
 * callbacks on several workers write concurrently. Never held across a
 * suspension point. */
static pthread_mutex_t ulock = PTHREAD_MUTEX_INITIALIZER;

/* ------------------------------------------------------------------ */
/* Soft expectations (usable on task stacks)                          */
/* ------------------------------------------------------------------ */

#define UMAX_FAILURES 32
static char ufailures[UMAX_FAILURES][600];
static _Atomic int ufailure_count;

__attribute__((format(printf, 3, 4))) UHELPER void ufail(const char *file, int line,
                                                         const char *fmt, ...)
{
    char text[520];
    va_list args;
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    pthread_mutex_lock(&ulock);
    if (ufailure_count < UMAX_FAILURES)
        snprintf(ufailures[ufailure_count], sizeof ufailures[0], "%s:%d: %s", file, line, text);
    ufailure_count++;
    pthread_mutex_unlock(&ulock);
}

UHELPER bool uexpect(bool ok, const char *expr, const char *file, int line)
{
    if (!ok)
        ufail(file, line, "expected %s", expr);
    return ok;
}

UHELPER bool uexpect_int(long long got, long long want, const char *expr, const char *file,
                         int line)
{
    if (got != want)
        ufail(file, line, "%s is %lld, expected %lld", expr, got, want);
    return got == want;
}

UHELPER bool uexpect_str(const char *got, const char *want, const char *expr, const char *file,
                         int line)
{
    bool ok = (got == NULL && want == NULL) ||
              (got != NULL && want != NULL && strcmp(got, want) == 0);
    if (!ok)
        ufail(file, line, "%s is %s%s%s, expected %s%s%s", expr, got ? "'" : "",
              got ? got : "NULL", got ? "'" : "", want ? "'" : "", want ? want : "NULL",
              want ? "'" : "");
    return ok;
}

UHELPER bool uexpect_ptr(const void *got, const void *want, const char *expr, const char *file,
                         int line)
{
    if (got != want)
        ufail(file, line, "%s is %p, expected %p", expr, got, want);
    return got == want;
}

#define EXPECT(cond) uexpect((cond), #cond, __FILE__, __LINE__)
#define EXPECT_INT(got, want) uexpect_int((long long)(got), (long long)(want), #got, __FILE__, __LINE__)
#define EXPECT_STR(got, want) uexpect_str((got), (want), #got, __FILE__, __LINE__)
#define EXPECT_PTR(got, want) uexpect_ptr((got), (want), #got, __FILE__, __LINE__)
/* The last error is code, with exactly this message (NULL: no message). */
#define EXPECT_ERR(code, message)                                                                  \
    do {                                                                                           \
        EXPECT_INT(weft_last_error(), (code));                                                     \
        EXPECT_STR(weft_last_error_message(), (message));                                          \
    } while (0)

/* Fails the cmocka test (main stack only) if any expectation failed. */
UHELPER void ucheck_expectations(void)
{
    if (ufailure_count == 0)
        return;
    int shown = ufailure_count < UMAX_FAILURES ? ufailure_count : UMAX_FAILURES;
    for (int i = 0; i < shown; i++)
        print_error("%s\n", ufailures[i]);
    int count = ufailure_count;
    ufailure_count = 0;
    fail_msg("%d expectation(s) failed inside tasks or callbacks (%u worker%s)", count, uworkers,
             uworkers == 1 ? "" : "s");
}

/* A string equality assert that survives NULL (main stack). */
#define assert_str(got, want)                                                                      \
    do {                                                                                           \
        const char *got_ = (got), *want_ = (want);                                                 \
        if (!((got_ == NULL && want_ == NULL) ||                                                   \
              (got_ != NULL && want_ != NULL && strcmp(got_, want_) == 0)))                        \
            fail_msg("%s is %s, expected %s", #got, got_ ? got_ : "NULL",                          \
                     want_ ? want_ : "NULL");                                                      \
    } while (0)

/* ------------------------------------------------------------------ */
/* Event log                                                          */
/* ------------------------------------------------------------------ */

#define ULOG_SIZE 8192
static char ulog_text[ULOG_SIZE];

UHELPER void ulog_reset(void)
{
    pthread_mutex_lock(&ulock);
    ulog_text[0] = '\0';
    pthread_mutex_unlock(&ulock);
}

/* Appends one word (an event) to the log. */
__attribute__((format(printf, 1, 2))) UHELPER void ulog(const char *fmt, ...)
{
    char word[256];
    va_list args;
    va_start(args, fmt);
    vsnprintf(word, sizeof word, fmt, args);
    va_end(args);
    pthread_mutex_lock(&ulock);
    size_t used = strlen(ulog_text);
    if (used > 0 && used + 1 < sizeof ulog_text)
        ulog_text[used++] = ' ', ulog_text[used] = '\0';
    snprintf(ulog_text + used, sizeof ulog_text - used, "%s", word);
    pthread_mutex_unlock(&ulock);
}

/* A snapshot of the log, valid until this thread's next ulog_get (a task
 * uses it within its step, before it can move to another thread). */
UHELPER const char *ulog_get(void)
{
    static _Thread_local char snapshot[ULOG_SIZE];
    pthread_mutex_lock(&ulock);
    memcpy(snapshot, ulog_text, sizeof snapshot);
    pthread_mutex_unlock(&ulock);
    return snapshot;
}

/* How many words of the log are exactly word. */
UHELPER int ulog_count(const char *word)
{
    const char *log = ulog_get();
    size_t n = strlen(word);
    int count = 0;
    for (const char *p = log; *p != '\0';) {
        const char *end = strchr(p, ' ');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (len == n && strncmp(p, word, n) == 0)
            count++;
        p += len;
        while (*p == ' ')
            p++;
    }
    return count;
}

static int ucompare_words(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* text's words with any ":hops=N" part removed, sorted, joined by spaces,
 * in a new string (NULL without memory). Heap only: this runs on task
 * stacks, which are small. */
UHELPER char *unormalize_log(const char *text)
{
    size_t size = strlen(text) + 1;
    char *copy = malloc(size);
    char **words = malloc(size * sizeof *words);
    char *out = malloc(size);
    if (copy == NULL || words == NULL || out == NULL) {
        free(copy);
        free(words);
        free(out);
        return NULL;
    }
    memcpy(copy, text, size);
    size_t count = 0;
    char *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save)) {
        char *hops = strstr(w, ":hops=");
        if (hops != NULL) {
            char *rest = hops + 6;
            while (*rest >= '0' && *rest <= '9')
                rest++;
            memmove(hops, rest, strlen(rest) + 1);
        }
        words[count++] = w;
    }
    qsort(words, count, sizeof words[0], ucompare_words);
    out[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < count; i++)
        used += (size_t)snprintf(out + used, size - used, "%s%s", i ? " " : "", words[i]);
    free(words);
    free(copy);
    return out;
}

/* Whether the log is want: exactly with one worker; with several, the same
 * words in any order, hop counts (":hops=N") left out. */
UHELPER bool ulog_matches(const char *want)
{
    const char *log = ulog_get();
    if (uworkers == 1)
        return strcmp(log, want) == 0;
    char *a = unormalize_log(log), *b = unormalize_log(want);
    bool same = a != NULL && b != NULL && strcmp(a, b) == 0;
    free(a);
    free(b);
    return same;
}

/* The log is want (see ulog_matches), on the main stack after the run. */
#define assert_log(want)                                                                           \
    do {                                                                                           \
        const char *ulog_want_ = (want);                                                           \
        if (!ulog_matches(ulog_want_))                                                             \
            fail_msg("log is '%s', expected '%s'%s", ulog_get(), ulog_want_,                      \
                     uworkers > 1 ? " in any order" : "");                                         \
    } while (0)

/* ------------------------------------------------------------------ */
/* Capturing exception handler                                        */
/* ------------------------------------------------------------------ */

typedef struct ureport {
    weft_executor *executor;
    char message[512];
    int error;
    bool has_error_message;
    char error_message[512];
    weft_task *task; /* borrowed: only compared, never dereferenced later */
    bool has_source;
    char source[512];
    void *arg;
} ureport;

#define UMAX_REPORTS 32
static ureport ureports[UMAX_REPORTS];
/* Incremented under ulock after the report it counts is written: a reader
 * that sees ureport_count > i (a seq_cst load) may read ureports[i]. */
static _Atomic int ureport_count;

UHELPER void ucapture(weft_executor *executor, const weft_exception_context *context, void *arg)
{
    pthread_mutex_lock(&ulock);
    if (ureport_count < UMAX_REPORTS && context != NULL) {
        ureport *r = &ureports[ureport_count];
        memset(r, 0, sizeof *r);
        r->executor = executor;
        snprintf(r->message, sizeof r->message, "%s", context->message ? context->message : "");
        r->error = context->error;
        r->has_error_message = context->error_message != NULL;
        snprintf(r->error_message, sizeof r->error_message, "%s",
                 context->error_message ? context->error_message : "");
        r->task = context->task;
        r->has_source = context->source != NULL;
        snprintf(r->source, sizeof r->source, "%s", context->source ? context->source : "");
        r->arg = arg;
    }
    ureport_count++;
    pthread_mutex_unlock(&ulock);
}

/* Index of the first report whose message starts with prefix, or -1. */
UHELPER int ureport_find(const char *prefix)
{
    for (int i = 0; i < ureport_count && i < UMAX_REPORTS; i++)
        if (strncmp(ureports[i].message, prefix, strlen(prefix)) == 0)
            return i;
    return -1;
}

/* Counts loop hops: a call_soon chain, one link per loop iteration. Only
 * meaningful with one worker (EXPECT_HOPS); atomic because with several the
 * chain may run on another thread than the task that resets it. */
static _Atomic int uhops_left;
static _Atomic int uhop_count;
UHELPER int uhop_cb(void *arg)
{
    (void)arg;
    if (uhops_left <= 0)
        return 0; /* stopped by uhops_reset */
    uhop_count++;
    if (--uhops_left > 0)
        weft_call_soon(weft_executor_current(), uhop_cb, NULL, NULL);
    return 0;
}
/* Stops a running chain and zeroes the count. */
UHELPER void uhops_reset(void)
{
    uhop_count = 0;
    uhops_left = 0;
}
/* Starts a chain of n hops; uhop_count tells how many have run. */
UHELPER void uhops_start(int n)
{
    uhop_count = 0;
    uhops_left = n;
    weft_call_soon(weft_executor_current(), uhop_cb, NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Running                                                            */
/* ------------------------------------------------------------------ */

/* Seconds one test may take before the watchdog (SIGALRM, whose default
 * action ends the program) turns a hang into a failure. */
#define UWATCHDOG_SECONDS 60

/* Tasks that marked themselves started (ustarted). */
static _Atomic int ustarted_count;

/* Resets every shared record and re-arms the watchdog: the setup of each
 * test. */
UHELPER int ureset(void **state)
{
    (void)state;
    ufailure_count = 0;
    ureport_count = 0;
    ustarted_count = 0;
    uhops_reset();
    ulog_reset();
    /* Under valgrind everything runs 20-50 times slower: make check-valgrind
     * scales the watchdog with WEFT_UNIT_WATCHDOG_SCALE. */
    const char *scale = getenv("WEFT_UNIT_WATCHDOG_SCALE");
    unsigned factor = scale != NULL && atoi(scale) > 0 ? (unsigned)atoi(scale) : 1;
    alarm(UWATCHDOG_SECONDS * factor);
    return 0;
}

/* Test lists. UTEST: runs with 1, 2 and 4 workers. UTEST_ONE_WORKER: with
 * one only; why names the single-loop order it asserts. UTEST_NO_LOOP: uses
 * no executor of the group (no loop at all, or weft_run, which is one loop
 * by contract), so the worker count does not apply: runs once. The reason
 * rides in initial_state, which no test reads; URUN_GROUPS leaves every
 * test that has one out of the 2- and 4-worker runs. */
#define UTEST(fn) cmocka_unit_test_setup(fn, ureset)
#define UTEST_ONE_WORKER(fn, why)                                                                  \
    {                                                                                              \
        .name = #fn, .test_func = fn, .setup_func = ureset,                                        \
        .initial_state = (void *)(uintptr_t)("one worker: " why)                                   \
    }
#define UTEST_NO_LOOP(fn)                                                                          \
    {                                                                                              \
        .name = #fn, .test_func = fn, .setup_func = ureset,                                        \
        .initial_state = (void *)(uintptr_t)"no loop of the group"                                 \
    }

UHELPER int uworkers_1(void **state)
{
    (void)state;
    uworkers = 1;
    return 0;
}

UHELPER int uworkers_2(void **state)
{
    (void)state;
    uworkers = 2;
    return 0;
}

UHELPER int uworkers_4(void **state)
{
    (void)state;
    uworkers = 4;
    return 0;
}

UHELPER int urun_group(const char *program, unsigned workers, const struct CMUnitTest *tests,
                       size_t count, int (*setup)(void **))
{
    const char *only = getenv("WEFT_UNIT_WORKERS");
    if (only != NULL && (unsigned)atoi(only) != workers)
        return 0;
    char name[128];
    snprintf(name, sizeof name, "%s, %u worker%s", program, workers, workers == 1 ? "" : "s");
    print_message("[----------] %s\n", name);
    return _cmocka_run_group_tests(name, tests, count, setup, NULL);
}

/* Runs tests as three cmocka groups, each announced by name: "PROGRAM, 1
 * worker" (all of them), then "PROGRAM, 2 workers" and "PROGRAM, 4 workers"
 * (those declared with UTEST). WEFT_UNIT_WORKERS=N in the environment runs
 * only the group with N workers (for soak loops). Returns the number of
 * failed tests. */
UHELPER int urun_groups(const char *program, const struct CMUnitTest *tests, size_t count)
{
    struct CMUnitTest *order_free = calloc(count, sizeof *order_free);
    if (order_free == NULL)
        return 1;
    size_t n = 0;
    for (size_t i = 0; i < count; i++)
        if (tests[i].initial_state == NULL)
            order_free[n++] = tests[i];
    int failed = urun_group(program, 1, tests, count, uworkers_1);
    failed += urun_group(program, 2, order_free, n, uworkers_2);
    failed += urun_group(program, 4, order_free, n, uworkers_4);
    free(order_free);
    alarm(0);
    return failed;
}

#define URUN_GROUPS(program, tests) urun_groups((program), (tests), sizeof(tests) / sizeof((tests)[0]))

/* weft_run_with the capturing handler and the group's worker count (unless
 * config chose them); then fails the test if an expectation inside the run
 * failed. */
UHELPER int urun_with(weft_config *config, weft_coro *main_coro, void **result)
{
    weft_config defaults;
    if (config == NULL) {
        weft_config_init(&defaults);
        config = &defaults;
    }
    if (config->workers == 0)
        config->workers = uworkers;
    if (config->exception_handler == NULL) {
        config->exception_handler = ucapture;
        config->exception_handler_arg = PV(0x5eed);
    }
    int rc = weft_run_with(config, main_coro, result);
    ucheck_expectations();
    return rc;
}

#define URUN(fn, arg, result) urun_with(NULL, weft_coro_new(fn, arg), (result))

/* Task-N: the number of an unnamed task, parsed from its name (-1 if not). */
UHELPER long utask_number(weft_task *task)
{
    const char *name = weft_task_get_name(task);
    if (name == NULL || strncmp(name, "Task-", 5) != 0)
        return -1;
    return strtol(name + 5, NULL, 10);
}

/* task's Task-N number is base + offset: exactly with one worker (FIFO
 * order numbers one at a time, as asyncio does); with several, LIFO order
 * takes numbers in per-worker blocks, so only a valid number is required. */
#define EXPECT_NUMBER(task, base, offset)                                                          \
    do {                                                                                           \
        if (uworkers == 1)                                                                         \
            EXPECT_INT(utask_number(task), (base) + (offset));                                     \
        else                                                                                       \
            EXPECT(utask_number(task) >= 1);                                                       \
    } while (0)

/* Seconds on CLOCK_MONOTONIC. */
UHELPER double unow(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ */
/* Any worker count (task stacks only: these may suspend)             */
/* ------------------------------------------------------------------ */

/* How long a condition that must become true may take with several
 * workers: generous, since a loaded 2-core machine runs four of them. */
#define USOON_SECONDS 10.0

/* Lets other work run for a moment: a short sleep parks this worker rather
 * than spinning, so the other workers get the CPUs. */
UHELPER void upause(void)
{
    weft_sleep(0.0005);
}

/* cond holds: at once with one worker (asyncio's order makes it true at
 * this point), within USOON_SECONDS with several (another worker may still
 * be running the step that makes it true). */
#define EXPECT_SOON(cond)                                                                          \
    do {                                                                                           \
        double usoon_until_ = unow() + USOON_SECONDS;                                              \
        while (uworkers > 1 && !(cond) && unow() < usoon_until_)                                   \
            upause();                                                                              \
        EXPECT(cond);                                                                              \
    } while (0)

/* An assertion about single-loop order (what ran first, what is still
 * pending after N hops): checked with one worker only. */
#define EXPECT_ORDERED(cond)                                                                       \
    do {                                                                                           \
        if (uworkers == 1)                                                                         \
            EXPECT(cond);                                                                          \
    } while (0)

/* The hop count, with one worker only (hops are one loop's iterations). */
#define EXPECT_HOPS(n)                                                                             \
    do {                                                                                           \
        if (uworkers == 1)                                                                         \
            EXPECT_INT(uhop_count, (n));                                                           \
    } while (0)

/* The log is want (see ulog_matches): at once with one worker, within
 * USOON_SECONDS with several. */
#define EXPECT_LOG(want)                                                                           \
    do {                                                                                           \
        const char *ulog_want_ = (want);                                                           \
        double usoon_until_ = unow() + USOON_SECONDS;                                              \
        while (uworkers > 1 && !ulog_matches(ulog_want_) && unow() < usoon_until_)                 \
            upause();                                                                              \
        if (!ulog_matches(ulog_want_))                                                             \
            ufail(__FILE__, __LINE__, "log is '%s', expected '%s'%s", ulog_get(), ulog_want_,      \
                  uworkers > 1 ? " in any order" : "");                                            \
    } while (0)

/* Whether task is suspended on something not yet done: the first
 * "wait_for=" of its description (asyncio's repr; weft sets it once the
 * task is registered where it waits: a primitive's FIFO, a gather, an
 * awaited task, a sleep's timer) names a pending future or task. With
 * several workers a task spawned "one yield ago" may not have started, so
 * tests poll this (EXPECT_SOON) to know that a waiter is really waiting. A
 * woken task shows a finished future until it runs. Task stacks only
 * (weft_task_describe is a loop call). */
UHELPER bool uwaiting(weft_task *task)
{
    char *text = malloc(2048); /* heap: task stacks are small */
    if (text == NULL)
        return false;
    weft_task_describe(task, text, 2048);
    const char *wait_for = strstr(text, " wait_for=");
    bool waiting = wait_for != NULL && (strncmp(wait_for, " wait_for=<Future pending", 25) == 0 ||
                                        strncmp(wait_for, " wait_for=<Task pending", 23) == 0 ||
                                        strncmp(wait_for, " wait_for=<Task cancelling", 26) == 0);
    free(text);
    return waiting;
}

/* Marks the calling task started; tests wait for ustarted_count to know
 * that a task got its first step (with several workers a yield does not
 * tell). */
UHELPER void ustarted(void)
{
    ustarted_count++;
}

/* A gate a task waits at: pending until the test opens it, whatever the
 * worker count (with several, neither "still pending after one yield" nor
 * "done after one yield" holds). */
typedef struct ugate {
    _Atomic int open;
} ugate;

UHELPER void ugate_open(ugate *gate)
{
    gate->open = 1;
}

/* Waits, polling with short sleeps, until gate is open: 0, or what the
 * sleep returned (WEFT_ECANCELLED), or WEFT_ETIMEDOUT after USOON_SECONDS
 * (recorded as a failure). */
UHELPER int ugate_wait(ugate *gate)
{
    double until = unow() + USOON_SECONDS;
    while (!gate->open) {
        if (unow() > until) {
            ufail(__FILE__, __LINE__, "a gate was never opened");
            return WEFT_ETIMEDOUT;
        }
        int rc = weft_sleep(0.0005);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Blocks the calling thread for seconds without suspending the task: its
 * worker stays busy, so idle workers steal what is queued behind. */
UHELPER void ublock(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* The calling thread, read afresh: glibc declares pthread_self const, so a
 * compiler may reuse one call's value across a suspension, after which the
 * task may run on another thread. The volatile asm makes each call opaque. */
__attribute__((noinline, unused)) static pthread_t uthread(void)
{
    pthread_t self = pthread_self();
    __asm__ volatile("" ::: "memory");
    return self;
}

/* Migration. A woken task resumes on the worker that woke it, so a task
 * awaiting a child that another worker stole, still running there, usually
 * resumes on that other worker. That needs idle workers: with one worker
 * UMIGRANTS tasks interleave, with several fewer tasks than workers run. */
static _Atomic int umigrations; /* resumes seen on another thread */
static double umigrate_until;   /* written before the run starts */
#define UMIGRATIONS_WANTED 4
#define UMIGRANTS (uworkers == 1 ? 4 : (int)uworkers / 2)

UHELPER void umigration_begin(void)
{
    umigrations = 0;
    umigrate_until = unow() + USOON_SECONDS;
}

/* Whether a migrating task should take another round: at least 3, then,
 * with several workers, until UMIGRATIONS_WANTED migrations were seen. */
UHELPER bool umigrating(int round)
{
    return round < 3 ||
           (uworkers > 1 && umigrations < UMIGRATIONS_WANTED && unow() < umigrate_until);
}

UHELPER int ubusy_child(void *arg, void **result)
{
    ublock(0.001);
    *result = arg;
    return 0;
}

/* One round: spawn a busy child, stay busy long enough for an idle worker
 * to steal it, await it, yield. Returns 1 if the task came back on another
 * thread (counted in umigrations), 0 if not, -1 if a step failed. */
UHELPER int umigrate_round(void)
{
    pthread_t before = uthread();
    weft_task *child = weft_spawn(ubusy_child, PV(1));
    if (child == NULL)
        return -1;
    ublock(0.0005);
    void *r = NULL;
    int rc = weft_await(child, &r);
    weft_task_release(child);
    if (rc != 0 || r != PV(1) || weft_yield() != 0)
        return -1;
    if (pthread_equal(before, uthread()))
        return 0;
    umigrations++;
    return 1;
}

#endif
