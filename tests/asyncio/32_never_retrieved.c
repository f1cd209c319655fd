/* asyncio conformance scenario 32_never_retrieved: the C twin of 32_never_retrieved.py, whose CPython 3.11
 * output is expected/32_never_retrieved.txt.
 * R4: a failed task whose error nobody retrieved is reported to the handler when its last
 * reference goes; retrieving it (await, result, exception, cancel of the done task) prevents that.
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

static void handler(weft_executor *ex, const weft_exception_context *ctx, void *arg)
{
    (void)ex;
    (void)arg;
    printf("handler: %s %s\n", ctx->message ? ctx->message : "(null)",
           ctx->error ? errfmt(ctx->error, ctx->error_message) : "");
}

static int fail(void *arg, void **result)
{
    (void)result;
    printf("%s fails\n", (const char *)arg);
    return weft_raise(7, "boom %s", (const char *)arg);
}

static int cb(void *arg)
{
    printf("cb %s\n", (const char *)arg);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_set_exception_handler(loop(), handler, NULL);
    weft_task_release(weft_task_create(weft_coro_new(fail, "dropped"), NULL));
    weft_call_soon(loop(), cb, "after dropped", NULL);
    weft_yield();
    printf("main after sleep0\n");
    weft_task *f2 = weft_task_create(weft_coro_new(fail, "cancelled-after"), NULL);
    weft_task *f3 = weft_task_create(weft_coro_new(fail, "checked"), NULL);
    weft_task *f4 = weft_task_create(weft_coro_new(fail, "awaited"), NULL);
    weft_yield();
    printf("cancel done f2 %s\n", TF(weft_task_cancel(f2, NULL)));
    weft_task_release(f2);
    printf("f3 done %s\n", TF(weft_task_done(f3)));
    printf("releasing f3\n");
    weft_task_release(f3);
    printf("released f3\n");
    int rc = weft_await(f4, NULL);
    printf("await f4: %s\n", errstr(rc));
    weft_task_release(f4);
    printf("main end\n");
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
