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
 * Nothing here depends on weft (stress_deque tests the deque on its own).
 * Every function may be called from any thread unless it says otherwise. */
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

#endif /* WEFT_STRESS_H */
