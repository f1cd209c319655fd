/* Explicit executors (weft_executor_create / submit / wait / shutdown /
 * free) with 1, 2 and 4 workers, driven from the main thread: idle periods
 * between submissions (the workers wait or park), timers on an otherwise
 * idle executor, and shutdown while idle or with work still sleeping. */
#include "unit.h"

#include <unistd.h>

static int returns_arg(void *arg, void **result)
{
    *result = arg;
    return 0;
}

static int sleeps_then_returns(void *arg, void **result)
{
    int code = weft_sleep(0.02);
    *result = arg;
    return code;
}

static int sleeps_for_ever(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_sleep(3600);
}

static weft_executor *start(unsigned workers)
{
    weft_config config;
    weft_config_init(&config);
    config.workers = workers;
    weft_executor *executor = NULL;
    assert_int_equal(weft_executor_create(&config, &executor), 0);
    assert_non_null(executor);
    return executor;
}

static void submit_and_wait(weft_executor *executor, weft_fn fn, int value)
{
    weft_task *task = weft_executor_submit(executor, weft_coro_new(fn, PV(value)), NULL);
    assert_non_null(task);
    void *result = NULL;
    assert_int_equal(weft_executor_wait(task, &result), 0);
    assert_int_equal(IV(result), value);
    weft_task_release(task);
}

/* Each round finds the workers idle (waiting or parked) and must wake one;
 * a single worker waits where injected work arrives, never elsewhere. */
static void submissions_after_idle_periods(void **state)
{
    (void)state;
    for (unsigned workers = 1; workers <= 4; workers *= 2) {
        weft_executor *executor = start(workers);
        for (int round = 0; round < 4; round++) {
            submit_and_wait(executor, returns_arg, round);
            usleep(20000);
        }
        weft_executor_free(executor);
    }
}

/* A sleep on an idle executor wakes on its timer. */
static void timers_fire_on_an_idle_executor(void **state)
{
    (void)state;
    for (unsigned workers = 1; workers <= 4; workers *= 2) {
        weft_executor *executor = start(workers);
        double begin = unow();
        submit_and_wait(executor, sleeps_then_returns, 5);
        double elapsed = unow() - begin;
        assert_true(elapsed >= 0.02);
        assert_true(elapsed < 2.0);
        weft_executor_free(executor);
    }
}

/* Shutdown of an idle executor returns (the workers are woken wherever
 * they wait), and so does free right after create. */
static void shutdown_while_idle(void **state)
{
    (void)state;
    for (unsigned workers = 1; workers <= 4; workers *= 2) {
        weft_executor *executor = start(workers);
        submit_and_wait(executor, returns_arg, 1);
        usleep(10000);
        assert_int_equal(weft_executor_shutdown(executor), 0);
        assert_int_equal(weft_executor_shutdown(executor), 0); /* idempotent */
        weft_coro *refused = weft_coro_new(returns_arg, NULL);
        assert_null(weft_executor_submit(executor, refused, NULL));
        assert_int_equal(weft_last_error(), WEFT_ESHUTDOWN);
        weft_coro_free(refused); /* a refused coroutine stays the caller's */
        weft_executor_free(executor);

        weft_executor_free(start(workers));
    }
}

/* Shutdown cancels a task that is still sleeping and waits for it. */
static void shutdown_cancels_sleeping_work(void **state)
{
    (void)state;
    for (unsigned workers = 1; workers <= 4; workers *= 2) {
        weft_executor *executor = start(workers);
        weft_task *task = weft_executor_submit(executor, weft_coro_new(sleeps_for_ever, NULL), NULL);
        assert_non_null(task);
        usleep(10000);
        assert_false(weft_task_done(task));
        assert_int_equal(weft_executor_shutdown(executor), 0);
        assert_true(weft_task_cancelled(task));
        weft_task_release(task);
        weft_executor_free(executor);
    }
}

int main(void)
{
    alarm(120); /* a hang (a worker nobody wakes) fails instead of blocking */
    const struct CMUnitTest tests[] = {
        UTEST(submissions_after_idle_periods),
        UTEST(timers_fire_on_an_idle_executor),
        UTEST(shutdown_while_idle),
        UTEST(shutdown_cancels_sleeping_work),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
