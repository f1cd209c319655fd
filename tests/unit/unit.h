/* Shared helpers of the cmocka unit tests (tests/unit/test_*.c).
 *
 * cmocka's assert_* macros longjmp out of the test on failure, which must
 * never happen on a task's stack (it would skip the loop). Code that runs
 * inside a task or a callback therefore uses the EXPECT_* macros below: they
 * record failures, and URUN()/urun_with() turn them into a cmocka failure on
 * the main stack once weft_run has returned. The event log (ulog_*) and the
 * capturing exception handler (ureports) let tests assert exact orders.
 */
#ifndef WEFT_UNIT_H
#define WEFT_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* ------------------------------------------------------------------ */
/* Soft expectations (usable on task stacks)                          */
/* ------------------------------------------------------------------ */

#define UMAX_FAILURES 32
static char ufailures[UMAX_FAILURES][600];
static int ufailure_count;

__attribute__((format(printf, 3, 4))) UHELPER void ufail(const char *file, int line,
                                                         const char *fmt, ...)
{
    if (ufailure_count < UMAX_FAILURES) {
        char text[520];
        va_list args;
        va_start(args, fmt);
        vsnprintf(text, sizeof text, fmt, args);
        va_end(args);
        snprintf(ufailures[ufailure_count], sizeof ufailures[0], "%s:%d: %s", file, line, text);
    }
    ufailure_count++;
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
    fail_msg("%d expectation(s) failed inside tasks or callbacks", count);
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

static char ulog_text[8192];

UHELPER void ulog_reset(void)
{
    ulog_text[0] = '\0';
}

__attribute__((format(printf, 1, 2))) UHELPER void ulog(const char *fmt, ...)
{
    size_t used = strlen(ulog_text);
    if (used > 0 && used + 1 < sizeof ulog_text)
        ulog_text[used++] = ' ', ulog_text[used] = '\0';
    va_list args;
    va_start(args, fmt);
    vsnprintf(ulog_text + used, sizeof ulog_text - used, fmt, args);
    va_end(args);
}

UHELPER const char *ulog_get(void)
{
    return ulog_text;
}

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
static int ureport_count;

UHELPER void ucapture(weft_executor *executor, const weft_exception_context *context, void *arg)
{
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
}

/* Index of the first report whose message starts with prefix, or -1. */
UHELPER int ureport_find(const char *prefix)
{
    for (int i = 0; i < ureport_count && i < UMAX_REPORTS; i++)
        if (strncmp(ureports[i].message, prefix, strlen(prefix)) == 0)
            return i;
    return -1;
}

/* Counts loop hops: a call_soon chain that logs "hop<N>" on each turn. */
static int uhops_left;
static int uhop_count;
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

/* Resets every shared record; used as the setup of each test. */
UHELPER int ureset(void **state)
{
    (void)state;
    ufailure_count = 0;
    ureport_count = 0;
    uhops_reset();
    ulog_reset();
    return 0;
}

#define UTEST(fn) cmocka_unit_test_setup(fn, ureset)

/* weft_run_with the capturing handler; then fails the test if an
 * expectation inside the run failed. */
UHELPER int urun_with(weft_config *config, weft_coro *main_coro, void **result)
{
    weft_config defaults;
    if (config == NULL) {
        weft_config_init(&defaults);
        config = &defaults;
    }
    /* These tests assert asyncio's single-loop order unless they ask for
     * more workers. */
    if (config->workers == 0)
        config->workers = 1;
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

/* Seconds on CLOCK_MONOTONIC. */
UHELPER double unow(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
