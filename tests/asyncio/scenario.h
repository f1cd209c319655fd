/* Helpers shared by the C twins of the asyncio conformance scenarios. Each
 * prints exactly what the Python prelude of the scenarios prints (see any
 * NN_name.py), so the traces can be compared line for line. */
#ifndef WEFT_SCENARIO_H
#define WEFT_SCENARIO_H

#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "weft.h"

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

#endif
