/* The loop: weft_call_soon/later/at, handles, weft_time, the exception
 * handler functions, weft_executor_current, weft_executor_submit and
 * weft_all_tasks / weft_tasks_release. */
#include <math.h> /* NAN, INFINITY */
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

static int logs(void *arg)
{
    EXPECT_PTR(weft_current_task(), NULL);
    ulog("%s", (const char *)arg);
    return 0;
}

static int returns_arg(void *arg, void **result)
{
    *result = arg;
    return 0;
}

static weft_executor *loop(void)
{
    return weft_executor_current();
}

/* ------------------------------------------------------------- ordering */

static int soon_chain(void *arg)
{
    ulog("%s", (const char *)arg);
    /* Scheduled from a callback: the next iteration. */
    if (strcmp(arg, "A") == 0)
        weft_call_soon(loop(), logs, "A2", NULL);
    return 0;
}

static int soon_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    EXPECT_INT(weft_call_soon(loop(), soon_chain, "A", NULL), 0);
    EXPECT_INT(weft_call_soon(loop(), logs, "B", NULL), 0);
    EXPECT_INT(weft_call_soon(loop(), logs, "C", NULL), 0);
    /* Never synchronous (logs checks it runs outside any task; with
     * several workers another one may be running it already). */
    EXPECT_ORDERED(strcmp(ulog_get(), "") == 0);
    weft_yield();
    ulog("main");
    weft_yield();
    EXPECT_LOG("A B C main A2");
    return 0;
}

static void call_soon_fifo(void **state)
{
    (void)state;
    assert_int_equal(URUN(soon_main, NULL, NULL), 0);
    assert_log("A B C main A2");
}

static int later_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    /* L3: call_soon first, then the due timer; a yield made in the same
     * step resumes before the timer. */
    weft_call_soon(loop(), logs, "soon", NULL);
    weft_call_later(loop(), 0, logs, "later0", NULL);
    weft_yield();
    ulog("main");
    weft_yield();
    weft_yield();
    EXPECT_LOG("soon main later0");
    ulog_reset();
    /* A negative delay keeps its earlier deadline. */
    weft_call_later(loop(), 0, logs, "zero", NULL);
    weft_call_later(loop(), -1, logs, "minus", NULL);
    weft_call_later(loop(), 0, logs, "zero2", NULL);
    weft_yield();
    weft_yield();
    EXPECT_LOG("minus zero zero2");
    ulog("|");
    /* Deadlines order timers, whatever the scheduling order. */
    double now = weft_time(loop());
    weft_call_at(loop(), now + 0.03, logs, "at30", NULL);
    weft_call_at(loop(), now + 0.01, logs, "at10", NULL);
    weft_call_later(loop(), 0.02, logs, "later20", NULL);
    weft_call_at(loop(), now - 5, logs, "past", NULL);
    weft_sleep(0.05);
    EXPECT_LOG("minus zero zero2 | past at10 later20 at30");
    return 0;
}

static void call_later_and_at_order(void **state)
{
    (void)state;
    assert_int_equal(URUN(later_main, NULL, NULL), 0);
    assert_log("minus zero zero2 | past at10 later20 at30");
}

static int soon_later_order_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_call_soon(loop(), logs, "soon", NULL);
    weft_call_later(loop(), 0, logs, "later0", NULL);
    weft_yield();
    ulog("main");
    weft_yield();
    EXPECT_LOG("soon main later0");
    return 0;
}

static void soon_then_due_timer(void **state)
{
    (void)state;
    assert_int_equal(URUN(soon_later_order_main, NULL, NULL), 0);
    assert_log("soon main later0");
}

/* ---------------------------------------------------------------- handles */

static _Atomic int cancelled_soon_runs;

static int cancelled_soon(void *arg)
{
    (void)arg;
    cancelled_soon_runs++;
    return 0;
}

static int handles_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_handle *h = NULL;
    cancelled_soon_runs = 0;
    EXPECT_INT(weft_call_soon(loop(), cancelled_soon, NULL, &h), 0);
    EXPECT(h != NULL);
    EXPECT(weft_handle_when(h) == -1.0);
    EXPECT(!weft_handle_cancelled(h));
    EXPECT_INT(weft_handle_cancel(h), 0);
    EXPECT(weft_handle_cancelled(h));
    EXPECT_INT(weft_handle_cancel(h), 0); /* twice is fine */
    weft_handle_release(h);

    weft_handle *ran = NULL;
    EXPECT_INT(weft_call_soon(loop(), logs, "ran", &ran), 0);
    weft_handle *dropped = NULL;
    EXPECT_INT(weft_call_soon(loop(), logs, "released-early", &dropped), 0);
    weft_handle_release(dropped); /* the loop keeps its own reference */
    weft_yield();
    EXPECT_LOG("ran released-early");
    EXPECT_INT(weft_handle_cancel(ran), 0); /* a no-op once it ran */
    weft_handle_release(ran);

    double now = weft_time(loop());
    weft_handle *at = NULL, *later = NULL, *never = NULL;
    EXPECT_INT(weft_call_at(loop(), now + 0.02, logs, "at", &at), 0);
    EXPECT(weft_handle_when(at) - (now + 0.02) < 1e-6 && (now + 0.02) - weft_handle_when(at) < 1e-6);
    EXPECT_INT(weft_call_later(loop(), 0.01, logs, "later", &later), 0);
    double when = weft_handle_when(later);
    EXPECT(when >= now + 0.01 - 1e-6 && when < weft_time(loop()) + 0.01 + 1e-6);
    EXPECT_INT(weft_call_later(loop(), 0.005, logs, "never", &never), 0);
    EXPECT_INT(weft_handle_cancel(never), 0);
    EXPECT(weft_handle_cancelled(never));
    EXPECT(!weft_handle_cancelled(at));
    weft_sleep(0.04);
    EXPECT_LOG("ran released-early later at");
    weft_handle_release(at);
    weft_handle_release(later);
    weft_handle_release(never);

    EXPECT_INT(weft_handle_cancel(NULL), WEFT_EINVAL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    EXPECT(!weft_handle_cancelled(NULL));
    /* Cancelled before the loop got to it: never ran. With several
     * workers another one may have run it before the cancel. */
    EXPECT_ORDERED(cancelled_soon_runs == 0);
    EXPECT(cancelled_soon_runs <= 1);
    return 0;
}

static void handle_cancel_when_release(void **state)
{
    (void)state;
    assert_int_equal(URUN(handles_main, NULL, NULL), 0);
    assert_log("ran released-early later at");
}

/* Timers cancelled en masse (the heap rebuild rule) never run. */
static int many_timers_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_handle *handles[300];
    for (int i = 0; i < 300; i++)
        EXPECT_INT(weft_call_later(loop(), 0.001 * (i % 7), logs, i % 3 ? "x" : "kept",
                                   &handles[i]),
                   0);
    for (int i = 0; i < 300; i++)
        if (i % 3)
            weft_handle_cancel(handles[i]);
    for (int i = 0; i < 300; i++)
        weft_handle_release(handles[i]);
    weft_sleep(0.02);
    EXPECT_SOON(ulog_count("kept") == 100);
    return 0;
}

static void cancelled_timers_never_run(void **state)
{
    (void)state;
    assert_int_equal(URUN(many_timers_main, NULL, NULL), 0);
    const char *log = ulog_get();
    assert_null(strstr(log, "x"));
    int kept = 0;
    for (const char *p = log; (p = strstr(p, "kept")) != NULL; p += 4)
        kept++;
    assert_int_equal(kept, 100);
}

/* ---------------------------------------------------------- bad arguments */

static int dummy(void *arg)
{
    (void)arg;
    return 0;
}

static int bad_args_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_handle *h = (weft_handle *)&h;
    EXPECT_INT(weft_call_later(loop(), NAN, dummy, NULL, &h), WEFT_EINVAL);
    EXPECT_PTR(h, NULL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    h = (weft_handle *)&h;
    EXPECT_INT(weft_call_at(loop(), NAN, dummy, NULL, &h), WEFT_EINVAL);
    EXPECT_PTR(h, NULL);
    h = (weft_handle *)&h;
    EXPECT_INT(weft_call_soon(NULL, dummy, NULL, &h), WEFT_EINVAL);
    EXPECT_PTR(h, NULL);
    EXPECT_INT(weft_call_soon(loop(), NULL, NULL, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_call_later(NULL, 1, dummy, NULL, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_call_later(loop(), 1, NULL, NULL, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_call_at(NULL, 1, dummy, NULL, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_call_at(loop(), 1, NULL, NULL, NULL), WEFT_EINVAL);
    /* Far-away deadlines are accepted and simply never come. */
    EXPECT_INT(weft_call_later(loop(), INFINITY, logs, "inf", NULL), 0);
    EXPECT_INT(weft_call_at(loop(), 1e300, logs, "far", NULL), 0);
    weft_yield();
    weft_yield();
    return 0;
}

static void bad_arguments(void **state)
{
    (void)state;
    double start = unow();
    assert_int_equal(URUN(bad_args_main, NULL, NULL), 0);
    assert_true(unow() - start < 1.0);
    assert_str(ulog_get(), "");
}

static void calls_outside_loop(void **state)
{
    (void)state;
    assert_null(weft_executor_current());
    weft_task **tasks = (weft_task **)&tasks;
    size_t count = 99;
    assert_int_equal(weft_all_tasks(&tasks, &count), WEFT_ENOLOOP);
    assert_int_equal(weft_last_error(), WEFT_ENOLOOP);
    assert_str(weft_last_error_message(), "no running event loop");
    assert_null(tasks);
    assert_int_equal(count, 0);
    assert_int_equal(weft_all_tasks(NULL, &count), WEFT_EINVAL);
    assert_int_equal(weft_all_tasks(&tasks, NULL), WEFT_EINVAL);
    weft_tasks_release(NULL, 0);
    assert_int_equal(weft_call_soon(NULL, dummy, NULL, NULL), WEFT_EINVAL);
    weft_coro *coro = weft_coro_new(returns_arg, NULL);
    assert_null(weft_executor_submit(NULL, coro, NULL));
    assert_int_equal(weft_last_error(), WEFT_EINVAL);
    assert_int_equal(weft_run(coro, NULL), 0); /* still the caller's */
}

/* ------------------------------------------------------------- weft_time */

static void time_is_monotonic(void **state)
{
    (void)state;
    double a = weft_time(NULL);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double mono = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
    double b = weft_time(NULL);
    assert_true(a <= mono + 1e-6 && mono <= b + 1e-6);
    double prev = b;
    for (int i = 0; i < 1000; i++) {
        double t = weft_time(NULL);
        assert_true(t >= prev);
        prev = t;
    }
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
    double c = weft_time(NULL);
    assert_true(c - b >= 0.019 && c - b < 1.0);
}

static int time_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    double a = weft_time(loop());
    double b = weft_time(NULL);
    EXPECT(b >= a && b - a < 0.1); /* one clock for every loop */
    weft_sleep(0.01);
    EXPECT(weft_time(loop()) - a >= 0.01);
    return 0;
}

static void time_in_loop(void **state)
{
    (void)state;
    assert_int_equal(URUN(time_main, NULL, NULL), 0);
}

/* ---------------------------------------------------- exception handler */

static int bad_line;

static int bad_cb(void *arg)
{
    (void)arg;
    ulog("bad");
    return weft_raise(42, "oops");
}

static weft_executor *seen_executor;
static _Atomic int second_calls;
static void second_handler(weft_executor *executor, const weft_exception_context *context,
                           void *arg)
{
    EXPECT_PTR(executor, seen_executor);
    EXPECT_PTR(arg, PV(77));
    EXPECT_INT(context->error, 42);
    second_calls++;
}

/* Runs fn with stderr redirected into a buffer. */
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

/* Bytes written to the capture so far. */
static long capture_size(FILE *file)
{
    struct stat info;
    return fstat(fileno(file), &info) == 0 ? (long)info.st_size : -1;
}

static int handler_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    seen_executor = loop();
    /* The handler from weft_config. */
    weft_call_soon(loop(), bad_cb, NULL, NULL); bad_line = __LINE__;
    weft_call_soon(loop(), logs, "next", NULL);
    weft_yield();
    EXPECT_SOON(ureport_count == 1);
    EXPECT_LOG("bad next");
    /* Replaced. */
    EXPECT_INT(weft_set_exception_handler(loop(), second_handler, PV(77)), 0);
    weft_call_soon(loop(), bad_cb, NULL, NULL);
    weft_yield();
    EXPECT_SOON(second_calls == 1);
    EXPECT_INT(ureport_count, 1);
    /* NULL restores the default (stderr). */
    EXPECT_INT(weft_set_exception_handler(loop(), NULL, NULL), 0);
    int saved;
    FILE *file;
    capture_stderr_begin(&saved, &file);
    weft_call_soon(loop(), bad_cb, NULL, NULL); int default_line = __LINE__;
    char want[512];
    snprintf(want, sizeof want,
             "weft: Exception in callback bad_cb() at %s:%d [bad_cb() at %s:%d]: Error: oops\n",
             __FILE__, default_line, __FILE__, default_line);
    weft_yield();
    EXPECT_SOON(capture_size(file) >= (long)strlen(want));
    capture_stderr_end(saved, file);
    EXPECT_STR(captured, want);
    EXPECT_INT(second_calls, 1);
    EXPECT_INT(ureport_count, 1);
    /* Back to a custom one; weft_call_exception_handler goes through it. */
    EXPECT_INT(weft_set_exception_handler(loop(), ucapture, PV(5)), 0);
    weft_exception_context context = {
        .message = "custom report",
        .error = 7,
        .error_message = "seven",
        .task = weft_current_task(),
        .source = "here",
    };
    weft_call_exception_handler(loop(), &context);
    EXPECT_INT(ureport_count, 2);
    EXPECT_STR(ureports[1].message, "custom report");
    EXPECT_INT(ureports[1].error, 7);
    EXPECT_STR(ureports[1].error_message, "seven");
    EXPECT_PTR(ureports[1].task, weft_current_task());
    EXPECT_STR(ureports[1].source, "here");
    EXPECT_PTR(ureports[1].arg, PV(5));
    EXPECT_PTR(ureports[1].executor, loop());
    EXPECT_INT(weft_set_exception_handler(NULL, ucapture, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    return 0;
}

static void exception_handler_set_reset_default(void **state)
{
    (void)state;
    second_calls = 0;
    assert_int_equal(URUN(handler_main, NULL, NULL), 0);
    assert_log("bad next bad bad");
    char want[256];
    snprintf(want, sizeof want, "Exception in callback bad_cb() at %s:%d", __FILE__, bad_line);
    assert_str(ureports[0].message, want);
    assert_int_equal(ureports[0].error, 42);
    assert_str(ureports[0].error_message, "oops");
    assert_null(ureports[0].task);
    assert_ptr_equal(ureports[0].arg, PV(0x5eed));
}

/* The _named forms: the given name and position appear in reports. */
static int named_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_executor *ex = loop();
    EXPECT_INT(weft_call_soon_named(ex, bad_cb, NULL, NULL, "soon_name", "s.c", 1), 0);
    EXPECT_INT(weft_call_later_named(ex, 0, bad_cb, NULL, NULL, "later_name", "l.c", 2), 0);
    EXPECT_INT(weft_call_at_named(ex, weft_time(ex), bad_cb, NULL, NULL, "at_name", "a.c", 3), 0);
    weft_sleep(0.005);
    EXPECT_SOON(ureport_count == 3);
    return 0;
}

static void named_calls_in_reports(void **state)
{
    (void)state;
    assert_int_equal(URUN(named_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 3);
    int soon = ureport_find("Exception in callback soon_name() at s.c:1");
    int later = ureport_find("Exception in callback later_name() at l.c:2");
    int at = ureport_find("Exception in callback at_name() at a.c:3");
    assert_true(soon >= 0 && later >= 0 && at >= 0);
    if (uworkers == 1) { /* call_soon, then the timers in deadline order */
        assert_int_equal(soon, 0);
        assert_int_equal(later, 1);
        assert_int_equal(at, 2);
    }
    assert_str(ureports[soon].source, "soon_name() at s.c:1");
    assert_int_equal(ureports[at].error, 42);
    assert_str(ureports[at].error_message, "oops");
}

static void default_handler_format(void **state)
{
    (void)state;
    int saved;
    FILE *file;
    weft_exception_context full = {"something broke", 12, "details", NULL, "fn() at x.c:3"};
    weft_exception_context bare = {"only a message", 0, NULL, NULL, NULL};
    weft_exception_context no_text = {"cancelled", WEFT_ECANCELLED, NULL, NULL, NULL};
    weft_exception_context no_message = {NULL, 0, NULL, NULL, NULL};
    capture_stderr_begin(&saved, &file);
    weft_default_exception_handler(NULL, &full, NULL);
    weft_default_exception_handler(NULL, &bare, NULL);
    weft_default_exception_handler(NULL, &no_text, NULL);
    weft_default_exception_handler(NULL, &no_message, NULL);
    weft_default_exception_handler(NULL, NULL, NULL); /* ignored */
    weft_call_exception_handler(NULL, &bare);          /* the default */
    capture_stderr_end(saved, file);
    assert_str(captured, "weft: something broke [fn() at x.c:3]: Error: details\n"
                         "weft: only a message\n"
                         "weft: cancelled: CancelledError: task was cancelled\n"
                         "weft: (no message)\n"
                         "weft: only a message\n");
}

/* ------------------------------------------------------- executor_current */

static weft_executor *_Atomic from_callback;
static int records_executor(void *arg)
{
    (void)arg;
    from_callback = weft_executor_current();
    return 0;
}

static int current_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_executor *mine = weft_executor_current();
    EXPECT(mine != NULL);
    from_callback = NULL;
    weft_call_soon(mine, records_executor, NULL, NULL);
    weft_yield();
    EXPECT_SOON(from_callback == mine);
    EXPECT_PTR(weft_executor_current(), mine);
    seen_executor = mine;
    return 0;
}

static void executor_current(void **state)
{
    (void)state;
    assert_null(weft_executor_current());
    assert_int_equal(URUN(current_main, NULL, NULL), 0);
    assert_null(weft_executor_current());
}

/* Every worker thread that runs the executor's tasks and callbacks sees it
 * as the current executor: with N workers, N threads are seen. */
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t seen_threads[8];
static _Atomic int seen_count;

static void note_thread(void)
{
    pthread_t self = uthread();
    pthread_mutex_lock(&seen_lock);
    int i = 0;
    while (i < seen_count && !pthread_equal(seen_threads[i], self))
        i++;
    if (i == seen_count && i < 8) {
        seen_threads[i] = self;
        seen_count = i + 1;
    }
    pthread_mutex_unlock(&seen_lock);
}

static int checks_executor_cb(void *arg)
{
    EXPECT_PTR(weft_executor_current(), arg);
    EXPECT_PTR(weft_current_task(), NULL);
    note_thread();
    return 0;
}

static int checks_executor(void *arg, void **result)
{
    (void)result;
    weft_executor *executor = arg;
    for (int round = 0; round < 4; round++) {
        EXPECT_PTR(weft_executor_current(), executor);
        note_thread();
        EXPECT_INT(weft_call_soon(weft_executor_current(), checks_executor_cb, executor, NULL), 0);
        ublock(0.0003);
        weft_yield();
    }
    return 0;
}

static int every_worker_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_executor *executor = weft_executor_current();
    double until = unow() + USOON_SECONDS;
    while (seen_count < (int)uworkers && unow() < until) {
        weft_task *tasks[8];
        for (int i = 0; i < 8; i++)
            tasks[i] = weft_spawn(checks_executor, executor);
        for (int i = 0; i < 8; i++) {
            EXPECT_INT(weft_await(tasks[i], NULL), 0);
            weft_task_release(tasks[i]);
        }
        EXPECT_PTR(weft_executor_current(), executor);
    }
    weft_yield(); /* the last callbacks */
    EXPECT_SOON(seen_count == (int)uworkers);
    return 0;
}

static void executor_current_on_every_worker(void **state)
{
    (void)state;
    seen_count = 0;
    assert_int_equal(URUN(every_worker_main, NULL, NULL), 0);
    assert_int_equal(seen_count, uworkers);
    /* The calling thread is worker 0. */
    bool caller_seen = false;
    for (int i = 0; i < seen_count; i++)
        caller_seen = caller_seen || pthread_equal(seen_threads[i], pthread_self());
    assert_true(caller_seen);
    assert_null(weft_executor_current());
}

/* ------------------------------------------------------- executor_submit */

static int submit_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    long n = utask_number(weft_current_task());
    weft_coro *coro = weft_coro_new(returns_arg, PV(4));
    weft_task *t = weft_executor_submit(loop(), coro, "submitted");
    EXPECT(t != NULL);
    EXPECT_STR(weft_task_get_name(t), "submitted");
    EXPECT_PTR(weft_task_get_coro(t), coro);
    weft_task *u = weft_executor_submit(loop(), weft_coro_new(returns_arg, PV(5)), NULL);
    EXPECT_NUMBER(u, n, 1);
    void *r = NULL;
    EXPECT_INT(weft_await(t, &r), 0);
    EXPECT_PTR(r, PV(4));
    EXPECT_INT(weft_await(u, &r), 0);
    EXPECT_PTR(r, PV(5));
    weft_task_release(t);
    weft_task_release(u);
    EXPECT_PTR(weft_executor_submit(loop(), NULL, NULL), NULL);
    EXPECT_ERR(WEFT_ENOTCORO, "a coroutine was expected, got None");
    weft_coro *kept = weft_coro_new(returns_arg, NULL);
    EXPECT_PTR(weft_executor_submit(NULL, kept, NULL), NULL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    EXPECT_INT(weft_await_coro(kept, NULL), 0); /* still fresh */
    return 0;
}

static void executor_submit_in_loop(void **state)
{
    (void)state;
    assert_int_equal(URUN(submit_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

/* From a foreign thread while the loop is blocked waiting for a timer. */
typedef struct foreign {
    weft_executor *executor;
    weft_task *main_task;
    weft_task *submitted;
    int soon_rc;
    int all_tasks_rc;
    pthread_t loop_thread;
    pthread_t foreign_thread;
    int ran_on_loop_thread;
    int ran_on_foreign_thread;
} foreign;

static int submitted_body(void *arg, void **result)
{
    foreign *f = arg;
    f->ran_on_loop_thread = pthread_equal(pthread_self(), f->loop_thread);
    f->ran_on_foreign_thread = pthread_equal(pthread_self(), f->foreign_thread);
    EXPECT_INT(weft_task_cancel(f->main_task, "woken"), 1);
    *result = PV(123);
    return 0;
}

static void *foreign_thread(void *arg)
{
    foreign *f = arg;
    f->foreign_thread = pthread_self(); /* before the submission that reads it */
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, NULL); /* the loop is asleep in its 2 s wait */
    /* Loop calls from a foreign thread are refused. */
    f->soon_rc = weft_call_soon(f->executor, dummy, NULL, NULL);
    weft_task **tasks = NULL;
    size_t count = 0;
    f->all_tasks_rc = weft_all_tasks(&tasks, &count);
    f->submitted = weft_executor_submit(f->executor, weft_coro_new(submitted_body, f), "foreign");
    return NULL; /* this thread's last error is freed when it exits */
}

static int foreign_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    foreign *f = calloc(1, sizeof *f);
    f->executor = loop();
    f->main_task = weft_current_task();
    f->loop_thread = pthread_self();
    pthread_t thread;
    EXPECT_INT(pthread_create(&thread, NULL, foreign_thread, f), 0);
    double start = unow();
    int rc = weft_sleep(2.0);
    double elapsed = unow() - start;
    EXPECT_INT(rc, WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "woken");
    EXPECT(elapsed >= 0.045);
    EXPECT(elapsed < 1.0); /* woken by the submission, not by the timer */
    pthread_join(thread, NULL);
    EXPECT_INT(f->soon_rc, WEFT_ENOLOOP);
    EXPECT_INT(f->all_tasks_rc, WEFT_ENOLOOP);
    EXPECT(f->submitted != NULL);
    /* On the loop's thread; with several workers on one of them. */
    EXPECT_ORDERED(f->ran_on_loop_thread);
    EXPECT(!f->ran_on_foreign_thread);
    if (f->submitted != NULL) {
        EXPECT_STR(weft_task_get_name(f->submitted), "foreign");
        void *r = NULL;
        EXPECT_INT(weft_await(f->submitted, &r), 0);
        EXPECT_PTR(r, PV(123));
        weft_task_release(f->submitted);
    }
    free(f);
    return 0; /* the cancel was caught: main finishes normally */
}

static void executor_submit_from_foreign_thread(void **state)
{
    (void)state;
    assert_int_equal(URUN(foreign_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

/* After the run the executor is shut down: WEFT_ESHUTDOWN. */
static weft_task *survivor;
static weft_executor *dead_executor;

static int keeps_executor(void *arg, void **result)
{
    (void)arg;
    (void)result;
    survivor = weft_spawn(returns_arg, NULL); /* holds the executor */
    dead_executor = loop();
    return 0;
}

static void calls_after_shutdown(void **state)
{
    (void)state;
    assert_int_equal(URUN(keeps_executor, NULL, NULL), 0);
    weft_coro *coro = weft_coro_new(returns_arg, NULL);
    assert_null(weft_executor_submit(dead_executor, coro, NULL));
    assert_int_equal(weft_last_error(), WEFT_ESHUTDOWN);
    assert_int_equal(weft_call_soon(dead_executor, dummy, NULL, NULL), WEFT_ESHUTDOWN);
    assert_int_equal(weft_call_later(dead_executor, 1, dummy, NULL, NULL), WEFT_ESHUTDOWN);
    assert_int_equal(weft_call_at(dead_executor, 1, dummy, NULL, NULL), WEFT_ESHUTDOWN);
    assert_int_equal(weft_last_error(), WEFT_ESHUTDOWN);
    /* The coroutine is still the caller's. */
    assert_int_equal(weft_run(coro, NULL), 0);
    weft_task_release(survivor);
}

/* ------------------------------------------------------------ all_tasks */

/* Pending until its gate (arg) opens, whatever the worker count. */
static int waits_at(void *arg, void **result)
{
    (void)result;
    return ugate_wait(arg);
}

static ugate gate_a, gate_b, gate_c;

static bool contains(weft_task **tasks, size_t count, const weft_task *task)
{
    for (size_t i = 0; i < count; i++)
        if (tasks[i] == task)
            return true;
    return false;
}

static int all_tasks_callback(void *arg)
{
    weft_task *main_task = arg;
    weft_task **tasks = NULL;
    size_t count = 0;
    EXPECT_INT(weft_all_tasks(&tasks, &count), 0);
    EXPECT_INT(count, 1);
    if (count == 1)
        EXPECT_PTR(tasks[0], main_task);
    weft_tasks_release(tasks, count);
    ulog("cb");
    return 0;
}

static int all_tasks_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *self = weft_current_task();
    gate_a.open = gate_b.open = gate_c.open = 0;
    weft_task *a = weft_task_create(weft_coro_new(waits_at, &gate_a), "a");
    weft_task *b = weft_task_create(weft_coro_new(waits_at, &gate_b), "b");
    weft_task *c = weft_task_create(weft_coro_new(waits_at, &gate_c), "c");
    weft_task **tasks = NULL;
    size_t count = 0;
    EXPECT_INT(weft_all_tasks(&tasks, &count), 0);
    /* The current task and unstarted ones included: in creation order
     * with one worker, worker by worker with several. */
    EXPECT_INT(count, 4);
    if (count == 4) {
        EXPECT(contains(tasks, count, self) && contains(tasks, count, a) &&
               contains(tasks, count, b) && contains(tasks, count, c));
        EXPECT_ORDERED(tasks[0] == self && tasks[1] == a && tasks[2] == b && tasks[3] == c);
    }
    ugate_open(&gate_b);
    weft_yield(); /* b is done: it drops out */
    EXPECT_SOON(weft_task_done(b));
    weft_task **later = NULL;
    size_t later_count = 0;
    EXPECT_INT(weft_all_tasks(&later, &later_count), 0);
    EXPECT_INT(later_count, 3);
    if (later_count == 3) {
        EXPECT(contains(later, later_count, self) && contains(later, later_count, a) &&
               contains(later, later_count, c));
        EXPECT_ORDERED(later[0] == self && later[1] == a && later[2] == c);
    }
    weft_tasks_release(later, later_count);
    /* The first snapshot is unchanged and holds references. */
    weft_task_release(b);
    EXPECT(count == 4 && contains(tasks, count, b) && weft_task_done(b));
    weft_tasks_release(tasks, count);
    ugate_open(&gate_a);
    ugate_open(&gate_c);
    EXPECT_INT(weft_await(a, NULL), 0);
    EXPECT_INT(weft_await(c, NULL), 0);
    weft_task_release(a);
    weft_task_release(c);
    weft_call_soon(loop(), all_tasks_callback, self, NULL);
    weft_yield();
    EXPECT_LOG("cb");
    return 0;
}

static void all_tasks_snapshots(void **state)
{
    (void)state;
    assert_int_equal(URUN(all_tasks_main, NULL, NULL), 0);
    assert_str(ulog_get(), "cb");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UTEST(call_soon_fifo),
        UTEST(call_later_and_at_order),
        UTEST(soon_then_due_timer),
        UTEST(handle_cancel_when_release),
        UTEST(cancelled_timers_never_run),
        UTEST(bad_arguments),
        UTEST_NO_LOOP(calls_outside_loop),
        UTEST_NO_LOOP(time_is_monotonic),
        UTEST(time_in_loop),
        UTEST(exception_handler_set_reset_default),
        UTEST(named_calls_in_reports),
        UTEST_NO_LOOP(default_handler_format),
        UTEST(executor_current),
        UTEST(executor_current_on_every_worker),
        UTEST(executor_submit_in_loop),
        UTEST(executor_submit_from_foreign_thread),
        UTEST(calls_after_shutdown),
        UTEST(all_tasks_snapshots),
    };
    return URUN_GROUPS("test_loop", tests);
}
