/* Shared by the benchmark programs of every system (C and C++): the
 * workloads' sizes and expected results, the clock, resident-memory
 * readings, the command line, and the one output format the driver
 * (bench/run.py) parses.
 *
 * Every program is run as `PROGRAM WORKLOAD WORKERS`, measures one
 * repetition in a fresh process and prints one line per measurement:
 *   workload,system,workers,tasks,seconds,ns_per_task,peak_rss_kib[,extra]
 * where peak_rss_kib is the resident memory the workload added (the
 * process's peak during the workload minus its resident size just before)
 * and extra is an optional `key=value;key=value` list for the driver's
 * notes (wake-up p99, parks). It exits 2 for a workload it does not
 * implement, 1 for a wrong result or a failure. */
#ifndef WEFT_BENCH_H
#define WEFT_BENCH_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* fib(30): calls with n >= 2 spawn one task (fork-join) or two (asyncio
 * style); fib(31) - 1 = 1,346,268 such calls. */
#define BENCH_FIB_N 30
#define BENCH_FIB_VALUE 832040L
#define BENCH_FIB_FORKJOIN_TASKS 1346268L
#define BENCH_FIB_ASYNCIO_TASKS 2692536L
/* One creator task and this many empty tasks it awaits. */
#define BENCH_FLAT_TASKS 1000000L
/* A 10-ary tree of depth 6: 10^6 leaves numbered 0..10^6-1, whose sum the
 * root returns; tasks counts every node, root included. */
#define BENCH_SKYNET_DEPTH 6
#define BENCH_SKYNET_TASKS 1111111L
#define BENCH_SKYNET_SUM 499999500000L
/* Two tasks handing over to each other this many times each. */
#define BENCH_PINGPONG_ROUNDS 1000000L
/* Wake-up latency samples, and the idle time before each so workers park. */
#define BENCH_WAKEUP_SAMPLES 10000
#define BENCH_WAKEUP_IDLE_NS 200000L
/* Tasks suspended at once in the memory workload. */
#define BENCH_MEMORY_TASKS 100000L
/* Every run ends within this many seconds or fails (driver has its own). */
#define BENCH_WATCHDOG_SECONDS 600

static inline int64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline void bench_sleep_ns(long ns)
{
    struct timespec ts = {ns / 1000000000L, ns % 1000000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2), noreturn))
#endif
static inline void bench_fail(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fputs("bench: FAILED: ", stderr);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
    exit(1);
}

/* A field of /proc/self/status in KiB ("VmRSS", "VmHWM"), or -1. */
static inline long bench_status_kib(const char *field)
{
    FILE *status = fopen("/proc/self/status", "r");
    if (status == NULL)
        return -1;
    char line[256];
    long kib = -1;
    size_t length = strlen(field);
    while (fgets(line, sizeof line, status) != NULL) {
        if (strncmp(line, field, length) == 0 && line[length] == ':') {
            kib = strtol(line + length + 1, NULL, 10);
            break;
        }
    }
    fclose(status);
    return kib;
}

/* The start of a memory measurement: resets the kernel's peak-RSS mark to
 * the current size (writing 5 to clear_refs, Linux >= 4.0; if that fails
 * the peak may predate the workload and the delta is an over-estimate)
 * and returns the current resident size in KiB. */
static inline long bench_memory_begin(void)
{
    FILE *clear = fopen("/proc/self/clear_refs", "w");
    if (clear != NULL) {
        fputs("5", clear);
        fclose(clear);
    }
    return bench_status_kib("VmRSS");
}

/* The peak resident memory added since bench_memory_begin returned base. */
static inline long bench_memory_peak_delta(long base)
{
    long peak = bench_status_kib("VmHWM");
    return peak < 0 || base < 0 ? -1 : (peak > base ? peak - base : 0);
}

/* One output line (see the top of this file). extra may be NULL. */
static inline void bench_row(const char *workload, const char *system, unsigned workers,
                             long tasks, double seconds, long peak_rss_kib, const char *extra)
{
    printf("%s,%s,%u,%ld,%.9f,%.3f,%ld%s%s\n", workload, system, workers, tasks, seconds,
           seconds * 1e9 / (double)tasks, peak_rss_kib, extra ? "," : "", extra ? extra : "");
    fflush(stdout);
}

/* Parses `PROGRAM WORKLOAD WORKERS`; exits 1 on a malformed command line.
 * Arms the watchdog. */
static inline void bench_parse_args(int argc, char **argv, const char **workload, unsigned *workers)
{
    char *end = NULL;
    long count = argc == 3 ? strtol(argv[2], &end, 10) : 0;
    if (argc != 3 || *end != '\0' || count < 1 || count > 4096) {
        fprintf(stderr,
                "usage: %s WORKLOAD WORKERS\n"
                "  WORKLOAD: fib-forkjoin fib-asyncio flat skynet yield-pingpong wakeup memory\n",
                argv[0]);
        exit(1);
    }
    *workload = argv[1];
    *workers = (unsigned)count;
    alarm(BENCH_WATCHDOG_SECONDS);
}

/* For a workload this system does not run: the driver skips it. */
#if defined(__GNUC__)
__attribute__((noreturn))
#endif
static inline void bench_unsupported(const char *system, const char *workload)
{
    fprintf(stderr, "bench: %s does not implement %s\n", system, workload);
    exit(2);
}

static inline int bench_compare_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The p-th percentile (0 < p < 100, nearest rank) of count samples; sorts
 * them in place. */
static inline int64_t bench_percentile(int64_t *samples, size_t count, double p)
{
    qsort(samples, count, sizeof(samples[0]), bench_compare_i64);
    size_t rank = (size_t)(p / 100.0 * (double)count + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > count)
        rank = count;
    return samples[rank - 1];
}

#endif
