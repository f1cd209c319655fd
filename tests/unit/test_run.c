/* Running: weft_run, weft_run_with, weft_config_init; shutdown of the
 * tasks left pending (A1-A5) and its reports. */
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"

static int returns_arg(void *arg, void **result)
{
    *result = arg;
    return 0;
}

static int fails(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_raise(17, "main failed: %s", "badly");
}

static int fails_silently(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return 18;
}

/* ---------------------------------------------------------------- outcomes */

static void run_returns_result(void **state)
{
    (void)state;
    void *r = NULL;
    assert_int_equal(weft_run(weft_coro_new(returns_arg, PV(42)), &r), 0);
    assert_ptr_equal(r, PV(42));
    /* result may be NULL. */
    assert_int_equal(weft_run(weft_coro_new(returns_arg, PV(1)), NULL), 0);
    weft_config config;
    weft_config_init(&config);
    assert_int_equal(weft_run_with(&config, weft_coro_new(returns_arg, PV(43)), &r), 0);
    assert_ptr_equal(r, PV(43));
    assert_int_equal(weft_run_with(NULL, weft_coro_new(returns_arg, PV(44)), &r), 0);
    assert_ptr_equal(r, PV(44));
}

static void run_returns_error(void **state)
{
    (void)state;
    void *r = PV(-1);
    assert_int_equal(weft_run(weft_coro_new(fails, NULL), &r), 17);
    assert_int_equal(weft_last_error(), 17);
    assert_str(weft_last_error_message(), "main failed: badly");
    assert_ptr_equal(r, PV(-1));
    assert_int_equal(weft_run(weft_coro_new(fails_silently, NULL), &r), 18);
    assert_int_equal(weft_last_error(), 18);
    assert_null(weft_last_error_message());
}

static weft_task *main_task;

static int cancels_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    EXPECT_INT(weft_task_cancel(main_task, "from a child"), 1);
    return 0;
}

static int gets_cancelled(void *arg, void **result)
{
    (void)result;
    main_task = weft_current_task();
    weft_task *t = weft_task_create(weft_coro_new(cancels_main, NULL), NULL);
    weft_task_release(t);
    int rc = weft_sleep(5);
    EXPECT_INT(rc, WEFT_ECANCELLED);
    if (arg != NULL)
        return rc;
    return weft_raise(WEFT_ECANCELLED, NULL);
}

static void run_cancelled_main(void **state)
{
    (void)state;
    double start = unow();
    assert_int_equal(URUN(gets_cancelled, PV(1), NULL), WEFT_ECANCELLED);
    assert_int_equal(weft_last_error(), WEFT_ECANCELLED);
    assert_str(weft_last_error_message(), "from a child");
    assert_true(unow() - start < 1.0);
    assert_int_equal(URUN(gets_cancelled, NULL, NULL), WEFT_ECANCELLED);
    assert_null(weft_last_error_message());
}

/* ----------------------------------------------------------------- errors */

static int nested_line;
static int nested_run(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_coro *inner = weft_coro_new(returns_arg, NULL);
    EXPECT_INT(weft_run(inner, NULL), WEFT_ERUNNING);
    EXPECT_ERR(WEFT_ERUNNING, "weft_run() cannot be called from a running event loop");
    /* Not taken over: still fresh and ours. */
    EXPECT_INT(weft_await_coro(inner, NULL), 0);
    EXPECT_INT(weft_run_with(NULL, NULL, NULL), WEFT_ERUNNING);
    return 0;
}

static int run_in_callback(void *arg)
{
    (void)arg;
    weft_coro *inner = weft_coro_new(returns_arg, NULL); nested_line = __LINE__;
    EXPECT_INT(weft_run(inner, NULL), WEFT_ERUNNING);
    EXPECT_INT(weft_last_error(), WEFT_ERUNNING);
    EXPECT_INT(weft_coro_free(inner), 0); /* reported as never awaited */
    return 0;
}

static int nested_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(nested_run, NULL), NULL);
    EXPECT_INT(weft_await(t, NULL), 0);
    weft_task_release(t);
    weft_call_soon(weft_executor_current(), run_in_callback, NULL, NULL);
    weft_yield();
    return 0;
}

static void run_inside_run(void **state)
{
    (void)state;
    assert_int_equal(URUN(nested_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 1);
    assert_str(ureports[0].message, "coroutine 'returns_arg' was never awaited");
}

static void run_null(void **state)
{
    (void)state;
    assert_int_equal(weft_run(NULL, NULL), WEFT_ENOTCORO);
    assert_int_equal(weft_last_error(), WEFT_ENOTCORO);
    assert_str(weft_last_error_message(), "a coroutine was expected, got None");
    weft_config config;
    weft_config_init(&config);
    assert_int_equal(weft_run_with(&config, NULL, NULL), WEFT_ENOTCORO);
}

static void config_defaults(void **state)
{
    (void)state;
    weft_config config;
    memset(&config, 0xab, sizeof config);
    weft_config_init(&config);
    assert_int_equal(config.workers, 0);
    assert_int_equal(config.order, WEFT_ORDER_DEFAULT);
    assert_int_equal(config.stack_size, 0);
    assert_false(config.guard_pages);
    assert_null(config.exception_handler);
    assert_null(config.exception_handler_arg);
}

static _Atomic int body_ran;
static int marks(void *arg, void **result)
{
    (void)arg;
    (void)result;
    body_ran++;
    return 0;
}

static void config_rejected(void **state)
{
    (void)state;
    weft_config config;
    weft_config_init(&config);
    config.workers = 100000; /* more than WEFT_MAX_WORKERS */
    body_ran = 0;
    /* Taken over on failure too: LeakSanitizer checks it was freed. */
    assert_int_equal(weft_run_with(&config, weft_coro_new(marks, NULL), NULL), WEFT_EINVAL);
    assert_int_equal(weft_last_error(), WEFT_EINVAL);
    assert_non_null(weft_last_error_message());
    weft_config_init(&config);
    config.order = (weft_order)99;
    assert_int_equal(weft_run_with(&config, weft_coro_new(marks, NULL), NULL), WEFT_EINVAL);
    assert_int_equal(body_ran, 0);
    /* Explicit valid values work (the group's worker count). */
    weft_config_init(&config);
    config.workers = uworkers;
    config.order = WEFT_ORDER_FIFO;
    assert_int_equal(weft_run_with(&config, weft_coro_new(marks, NULL), NULL), 0);
    config.order = WEFT_ORDER_LIFO;
    assert_int_equal(weft_run_with(&config, weft_coro_new(marks, NULL), NULL), 0);
    assert_int_equal(body_ran, 2);
}

/* ------------------------------------------------------------- stacks */

static int deep(void *arg, void **result)
{
    size_t bytes = (size_t)(uintptr_t)arg;
    volatile unsigned char *buffer = __builtin_alloca(bytes);
    for (size_t i = 0; i < bytes; i += 512)
        buffer[i] = (unsigned char)i;
    unsigned sum = 0;
    for (size_t i = 0; i < bytes; i += 512)
        sum += buffer[i];
    weft_yield(); /* the stack survives a switch */
    for (size_t i = 0; i < bytes; i += 512)
        sum -= buffer[i];
    *result = PV(sum);
    return 0;
}

static int stacks_main(void *arg, void **result)
{
    (void)result;
    weft_task *tasks[4];
    for (int i = 0; i < 4; i++)
        tasks[i] = weft_task_create(weft_coro_new(deep, arg), NULL);
    for (int i = 0; i < 4; i++) {
        void *r = PV(-1);
        EXPECT_INT(weft_await(tasks[i], &r), 0);
        EXPECT_PTR(r, PV(0));
        weft_task_release(tasks[i]);
    }
    return 0;
}

static void guard_pages_and_stack_size(void **state)
{
    (void)state;
    weft_config config;
    weft_config_init(&config);
    config.guard_pages = true;
    config.stack_size = 1024 * 1024;
    assert_int_equal(urun_with(&config, weft_coro_new(stacks_main, PV(512 * 1024)), NULL), 0);
    weft_config_init(&config);
    config.guard_pages = true;
    assert_int_equal(urun_with(&config, weft_coro_new(stacks_main, PV(16 * 1024)), NULL), 0);
    weft_config_init(&config);
    config.stack_size = 256 * 1024 + 123; /* not a page multiple */
    assert_int_equal(urun_with(&config, weft_coro_new(stacks_main, PV(128 * 1024)), NULL), 0);
}

/* A task overflowing its stack hits the guard page: weft names the task and
 * aborts. Run in a child process. */
__attribute__((noinline)) static unsigned recurse(unsigned depth)
{
    volatile unsigned char frame[1024];
    frame[0] = (unsigned char)depth;
    frame[1023] = (unsigned char)depth;
    if (depth == 0)
        return frame[0];
    return recurse(depth - 1) + frame[1023];
}

static int overflows(void *arg, void **result)
{
    (void)arg;
    *result = PV(recurse(100000));
    return 0;
}

static int overflow_main(void *arg, void **result)
{
    (void)arg;
    weft_task *t = weft_task_create(weft_coro_new(overflows, NULL), "overflower");
    int rc = weft_await(t, result);
    weft_task_release(t);
    return rc;
}

/* The child runs in a fresh image (re-executed with "overflow-child N",
 * N workers): the library installs its SIGSEGV handler once per process,
 * and cmocka swaps its own handler in around every test. */
static int overflow_child(unsigned workers)
{
    weft_config config;
    weft_config_init(&config);
    config.workers = workers;
    config.guard_pages = true;
    config.stack_size = 64 * 1024;
    weft_run_with(&config, weft_coro_new(overflow_main, NULL), NULL);
    return 0; /* not reached */
}

static void stack_overflow_is_reported(void **state)
{
    (void)state;
    /* The child re-executes this program through /proc/self/exe, which
     * under valgrind is valgrind itself (make check-valgrind says so). */
    if (getenv("WEFT_UNIT_UNDER_VALGRIND") != NULL)
        skip();
    int pipe_fds[2];
    assert_int_equal(pipe(pipe_fds), 0);
    fflush(NULL);
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        dup2(pipe_fds[1], 2);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        char workers[16];
        snprintf(workers, sizeof workers, "%u", uworkers);
        char *argv[] = {"test_run", "overflow-child", workers, NULL};
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    close(pipe_fds[1]);
    char text[4096];
    size_t used = 0;
    ssize_t n;
    while (used < sizeof text - 1 &&
           (n = read(pipe_fds[0], text + used, sizeof text - 1 - used)) > 0)
        used += (size_t)n;
    text[used] = '\0';
    close(pipe_fds[0]);
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
        fail_msg("status %#x, stderr: %s", status, text);
    if (strstr(text, "weft: stack overflow in task 'overflower' (coroutine overflows(), "
                     "stack size ") == NULL)
        fail_msg("unexpected report: %s", text);
}

/* ------------------------------------------------------------- shutdown */

static int finished_first_step;
static int shutdown_log_line;

static int first_step_then_wait(void *arg, void **result)
{
    (void)arg;
    (void)result;
    finished_first_step = 1; /* A2: still gets its first step */
    int rc = weft_sleep(30);
    ulog("late:%d", rc);
    return rc;
}

static int sleeper(void *arg, void **result)
{
    (void)result;
    ustarted();
    int rc = weft_sleep(30);
    ulog("%s:%d:%s", (const char *)arg, rc, weft_last_error_message() ? "msg" : "nomsg");
    return rc;
}

static int cleans_up(void *arg, void **result)
{
    (void)arg;
    (void)result;
    ustarted();
    int rc = weft_sleep(30);
    /* Catches the cancel and takes a few more steps, even sleeping. */
    EXPECT_INT(weft_yield(), 0);
    EXPECT_INT(weft_sleep(0.01), 0);
    ulog("cleanup:%d", rc);
    return 0;
}

static int fails_at_shutdown(void *arg, void **result)
{
    (void)arg;
    (void)result;
    ustarted();
    weft_sleep(30);
    return weft_raise(66, "failed while shutting down");
}

static weft_task *failing_at_shutdown;

static int spawns_during_shutdown(void *arg, void **result)
{
    (void)arg;
    (void)result;
    ustarted();
    weft_sleep(30);
    /* A task created during shutdown is cancelled too (a difference). */
    weft_task *t = weft_task_create(weft_coro_new(sleeper, "grandchild"), NULL);
    weft_task_release(t);
    ulog("spawned");
    return WEFT_ECANCELLED;
}

static int leaves_tasks(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t;
    t = weft_task_create(weft_coro_new(sleeper, "a"), NULL);
    weft_task_release(t);
    t = weft_task_create(weft_coro_new(cleans_up, NULL), NULL);
    weft_task_release(t);
    failing_at_shutdown = weft_task_create(weft_coro_new(fails_at_shutdown, NULL), "failing");
    weft_task_release(failing_at_shutdown);
    t = weft_task_create(weft_coro_new(spawns_during_shutdown, NULL), NULL);
    weft_task_release(t);
    weft_yield();
    t = weft_task_create(weft_coro_new(first_step_then_wait, NULL), NULL);
    weft_task_release(t);
    *result = PV(8);
    shutdown_log_line = __LINE__;
    return 0;
}

static void pending_tasks_cancelled_at_shutdown(void **state)
{
    (void)state;
    finished_first_step = 0;
    double start = unow();
    void *r = NULL;
    assert_int_equal(URUN(leaves_tasks, NULL, &r), 0);
    assert_ptr_equal(r, PV(8));
    assert_true(unow() - start < 2.0);
    assert_int_equal(finished_first_step, 1);
    /* Cancelled without a message, in creation order; each completes. */
    assert_str(ulog_get(), "a:-1008:nomsg spawned late:-1008 cleanup:-1008 grandchild:-1008:nomsg");
    /* Exactly one report: the shutdown error (not also "never retrieved"). */
    assert_int_equal(ureport_count, 1);
    assert_str(ureports[0].message, "unhandled exception during weft_run() shutdown");
    assert_int_equal(ureports[0].error, 66);
    assert_str(ureports[0].error_message, "failed while shutting down");
    assert_ptr_equal(ureports[0].task, failing_at_shutdown);
    assert_true(strncmp(ureports[0].source, "<Task finished name='failing' ", 30) == 0);
}

/* The same without A2's last-minute task, for any worker count: tasks
 * that started are cancelled without a message and each completes. */
static int leaves_started_tasks(void *arg, void **result)
{
    (void)arg;
    weft_task *t;
    t = weft_task_create(weft_coro_new(sleeper, "a"), NULL);
    weft_task_release(t);
    t = weft_task_create(weft_coro_new(cleans_up, NULL), NULL);
    weft_task_release(t);
    failing_at_shutdown = weft_task_create(weft_coro_new(fails_at_shutdown, NULL), "failing");
    weft_task_release(failing_at_shutdown);
    t = weft_task_create(weft_coro_new(spawns_during_shutdown, NULL), NULL);
    weft_task_release(t);
    weft_yield();
    EXPECT_SOON(ustarted_count == 4);
    *result = PV(9);
    return 0;
}

static void shutdown_cancels_started_tasks(void **state)
{
    (void)state;
    double start = unow();
    void *r = NULL;
    assert_int_equal(URUN(leaves_started_tasks, NULL, &r), 0);
    assert_ptr_equal(r, PV(9));
    assert_true(unow() - start < 2.0);
    assert_log("a:-1008:nomsg spawned cleanup:-1008 grandchild:-1008:nomsg");
    assert_int_equal(ureport_count, 1);
    assert_str(ureports[0].message, "unhandled exception during weft_run() shutdown");
    assert_int_equal(ureports[0].error, 66);
    assert_str(ureports[0].error_message, "failed while shutting down");
    assert_ptr_equal(ureports[0].task, failing_at_shutdown);
    assert_true(strncmp(ureports[0].source, "<Task finished name='failing' ", 30) == 0);
}

/* A2: everything queued in the iteration after main finished still runs
 * normally: a task awaiting main and a done callback on main. */
static int awaits_main(void *arg, void **result)
{
    (void)result;
    void *r = NULL;
    int rc = weft_await((weft_task *)arg, &r);
    ulog("waiter:%d:%d", rc, IV(r));
    return 0;
}

static int main_done(weft_task *task, void *arg)
{
    (void)arg;
    void *r = NULL;
    EXPECT_INT(weft_task_result(task, &r), 0);
    ulog("callback:%d", IV(r));
    return 0;
}

static int awaited_main(void *arg, void **result)
{
    (void)arg;
    weft_task *self = weft_current_task();
    weft_task *t = weft_task_create(weft_coro_new(awaits_main, self), NULL);
    weft_task_release(t);
    weft_task_add_done_callback(self, main_done, NULL);
    weft_yield(); /* the waiter starts waiting on main */
    *result = PV(31);
    return 0;
}

static void last_iteration_runs_normally(void **state)
{
    (void)state;
    void *r = NULL;
    assert_int_equal(URUN(awaited_main, NULL, &r), 0);
    assert_ptr_equal(r, PV(31));
    assert_str(ulog_get(), "callback:31 waiter:0:31"); /* registration order */
}

/* Done callbacks of the tasks cancelled at shutdown must run (asyncio.run
 * runs them: gather waits one more hop). weft drops them when the executor
 * closes, right after the last cancelled task completes. */
static int sleeps(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_sleep(30);
}

static int logs_done(weft_task *task, void *arg)
{
    ulog("%s:%s", (const char *)arg, weft_task_cancelled(task) ? "cancelled" : "not");
    return 0;
}

static int leaves_callbacks(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(sleeps, NULL), NULL);
    weft_task_add_done_callback(t, logs_done, "done-cb");
    weft_task_release(t);
    return 0;
}

static void shutdown_runs_done_callbacks(void **state)
{
    (void)state;
    assert_int_equal(URUN(leaves_callbacks, NULL, NULL), 0);
    assert_str(ulog_get(), "done-cb:cancelled");
}

/* Callbacks already in the ready queue when main's run ends: asyncio.run
 * keeps iterating for its shutdown steps, so a call_soon made by a callback
 * of the last iteration still runs; weft closes and drops it. */
static int second_soon(void *arg)
{
    (void)arg;
    ulog("B");
    return 0;
}

static int first_soon(void *arg)
{
    (void)arg;
    ulog("A");
    weft_call_soon(weft_executor_current(), second_soon, NULL, NULL);
    return 0;
}

static int queues_callback(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_call_soon(weft_executor_current(), first_soon, NULL, NULL);
    return 0;
}

static void shutdown_runs_ready_callbacks(void **state)
{
    (void)state;
    assert_int_equal(URUN(queues_callback, NULL, NULL), 0);
    assert_str(ulog_get(), "A B");
}

/* The same when the callbacks are still running as main's run ends (with
 * several workers, on other threads): what they queue still runs. */
static int slow_first_soon(void *arg)
{
    (void)arg;
    ublock(0.002);
    ulog("A");
    weft_call_soon(weft_executor_current(), second_soon, NULL, NULL);
    return 0;
}

static int queues_slow_callbacks(void *arg, void **result)
{
    (void)arg;
    (void)result;
    for (int i = 0; i < 8; i++)
        weft_call_soon(weft_executor_current(), slow_first_soon, NULL, NULL);
    return 0;
}

static void shutdown_runs_callbacks_in_flight(void **state)
{
    (void)state;
    assert_int_equal(URUN(queues_slow_callbacks, NULL, NULL), 0);
    assert_int_equal(ulog_count("A"), 8);
    assert_int_equal(ulog_count("B"), 8);
}

/* ---------------------------------------------------- two loops, threads */

static weft_task *other_loop_task;
static weft_executor *other_loop_executor;
static volatile int other_loop_ready;

static int other_loop_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    other_loop_executor = weft_executor_current();
    other_loop_task = weft_current_task();
    __atomic_store_n(&other_loop_ready, 1, __ATOMIC_RELEASE);
    while (__atomic_load_n(&other_loop_ready, __ATOMIC_ACQUIRE) != 2)
        weft_sleep(0.005);
    *result = PV(2);
    return 0;
}

static void *other_loop_thread(void *arg)
{
    (void)arg;
    void *r = NULL;
    int rc = weft_run(weft_coro_new(other_loop_main, NULL), &r);
    return PV(rc == 0 ? IV(r) : rc);
}

static int this_loop_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    pthread_t thread;
    EXPECT_INT(pthread_create(&thread, NULL, other_loop_thread, NULL), 0);
    while (__atomic_load_n(&other_loop_ready, __ATOMIC_ACQUIRE) != 1)
        weft_sleep(0.005);
    EXPECT(other_loop_executor != weft_executor_current());
    EXPECT(utask_number(other_loop_task) != utask_number(weft_current_task()));
    /* A task of another loop cannot be awaited here. */
    EXPECT_INT(weft_await(other_loop_task, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    __atomic_store_n(&other_loop_ready, 2, __ATOMIC_RELEASE);
    void *ret = NULL;
    pthread_join(thread, &ret);
    EXPECT_PTR(ret, PV(2));
    return 0;
}

static void two_loops_in_two_threads(void **state)
{
    (void)state;
    __atomic_store_n(&other_loop_ready, 0, __ATOMIC_RELAXED);
    assert_int_equal(URUN(this_loop_main, NULL, NULL), 0);
}

/* Regression: an explicit executor with one worker thread shuts down. Its
 * thread blocks on the inject queue's condition variable (single-loop poll),
 * which shutdown did not signal: weft_executor_free hung in pthread_join,
 * most of the time. The alarm turns a hang into a failure. */
static void single_worker_executor_shuts_down(void **state)
{
    (void)state;
    alarm(60);
    weft_config config;
    weft_config_init(&config);
    config.workers = 1;
    for (int round = 0; round < 50; round++) {
        weft_executor *executor;
        assert_int_equal(weft_executor_create(&config, &executor), 0);
        weft_task *task = weft_executor_submit(executor, weft_coro_new(returns_arg, PV(round)), NULL);
        assert_non_null(task);
        void *value = NULL;
        assert_int_equal(weft_executor_wait(task, &value), 0);
        assert_int_equal(IV(value), round);
        weft_task_release(task);
        weft_executor_free(executor); /* its thread is idle, blocked in the poll */
    }
    alarm(0);
}

/* Regression: with several workers, weft_run's shutdown could end while a
 * worker thread was still running a callback that queues more work; that
 * work was then dropped with the loop. Each of these callbacks blocks its
 * worker for a while after main returned, then queues a last callback. */
static atomic_int late_callbacks_run;

static int late_callback(void *arg)
{
    (void)arg;
    atomic_fetch_add(&late_callbacks_run, 1);
    return 0;
}

static int blocking_callback(void *arg)
{
    (void)arg;
    nanosleep(&(struct timespec){0, 100 * 1000000}, NULL);
    return weft_call_soon(weft_executor_current(), late_callback, NULL, NULL);
}

static int schedules_blocking(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_call_soon(weft_executor_current(), blocking_callback, NULL, NULL);
}

static int leaves_blocking_callbacks(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *tasks[8];
    for (int i = 0; i < 8; i++)
        tasks[i] = weft_spawn(schedules_blocking, NULL);
    for (int i = 0; i < 8; i++) {
        EXPECT_INT(weft_await(tasks[i], NULL), 0);
        weft_task_release(tasks[i]);
    }
    return 0; /* the blocking callbacks are queued or running now */
}

static void shutdown_waits_for_busy_workers(void **state)
{
    (void)state;
    alarm(60);
    weft_config config;
    weft_config_init(&config);
    config.workers = 4;
    for (int round = 0; round < 3; round++) {
        atomic_store(&late_callbacks_run, 0);
        assert_int_equal(urun_with(&config, weft_coro_new(leaves_blocking_callbacks, NULL), NULL),
                         0);
        assert_int_equal(atomic_load(&late_callbacks_run), 8);
    }
    alarm(0);
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "overflow-child") == 0)
        return overflow_child((unsigned)atoi(argv[2]));
    const struct CMUnitTest tests[] = {
        UTEST_NO_LOOP(run_returns_result),
        UTEST_NO_LOOP(run_returns_error),
        UTEST(run_cancelled_main),
        UTEST(run_inside_run),
        UTEST_NO_LOOP(run_null),
        UTEST_NO_LOOP(config_defaults),
        UTEST(config_rejected),
        UTEST(guard_pages_and_stack_size),
        UTEST(stack_overflow_is_reported),
        UTEST_ONE_WORKER(pending_tasks_cancelled_at_shutdown,
                         "A2: a task created as main returns gets its first step first"),
        UTEST(shutdown_cancels_started_tasks),
        UTEST_ONE_WORKER(last_iteration_runs_normally,
                         "A2: the hop after main's completion runs before shutdown cancels"),
        UTEST(shutdown_runs_done_callbacks),
        UTEST(shutdown_runs_ready_callbacks),
        UTEST(shutdown_runs_callbacks_in_flight),
        UTEST(two_loops_in_two_threads),
        UTEST(single_worker_executor_shuts_down),
        UTEST(shutdown_waits_for_busy_workers),
    };
    return URUN_GROUPS("test_run", tests);
}
