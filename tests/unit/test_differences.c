/* The deliberate differences from CPython listed in README.md
 * ("Differences from CPython"), each asserted. */
#include "unit.h"

static int logs(void *arg)
{
    ulog("%d", IV(arg));
    return 0;
}

/* (a) Timers with exactly equal deadlines run FIFO in scheduling order
 * (CPython's heapq gives 0,2,1 for three; 0,2,6,5,9,8,7,1,3,4 for ten). */
static int equal_deadlines_main(void *arg, void **result)
{
    (void)result;
    int n = IV(arg);
    weft_executor *loop = weft_executor_current();
    double when = weft_time(loop) + 0.01;
    for (int i = 0; i < n; i++)
        EXPECT_INT(weft_call_at(loop, when, logs, PV(i), NULL), 0);
    weft_sleep(0.03);
    return 0;
}

static void equal_deadlines_fifo(void **state)
{
    (void)state;
    assert_int_equal(URUN(equal_deadlines_main, PV(3), NULL), 0);
    assert_str(ulog_get(), "0 1 2");
    ulog_reset();
    assert_int_equal(URUN(equal_deadlines_main, PV(10), NULL), 0);
    assert_str(ulog_get(), "0 1 2 3 4 5 6 7 8 9");
}

/* Equal deadlines mixed with other timers, and already due ones. */
static int mixed_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_executor *loop = weft_executor_current();
    double now = weft_time(loop);
    double t1 = now + 0.01, t2 = now + 0.02;
    weft_call_at(loop, t2, logs, PV(20), NULL);
    weft_call_at(loop, t1, logs, PV(10), NULL);
    weft_call_at(loop, t2, logs, PV(21), NULL);
    weft_call_at(loop, t1, logs, PV(11), NULL);
    weft_call_at(loop, t2, logs, PV(22), NULL);
    weft_call_at(loop, t1, logs, PV(12), NULL);
    weft_call_at(loop, now - 1, logs, PV(0), NULL);
    weft_call_at(loop, now - 1, logs, PV(1), NULL);
    weft_call_at(loop, now - 1, logs, PV(2), NULL);
    weft_sleep(0.04);
    return 0;
}

static void equal_deadlines_fifo_among_others(void **state)
{
    (void)state;
    assert_int_equal(URUN(mixed_main, NULL, NULL), 0);
    assert_str(ulog_get(), "0 1 2 10 11 12 20 21 22");
}

/* (b) A cancelled task's message survives every retrieval. The task is
 * cancelled while suspended, so the CancelledError escapes its coroutine:
 * the path where CPython keeps the message only for the first retrieval. */
static int sleeper(void *arg, void **result)
{
    (void)arg;
    (void)result;
    ustarted();
    return weft_sleep(30);
}

static int awaiter(void *arg, void **result)
{
    int rc = weft_await((weft_task *)arg, result);
    const char *m = weft_last_error_message();
    ulog("%s:%d:%s", weft_task_get_name(weft_current_task()), rc, m ? m : "None");
    return 0;
}

static int message_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(sleeper, NULL), "victim");
    weft_task *w1 = weft_task_create(weft_coro_new(awaiter, t), "w1");
    weft_task *w2 = weft_task_create(weft_coro_new(awaiter, t), "w2");
    weft_yield();
    EXPECT_SOON(ustarted_count == 1); /* t is asleep (or about to be) */
    EXPECT_INT(weft_task_cancel(t, "the reason"), 1);
    weft_yield();
    weft_yield();
    weft_yield();
    EXPECT_SOON(weft_task_cancelled(t));
    /* Both waiters got it (CPython: the second gets CancelledError()). */
    EXPECT_LOG("w1:-1008:the reason w2:-1008:the reason");
    /* result twice and exception (CPython: message lost after the first). */
    EXPECT_INT(weft_task_result(t, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "the reason");
    EXPECT_INT(weft_task_result(t, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "the reason");
    const char *message = NULL;
    EXPECT_INT(weft_task_exception(t, &message), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "the reason");
    /* A late awaiter too. */
    EXPECT_INT(weft_await(t, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "the reason");
    weft_task *w3 = weft_task_create(weft_coro_new(awaiter, t), "w3");
    weft_await(w3, NULL);
    EXPECT_LOG("w1:-1008:the reason w2:-1008:the reason w3:-1008:the reason");
    weft_task_release(t);
    weft_task_release(w1);
    weft_task_release(w2);
    weft_task_release(w3);
    return 0;
}

static void cancel_message_kept_on_every_retrieval(void **state)
{
    (void)state;
    assert_int_equal(URUN(message_main, NULL, NULL), 0);
}

/* Also through a chain: the message reaches every level and stays. */
static int chain_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *leaf = weft_task_create(weft_coro_new(sleeper, NULL), "leaf");
    weft_task *mid = weft_task_create(weft_coro_new(awaiter, leaf), "mid");
    weft_yield();
    EXPECT_SOON(ustarted_count == 1);
    weft_task_cancel(leaf, "deep");
    EXPECT_INT(weft_await(mid, NULL), 0);
    EXPECT_STR(ulog_get(), "mid:-1008:deep");
    for (int i = 0; i < 3; i++) {
        EXPECT_INT(weft_task_result(leaf, NULL), WEFT_ECANCELLED);
        EXPECT_ERR(WEFT_ECANCELLED, "deep");
    }
    weft_task_release(leaf);
    weft_task_release(mid);
    return 0;
}

static void cancel_message_kept_for_late_retrievals(void **state)
{
    (void)state;
    assert_int_equal(URUN(chain_main, NULL, NULL), 0);
}

/* (c) Task-N numbers: no hidden tasks, named tasks take no number. */
static long main_numbers[2];
static long child_number;

static int numbered_main(void *arg, void **result)
{
    (void)result;
    main_numbers[IV(arg)] = utask_number(weft_current_task());
    if (IV(arg) == 0) {
        weft_task *named = weft_task_create(weft_coro_new(sleeper, NULL), "named");
        weft_task *unnamed = weft_task_create(weft_coro_new(sleeper, NULL), NULL);
        weft_task *named2 = weft_executor_submit(weft_executor_current(),
                                                 weft_coro_new(sleeper, NULL), "named2");
        child_number = utask_number(unnamed);
        EXPECT_INT(utask_number(named), -1);
        weft_task_cancel(named, NULL);
        weft_task_cancel(unnamed, NULL);
        weft_task_cancel(named2, NULL);
        weft_task_release(named);
        weft_task_release(unnamed);
        weft_task_release(named2);
    }
    return 0;
}

static void task_numbers_continue_across_runs(void **state)
{
    (void)state;
    assert_int_equal(URUN(numbered_main, PV(0), NULL), 0);
    assert_int_equal(URUN(numbered_main, PV(1), NULL), 0);
    assert_true(main_numbers[0] >= 1);
    /* The named task took no number: the unnamed one is next. */
    assert_int_equal(child_number, main_numbers[0] + 1);
    /* A second weft_run continues by exactly one (CPython skips two). */
    assert_int_equal(main_numbers[1], child_number + 1);
}

/* In a fresh process the first main task is Task-1. This program's first
 * run is the first test below, so check it there. */
static long first_number;
static int first_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    first_number = utask_number(weft_current_task());
    return 0;
}

static void first_main_is_task_1(void **state)
{
    (void)state;
    assert_int_equal(URUN(first_main, NULL, NULL), 0);
    assert_int_equal(first_number, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UTEST_ONE_WORKER(first_main_is_task_1, "the process's first run (runs first)"),
        UTEST_ONE_WORKER(equal_deadlines_fifo,
                         "equal deadlines run FIFO on one loop's ready queue"),
        UTEST_ONE_WORKER(equal_deadlines_fifo_among_others,
                         "timer order by (deadline, scheduling order) on one loop"),
        UTEST(cancel_message_kept_on_every_retrieval),
        UTEST(cancel_message_kept_for_late_retrievals),
        UTEST_ONE_WORKER(task_numbers_continue_across_runs,
                         "consecutive numbers: LIFO order numbers in per-worker blocks"),
    };
    return URUN_GROUPS("test_differences", tests);
}
