/* Scaffolding shared by the stress programs (stress/stress_*.c): how they
 * fail, how a hang becomes a failure, how they read their settings, how
 * they report success. Header-only; each program is one translation unit
 * and includes it once, after defining its name:
 *
 *     #define STRESS_PROGRAM "stress_storm"
 *     #include "stress.h"
 *
 * Conventions (stress/README.md): a broken invariant prints
 * "PROGRAM: FAILED: what (detail)" on stderr and exits 1; a watchdog turns a
 * hang into such a failure; success ends with the line "1 passed, 0 failed"
 * and exit 0. Under ThreadSanitizer every report also fails the program.
 *
 * Nothing here depends on weft (stress_deque tests the deque on its own),
 * except the last section, "Running weft", which a program gets by including
 * weft.h before this header. Every function may be called from any thread
 * unless it says otherwise. */
#ifndef WEFT_STRESS_H
#define WEFT_STRESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* rand_r, nanosleep, clock_gettime under -std=c11 */
#endif
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef STRESS_PROGRAM
#error "define STRESS_PROGRAM (the program's name, used in every message) before stress.h"
#endif

/* ------------------------------------------------------------------ */
/* Clock                                                              */
/* ------------------------------------------------------------------ */

/* CLOCK_MONOTONIC in nanoseconds. */
static inline long long stress_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Blocks the calling thread for ns (< 1 s) nanoseconds; inside a task that
 * is its worker's thread, which nothing else runs on meanwhile. */
static inline void stress_nap_ns(long ns)
{
    nanosleep(&(struct timespec){0, ns}, NULL);
}

/* ------------------------------------------------------------------ */
/* Rounds                                                             */
/* ------------------------------------------------------------------ */

/* The round in progress (-1 before the first), for programs that repeat a
 * scenario: failure messages name it and the per-round watchdog times it.
 * The start time is stored before the number, so whoever reads a round's
 * number also reads (at least) its start time. */
static atomic_int stress_current_round = -1;
static atomic_llong stress_round_started_ns;

/* Marks the start of round `round` (>= 0). Thread: the program's driver. */
static inline void stress_round_begin(int round)
{
    atomic_store(&stress_round_started_ns, stress_now_ns());
    atomic_store(&stress_current_round, round);
}

/* The round in progress, -1 before the first. */
static inline int stress_round(void)
{
    return atomic_load(&stress_current_round);
}

/* ------------------------------------------------------------------ */
/* Failing                                                            */
/* ------------------------------------------------------------------ */

/* Reports a broken invariant and exits 1: "PROGRAM: FAILED: what (detail)",
 * plus " in round N" once a round began. detail is whatever number helps
 * (a code, an index, a count). exit() rather than _Exit() so stdout is
 * flushed and the sanitizers' exit checks still run. */
__attribute__((noreturn, unused)) static void stress_fail(const char *what, long long detail)
{
    int round = stress_round();
    if (round >= 0)
        fprintf(stderr, "%s: FAILED: %s (%lld) in round %d\n", STRESS_PROGRAM, what, detail, round);
    else
        fprintf(stderr, "%s: FAILED: %s (%lld)\n", STRESS_PROGRAM, what, detail);
    exit(1);
}

/* Failures that do not stop the program (stress_deque checks a whole run
 * and then reports): counted, and the first STRESS_SHOWN_FAILURES printed
 * as "PROGRAM: FAIL: ...". stress_pass() fails the run if any occurred. */
enum { STRESS_SHOWN_FAILURES = 20 };
static atomic_int stress_soft_failures;

__attribute__((format(printf, 1, 2), unused)) static void stress_note_failure(const char *fmt, ...)
{
    if (atomic_fetch_add(&stress_soft_failures, 1) >= STRESS_SHOWN_FAILURES)
        return;
    char text[512];
    va_list args;
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    fprintf(stderr, "%s: FAIL: %s\n", STRESS_PROGRAM, text);
}

/* ------------------------------------------------------------------ */
/* ThreadSanitizer reports                                            */
/* ------------------------------------------------------------------ */

/* TSan calls this weak hook for every report it prints; counting them lets
 * stress_pass() fail the run itself (TSan would also make the exit status
 * 66, but a report must never sit next to "1 passed"). */
#if defined(__SANITIZE_THREAD__)
#define STRESS_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STRESS_UNDER_TSAN 1
#endif
#endif
static atomic_int stress_tsan_reports;
#ifdef STRESS_UNDER_TSAN
void __tsan_on_report(void *report);
void __tsan_on_report(void *report)
{
    (void)report;
    atomic_fetch_add_explicit(&stress_tsan_reports, 1, memory_order_relaxed);
}
#endif

/* ------------------------------------------------------------------ */
/* Watchdog                                                           */
/* ------------------------------------------------------------------ */

/* What the watchdog guards; a zero limit is not checked. */
typedef struct stress_watchdog_settings {
    int run_limit_s;     /* from stress_watchdog_start to stress_watchdog_stop */
    int round_limit_s;   /* from each stress_round_begin to the next */
    const char *suspect; /* what a hang most likely means, e.g. "lost wake-up?" */
    void (*progress)(FILE *out); /* optional: prints counters that locate the hang */
} stress_watchdog_settings;

static stress_watchdog_settings stress_watchdog_guard;
static atomic_bool stress_watchdog_stopping;
static pthread_t stress_watchdog_thread;

/* round < 0: the whole-run limit tripped. */
static inline void stress_watchdog_trip(int round, int limit_s)
{
    const stress_watchdog_settings *guard = &stress_watchdog_guard;
    if (round >= 0)
        fprintf(stderr, "%s: FAILED: round %d took more than %d s (%s)\n", STRESS_PROGRAM, round,
                limit_s, guard->suspect);
    else
        fprintf(stderr, "%s: FAILED: no end after %d s (%s)\n", STRESS_PROGRAM, limit_s,
                guard->suspect);
    if (guard->progress != NULL) {
        fprintf(stderr, "%s: so far: ", STRESS_PROGRAM);
        guard->progress(stderr);
        fprintf(stderr, "\n");
    }
    _Exit(1); /* the other threads are stuck: do not run exit handlers */
}

static void *stress_watchdog_main(void *arg)
{
    (void)arg;
    const stress_watchdog_settings *guard = &stress_watchdog_guard;
    long long started = stress_now_ns();
    while (!atomic_load(&stress_watchdog_stopping)) {
        stress_nap_ns(50 * 1000000L);
        if (atomic_load(&stress_watchdog_stopping))
            break;
        long long now = stress_now_ns();
        if (guard->run_limit_s > 0 && now - started > guard->run_limit_s * 1000000000LL)
            stress_watchdog_trip(-1, guard->run_limit_s);
        int round = stress_round();
        if (guard->round_limit_s > 0 && round >= 0 &&
            now - atomic_load(&stress_round_started_ns) > guard->round_limit_s * 1000000000LL)
            stress_watchdog_trip(round, guard->round_limit_s);
    }
    return NULL;
}

/* Starts the watchdog thread: past a limit it prints the failure (and the
 * progress line) and exits 1 at once. Thread: the program's driver, once. */
__attribute__((unused)) static void stress_watchdog_start(stress_watchdog_settings settings)
{
    if (settings.suspect == NULL)
        settings.suspect = "lost wake-up or lost task?";
    stress_watchdog_guard = settings; /* published by pthread_create */
    int rc = pthread_create(&stress_watchdog_thread, NULL, stress_watchdog_main, NULL);
    if (rc != 0)
        stress_fail("pthread_create (watchdog)", rc);
}

/* Stops and joins the watchdog (within 50 ms). Thread: the driver. */
__attribute__((unused)) static void stress_watchdog_stop(void)
{
    atomic_store(&stress_watchdog_stopping, true);
    pthread_join(stress_watchdog_thread, NULL);
}

/* ------------------------------------------------------------------ */
/* Settings                                                           */
/* ------------------------------------------------------------------ */

/* Parses text as a whole decimal integer in [min, max]; false otherwise. */
static inline bool stress_parse(const char *text, long long min, long long max, long long *value)
{
    char *end = NULL;
    errno = 0;
    long long parsed = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || parsed < min || parsed > max)
        return false;
    *value = parsed;
    return true;
}

/* Command-line argument `index` (1 = first) as an integer in [min, max],
 * or fallback when absent. Anything else is a usage error: a message
 * naming the argument, and exit 2. */
__attribute__((unused)) static long long stress_arg(int argc, char **argv, int index,
                                                    const char *name, long long fallback,
                                                    long long min, long long max)
{
    if (argc <= index)
        return fallback;
    long long value;
    if (!stress_parse(argv[index], min, max, &value)) {
        fprintf(stderr, "%s: argument %d (%s) must be an integer in [%lld, %lld], not '%s'\n",
                STRESS_PROGRAM, index, name, min, max, argv[index]);
        exit(2);
    }
    return value;
}

/* The worker count: STRESS_WORKERS from the environment when set (an
 * integer in [1, 1024]; anything else is a usage error, exit 2), else
 * fallback. */
__attribute__((unused)) static unsigned stress_workers(unsigned fallback)
{
    const char *text = getenv("STRESS_WORKERS");
    if (text == NULL)
        return fallback;
    long long value;
    if (!stress_parse(text, 1, 1024, &value)) {
        fprintf(stderr, "%s: STRESS_WORKERS must be an integer in [1, 1024], not '%s'\n",
                STRESS_PROGRAM, text);
        exit(2);
    }
    return (unsigned)value;
}

/* ------------------------------------------------------------------ */
/* Verdict                                                            */
/* ------------------------------------------------------------------ */

/* The last word of main: "1 passed, 0 failed" and 0 when no soft failure
 * was noted and ThreadSanitizer reported nothing; otherwise what went
 * wrong, "0 passed, 1 failed" and 1. Thread: main, after every other
 * thread of the program was joined. */
__attribute__((unused)) static int stress_pass(void)
{
    int failures = atomic_load(&stress_soft_failures);
    int reports = atomic_load(&stress_tsan_reports);
    if (failures != 0)
        printf("%s: %d check(s) failed\n", STRESS_PROGRAM, failures);
    if (reports != 0)
        printf("%s: ThreadSanitizer: %d report(s)\n", STRESS_PROGRAM, reports);
    bool failed = failures != 0 || reports != 0;
    printf("%d passed, %d failed\n", failed ? 0 : 1, failed ? 1 : 0);
    fflush(stdout);
    return failed ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* Running weft (only after weft.h)                                   */
/* ------------------------------------------------------------------ */

#ifdef WEFT_H

/* The default settings with the worker count stress_workers(fallback)
 * gives (so STRESS_WORKERS applies). Thread: the program's main thread. */
__attribute__((unused)) static weft_config stress_config(unsigned fallback_workers)
{
    weft_config config;
    weft_config_init(&config);
    config.workers = stress_workers(fallback_workers);
    return config;
}

/* Runs main_coro as the main task of weft_run_with(config) under a
 * watchdog started with the given settings (stopped once the run
 * returned); a run that fails fails the program ("weft_run_with failed").
 * Takes over main_coro, as weft_run_with does; config stays the caller's.
 * Returns the seconds the run took. Thread: the program's main thread,
 * once. */
__attribute__((unused)) static double stress_run(const weft_config *config, weft_coro *main_coro,
                                                 stress_watchdog_settings watchdog)
{
    stress_watchdog_start(watchdog);
    long long started = stress_now_ns();
    int code = weft_run_with(config, main_coro, NULL);
    long long ended = stress_now_ns();
    stress_watchdog_stop();
    if (code != 0)
        stress_fail("weft_run_with failed", code);
    return (double)(ended - started) / 1e9;
}

/* What the main task of stress_run_rounds runs. */
typedef struct stress_rounds {
    int count;
    void (*round)(int r);
} stress_rounds;

__attribute__((unused)) static int stress_rounds_main(void *arg, void **result)
{
    (void)result;
    const stress_rounds *rounds = arg;
    for (int r = 0; r < rounds->count; r++) {
        stress_round_begin(r);
        rounds->round(r);
    }
    return 0;
}

/* stress_run for a program made of rounds: its main task calls round(r)
 * for r = 0 .. count - 1, each begun with stress_round_begin (so the
 * per-round watchdog and the failure messages follow it). Returns the
 * seconds the run took. Thread: the program's main thread, once. */
__attribute__((unused)) static double stress_run_rounds(const weft_config *config, int count,
                                                        void (*round)(int r),
                                                        stress_watchdog_settings watchdog)
{
    stress_rounds rounds = {.count = count, .round = round};
    return stress_run(config, weft_coro_new(stress_rounds_main, &rounds), watchdog);
}

/* Asks a task picked at random among targets[0 .. count - 1] to cancel,
 * with message (may be NULL), and returns the index picked. *seed is the
 * state of a linear congruential generator (the constants of C's sample
 * rand(), ISO C11 7.22.2.2 example), advanced once, so a given seed always
 * picks the same sequence. Thread: a task of the loop the targets run on. */
__attribute__((unused)) static int stress_cancel_random(weft_task *const *targets, int count,
                                                        unsigned *seed, const char *message)
{
    *seed = *seed * 1103515245u + 12345u;
    int picked = (int)((*seed >> 16) % (unsigned)count);
    weft_task_cancel(targets[picked], message); /* 0 (already done) is fine too */
    return picked;
}

/* Replaces every task of tasks[0 .. count - 1] that is done by a fresh
 * weft_spawn(body, arg): the old one is awaited (its outcome, often a
 * cancel, counts as retrieved) and released. A spawn that fails fails the
 * program with `what`. Thread: a task of the loop the tasks run on. */
__attribute__((unused)) static void stress_respawn_done(weft_task **tasks, int count, weft_fn body,
                                                       void *arg, const char *what)
{
    for (int i = 0; i < count; i++) {
        if (!weft_task_done(tasks[i]))
            continue;
        weft_await(tasks[i], NULL); /* done: returns at once, whatever the outcome */
        weft_task_release(tasks[i]);
        if ((tasks[i] = weft_spawn(body, arg)) == NULL)
            stress_fail(what, weft_last_error());
    }
}

/* A chaos task: once every target started, it cancels a random one
 * ("chaos") every period_s until stopped. The caller fills in the first five
 * fields, then calls stress_chaos_start and later stress_chaos_stop; it owns
 * the struct and keeps it alive until stress_chaos_stop returned. */
typedef struct stress_chaos {
    weft_task *const *targets; /* the tasks it cancels, at random */
    int count;                 /* how many targets */
    unsigned seed;             /* see stress_cancel_random; left where the
                                  chaos stopped, so the caller may go on
                                  with the same sequence */
    double period_s;           /* the sleep between two cancels */
    /* How many targets have begun their body; the chaos waits for all of
     * them, since a task cancelled before its first step never runs its
     * body at all (ASYNCIO_ORDERING.md, S3). */
    atomic_int *started;
    atomic_bool stop; /* set by stress_chaos_stop */
    weft_task *task;  /* the chaos task, between start and stop */
} stress_chaos;

/* The chaos task's body (arg: its stress_chaos). Being cancelled itself
 * fails the program ("chaos sleep failed", with the code). */
__attribute__((unused)) static int stress_chaos_body(void *arg, void **result)
{
    (void)result;
    stress_chaos *chaos = arg;
    int code;
    while (atomic_load(chaos->started) < chaos->count)
        if ((code = weft_sleep(0.0001)) != 0)
            stress_fail("chaos sleep failed", code);
    while (!atomic_load(&chaos->stop)) {
        stress_cancel_random(chaos->targets, chaos->count, &chaos->seed, "chaos");
        if ((code = weft_sleep(chaos->period_s)) != 0)
            stress_fail("chaos sleep failed", code);
    }
    return 0;
}

/* Spawns the chaos task ("spawn chaos" fails the program if it cannot).
 * Thread: a task of the loop the targets run on. */
__attribute__((unused)) static void stress_chaos_start(stress_chaos *chaos)
{
    atomic_init(&chaos->stop, false); /* before the spawn publishes it */
    chaos->task = weft_spawn(stress_chaos_body, chaos);
    if (chaos->task == NULL)
        stress_fail("spawn chaos", weft_last_error());
}

/* Stops the chaos task, waits for it ("chaos failed" if it did not return
 * 0) and releases it; no cancel comes from it afterwards, so the targets
 * may be released. Thread: the task that started it. */
__attribute__((unused)) static void stress_chaos_stop(stress_chaos *chaos)
{
    atomic_store(&chaos->stop, true);
    if (weft_await(chaos->task, NULL) != 0)
        stress_fail("chaos failed", weft_last_error());
    weft_task_release(chaos->task);
    chaos->task = NULL;
}

#endif /* WEFT_H */

#endif /* WEFT_STRESS_H */
