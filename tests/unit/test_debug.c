/* Debug mode (weft_config.debug, WEFT_DEBUG, slow_step_duration,
 * WEFT_DEBUG_SLOW) and the log handler (weft_set_log_handler,
 * weft_default_log_handler): each warning appears exactly when it should,
 * with the task's name and creation site, and never when it should not.
 *
 * Every message is captured through the log handler: the runs use the
 * default exception handler, which passes its line on to the log handler.
 * Timing: a "slow" step busy-waits 300 ms against a 50 ms threshold; "quick"
 * steps take 20 ms against 250 ms, so a loaded machine cannot turn one into
 * the other (a busy wait on the clock ends on time even when preempted). */
#include <math.h>

#include "unit.h"

/* ------------------------------------------------------------------ */
/* Capturing the log handler                                          */
/* ------------------------------------------------------------------ */

#define LMAX 64
typedef struct captured_log {
    weft_log_level level;
    char text[1024];
} captured_log;
static captured_log logs[LMAX];
static int log_count; /* under ulock */
static _Atomic int capture_calls;

static void capture_log(weft_log_level level, const char *message, void *arg)
{
    capture_calls++;
    if (arg != PV(0x10c))
        ufail(__FILE__, __LINE__, "log handler got arg %p", arg);
    pthread_mutex_lock(&ulock);
    if (log_count < LMAX) {
        logs[log_count].level = level;
        snprintf(logs[log_count].text, sizeof logs[0].text, "%s", message);
    }
    log_count++;
    pthread_mutex_unlock(&ulock);
}

static void logs_reset(void)
{
    pthread_mutex_lock(&ulock);
    log_count = 0;
    pthread_mutex_unlock(&ulock);
    capture_calls = 0;
}

/* How many captured messages contain every one of the given fragments
 * (NULL-terminated); *index receives the last such message's index. */
static int logs_matching(int *index, const char *first, ...)
{
    int count = 0;
    pthread_mutex_lock(&ulock);
    for (int i = 0; i < log_count && i < LMAX; i++) {
        bool all = true;
        va_list args;
        va_start(args, first);
        for (const char *part = first; part != NULL; part = va_arg(args, const char *))
            if (strstr(logs[i].text, part) == NULL)
                all = false;
        va_end(args);
        if (all) {
            count++;
            if (index != NULL)
                *index = i;
        }
    }
    pthread_mutex_unlock(&ulock);
    return count;
}

static void print_logs(void)
{
    for (int i = 0; i < log_count && i < LMAX; i++)
        print_message("  log[%d] (%d): %s\n", i, (int)logs[i].level, logs[i].text);
}

#define assert_logs(want, ...)                                                                     \
    do {                                                                                           \
        int got_ = logs_matching(NULL, __VA_ARGS__, NULL);                                         \
        if (got_ != (want)) {                                                                      \
            print_logs();                                                                          \
            fail_msg("%d messages contain %s, expected %d", got_, #__VA_ARGS__, (want));           \
        }                                                                                          \
    } while (0)

/* "FILE:LINE" of this file. */
static const char *site(int line)
{
    static char text[4][256];
    static int next;
    char *out = text[next++ % 4];
    snprintf(out, sizeof text[0], "%s:%d", __FILE__, line);
    return out;
}

/* A debug configuration for urun_with: the group's worker count, the default
 * exception handler (so every report reaches the log handler). Tests of
 * other warnings pass a slow threshold of 60 s, so that a step preempted
 * on a loaded machine cannot add a slow-step warning to their counts. */
static weft_config debug_config(bool debug, double slow)
{
    weft_config config;
    weft_config_init(&config);
    config.debug = debug;
    config.slow_step_duration = slow;
    config.exception_handler = weft_default_exception_handler;
    return config;
}

/* Busy-waits seconds on the monotonic clock without suspending. */
static void busy(double seconds)
{
    double until = unow() + seconds;
    while (unow() < until) {
    }
}

/* Waits for task without running it inline on this stack (LIFO order would
 * run an unstarted task inside the awaiting step) and without a yield. */
static void poll_done(weft_task *task)
{
    while (!weft_task_done(task))
        weft_sleep(0.002);
}

/* ------------------------------------------------------------------ */
/* Slow steps                                                         */
/* ------------------------------------------------------------------ */

static int blocks(void *arg, void **result)
{
    (void)result;
    busy(*(double *)arg);
    return 0;
}

static double block_seconds = 0.3;
static int line_of_blocker;

static int spawns_blocker(void *arg, void **result)
{
    (void)arg;
    (void)result;
    line_of_blocker = __LINE__ + 1;
    weft_task *task = weft_task_create(weft_coro_new(blocks, &block_seconds), "blocker");
    if (!EXPECT(task != NULL))
        return 1;
    poll_done(task);
    weft_task_release(task);
    return 0;
}

/* "took X seconds" of message i. */
static double took_seconds(int i)
{
    const char *took = strstr(logs[i].text, " took ");
    return took != NULL ? strtod(took + 6, NULL) : -1;
}

static void slow_step_reported(void **state)
{
    (void)state;
    logs_reset();
    weft_config config = debug_config(true, 0.05);
    assert_int_equal(urun_with(&config, weft_coro_new(spawns_blocker, NULL), NULL), 0);
    /* The blocker's one step, with its name and where it was created. */
    int i = -1;
    assert_logs(1, "Executing <Task ", "name='blocker'");
    logs_matching(&i, "Executing <Task ", "name='blocker'", NULL);
    assert_int_equal(logs[i].level, WEFT_LOG_WARNING);
    char want[512];
    snprintf(want, sizeof want, "coro=<blocks() done, defined at %s>", site(line_of_blocker));
    assert_logs(1, "Executing <Task finished name='blocker' ", want);
    snprintf(want, sizeof want, " created at %s> took ", site(line_of_blocker));
    assert_logs(1, "name='blocker'", want);
    double seconds = took_seconds(i);
    if (!(seconds >= 0.299 && seconds < 60))
        fail_msg("took %f seconds: %s", seconds, logs[i].text);
}

/* Many steps, each far below the threshold, together far above it: never
 * reported (asyncio measures one step, not a task's lifetime). */
static int works_in_short_steps(void *arg, void **result)
{
    (void)arg;
    (void)result;
    for (int i = 0; i < 12; i++) {
        busy(0.02);
        if (weft_sleep(0.001) != 0)
            return 1;
    }
    return 0;
}

static int spawns_short_steps(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *task = weft_task_create(weft_coro_new(works_in_short_steps, NULL), "stepper");
    if (!EXPECT(task != NULL))
        return 1;
    poll_done(task);
    EXPECT_INT(weft_task_result(task, NULL), 0);
    weft_task_release(task);
    return 0;
}

static void short_steps_not_reported(void **state)
{
    (void)state;
    logs_reset();
    weft_config config = debug_config(true, 0.25);
    double start = unow();
    assert_int_equal(urun_with(&config, weft_coro_new(spawns_short_steps, NULL), NULL), 0);
    assert_true(unow() - start >= 0.24); /* the task did outlast the threshold */
    assert_logs(0, "Executing");
    assert_int_equal(capture_calls, 0);
}

static void slow_step_not_reported_without_debug(void **state)
{
    (void)state;
    logs_reset();
    weft_config config = debug_config(false, 0.05);
    assert_int_equal(urun_with(&config, weft_coro_new(spawns_blocker, NULL), NULL), 0);
    assert_int_equal(capture_calls, 0);
}

static int line_of_slow_callback;

static int slow_callback(void *arg)
{
    (void)arg;
    busy(0.3);
    return 0;
}

static _Atomic int quick_callbacks;
static int quick_callback(void *arg)
{
    (void)arg;
    quick_callbacks++;
    return 0;
}

static int schedules_callbacks(void *arg, void **result)
{
    (void)arg;
    (void)result;
    line_of_slow_callback = __LINE__ + 1;
    EXPECT_INT(weft_call_soon(weft_executor_current(), slow_callback, NULL, NULL), 0);
    EXPECT_INT(weft_call_later(weft_executor_current(), 0.001, quick_callback, NULL, NULL), 0);
    while (quick_callbacks == 0)
        weft_sleep(0.002);
    weft_sleep(0.35); /* the slow callback is done too, on whichever worker */
    return 0;
}

static void slow_callback_reported(void **state)
{
    (void)state;
    logs_reset();
    quick_callbacks = 0;
    weft_config config = debug_config(true, 0.05);
    assert_int_equal(urun_with(&config, weft_coro_new(schedules_callbacks, NULL), NULL), 0);
    char want[512];
    snprintf(want, sizeof want, "Executing <Handle slow_callback() at %s> took ",
             site(line_of_slow_callback));
    assert_logs(1, want);
    assert_logs(0, "quick_callback");
}

/* WEFT_DEBUG and WEFT_DEBUG_SLOW: weft_run, which takes no config. */
static int blocks_once(void *arg, void **result)
{
    (void)arg;
    (void)result;
    busy(0.3);
    return 0;
}

static void environment_enables(void **state)
{
    (void)state;
    logs_reset();
    setenv("WEFT_DEBUG", "1", 1);
    setenv("WEFT_DEBUG_SLOW", "0.05", 1);
    int rc = weft_run(weft_coro_new(blocks_once, NULL), NULL);
    unsetenv("WEFT_DEBUG_SLOW");
    assert_int_equal(rc, 0);
    assert_logs(1, "Executing <Task finished name='Task-", "coro=<blocks_once() done");
    /* "0" is off, like an unset variable. */
    logs_reset();
    setenv("WEFT_DEBUG", "0", 1);
    rc = weft_run(weft_coro_new(blocks_once, NULL), NULL);
    unsetenv("WEFT_DEBUG");
    assert_int_equal(rc, 0);
    assert_int_equal(capture_calls, 0);
    /* An invalid WEFT_DEBUG_SLOW falls back to 0.1 s: 0.3 s is still slow. */
    logs_reset();
    setenv("WEFT_DEBUG", "yes", 1);
    setenv("WEFT_DEBUG_SLOW", "soon", 1);
    rc = weft_run(weft_coro_new(blocks_once, NULL), NULL);
    unsetenv("WEFT_DEBUG_SLOW");
    unsetenv("WEFT_DEBUG");
    assert_int_equal(rc, 0);
    assert_logs(1, "Executing <Task finished ", "blocks_once()");
}

static void invalid_threshold(void **state)
{
    (void)state;
    weft_config config = debug_config(true, -1);
    weft_executor *executor = PV(1);
    assert_int_equal(weft_executor_create(&config, &executor), WEFT_EINVAL);
    assert_null(executor);
    assert_non_null(strstr(weft_last_error_message(), "slow_step_duration"));
    config.slow_step_duration = NAN;
    assert_int_equal(weft_run_with(&config, weft_coro_new(blocks_once, NULL), NULL), WEFT_EINVAL);
    /* Checked even with debug off: the value is wrong either way. */
    config.debug = false;
    assert_int_equal(weft_executor_create(&config, &executor), WEFT_EINVAL);
}

/* ------------------------------------------------------------------ */
/* Coroutines never awaited                                           */
/* ------------------------------------------------------------------ */

static int line_of_forgotten, line_of_awaited, line_of_handed;
static weft_coro *kept_coro;

static int child_body(void *arg, void **result)
{
    (void)result;
    (void)arg;
    return 0;
}

static int leaves_coroutines(void *arg, void **result)
{
    (void)result;
    bool keep = arg != NULL;
    line_of_forgotten = __LINE__ + 1;
    weft_coro *forgotten = weft_coro_new(child_body, NULL);
    line_of_awaited = __LINE__ + 1;
    weft_coro *awaited = weft_coro_new(child_body, NULL);
    line_of_handed = __LINE__ + 1;
    weft_coro *handed = weft_coro_new(child_body, NULL);
    EXPECT(forgotten != NULL && awaited != NULL && handed != NULL);
    EXPECT_INT(weft_await_coro(awaited, NULL), 0);
    weft_task *task = weft_task_create(handed, "handed");
    EXPECT(task != NULL);
    poll_done(task);
    weft_task_release(task);
    if (keep)
        kept_coro = forgotten;
    return 0;
}

/* weft_run reports a forgotten coroutine in any mode (with its creation
 * site); awaited and handed-over ones are never reported. */
static void run_reports_forgotten_coroutine(void **state)
{
    (void)state;
    for (int debug = 0; debug < 2; debug++) {
        logs_reset();
        weft_config config = debug_config(debug, 60);
        assert_int_equal(urun_with(&config, weft_coro_new(leaves_coroutines, NULL), NULL), 0);
        char want[512];
        snprintf(want, sizeof want, "coroutine 'child_body' was never awaited [child_body() at %s]",
                 site(line_of_forgotten));
        assert_logs(1, want);
        assert_logs(1, "never awaited");
        assert_logs(0, site(line_of_awaited));
        assert_logs(0, site(line_of_handed));
        int i = -1;
        logs_matching(&i, want, NULL);
        assert_int_equal(logs[i].level, WEFT_LOG_WARNING);
    }
}

/* An explicit executor in debug mode reports, at shutdown, a coroutine
 * created on it and never handed over, once: the owner's later
 * weft_coro_free stays quiet. Without debug mode, only that free reports. */
static void executor_shutdown_reports_forgotten_coroutine(void **state)
{
    (void)state;
    for (int debug = 0; debug < 2; debug++) {
        logs_reset();
        weft_config config = debug_config(debug, 60);
        config.workers = uworkers;
        weft_executor *executor;
        assert_int_equal(weft_executor_create(&config, &executor), 0);
        kept_coro = NULL;
        weft_task *task =
            weft_executor_submit(executor, weft_coro_new(leaves_coroutines, PV(1)), "keeper");
        assert_non_null(task);
        assert_int_equal(weft_executor_wait(task, NULL), 0);
        weft_task_release(task);
        ucheck_expectations();
        assert_non_null(kept_coro);
        assert_int_equal(weft_executor_shutdown(executor), 0);
        assert_logs(debug, "never awaited", site(line_of_forgotten));
        assert_int_equal(capture_calls, debug);
        assert_int_equal(weft_coro_free(kept_coro), 0);
        assert_logs(1, "coroutine 'child_body' was never awaited", site(line_of_forgotten));
        assert_int_equal(capture_calls, 1);
        weft_executor_free(executor);
        assert_int_equal(capture_calls, 1);
    }
}

static void free_reports_outside_loop(void **state)
{
    (void)state;
    logs_reset();
    int line = __LINE__ + 1;
    weft_coro *coro = weft_coro_new(child_body, NULL);
    assert_int_equal(capture_calls, 0);
    assert_int_equal(weft_coro_free(coro), 0);
    char want[512];
    snprintf(want, sizeof want, "coroutine 'child_body' was never awaited [child_body() at %s]",
             site(line));
    assert_logs(1, want);
    assert_int_equal(capture_calls, 1);
}

/* ------------------------------------------------------------------ */
/* Errors never retrieved                                             */
/* ------------------------------------------------------------------ */

static int fails(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_raise(42, "boom");
}

static int line_of_failers;

static int fails_twice(void *arg, void **result)
{
    (void)arg;
    (void)result;
    line_of_failers = __LINE__ + 1;
    weft_task *ignored = weft_task_create(weft_coro_new(fails, NULL), "ignored");
    weft_task *handled = weft_task_create(weft_coro_new(fails, NULL), "handled");
    if (!EXPECT(ignored != NULL && handled != NULL))
        return 1;
    poll_done(ignored);
    poll_done(handled);
    EXPECT_INT(weft_task_result(handled, NULL), 42);
    weft_task_release(handled);
    weft_task_release(ignored); /* the last reference: reported now */
    return 0;
}

static void unretrieved_error_has_creation_site(void **state)
{
    (void)state;
    for (int debug = 0; debug < 2; debug++) {
        logs_reset();
        weft_config config = debug_config(debug, 60);
        assert_int_equal(urun_with(&config, weft_coro_new(fails_twice, NULL), NULL), 0);
        assert_logs(1, "Task exception was never retrieved [<Task finished name='ignored' ",
                    "exception=Error(42, 'boom')", "]: Error: boom");
        assert_logs(0, "name='handled'");
        char want[512];
        snprintf(want, sizeof want, "created at %s>]", site(line_of_failers));
        assert_logs(debug, "name='ignored'", want);
        assert_logs(0, "created at", "name='handled'");
        assert_int_equal(capture_calls, 1);
        int i = -1;
        logs_matching(&i, "never retrieved", NULL);
        assert_int_equal(logs[i].level, WEFT_LOG_ERROR);
    }
}

/* ------------------------------------------------------------------ */
/* Tasks pending at shutdown                                          */
/* ------------------------------------------------------------------ */

static int lingers(void *arg, void **result)
{
    (void)arg;
    (void)result;
    ustarted();
    return weft_sleep(60);
}

static int line_of_lingerer;

static int leaves_lingerer(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *finisher = weft_task_create(weft_coro_new(child_body, NULL), "finisher");
    line_of_lingerer = __LINE__ + 1;
    weft_task *lingerer = weft_task_create(weft_coro_new(lingers, NULL), "lingerer");
    if (!EXPECT(finisher != NULL && lingerer != NULL))
        return 1;
    poll_done(finisher);
    weft_task_release(finisher);
    while (ustarted_count == 0)
        weft_sleep(0.002);
    weft_task_release(lingerer);
    return 0;
}

static void run_reports_pending_tasks(void **state)
{
    (void)state;
    for (int debug = 0; debug < 2; debug++) {
        logs_reset();
        weft_config config = debug_config(debug, 60);
        double start = unow();
        assert_int_equal(urun_with(&config, weft_coro_new(leaves_lingerer, NULL), NULL), 0);
        assert_true(unow() - start < 30); /* cancelled, not waited for */
        char want[512];
        snprintf(want, sizeof want, "created at %s>]", site(line_of_lingerer));
        assert_logs(debug,
                    "Task was still pending at shutdown; weft_run() cancels it [<Task pending "
                    "name='lingerer' coro=<lingers() running at ",
                    want);
        assert_int_equal(capture_calls, debug);
    }
}

static void executor_shutdown_reports_pending_tasks(void **state)
{
    (void)state;
    for (int debug = 0; debug < 2; debug++) {
        logs_reset();
        weft_config config = debug_config(debug, 60);
        config.workers = uworkers;
        weft_executor *executor;
        assert_int_equal(weft_executor_create(&config, &executor), 0);
        int line = __LINE__ + 1;
        weft_task *lingerer = weft_executor_submit(executor, weft_coro_new(lingers, NULL), NULL);
        weft_task *finisher =
            weft_executor_submit(executor, weft_coro_new(child_body, NULL), "finisher");
        assert_non_null(lingerer);
        assert_non_null(finisher);
        assert_int_equal(weft_executor_wait(finisher, NULL), 0);
        assert_int_equal(weft_executor_shutdown(executor), 0);
        assert_true(weft_task_cancelled(lingerer));
        char want[512];
        snprintf(want, sizeof want, "created at %s>]", site(line));
        assert_logs(debug, "Task was still pending at shutdown; weft_executor_shutdown() cancels it"
                           " [<Task pending name='Task-",
                    want);
        assert_int_equal(capture_calls, debug);
        weft_task_release(lingerer);
        weft_task_release(finisher);
        weft_executor_free(executor);
        assert_int_equal(capture_calls, debug);
    }
}

/* ------------------------------------------------------------------ */
/* Descriptions                                                       */
/* ------------------------------------------------------------------ */

static int describes_itself(void *arg, void **result)
{
    (void)result;
    bool debug = arg != NULL;
    char *text = malloc(512);
    if (!EXPECT(text != NULL))
        return 1;
    int line = __LINE__ + 1;
    weft_task *task = weft_task_create(weft_coro_new(child_body, NULL), "described");
    if (!EXPECT(task != NULL)) {
        free(text);
        return 1;
    }
    weft_task_describe(task, text, 512);
    char want[300];
    snprintf(want, sizeof want, " created at %s>", site(line));
    const char *found = strstr(text, want);
    if (debug)
        EXPECT(found != NULL && found[strlen(want)] == '\0');
    else
        EXPECT(strstr(text, "created at") == NULL);
    EXPECT_INT(weft_await(task, NULL), 0);
    weft_task_release(task);
    free(text);
    return 0;
}

static void describe_shows_creation_site(void **state)
{
    (void)state;
    for (int debug = 0; debug < 2; debug++) {
        logs_reset();
        weft_config config = debug_config(debug, 60);
        assert_int_equal(urun_with(&config, weft_coro_new(describes_itself, PV(debug)), NULL), 0);
        assert_int_equal(capture_calls, 0);
    }
}

/* ------------------------------------------------------------------ */
/* The log handler                                                    */
/* ------------------------------------------------------------------ */

static char captured[2048];
static void capture_stderr_begin(int *saved, FILE **file)
{
    fflush(stderr);
    *file = tmpfile();
    *saved = dup(2);
    dup2(fileno(*file), 2);
}
static void capture_stderr_end(int saved, FILE *file)
{
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(file);
    size_t n = fread(captured, 1, sizeof captured - 1, file);
    captured[n] = '\0';
    fclose(file);
}

static void default_writes_stderr(void **state)
{
    (void)state;
    logs_reset();
    int saved;
    FILE *file;
    assert_int_equal(weft_set_log_handler(NULL, NULL), 0);
    capture_stderr_begin(&saved, &file);
    weft_default_log_handler(WEFT_LOG_WARNING, "direct", NULL);
    weft_default_log_handler(WEFT_LOG_ERROR, NULL, NULL);
    weft_exception_context context = {"from the handler", 7, "seven", NULL, "fn() at x.c:1"};
    weft_call_exception_handler(NULL, &context);
    capture_stderr_end(saved, file);
    assert_int_equal(weft_set_log_handler(capture_log, PV(0x10c)), 0);
    assert_str(captured, "weft: direct\n"
                         "weft: (no message)\n"
                         "weft: from the handler [fn() at x.c:1]: Error: seven\n");
    assert_int_equal(capture_calls, 0);
}

/* The default exception handler hands its line to the log handler: an
 * error at WEFT_LOG_ERROR, anything else at WEFT_LOG_WARNING. */
static void exception_handler_levels(void **state)
{
    (void)state;
    logs_reset();
    weft_exception_context error = {"failed", 7, "seven", NULL, "fn() at x.c:1"};
    weft_exception_context warning = {"odd", 0, NULL, NULL, NULL};
    weft_call_exception_handler(NULL, &error);
    weft_default_exception_handler(NULL, &warning, NULL);
    assert_int_equal(log_count, 2);
    assert_str(logs[0].text, "failed [fn() at x.c:1]: Error: seven");
    assert_int_equal(logs[0].level, WEFT_LOG_ERROR);
    assert_str(logs[1].text, "odd");
    assert_int_equal(logs[1].level, WEFT_LOG_WARNING);
}

static _Atomic int second_calls;
static void second_handler(weft_log_level level, const char *message, void *arg)
{
    (void)level;
    (void)message;
    if (arg == PV(2))
        second_calls++;
}

static void replace_and_restore(void **state)
{
    (void)state;
    logs_reset();
    second_calls = 0;
    weft_exception_context context = {"hello", 0, NULL, NULL, NULL};
    assert_int_equal(weft_set_log_handler(second_handler, PV(2)), 0);
    weft_call_exception_handler(NULL, &context);
    assert_int_equal(second_calls, 1);
    assert_int_equal(capture_calls, 0);
    assert_int_equal(weft_set_log_handler(capture_log, PV(0x10c)), 0);
    weft_call_exception_handler(NULL, &context);
    assert_int_equal(second_calls, 1);
    assert_int_equal(capture_calls, 1);
}

/* Inside a handler: changing the handler is refused (it would wait for
 * itself), and a message logged meanwhile goes to stderr, not back in. */
static _Atomic int nested_result;
static _Atomic int nested_calls;
static void nesting_handler(weft_log_level level, const char *message, void *arg)
{
    (void)level;
    (void)arg;
    nested_calls++;
    nested_result = weft_set_log_handler(NULL, NULL);
    weft_exception_context inner = {"inner", 0, NULL, NULL, NULL};
    if (strcmp(message, "outer") == 0)
        weft_call_exception_handler(NULL, &inner);
}

static void handler_reentry(void **state)
{
    (void)state;
    nested_calls = 0;
    nested_result = 0;
    int saved;
    FILE *file;
    assert_int_equal(weft_set_log_handler(nesting_handler, NULL), 0);
    capture_stderr_begin(&saved, &file);
    weft_exception_context outer = {"outer", 0, NULL, NULL, NULL};
    weft_call_exception_handler(NULL, &outer);
    capture_stderr_end(saved, file);
    assert_int_equal(weft_set_log_handler(capture_log, PV(0x10c)), 0);
    assert_int_equal(nested_calls, 1);
    assert_int_equal(nested_result, WEFT_EINVALSTATE);
    assert_str(captured, "weft: inner\n");
}

/* Many workers log at once while the main thread swaps handlers: every
 * message reaches exactly one handler (ThreadSanitizer checks the rest). */
static int logs_many(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_exception_context context = {"busy", 0, NULL, NULL, NULL};
    for (int i = 0; i < 200; i++) {
        weft_call_exception_handler(weft_executor_current(), &context);
        if (i % 20 == 0 && weft_yield() != 0)
            return 1;
    }
    return 0;
}

static void concurrent_logging(void **state)
{
    (void)state;
    logs_reset();
    second_calls = 0;
    weft_config config = debug_config(false, 0);
    config.workers = uworkers;
    weft_executor *executor;
    assert_int_equal(weft_executor_create(&config, &executor), 0);
    weft_task *tasks[4];
    for (int i = 0; i < 4; i++)
        assert_non_null(tasks[i] = weft_executor_submit(executor, weft_coro_new(logs_many, NULL),
                                                        NULL));
    for (int round = 0; round < 50; round++) {
        weft_set_log_handler(round % 2 ? second_handler : capture_log,
                             round % 2 ? PV(2) : PV(0x10c));
        ublock(0.0005);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(weft_executor_wait(tasks[i], NULL), 0);
        weft_task_release(tasks[i]);
    }
    weft_executor_free(executor);
    assert_int_equal(weft_set_log_handler(capture_log, PV(0x10c)), 0);
    assert_int_equal(capture_calls + second_calls, 4 * 200);
}

int main(void)
{
    /* The runs below choose debug mode themselves. */
    unsetenv("WEFT_DEBUG");
    unsetenv("WEFT_DEBUG_SLOW");
    weft_set_log_handler(capture_log, PV(0x10c));
    const struct CMUnitTest tests[] = {
        UTEST(slow_step_reported),
        UTEST(short_steps_not_reported),
        UTEST(slow_step_not_reported_without_debug),
        UTEST(slow_callback_reported),
        UTEST_NO_LOOP(environment_enables),
        UTEST_NO_LOOP(invalid_threshold),
        UTEST(run_reports_forgotten_coroutine),
        UTEST(executor_shutdown_reports_forgotten_coroutine),
        UTEST_NO_LOOP(free_reports_outside_loop),
        UTEST(unretrieved_error_has_creation_site),
        UTEST(run_reports_pending_tasks),
        UTEST(executor_shutdown_reports_pending_tasks),
        UTEST(describe_shows_creation_site),
        UTEST_NO_LOOP(default_writes_stderr),
        UTEST_NO_LOOP(exception_handler_levels),
        UTEST_NO_LOOP(replace_and_restore),
        UTEST_NO_LOOP(handler_reentry),
        UTEST(concurrent_logging),
    };
    int failed = URUN_GROUPS("test_debug", tests);
    weft_set_log_handler(NULL, NULL);
    return failed;
}
