/* Sleeping: weft_sleep and weft_yield (order, duration, no busy waiting). */
#include <math.h>

#include "unit.h"

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int sleeps_ms(void *arg, void **result)
{
    (void)result;
    double start = unow();
    EXPECT_INT(weft_sleep(IV(arg) / 1000.0), 0);
    EXPECT(unow() - start >= IV(arg) / 1000.0);
    ulog("%d", IV(arg));
    return 0;
}

/* Sleeps until order_base + arg ms: deadlines from one base, so the order
 * does not depend on how long the first steps take (a loaded machine or a
 * sanitizer can spread them over milliseconds). */
static double order_base;

static int sleeps_until(void *arg, void **result)
{
    (void)result;
    double deadline = order_base + IV(arg) / 1000.0;
    EXPECT_INT(weft_sleep(deadline - weft_time(NULL)), 0);
    EXPECT(weft_time(NULL) >= deadline);
    ulog("%d", IV(arg));
    return 0;
}

static int order_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    const int delays[] = {30, 10, 20, 0, 5};
    weft_task *tasks[5];
    /* 50 ms ahead: every sleeper must start before the first deadline, or
     * a late starter (valgrind is slow to give a task its first stack)
     * finds its deadline past and logs out of order. */
    order_base = weft_time(NULL) + 0.05;
    for (int i = 0; i < 5; i++)
        tasks[i] = weft_task_create(weft_coro_new(sleeps_until, PV(delays[i])), NULL);
    for (int i = 0; i < 5; i++) {
        EXPECT_INT(weft_await(tasks[i], NULL), 0);
        weft_task_release(tasks[i]);
    }
    return 0;
}

static void sleep_order_by_deadline(void **state)
{
    (void)state;
    assert_int_equal(URUN(order_main, NULL, NULL), 0);
    /* With several workers, timers live on several heaps: each sleeper
     * wakes once, in any order. */
    assert_log("0 5 10 20 30");
}

static int same_delay(void *arg, void **result)
{
    (void)result;
    EXPECT_INT(weft_sleep(0.01), 0);
    ulog("%d", IV(arg));
    return 0;
}

static int same_delay_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *tasks[6];
    for (int i = 0; i < 6; i++)
        tasks[i] = weft_task_create(weft_coro_new(same_delay, PV(i)), NULL);
    for (int i = 0; i < 6; i++) {
        weft_await(tasks[i], NULL);
        weft_task_release(tasks[i]);
    }
    return 0;
}

static void equal_delays_wake_in_call_order(void **state)
{
    (void)state;
    assert_int_equal(URUN(same_delay_main, NULL, NULL), 0);
    assert_log("0 1 2 3 4 5");
}

static int duration_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    double start = unow();
    EXPECT_INT(weft_sleep(0.05), 0);
    double elapsed = unow() - start;
    EXPECT(elapsed >= 0.05);
    EXPECT(elapsed < 1.0);
    /* The loop clock agrees. */
    double loop_start = weft_time(weft_executor_current());
    EXPECT_INT(weft_sleep(0.02), 0);
    EXPECT(weft_time(weft_executor_current()) - loop_start >= 0.02);
    return 0;
}

static void sleep_takes_at_least_its_delay(void **state)
{
    (void)state;
    assert_int_equal(URUN(duration_main, NULL, NULL), 0);
}

static int idle_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    double wall = unow();
    double cpu = cpu_seconds();
    EXPECT_INT(weft_sleep(0.2), 0);
    double cpu_used = cpu_seconds() - cpu;
    double wall_used = unow() - wall;
    EXPECT(wall_used >= 0.2);
    /* No busy waiting: the loop blocks until the deadline. */
    if (!EXPECT(cpu_used < 0.05))
        ufail(__FILE__, __LINE__, "CPU %.3f s during a %.3f s sleep", cpu_used, wall_used);
    return 0;
}

static void sleep_does_not_busy_wait(void **state)
{
    (void)state;
    assert_int_equal(URUN(idle_main, NULL, NULL), 0);
}

/* Main awaits a sleeping child: the loop has no ready work either. */
static int idle_await_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    double cpu = cpu_seconds();
    weft_task *t = weft_task_create(weft_coro_new(sleeps_ms, PV(200)), NULL);
    EXPECT_INT(weft_await(t, NULL), 0);
    weft_task_release(t);
    EXPECT(cpu_seconds() - cpu < 0.05);
    return 0;
}

static void await_of_sleeper_does_not_busy_wait(void **state)
{
    (void)state;
    assert_int_equal(URUN(idle_await_main, NULL, NULL), 0);
}

/* sleep(0) and negative delays are one hop, like weft_yield. */
static int zero_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    uhops_start(10);
    EXPECT_INT(weft_sleep(0), 0);
    EXPECT_HOPS(1);
    EXPECT_INT(weft_sleep(-3), 0);
    EXPECT_HOPS(2);
    EXPECT_INT(weft_yield(), 0);
    EXPECT_HOPS(3);
    EXPECT_INT(weft_sleep(-INFINITY), 0);
    EXPECT_HOPS(4);
    /* T8: sleep(d) resumes two hops after the deadline at best. */
    uhops_reset();
    uhops_start(10);
    EXPECT_INT(weft_sleep(1e-9), 0);
    EXPECT_ORDERED(uhop_count >= 2);
    EXPECT_INT(weft_sleep(NAN), WEFT_EINVAL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    EXPECT(weft_last_error_message() != NULL);
    return 0;
}

static void sleep_zero_is_a_yield(void **state)
{
    (void)state;
    assert_int_equal(URUN(zero_main, NULL, NULL), 0);
}

/* Round robin of yields: each turn, every task once. */
static int yielder(void *arg, void **result)
{
    (void)result;
    for (int i = 0; i < 3; i++) {
        ulog("%c%d", 'a' + IV(arg), i);
        EXPECT_INT(weft_yield(), 0);
    }
    return 0;
}

static int round_robin_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t[3];
    for (int i = 0; i < 3; i++)
        t[i] = weft_task_create(weft_coro_new(yielder, PV(i)), NULL);
    for (int i = 0; i < 3; i++) {
        weft_await(t[i], NULL);
        weft_task_release(t[i]);
    }
    return 0;
}

static void yield_round_robin(void **state)
{
    (void)state;
    assert_int_equal(URUN(round_robin_main, NULL, NULL), 0);
    assert_log("a0 b0 c0 a1 b1 c1 a2 b2 c2");
}

/* WEFT_ORDER_LIFO is depth first, but a yield must still give the other
 * ready work a turn ("Gives other ready work one turn"). */
static _Atomic int lifo_flag;
static int sets_flag(void *arg, void **result)
{
    (void)arg;
    (void)result;
    lifo_flag = 1;
    return 0;
}

static int lifo_callback(void *arg)
{
    (void)arg;
    ulog("callback");
    return 0;
}

static int lifo_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    lifo_flag = 0;
    weft_call_soon(weft_executor_current(), lifo_callback, NULL, NULL);
    weft_task *t = weft_spawn(sets_flag, NULL);
    int yields = 0;
    while (!lifo_flag && yields < 1000) {
        weft_yield();
        yields++;
    }
    ulog("yields=%d", yields);
    weft_task_release(t);
    return 0;
}

static void lifo_yield_lets_others_run(void **state)
{
    (void)state;
    weft_config config;
    weft_config_init(&config);
    config.order = WEFT_ORDER_LIFO;
    assert_int_equal(urun_with(&config, weft_coro_new(lifo_main, NULL), NULL), 0);
    /* The spawned task ran within a couple of yields (not after 1000). */
    const char *yields = strstr(ulog_get(), "yields=");
    assert_non_null(yields);
    if (atoi(yields + 7) > 2)
        fail_msg("main yielded %d times before another task ran", atoi(yields + 7));
    assert_non_null(strstr(ulog_get(), "callback"));
}


/* A huge delay is accepted (clamped) and can still be cancelled. */
static int huge_main(void *arg, void **result)
{
    (void)result;
    (void)arg;
    return weft_sleep(INFINITY);
}

static int huge_outer(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(huge_main, NULL), NULL);
    weft_yield();
    weft_task_cancel(t, "forever");
    EXPECT_INT(weft_await(t, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "forever");
    weft_task_release(t);
    return 0;
}

static void huge_sleep_cancellable(void **state)
{
    (void)state;
    double start = unow();
    assert_int_equal(URUN(huge_outer, NULL, NULL), 0);
    assert_true(unow() - start < 1.0);
}

static void sleep_outside_task(void **state)
{
    (void)state;
    assert_int_equal(weft_sleep(0.01), WEFT_ENOLOOP);
    assert_int_equal(weft_sleep(0), WEFT_ENOLOOP);
    assert_int_equal(weft_yield(), WEFT_ENOLOOP);
    assert_int_equal(weft_last_error(), WEFT_ENOLOOP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UTEST(sleep_order_by_deadline),
        UTEST(equal_delays_wake_in_call_order),
        UTEST(sleep_takes_at_least_its_delay),
        UTEST(sleep_does_not_busy_wait),
        UTEST(await_of_sleeper_does_not_busy_wait),
        UTEST(sleep_zero_is_a_yield),
        UTEST(yield_round_robin),
        UTEST_ONE_WORKER(lifo_yield_lets_others_run,
                         "counts the yields before another task runs on the same loop"),
        UTEST(huge_sleep_cancellable),
        UTEST_NO_LOOP(sleep_outside_task),
    };
    return URUN_GROUPS("test_sleep", tests);
}
