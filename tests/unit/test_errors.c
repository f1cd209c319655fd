/* Errors: weft_strerror, weft_error_name, weft_raise, weft_last_error and
 * weft_last_error_message inside tasks, callbacks and plain threads. */
#include <math.h>
#include <pthread.h>

#include "unit.h"

static const struct {
    int code;
    const char *text;
    const char *name;
} codes[] = {
    {WEFT_EINVAL, "invalid argument", "ValueError"},
    {WEFT_ENOMEM, "out of memory", "MemoryError"},
    {WEFT_ENOLOOP, "no running event loop", "RuntimeError"},
    {WEFT_ENOTCORO, "a coroutine was expected, got None", "TypeError"},
    {WEFT_EAWAITSELF, "Task cannot await on itself", "RuntimeError"},
    {WEFT_EAWAITED, "coroutine is being awaited already", "RuntimeError"},
    {WEFT_EREUSED, "cannot reuse already awaited coroutine", "RuntimeError"},
    {WEFT_ECANCELLED, "task was cancelled", "CancelledError"},
    {WEFT_EINVALSTATE, "Result is not set.", "InvalidStateError"},
    {WEFT_ERUNNING, "weft_run() cannot be called from a running event loop", "RuntimeError"},
    {WEFT_ENOTASK, "not called from a task", "RuntimeError"},
    {WEFT_ESHUTDOWN, "executor is shut down", "RuntimeError"},
    {WEFT_ETIMEDOUT, "deadline exceeded", "TimeoutError"},
    {WEFT_ESYSTEM, "the operating system refused a resource", "OSError"},
    {WEFT_EQUEUEEMPTY, "the queue is empty", "QueueEmpty"},
    {WEFT_EQUEUEFULL, "the queue is full", "QueueFull"},
    {WEFT_EGROUP, "unhandled errors in a TaskGroup", "ExceptionGroup"},
    {WEFT_ENOTACQUIRED, "Lock is not acquired.", "RuntimeError"},
    {WEFT_EBUSY, "a process-wide setting cannot change while weft is in use", "RuntimeError"},
};

static void strerror_every_code(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        assert_str(weft_strerror(codes[i].code), codes[i].text);
    assert_str(weft_strerror(WEFT_OK), "success");
    /* Codes that are not weft's: user codes and gaps in weft's range. */
    const int others[] = {1, 42, -1, -1000, -1020, -2000, 1001, INT32_MAX, INT32_MIN};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        assert_str(weft_strerror(others[i]), "unknown error");
}

static void error_name_every_code(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        assert_str(weft_error_name(codes[i].code), codes[i].name);
    const int users[] = {1, 42, 7000, -1, -1000, -1020, INT32_MAX};
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++)
        assert_str(weft_error_name(users[i]), "Error");
}

static void codes_are_distinct_and_negative(void **state)
{
    (void)state;
    size_t n = sizeof codes / sizeof codes[0];
    assert_int_equal(n, 19); /* every WEFT_E* code of weft.h */
    for (size_t i = 0; i < n; i++) {
        assert_true(codes[i].code < 0);
        for (size_t j = i + 1; j < n; j++)
            assert_int_not_equal(codes[i].code, codes[j].code);
    }
    assert_int_equal(WEFT_OK, 0);
}

static void raise_outside_tasks(void **state)
{
    (void)state;
    assert_int_equal(weft_raise(42, "bad %d and %s", 7, "x"), 42);
    assert_int_equal(weft_last_error(), 42);
    assert_str(weft_last_error_message(), "bad 7 and x");
    /* fmt NULL: the code with no message. */
    assert_int_equal(weft_raise(43, NULL), 43);
    assert_int_equal(weft_last_error(), 43);
    assert_null(weft_last_error_message());
    /* weft's own codes can be raised too. */
    assert_int_equal(weft_raise(WEFT_ETIMEDOUT, "late"), WEFT_ETIMEDOUT);
    assert_int_equal(weft_last_error(), WEFT_ETIMEDOUT);
    assert_str(weft_last_error_message(), "late");
    /* Negative user codes are returned unchanged. */
    assert_int_equal(weft_raise(-5, "minus"), -5);
    assert_int_equal(weft_last_error(), -5);
}

static void failing_call_sets_last_error_outside_loops(void **state)
{
    (void)state;
    weft_raise(1, "old");
    /* A constructor failure: NULL and the code. */
    assert_null(weft_coro_new_named(NULL, NULL, "none", __FILE__, __LINE__));
    assert_int_equal(weft_last_error(), WEFT_ENOTCORO);
    assert_non_null(weft_last_error_message());
    /* An int-returning failure. */
    assert_int_equal(weft_task_cancel(NULL, "x"), WEFT_EINVAL);
    assert_int_equal(weft_last_error(), WEFT_EINVAL);
    assert_non_null(weft_last_error_message());
    assert_int_equal(weft_yield(), WEFT_ENOLOOP);
    assert_int_equal(weft_last_error(), WEFT_ENOLOOP);
}

/* ---------------------------------------------------------------- threads */

static void *thread_raises(void *arg)
{
    (void)arg;
    int *out = calloc(4, sizeof(int));
    out[0] = weft_last_error(); /* a fresh thread starts with no error */
    out[1] = weft_last_error_message() == NULL;
    weft_raise(77, "from the thread");
    out[2] = weft_last_error();
    out[3] = strcmp(weft_last_error_message(), "from the thread") == 0;
    (void)arg;
    return out; /* the message is freed when the thread exits */
}

static void last_error_is_per_thread(void **state)
{
    (void)state;
    weft_raise(11, "main thread");
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, thread_raises, NULL), 0);
    void *ret = NULL;
    assert_int_equal(pthread_join(thread, &ret), 0);
    int *out = ret;
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 1);
    assert_int_equal(out[2], 77);
    assert_int_equal(out[3], 1);
    free(out);
    assert_int_equal(weft_last_error(), 11);
    assert_str(weft_last_error_message(), "main thread");
}

/* error.c says the thread slot is "freed when the thread exits", but a
 * _Thread_local has no destructor: a thread whose last weft call failed
 * leaks the message (LeakSanitizer reports it at exit). */
static void thread_slot_freed_at_exit(void **state)
{
    (void)state;
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, thread_raises, PV(1)), 0);
    void *ret = NULL;
    assert_int_equal(pthread_join(thread, &ret), 0);
    free(ret);
}

/* ------------------------------------------------------------------ tasks */

static int raiser(void *arg, void **result)
{
    (void)result;
    int n = IV(arg);
    EXPECT_INT(weft_raise(100 + n, "raised by %d", n), 100 + n);
    EXPECT_ERR(100 + n, n == 1 ? "raised by 1" : "raised by 2");
    weft_yield(); /* the other raiser runs and raises in between */
    /* Each task keeps its own last error across suspensions. */
    EXPECT_INT(weft_last_error(), 100 + n);
    EXPECT_STR(weft_last_error_message(), n == 1 ? "raised by 1" : "raised by 2");
    return weft_raise(200 + n, "final %d", n);
}

/* Which thread ran callback_raises: with several workers any of them. */
static pthread_t test_thread;
static _Atomic bool callback_on_test_thread;

static int callback_raises(void *arg)
{
    (void)arg;
    /* A callback runs outside any task: this is the thread's slot. */
    EXPECT_PTR(weft_current_task(), NULL);
    weft_raise(55, "callback slot");
    EXPECT_ERR(55, "callback slot");
    callback_on_test_thread = pthread_equal(pthread_self(), test_thread);
    return 0;
}

static int per_task_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_raise(9, "main's own");
    weft_task *a = weft_task_create(weft_coro_new(raiser, PV(1)), NULL);
    weft_task *b = weft_task_create(weft_coro_new(raiser, PV(2)), NULL);
    EXPECT_INT(weft_call_soon(weft_executor_current(), callback_raises, NULL, NULL), 0);
    const char *message = NULL;
    /* The outcome of each task carries its own message. */
    EXPECT_INT(weft_await(a, NULL), 201);
    EXPECT_ERR(201, "final 1");
    EXPECT_INT(weft_await(b, NULL), 202);
    EXPECT_ERR(202, "final 2");
    EXPECT_INT(weft_task_exception(a, &message), 201);
    EXPECT_STR(message, "final 1");
    EXPECT_INT(weft_task_exception(b, &message), 202);
    EXPECT_STR(message, "final 2");
    weft_task_release(a);
    weft_task_release(b);
    return 0;
}

static void last_error_is_per_task(void **state)
{
    (void)state;
    weft_raise(3, "thread before run");
    test_thread = pthread_self();
    callback_on_test_thread = false;
    assert_int_equal(URUN(per_task_main, NULL, NULL), 0);
    /* The callback ran outside tasks, so it wrote the slot of the thread it
     * ran on (this one with one worker); the tasks never touched it. */
    if (uworkers == 1)
        assert_true(callback_on_test_thread);
    if (callback_on_test_thread) {
        assert_int_equal(weft_last_error(), 55);
        assert_str(weft_last_error_message(), "callback slot");
    } else {
        assert_int_equal(weft_last_error(), 3);
        assert_str(weft_last_error_message(), "thread before run");
    }
}

/* A returned code keeps the message of the weft call it came from. */
static int inner_fails(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_raise(31, "deep %s", "reason");
}

static int middle_passes_on(void *arg, void **result)
{
    (void)arg;
    weft_task *t = weft_task_create(weft_coro_new(inner_fails, NULL), "inner");
    int rc = weft_await(t, result);
    weft_task_release(t);
    return rc; /* no weft_raise: the message travels with the code */
}

static int code_without_message(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return 32;
}

static int travel_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(middle_passes_on, NULL), NULL);
    EXPECT_INT(weft_await(t, NULL), 31);
    EXPECT_ERR(31, "deep reason");
    const char *message = NULL;
    EXPECT_INT(weft_task_exception(t, &message), 31);
    EXPECT_STR(message, "deep reason");
    weft_task_release(t);

    t = weft_task_create(weft_coro_new(code_without_message, NULL), NULL);
    EXPECT_INT(weft_await(t, NULL), 32);
    EXPECT_ERR(32, NULL);
    message = "sentinel";
    EXPECT_INT(weft_task_exception(t, &message), 32);
    EXPECT_PTR(message, NULL);
    weft_task_release(t);

    /* The same through await_coro (inline, same slot). */
    EXPECT_INT(weft_await_coro(weft_coro_new(inner_fails, NULL), NULL), 31);
    EXPECT_ERR(31, "deep reason");
    return weft_raise(60, "main says %d", 60);
}

static void message_travels_with_code(void **state)
{
    (void)state;
    assert_int_equal(URUN(travel_main, NULL, NULL), 60);
    assert_int_equal(weft_last_error(), 60);
    assert_str(weft_last_error_message(), "main says 60");
    assert_int_equal(ureport_count, 0);
}

/* Failing weft calls inside a task set the task's last error. */
static int misuse_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    EXPECT_INT(weft_await(NULL, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    EXPECT(weft_last_error_message() != NULL);
    EXPECT_PTR(weft_task_create(NULL, NULL), NULL);
    EXPECT_ERR(WEFT_ENOTCORO, "a coroutine was expected, got None");
    EXPECT_INT(weft_sleep(NAN), WEFT_EINVAL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    return 0;
}

static void failing_calls_inside_tasks(void **state)
{
    (void)state;
    weft_raise(5, "untouched");
    assert_int_equal(URUN(misuse_main, NULL, NULL), 0);
    /* The task's failures stayed in the task's slot. */
    assert_int_equal(weft_last_error(), 5);
    assert_str(weft_last_error_message(), "untouched");
}

/* -------------------------------------------------------------- migration */

/* The last error is the task's, wherever the task resumes. */
static int migrant(void *arg, void **result)
{
    int n = IV(arg);
    weft_task *self = weft_current_task();
    char want[32];
    snprintf(want, sizeof want, "migrant %d", n);
    weft_raise(300 + n, "migrant %d", n);
    for (int round = 0; umigrating(round); round++) {
        EXPECT(umigrate_round() >= 0);
        EXPECT_PTR(weft_current_task(), self);
        EXPECT_ERR(300 + n, want);
    }
    *result = arg;
    return weft_raise(400 + n, "migrant %d done", n);
}

static int migrants_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_raise(7, "main's own");
    weft_task *tasks[4];
    for (int i = 0; i < UMIGRANTS; i++)
        tasks[i] = weft_spawn(migrant, PV(i));
    for (int i = 0; i < UMIGRANTS; i++) {
        char want[32];
        snprintf(want, sizeof want, "migrant %d done", i);
        EXPECT_INT(weft_await(tasks[i], NULL), 400 + i);
        EXPECT_ERR(400 + i, want);
        weft_task_release(tasks[i]);
    }
    if (uworkers == 1)
        EXPECT_INT(umigrations, 0);
    else
        if (!EXPECT(umigrations >= UMIGRATIONS_WANTED)) ufail(__FILE__, __LINE__, "migrations %d", (int)umigrations);
    return weft_raise(8, "main %s", "ends");
}

static void last_error_follows_a_migrating_task(void **state)
{
    (void)state;
    umigration_begin();
    weft_raise(5, "before");
    assert_int_equal(URUN(migrants_main, NULL, NULL), 8);
    assert_int_equal(weft_last_error(), 8);
    assert_str(weft_last_error_message(), "main ends");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UTEST_NO_LOOP(strerror_every_code),
        UTEST_NO_LOOP(error_name_every_code),
        UTEST_NO_LOOP(codes_are_distinct_and_negative),
        UTEST_NO_LOOP(raise_outside_tasks),
        UTEST_NO_LOOP(failing_call_sets_last_error_outside_loops),
        UTEST_NO_LOOP(last_error_is_per_thread),
        UTEST_NO_LOOP(thread_slot_freed_at_exit),
        UTEST(last_error_is_per_task),
        UTEST(message_travels_with_code),
        UTEST(failing_calls_inside_tasks),
        UTEST(last_error_follows_a_migrating_task),
    };
    return URUN_GROUPS("test_errors", tests);
}
