/* Done callbacks: weft_task_add_done_callback(_named) and
 * weft_task_remove_done_callback (C1-C4, T6, L6). */
#include "unit.h"

static int returns_arg(void *arg, void **result)
{
    *result = arg;
    return 0;
}

static int yields_then_returns(void *arg, void **result)
{
    weft_yield();
    *result = arg;
    return 0;
}

/* Pending until the gate opens, whatever the worker count (with several,
 * a task that only yields may be done before its callbacks are added). */
static ugate gate;

static int gated_returns(void *arg, void **result)
{
    weft_yield();
    *result = arg;
    return ugate_wait(&gate);
}

static int fails(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_raise(4, "failed");
}

static weft_task *expected_task;

static int logs(weft_task *task, void *arg)
{
    EXPECT_PTR(task, expected_task);
    EXPECT_PTR(weft_current_task(), NULL); /* C4 */
    EXPECT(weft_executor_current() != NULL);
    EXPECT(weft_task_done(task));
    ulog("cb%d", IV(arg));
    return 0;
}

static int other(weft_task *task, void *arg)
{
    (void)task;
    ulog("other%d", IV(arg));
    return 0;
}

static int marker(void *arg)
{
    ulog("soon%d", IV(arg));
    return 0;
}

/* ---------------------------------------------------------------- order */

static int order_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(yields_then_returns, PV(1)), NULL);
    expected_task = t;
    EXPECT_INT(weft_task_add_done_callback(t, logs, PV(1)), 0);
    EXPECT_INT(weft_task_add_done_callback(t, logs, PV(2)), 0);
    EXPECT_INT(weft_task_add_done_callback(t, other, PV(3)), 0);
    EXPECT_INT(weft_task_add_done_callback(t, logs, PV(4)), 0);
    weft_yield();
    weft_yield(); /* t finishes in this iteration; its callbacks are queued */
    EXPECT_SOON(weft_task_done(t));
    EXPECT_ORDERED(strcmp(ulog_get(), "") == 0);
    weft_yield();
    /* With several workers: each once, in any order (a worker takes its
     * newest work first, and others steal). */
    EXPECT_LOG("cb1 cb2 other3 cb4");
    /* C2: already done -> scheduled at once, never synchronously (logs
     * checks it runs outside any task), behind what is already queued. */
    ulog_reset();
    weft_call_soon(weft_executor_current(), marker, PV(1), NULL);
    EXPECT_INT(weft_task_add_done_callback(t, logs, PV(5)), 0);
    weft_call_soon(weft_executor_current(), marker, PV(2), NULL);
    EXPECT_ORDERED(strcmp(ulog_get(), "") == 0);
    weft_yield();
    EXPECT_LOG("soon1 cb5 soon2");
    /* Removing after completion: nothing pending to remove. */
    EXPECT_INT(weft_task_remove_done_callback(t, logs, PV(5)), 0);
    weft_task_release(t);
    return 0;
}

static void callbacks_run_in_registration_order(void **state)
{
    (void)state;
    assert_int_equal(URUN(order_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

/* Callbacks keep the task alive even when the user released it. */
static int released_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(returns_arg, PV(1)), NULL);
    expected_task = t;
    weft_task_add_done_callback(t, logs, PV(1));
    weft_task_release(t);
    weft_yield();
    weft_yield();
    EXPECT_LOG("cb1");
    return 0;
}

static void callback_holds_task(void **state)
{
    (void)state;
    assert_int_equal(URUN(released_main, NULL, NULL), 0);
    assert_str(ulog_get(), "cb1");
}

/* ------------------------------------------------------------- remove */

static int remove_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    gate.open = 0;
    weft_task *t = weft_task_create(weft_coro_new(gated_returns, PV(1)), NULL);
    expected_task = t;
    weft_task_add_done_callback(t, logs, PV(1));
    weft_task_add_done_callback(t, logs, PV(2));
    weft_task_add_done_callback(t, logs, PV(1));
    weft_task_add_done_callback(t, other, PV(1));
    weft_task_add_done_callback(t, logs, PV(1));
    weft_task_add_done_callback(t, logs, PV(3));
    /* Every registration of (fn, arg), and only those. */
    EXPECT_INT(weft_task_remove_done_callback(t, logs, PV(1)), 3);
    EXPECT_INT(weft_task_remove_done_callback(t, logs, PV(1)), 0);
    EXPECT_INT(weft_task_remove_done_callback(t, other, PV(9)), 0);
    EXPECT_INT(weft_task_remove_done_callback(t, logs, PV(3)), 1);
    /* Adding after a removal appends at the (new) tail. */
    weft_task_add_done_callback(t, logs, PV(4));
    ugate_open(&gate);
    EXPECT_INT(weft_await(t, NULL), 0);
    weft_yield();
    EXPECT_LOG("cb2 other1 cb4");
    weft_task_release(t);

    /* C3: after completion, already scheduled callbacks still run. */
    ulog_reset();
    t = weft_task_create(weft_coro_new(returns_arg, PV(1)), NULL);
    expected_task = t;
    weft_task_add_done_callback(t, logs, PV(7));
    uhops_start(2);
    weft_yield(); /* t completes: cb7 queued (several workers: or run) */
    EXPECT_SOON(weft_task_done(t));
    EXPECT_INT(weft_task_remove_done_callback(t, logs, PV(7)), 0);
    weft_yield();
    EXPECT_LOG("cb7");

    EXPECT_INT(weft_task_remove_done_callback(NULL, logs, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    EXPECT_INT(weft_task_remove_done_callback(t, NULL, NULL), WEFT_EINVAL);
    weft_task_release(t);
    return 0;
}

static void remove_counts(void **state)
{
    (void)state;
    assert_int_equal(URUN(remove_main, NULL, NULL), 0);
}

/* Removing the last entry leaves a list that still appends correctly. */
static int remove_tail_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    gate.open = 0;
    weft_task *t = weft_task_create(weft_coro_new(gated_returns, PV(1)), NULL);
    expected_task = t;
    weft_task_add_done_callback(t, logs, PV(1));
    weft_task_add_done_callback(t, logs, PV(2));
    EXPECT_INT(weft_task_remove_done_callback(t, logs, PV(2)), 1);
    weft_task_add_done_callback(t, logs, PV(3));
    EXPECT_INT(weft_task_remove_done_callback(t, logs, PV(1)), 1);
    EXPECT_INT(weft_task_remove_done_callback(t, logs, PV(3)), 1);
    weft_task_add_done_callback(t, logs, PV(4));
    weft_task_add_done_callback(t, logs, PV(5));
    ugate_open(&gate);
    EXPECT_INT(weft_await(t, NULL), 0);
    weft_yield();
    EXPECT_LOG("cb4 cb5");
    weft_task_release(t);
    return 0;
}

static void remove_then_add(void **state)
{
    (void)state;
    assert_int_equal(URUN(remove_tail_main, NULL, NULL), 0);
}

/* ---------------------------------------------------------------- repeats */

static int repeats_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(returns_arg, PV(1)), NULL);
    expected_task = t;
    for (int i = 0; i < 3; i++)
        weft_task_add_done_callback(t, logs, PV(1));
    EXPECT_INT(weft_await(t, NULL), 0);
    weft_yield();
    /* Registered on a done task three times: three more runs. */
    for (int i = 0; i < 3; i++)
        weft_task_add_done_callback(t, logs, PV(2));
    weft_yield();
    weft_yield();
    EXPECT_LOG("cb1 cb1 cb1 cb2 cb2 cb2");
    weft_task_release(t);
    return 0;
}

static void repeats_run_each_time(void **state)
{
    (void)state;
    assert_int_equal(URUN(repeats_main, NULL, NULL), 0);
    assert_log("cb1 cb1 cb1 cb2 cb2 cb2");
}

/* ---------------------------------------------------------------- errors */

static int line_failing;

static int failing_cb(weft_task *task, void *arg)
{
    (void)task;
    ulog("fail%d", IV(arg));
    return weft_raise(50 + IV(arg), "callback %d broke", IV(arg));
}

static int silent_failing_cb(weft_task *task, void *arg)
{
    (void)task;
    (void)arg;
    ulog("silent");
    return 61;
}

static weft_task *failing_task;

static int errors_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(fails, NULL), "fails");
    failing_task = t;
    expected_task = t;
    weft_task_add_done_callback(t, failing_cb, PV(1)); line_failing = __LINE__;
    weft_task_add_done_callback(t, logs, PV(2));
    weft_task_add_done_callback(t, silent_failing_cb, NULL);
    weft_task_add_done_callback(t, logs, PV(3));
    EXPECT_INT(weft_await(t, NULL), 4);
    weft_yield();
    EXPECT_LOG("fail1 cb2 silent cb3");
    EXPECT_SOON(ureport_count == 2); /* a callback logs before it fails */
    weft_task_release(t);
    EXPECT_INT(weft_task_add_done_callback(NULL, logs, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    weft_task *u = weft_spawn(returns_arg, NULL);
    EXPECT_INT(weft_task_add_done_callback(u, NULL, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_task_add_done_callback_named(u, NULL, NULL, "x", "y", 1), WEFT_EINVAL);
    weft_task_release(u);
    return 0;
}

static void callback_errors_go_to_handler(void **state)
{
    (void)state;
    assert_int_equal(URUN(errors_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 2);
    char want[256];
    snprintf(want, sizeof want, "Exception in callback failing_cb() at %s:%d", __FILE__,
             line_failing);
    /* In registration order with one worker; in any with several. */
    int first = ureport_find(want), silent = ureport_find("Exception in callback silent_failing_cb() at ");
    if (uworkers == 1) {
        assert_int_equal(first, 0);
        assert_int_equal(silent, 1);
    }
    assert_true(first >= 0 && silent >= 0);
    assert_str(ureports[first].message, want);
    snprintf(want, sizeof want, "failing_cb() at %s:%d", __FILE__, line_failing);
    assert_str(ureports[first].source, want);
    assert_int_equal(ureports[first].error, 51);
    assert_true(ureports[first].has_error_message);
    assert_str(ureports[first].error_message, "callback 1 broke");
    assert_ptr_equal(ureports[first].task, failing_task);
    assert_ptr_equal(ureports[first].arg, PV(0x5eed));
    assert_int_equal(ureports[silent].error, 61);
    assert_false(ureports[silent].has_error_message);
}

/* A callback given an explicit name, file and line reports those. */
static int named_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_spawn(returns_arg, NULL);
    weft_task_add_done_callback_named(t, failing_cb, PV(2), "custom", "here.c", 7);
    weft_await(t, NULL);
    weft_yield();
    EXPECT_SOON(ureport_count == 1);
    weft_task_release(t);
    return 0;
}

static void named_callback_source(void **state)
{
    (void)state;
    assert_int_equal(URUN(named_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 1);
    assert_str(ureports[0].message, "Exception in callback custom() at here.c:7");
    assert_str(ureports[0].source, "custom() at here.c:7");
    assert_int_equal(ureports[0].error, 52);
}

/* ------------------------------------------------ interleaving with waiters */

static int waiter(void *arg, void **result)
{
    (void)result;
    weft_await((weft_task *)arg, NULL);
    ulog("waiter");
    return 0;
}

static int interleave_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(yields_then_returns, PV(1)), NULL);
    expected_task = t;
    weft_task_add_done_callback(t, logs, PV(1));
    weft_task *w = weft_task_create(weft_coro_new(waiter, t), NULL);
    weft_yield(); /* w registers its wake-up */
    weft_task_add_done_callback(t, logs, PV(2));
    EXPECT_INT(weft_await(w, NULL), 0);
    weft_yield();
    EXPECT_LOG("cb1 waiter cb2");
    weft_task_release(t);
    weft_task_release(w);
    return 0;
}

static void callbacks_interleave_with_waiters(void **state)
{
    (void)state;
    assert_int_equal(URUN(interleave_main, NULL, NULL), 0);
    assert_log("cb1 waiter cb2");
}

/* ------------------------------------------------------ across workers */

/* Tasks finishing on whichever worker, callbacks added by main before and
 * by other tasks around the completion: each registration runs exactly
 * once, outside any task, with the task done and its result readable. */
enum { CB_TASKS = 16, CB_EACH = 4 };
static weft_task *cb_targets[CB_TASKS];
static _Atomic int cb_runs[CB_TASKS][CB_EACH + 1];
static weft_executor *cb_executor;

static int cb_runs_total(void)
{
    int total = 0;
    for (int i = 0; i < CB_TASKS; i++)
        for (int j = 0; j <= CB_EACH; j++)
            total += cb_runs[i][j];
    return total;
}

static int busy_target(void *arg, void **result)
{
    ublock(0.0001 * (IV(arg) % 4));
    weft_yield();
    *result = arg;
    return 0;
}

static int counts_run(weft_task *task, void *arg)
{
    int i = IV(arg) / 16, j = IV(arg) % 16;
    EXPECT(weft_task_done(task));
    EXPECT_PTR(task, cb_targets[i]);
    EXPECT_PTR(weft_current_task(), NULL);
    EXPECT_PTR(weft_executor_current(), cb_executor);
    void *r = NULL;
    EXPECT_INT(weft_task_result(task, &r), 0);
    EXPECT_PTR(r, PV(i));
    cb_runs[i][j]++;
    return 0;
}

static int adds_late(void *arg, void **result)
{
    (void)result;
    int i = IV(arg);
    ublock(0.0001 * (i % 3));
    EXPECT_INT(weft_task_add_done_callback(cb_targets[i], counts_run, PV(i * 16 + CB_EACH)), 0);
    return 0;
}

static int across_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    cb_executor = weft_executor_current();
    weft_task *adders[CB_TASKS];
    for (int i = 0; i < CB_TASKS; i++) {
        cb_targets[i] = weft_spawn(busy_target, PV(i));
        for (int j = 0; j < CB_EACH; j++)
            EXPECT_INT(weft_task_add_done_callback(cb_targets[i], counts_run, PV(i * 16 + j)), 0);
        adders[i] = weft_spawn(adds_late, PV(i));
    }
    for (int i = 0; i < CB_TASKS; i++) {
        EXPECT_INT(weft_await(adders[i], NULL), 0);
        EXPECT_INT(weft_await(cb_targets[i], NULL), 0);
        weft_task_release(adders[i]);
    }
    /* Each has run once before main ends, one hop after the last target
     * (checked again after the run, when nothing is left to run twice). */
    weft_yield();
    EXPECT_SOON(cb_runs_total() == CB_TASKS * (CB_EACH + 1));
    return 0;
}

static void done_callbacks_across_workers(void **state)
{
    (void)state;
    memset(cb_runs, 0, sizeof cb_runs);
    assert_int_equal(URUN(across_main, NULL, NULL), 0);
    for (int i = 0; i < CB_TASKS; i++) {
        for (int j = 0; j <= CB_EACH; j++)
            if (cb_runs[i][j] != 1)
                fail_msg("callback %d of task %d ran %d times", j, i, (int)cb_runs[i][j]);
        weft_task_release(cb_targets[i]);
    }
    assert_int_equal(ureport_count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UTEST(callbacks_run_in_registration_order),
        UTEST(callback_holds_task),
        UTEST(remove_counts),
        UTEST(remove_then_add),
        UTEST(repeats_run_each_time),
        UTEST(callback_errors_go_to_handler),
        UTEST(named_callback_source),
        UTEST(callbacks_interleave_with_waiters),
        UTEST(done_callbacks_across_workers),
    };
    return URUN_GROUPS("test_callbacks", tests);
}
