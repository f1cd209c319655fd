/* asyncio conformance scenario 36_cancel_handle_queued: the C twin of 36_cancel_handle_queued.py, whose CPython 3.11
 * output is expected/36_cancel_handle_queued.txt.
 * L5: a handle cancelled after it was queued (ready or due timer) stays queued and is skipped;
 * cancelling a handle that already ran does nothing.
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

static weft_handle *handle_b, *handle_t2;

static int cb(void *arg)
{
    printf("cb %s\n", (const char *)arg);
    return 0;
}

static int canceller(void *arg)
{
    weft_handle **h = arg;
    printf("canceller cancels %s\n", h == &handle_b ? "b" : "t2");
    weft_handle_cancel(*h);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_call_soon(loop(), canceller, &handle_b, NULL);
    weft_call_soon(loop(), cb, "b", &handle_b);
    weft_call_soon(loop(), cb, "c", NULL);
    weft_yield();
    printf("main 1\n");
    weft_call_later(loop(), 0.01, canceller, &handle_t2, NULL);
    weft_call_later(loop(), 0.02, cb, "t2", &handle_t2);
    weft_call_later(loop(), 0.03, cb, "t3", NULL);
    block_for(0.04);
    weft_yield();
    printf("main 2\n");
    weft_handle *h = NULL;
    weft_call_soon(loop(), cb, "ran", &h);
    weft_yield();
    weft_handle_cancel(h);
    printf("cancelled after it ran\n");
    weft_handle_release(h);
    weft_handle_release(handle_b);
    weft_handle_release(handle_t2);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
