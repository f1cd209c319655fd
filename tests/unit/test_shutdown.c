/* Shutdown never hangs (issue 5, item 5). weft_run ending with tasks still
 * pending, weft_executor_shutdown / free with tasks blocked in sleeps,
 * awaits, Queue gets and Event waits and workers parked: every task ends
 * cancelled and the call returns. A task that ignores cancellation (catches
 * WEFT_ECANCELLED and goes on yielding, sleeping or waiting) is abandoned
 * once the grace period (weft_config.shutdown_grace) has passed: reported
 * through the exception handler, never resumed, and the call returns
 * WEFT_ETIMEDOUT. Every test runs under unit.h's watchdog (alarm), so a
 * hang fails the program instead of blocking make check. */
#include "unit.h"

/* Generous: a loaded 2-core machine may run several test programs. */
#define BOUND_SECONDS 20.0
#define GRACE 0.2

typedef struct blockers {
    weft_event *event;
    weft_queue *queue;
    weft_task *tasks[5]; /* sleeper, event waiter, queue getter, awaiter, its awaitee */
} blockers;

static blockers world;

static int sleeps_long(void *arg, void **result)
{
    (void)arg;
    (void)result;
    ustarted();
    return weft_sleep(3600);
}

static int waits_event(void *arg, void **result)
{
    (void)arg;
    (void)result;
    ustarted();
    return weft_event_wait(world.event);
}

static int gets_queue(void *arg, void **result)
{
    (void)arg;
    (void)result;
    ustarted();
    return weft_queue_get(world.queue, NULL);
}

static int awaits_sleeper(void *arg, void **result)
{
    (void)arg;
    (void)result;
    ustarted();
    weft_task *child = weft_task_create(weft_coro_new(sleeps_long, NULL), "awaitee");
    if (child == NULL)
        return weft_last_error();
    world.tasks[4] = weft_task_retain(child);
    int code = weft_await(child, NULL);
    weft_task_release(child);
    return code;
}

static void world_make(void)
{
    memset(&world, 0, sizeof world);
    assert_int_equal(weft_event_new(&world.event), 0);
    assert_int_equal(weft_queue_new(0, WEFT_QUEUE_FIFO, NULL, &world.queue), 0);
}

/* Every blocker ended cancelled; the primitives have no waiter left. */
static void world_check_and_free(void)
{
    for (int i = 0; i < 5; i++) {
        assert_non_null(world.tasks[i]);
        assert_true(weft_task_done(world.tasks[i]));
        assert_int_equal(weft_task_result(world.tasks[i], NULL), WEFT_ECANCELLED);
        weft_task_release(world.tasks[i]);
    }
    assert_int_equal(weft_event_free(world.event), 0);
    assert_int_equal(weft_queue_free(world.queue), 0);
}

/* Creates the four blockers (the awaiter makes the fifth) on the running
 * loop or on executor from outside. */
static void world_start(weft_executor *executor)
{
    weft_fn fns[4] = {sleeps_long, waits_event, gets_queue, awaits_sleeper};
    for (int i = 0; i < 4; i++) {
        weft_coro *coro = weft_coro_new_named(fns[i], NULL, "blocker", __FILE__, __LINE__);
        world.tasks[i] = executor != NULL ? weft_executor_submit(executor, coro, NULL)
                                          : weft_task_create(coro, NULL);
    }
}

static int leaves_blockers(void *arg, void **result)
{
    (void)arg;
    (void)result;
    world_start(NULL);
    double until = unow() + BOUND_SECONDS;
    while (ustarted_count < 5 && unow() < until)
        EXPECT_INT(weft_sleep(0.001), 0);
    EXPECT_INT(ustarted_count, 5);
    return 0; /* main ends: weft_run cancels the rest */
}

static void run_ends_with_tasks_blocked(void **state)
{
    (void)state;
    world_make();
    double begin = unow();
    assert_int_equal(URUN(leaves_blockers, NULL, NULL), 0);
    assert_true(unow() - begin < BOUND_SECONDS);
    world_check_and_free();
    assert_int_equal(ureport_count, 0);
}

/* An explicit executor, workers parked, tasks blocked everywhere: free
 * cancels them all and returns. */
static void free_with_tasks_blocked(void **state)
{
    (void)state;
    weft_config config;
    weft_config_init(&config);
    config.workers = uworkers;
    config.exception_handler = ucapture;
    weft_executor *executor = NULL;
    assert_int_equal(weft_executor_create(&config, &executor), 0);
    world_make();
    world_start(executor);
    double until = unow() + BOUND_SECONDS;
    while (ustarted_count < 5 && unow() < until)
        usleep(1000);
    assert_int_equal(ustarted_count, 5);
    usleep(20000); /* every worker parks: nothing is runnable */
    double begin = unow();
    weft_executor_free(executor);
    assert_true(unow() - begin < BOUND_SECONDS);
    world_check_and_free();
    assert_int_equal(ureport_count, 0);
}

/* ------------------------------------------------------------------ */
/* Tasks that ignore cancellation                                     */
/* ------------------------------------------------------------------ */

enum { BY_YIELD, BY_SLEEP, BY_EVENT };
static _Atomic int cancels_ignored;
static weft_task *stubborn;
static weft_event *volatile kept_event; /* read by LeakSanitizer only */

/* Catches every cancel and goes on: yielding, sleeping or waiting on an
 * event that nobody sets. */
static int ignores_cancel(void *arg, void **result)
{
    (void)result;
    int how = IV(arg);
    ustarted();
    for (;;) {
        int code = how == BY_YIELD   ? weft_yield()
                   : how == BY_SLEEP ? weft_sleep(0.005)
                                     : weft_event_wait(world.event);
        if (code == WEFT_ECANCELLED)
            cancels_ignored++;
    }
    return 0;
}

static int leaves_stubborn(void *arg, void **result)
{
    (void)result;
    stubborn = weft_task_create(weft_coro_new(ignores_cancel, arg), "stubborn");
    EXPECT(stubborn != NULL);
    double until = unow() + BOUND_SECONDS;
    while (ustarted_count < 1 && unow() < until)
        EXPECT_INT(weft_sleep(0.001), 0);
    return 0;
}

/* The abandoned task was reported once, by name, with WEFT_ETIMEDOUT. */
static void check_abandon_report(void)
{
    assert_int_equal(ureport_count, 1);
    assert_non_null(strstr(ureports[0].message, "task abandoned at shutdown"));
    assert_int_equal(ureports[0].error, WEFT_ETIMEDOUT);
    assert_ptr_equal(ureports[0].task, stubborn);
    assert_non_null(strstr(ureports[0].source, "stubborn"));
}

static void run_abandons_a_task_that_ignores_cancel(void **state)
{
    (void)state;
    for (int how = BY_YIELD; how <= BY_EVENT; how++) {
        ureset(NULL);
        cancels_ignored = 0;
        world_make();
        weft_config config;
        weft_config_init(&config);
        config.shutdown_grace = GRACE;
        double begin = unow();
        void *result = PV(7);
        assert_int_equal(urun_with(&config, weft_coro_new(leaves_stubborn, PV(how)), &result),
                         WEFT_ETIMEDOUT);
        double elapsed = unow() - begin;
        assert_true(elapsed >= GRACE);
        assert_true(elapsed < BOUND_SECONDS);
        assert_non_null(strstr(weft_last_error_message(), "abandoned"));
        assert_ptr_equal(result, PV(7)); /* not set */
        assert_true(cancels_ignored >= 1);
        check_abandon_report();
        /* Still readable through our reference, and never done. */
        assert_false(weft_task_done(stubborn));
        assert_int_equal(weft_task_result(stubborn, NULL), WEFT_EINVALSTATE);
        weft_task_release(stubborn);
        /* The event waiter never returned: the event refuses to be freed
         * (and stays reachable, kept here, as the abandoned task is). */
        assert_int_equal(weft_event_free(world.event), how == BY_EVENT ? WEFT_EINVALSTATE : 0);
        if (how == BY_EVENT)
            kept_event = world.event;
        assert_int_equal(weft_queue_free(world.queue), 0);
    }
}

/* main's own error wins over the abandonment. */
static int fails_after_stubborn(void *arg, void **result)
{
    leaves_stubborn(arg, result);
    return weft_raise(17, "main failed");
}

static void run_returns_mains_error_over_the_abandonment(void **state)
{
    (void)state;
    weft_config config;
    weft_config_init(&config);
    config.shutdown_grace = GRACE;
    assert_int_equal(urun_with(&config, weft_coro_new(fails_after_stubborn, PV(BY_YIELD)), NULL),
                     17);
    assert_str(weft_last_error_message(), "main failed");
    check_abandon_report();
    weft_task_release(stubborn);
}

static void shutdown_abandons_a_task_that_ignores_cancel(void **state)
{
    (void)state;
    for (int how = BY_YIELD; how <= BY_SLEEP; how++) {
        ureset(NULL);
        weft_config config;
        weft_config_init(&config);
        config.workers = uworkers;
        config.shutdown_grace = GRACE;
        config.exception_handler = ucapture;
        weft_executor *executor = NULL;
        assert_int_equal(weft_executor_create(&config, &executor), 0);
        stubborn = weft_executor_submit(
            executor, weft_coro_new_named(ignores_cancel, PV(how), "x", __FILE__, __LINE__),
            "stubborn");
        assert_non_null(stubborn);
        double until = unow() + BOUND_SECONDS;
        while (ustarted_count < 1 && unow() < until)
            usleep(1000);
        double begin = unow();
        assert_int_equal(weft_executor_shutdown(executor), WEFT_ETIMEDOUT);
        assert_non_null(strstr(weft_last_error_message(), "abandoned"));
        assert_true(unow() - begin < BOUND_SECONDS);
        check_abandon_report();
        assert_int_equal(weft_executor_shutdown(executor), 0); /* idempotent */
        assert_null(weft_executor_submit(executor, NULL, NULL));
        assert_int_equal(weft_last_error(), WEFT_ENOTCORO);
        weft_executor_free(executor);
        assert_false(weft_task_done(stubborn));
        weft_task_release(stubborn);
        /* Freed: refused, never read. */
        assert_int_equal(weft_executor_shutdown(executor), WEFT_EINVAL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UTEST(run_ends_with_tasks_blocked),
        UTEST(free_with_tasks_blocked),
        UTEST_NO_LOOP(run_abandons_a_task_that_ignores_cancel),
        UTEST_NO_LOOP(run_returns_mains_error_over_the_abandonment),
        UTEST(shutdown_abandons_a_task_that_ignores_cancel),
    };
    return URUN_GROUPS("test_shutdown", tests);
}
