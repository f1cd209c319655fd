/* asyncio conformance scenario 38_failed_waiters: the C twin of 38_failed_waiters.py, whose CPython 3.11
 * output is expected/38_failed_waiters.txt.
 * T6 R2 S3: waiters of a failing task all get its error in registration order; a waiter cancelled
 * after the failure but before its wakeup gets CancelledError instead.
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

static weft_task *task_w2;

static int cancel_w2(void *arg)
{
    (void)arg;
    printf("cb cancels w2: %s\n", TF(weft_task_cancel(task_w2, NULL)));
    return 0;
}

static int failing(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("failing starts\n");
    weft_yield();
    weft_call_soon(loop(), cancel_w2, NULL, NULL);
    printf("failing raises\n");
    return weft_raise(3, "bad");
}

struct wargs {
    const char *name;
    weft_task *t;
};

static int waiter(void *arg, void **result)
{
    struct wargs *a = arg;
    (void)result;
    printf("%s waits\n", a->name);
    int rc = weft_await(a->t, NULL);
    if (rc)
        printf("%s got %s\n", a->name, errstr(rc));
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *f = weft_task_create(weft_coro_new(failing, NULL), NULL);
    struct wargs a1 = {"w1", f}, a2 = {"w2", f}, a3 = {"w3", f};
    weft_task *w1 = weft_task_create(weft_coro_new(waiter, &a1), NULL);
    weft_task *w2 = weft_task_create(weft_coro_new(waiter, &a2), NULL);
    task_w2 = w2;
    weft_task *w3 = weft_task_create(weft_coro_new(waiter, &a3), NULL);
    weft_await(w1, NULL);
    weft_await(w2, NULL);
    weft_await(w3, NULL);
    printf("w2 %s f %s\n", st(w2), st(f));
    weft_task_release(f);
    weft_task_release(w1);
    weft_task_release(w2);
    weft_task_release(w3);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
