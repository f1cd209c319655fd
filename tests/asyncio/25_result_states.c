/* asyncio conformance scenario 25_result_states: the C twin of 25_result_states.py, whose CPython 3.11
 * output is expected/25_result_states.txt.
 * R1 R2 R3 S1: result() and exception() while pending, after success, after failure, after cancel.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weft.h"

/* Shared helpers (identical in every scenario; printing matches the Python prelude). */
/* Not every scenario uses every helper. */
#if defined(__GNUC__)
#define HELPER static inline __attribute__((unused))
#else
#define HELPER static inline
#endif

#define TF(b) ((b) ? "True" : "False")
#define IV(p) ((int)(intptr_t)(p))
#define PV(i) ((void *)(intptr_t)(i))

/* Formats an error like the Python twin's err(): user codes as "error CODE MESSAGE",
 * cancellation as "CancelledError[ MESSAGE]", weft errors as "Name message". */
HELPER const char *errfmt(int rc, const char *msg)
{
    static char buf[4][512];
    static int slot;
    char *b = buf[slot++ % 4];
    if (rc == WEFT_ECANCELLED)
        snprintf(b, 512, "CancelledError%s%s", msg && *msg ? " " : "", msg && *msg ? msg : "");
    else if (rc > 0)
        snprintf(b, 512, "error %d %s", rc, msg ? msg : "");
    else
        snprintf(b, 512, "%s %s", weft_error_name(rc), msg ? msg : "");
    return b;
}

/* The error just returned by a weft call (its message is the last error message). */
HELPER const char *errstr(int rc)
{
    return errfmt(rc, weft_last_error_message());
}

HELPER const char *st(const weft_task *t)
{
    static char buf[4][64];
    static int slot;
    char *b = buf[slot++ % 4];
    snprintf(b, 64, "done=%s cancelled=%s", TF(weft_task_done(t)), TF(weft_task_cancelled(t)));
    return b;
}

HELPER const char *cur(void)
{
    weft_task *t = weft_current_task();
    return t ? weft_task_get_name(t) : "None";
}

HELPER int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted names of the running loop's tasks, like names(asyncio.all_tasks()). */
HELPER const char *names(void)
{
    static char buf[1024];
    weft_task **tasks = NULL;
    size_t n = 0;
    int rc = weft_all_tasks(&tasks, &n);
    if (rc != 0) {
        snprintf(buf, sizeof buf, "<%s>", errstr(rc));
        return buf;
    }
    const char **v = calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = weft_task_get_name(tasks[i]);
    qsort(v, n, sizeof *v, cmp_names);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i)
            strncat(buf, " ", sizeof buf - strlen(buf) - 1);
        strncat(buf, v[i], sizeof buf - strlen(buf) - 1);
    }
    free(v);
    weft_tasks_release(tasks, n);
    return buf;
}

/* time.sleep(): blocks the whole loop. */
HELPER void block_for(double seconds)
{
    struct timespec ts;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0) {
    }
}

HELPER weft_executor *loop(void)
{
    return weft_executor_current();
}

HELPER int ticker(void *arg, void **result)
{
    int n = IV(arg);
    for (int i = 0; i < n; i++) {
        printf("tick %d\n", i);
        weft_yield();
    }
    (void)result;
    return 0;
}

/* run(main) of the Python prelude. */
HELPER void run(weft_coro *main_coro)
{
    void *r = NULL;
    int rc = weft_run(main_coro, &r);
    if (rc == 0)
        printf("run returned %d\n", IV(r));
    else
        printf("run raised %s\n", errstr(rc));
}

static int slow(void *arg, void **result)
{
    (void)arg;
    int rc = weft_sleep(0.01);
    if (rc)
        return rc;
    *result = PV(3);
    return 0;
}

static int fail(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_yield();
    return weft_raise(7, "boom");
}

static const char *exc_str(weft_task *t)
{
    const char *msg = NULL;
    int rc = weft_task_exception(t, &msg);
    if (rc == 0)
        return "None";
    if (rc == WEFT_EINVALSTATE || rc == WEFT_ECANCELLED)
        return errstr(rc); /* message as the last error message */
    return errfmt(rc, msg);
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *s = weft_task_create(weft_coro_new(slow, NULL), NULL);
    int rc = weft_task_result(s, NULL);
    printf("pending result: %s\n", errstr(rc));
    printf("pending exception: %s\n", exc_str(s));
    printf("s %s\n", st(s));
    weft_await(s, NULL);
    void *r = NULL;
    rc = weft_task_result(s, &r);
    printf("s %s result %d exception %s\n", st(s), rc ? -1 : IV(r), exc_str(s));
    weft_task *f = weft_task_create(weft_coro_new(fail, NULL), NULL);
    weft_yield();
    printf("f %s\n", st(f));
    weft_yield();
    printf("f %s\n", st(f));
    rc = weft_task_result(f, NULL);
    printf("f.result: %s\n", errstr(rc));
    printf("f.exception: %s\n", exc_str(f));
    weft_task *c = weft_task_create(weft_coro_new(slow, NULL), NULL);
    weft_yield();
    printf("cancel c %s\n", TF(weft_task_cancel(c, NULL)));
    printf("c %s\n", st(c));
    weft_yield();
    printf("c %s\n", st(c));
    rc = weft_task_result(c, NULL);
    printf("c.result: %s\n", errstr(rc));
    printf("c.exception: %s\n", exc_str(c));
    weft_task_release(s);
    weft_task_release(f);
    weft_task_release(c);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
