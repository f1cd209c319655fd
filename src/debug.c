/* Debug mode, modelled on asyncio's (base_events.py _run_once's slow
 * callback warning, Task.__del__'s pending report, the "created at" of a
 * debug repr), and the process-wide log handler every message of weft's
 * ends in. */
#include "debug.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "alloc.h"
#include "error.h"
#include "executor.h"
#include "future.h"
#include "handle.h"
#include "task.h"
#include "worker.h"

/* ------------------------------------------------------------------ */
/* The log handler                                                    */
/* ------------------------------------------------------------------ */

/* Calls hold the read side for their whole duration, so a change (the write
 * side) returns only once no call of the old handler is running: the
 * caller may then free the old arg. */
static pthread_rwlock_t log_lock = PTHREAD_RWLOCK_INITIALIZER;
static weft_log_handler log_handler; /* under log_lock; NULL: the default */
static void *log_handler_arg;
/* Set while this thread runs a log handler: a message logged meanwhile
 * goes to the default handler (no recursion, no nested read lock), and a
 * change of handler is refused (it would wait for this very call). */
static _Thread_local bool in_log_handler;

void weft_default_log_handler(weft_log_level level, const char *message, void *arg)
{
    (void)level;
    (void)arg;
    flockfile(stderr);
    fputs("weft: ", stderr);
    fputs(message != NULL ? message : "(no message)", stderr);
    fputc('\n', stderr);
    funlockfile(stderr);
}

int weft_set_log_handler(weft_log_handler handler, void *arg)
{
    if (in_log_handler)
        return weft_error_set(WEFT_EINVALSTATE,
                              "weft_set_log_handler() called from inside a log handler");
    pthread_rwlock_wrlock(&log_lock);
    log_handler = handler;
    log_handler_arg = arg;
    pthread_rwlock_unlock(&log_lock);
    return 0;
}

static void log_text(weft_log_level level, const char *text)
{
    if (in_log_handler) {
        weft_default_log_handler(level, text, NULL);
        return;
    }
    pthread_rwlock_rdlock(&log_lock);
    weft_log_handler handler = log_handler;
    void *arg = log_handler_arg;
    if (handler == NULL) {
        pthread_rwlock_unlock(&log_lock);
        weft_default_log_handler(level, text, NULL);
        return;
    }
    in_log_handler = true;
    handler(level, text, arg);
    in_log_handler = false;
    pthread_rwlock_unlock(&log_lock);
}

void weft_log(weft_log_level level, const char *fmt, ...)
{
    /* Formatted on the heap: this may run on a task's small stack. Without
     * memory, a short stack buffer keeps the message's beginning. */
    va_list args;
    va_start(args, fmt);
    int length = vsnprintf(NULL, 0, fmt, args);
    va_end(args);
    if (length < 0)
        return;
    char *text = weft_malloc((size_t)length + 1);
    if (text == NULL) {
        char fallback[160];
        va_start(args, fmt);
        vsnprintf(fallback, sizeof fallback, fmt, args);
        va_end(args);
        log_text(level, fallback);
        return;
    }
    va_start(args, fmt);
    vsnprintf(text, (size_t)length + 1, fmt, args);
    va_end(args);
    log_text(level, text);
    weft_free(text);
}

/* ------------------------------------------------------------------ */
/* Settings                                                           */
/* ------------------------------------------------------------------ */

static bool debug_from_environment(void)
{
    /* PYTHONASYNCIODEBUG takes any non-empty value; "0" reads as off here. */
    const char *text = getenv("WEFT_DEBUG");
    return text != NULL && text[0] != '\0' && !(text[0] == '0' && text[1] == '\0');
}

static double slow_from_environment(void)
{
    const char *text = getenv("WEFT_DEBUG_SLOW");
    if (text != NULL && *text != '\0') {
        char *end;
        double seconds = strtod(text, &end);
        if (*end == '\0' && seconds > 0 && isfinite(seconds))
            return seconds;
    }
    return 0.1; /* asyncio's slow_callback_duration */
}

int weft_debug_settings(const weft_config *config, bool *debug, int64_t *slow_step_ns)
{
    double seconds = config->slow_step_duration;
    if (isnan(seconds) || seconds < 0)
        return weft_error_set(WEFT_EINVAL, "slow_step_duration must be >= 0 (seconds), got %g",
                              seconds);
    *debug = config->debug || debug_from_environment();
    *slow_step_ns = 0;
    if (!*debug)
        return 0;
    if (seconds == 0)
        seconds = slow_from_environment();
    /* At least 1 ns, since 0 means "off"; at most a year (no overflow). */
    const double year = 365.0 * 24 * 3600;
    *slow_step_ns = seconds >= year ? (int64_t)(year * 1e9) : (int64_t)(seconds * 1e9);
    if (*slow_step_ns < 1)
        *slow_step_ns = 1;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Slow steps                                                         */
/* ------------------------------------------------------------------ */

/* What ran, kept from before the run: a done callback's entry is freed by
 * its run, and a task or handle is held by a reference until reported. */
typedef struct timed_runnable {
    weft_task *task;
    weft_handle *handle;
    const char *name, *file;
    int line;
} timed_runnable;

static void report_slow(const timed_runnable *what, double seconds)
{
    if (what->task != NULL) {
        /* Described after the step, as asyncio formats the handle after
         * running it: the state and position are the ones it left. */
        char description[768];
        weft_task_describe_into(what->task, description, sizeof description, 0);
        weft_log(WEFT_LOG_WARNING, "Executing %s took %.3f seconds", description, seconds);
    } else {
        weft_log(WEFT_LOG_WARNING, "Executing <Handle %s() at %s:%d> took %.3f seconds",
                 what->name != NULL ? what->name : "callback", what->file != NULL ? what->file : "?",
                 what->line, seconds);
    }
}

void weft_debug_run_timed(weft_worker *worker, weft_runnable *runnable)
{
    timed_runnable what = {0};
    switch (runnable->kind) {
    case WEFT_RUNNABLE_TASK_STEP:
        /* The step may finish the task and drop the executor's reference,
         * or suspend it and let another worker resume and finish it: ours
         * keeps it describable. */
        what.task = weft_task_retain((weft_task *)runnable);
        break;
    case WEFT_RUNNABLE_HANDLE:
        what.handle = (weft_handle *)runnable;
        weft_handle_retain_internal(what.handle);
        what.name = what.handle->name;
        what.file = what.handle->file;
        what.line = what.handle->line;
        break;
    case WEFT_RUNNABLE_DONE_CALLBACK: {
        const weft_callback_entry *entry = (const weft_callback_entry *)runnable;
        what.name = entry->name;
        what.file = entry->file;
        what.line = entry->line;
        break;
    }
    }
    int64_t start = weft_clock_ns();
    weft_runnable_dispatch(worker, runnable);
    int64_t elapsed = weft_clock_ns() - start;
    /* A cancelled handle does not run its callback: nothing to report. */
    if (elapsed >= worker->slow_step_ns)
        report_slow(&what, (double)elapsed / 1e9);
    weft_task_release(what.task);
    if (what.handle != NULL)
        weft_handle_release(what.handle);
}

/* ------------------------------------------------------------------ */
/* Shutdown                                                           */
/* ------------------------------------------------------------------ */

void weft_debug_report_pending(weft_executor *executor, weft_task *const *tasks, size_t count,
                               const char *who)
{
    for (size_t i = 0; i < count; i++) {
        if (weft_task_done(tasks[i]))
            continue;
        char description[768];
        weft_task_describe_into(tasks[i], description, sizeof description, 0);
        char *message = weft_format("Task was still pending at shutdown; %s cancels it", who);
        weft_exception_context context = {
            .message = message != NULL ? message : "Task was still pending at shutdown",
            .task = tasks[i],
            .source = description,
        };
        weft_call_exception_handler(executor, &context);
        weft_free(message);
    }
}

void weft_debug_report_fresh_coros(weft_executor *executor)
{
    /* The handler may call weft (even weft_coro_free), so it runs without
     * the lock: each round marks one coroutine and copies what the report
     * needs. Quadratic in the number left, which is a bug's count. */
    for (;;) {
        weft_coro copy;
        bool found = false;
        pthread_mutex_lock(&executor->lock);
        for (weft_coro *coro = executor->fresh_coros; coro != NULL; coro = coro->track_next) {
            if (atomic_load_explicit(&coro->reported, memory_order_relaxed))
                continue;
            atomic_store_explicit(&coro->reported, true, memory_order_relaxed);
            weft_coro_init(&copy, coro->fn, coro->arg, coro->name, coro->file, coro->line);
            found = true;
            break;
        }
        pthread_mutex_unlock(&executor->lock);
        if (!found)
            return;
        weft_coro_warn_never_awaited(executor, &copy);
    }
}
