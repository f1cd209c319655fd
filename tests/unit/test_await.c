/* Awaiting: weft_await and weft_await_coro (results, errors, hops, waiter
 * order), awaiting yourself, NULL arguments, calls outside tasks. */
#include "unit.h"

static int returns_arg(void *arg, void **result)
{
    ulog("child%d", IV(arg));
    *result = arg;
    return 0;
}

static int fails_with(void *arg, void **result)
{
    (void)result;
    return weft_raise(IV(arg), "code %d", IV(arg));
}

static int yields_then_returns(void *arg, void **result)
{
    weft_yield();
    *result = arg;
    return 0;
}

static int yields_twice(void *arg, void **result)
{
    weft_yield();
    weft_yield();
    *result = arg;
    return 0;
}

static int sleeps_long(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_sleep(30);
}

/* -------------------------------------------------------------- outcomes */

static int outcomes_main(void *arg, void **result)
{
    (void)arg;
    void *r = NULL;
    weft_task *ok = weft_task_create(weft_coro_new(yields_then_returns, PV(11)), NULL);
    EXPECT_INT(weft_await(ok, &r), 0);
    EXPECT_PTR(r, PV(11));
    EXPECT_INT(weft_await(ok, NULL), 0); /* result may be NULL; again is fine */
    weft_task_release(ok);

    weft_task *bad = weft_task_create(weft_coro_new(fails_with, PV(12)), NULL);
    r = PV(-1);
    EXPECT_INT(weft_await(bad, &r), 12);
    EXPECT_ERR(12, "code 12");
    EXPECT_PTR(r, PV(-1)); /* untouched on failure */
    EXPECT_INT(weft_await(bad, &r), 12);
    EXPECT_ERR(12, "code 12");
    weft_task_release(bad);

    weft_task *slow = weft_task_create(weft_coro_new(sleeps_long, NULL), NULL);
    weft_yield();
    weft_task_cancel(slow, "stop it");
    EXPECT_INT(weft_await(slow, &r), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "stop it");
    EXPECT(!weft_task_cancelled(weft_current_task())); /* only the awaited one */
    weft_task_release(slow);
    *result = PV(99);
    return 0;
}

static void await_outcomes(void **state)
{
    (void)state;
    void *r = NULL;
    assert_int_equal(URUN(outcomes_main, NULL, &r), 0);
    assert_ptr_equal(r, PV(99));
    assert_int_equal(ureport_count, 0);
}

/* ------------------------------------------------------------------ hops */

static int hops_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(returns_arg, PV(1)), NULL);
    weft_yield();
    EXPECT(weft_task_done(t));
    /* T5: a done task is awaited without a hop. */
    uhops_start(5);
    void *r = NULL;
    EXPECT_INT(weft_await(t, &r), 0);
    EXPECT_PTR(r, PV(1));
    EXPECT_INT(uhop_count, 0);
    weft_task_release(t);

    /* A pending task: resumes one hop after it completes. The child
     * finishes in its first step (the iteration of hop 1), main resumes in
     * the next iteration, ahead of hop 2. */
    weft_yield(); /* drain the chain */
    weft_yield();
    weft_yield();
    weft_yield();
    weft_yield();
    t = weft_task_create(weft_coro_new(returns_arg, PV(2)), NULL);
    uhops_start(5);
    EXPECT_INT(weft_await(t, &r), 0);
    EXPECT_PTR(r, PV(2));
    EXPECT_INT(uhop_count, 1);
    weft_task_release(t);

    /* await_coro: inline, no hop unless it suspends. */
    for (int i = 0; i < 5; i++)
        weft_yield();
    uhops_start(5);
    weft_task *self = weft_current_task();
    EXPECT_INT(weft_await_coro(weft_coro_new(returns_arg, PV(3)), &r), 0);
    EXPECT_PTR(r, PV(3));
    EXPECT_INT(uhop_count, 0);
    EXPECT_PTR(weft_current_task(), self);
    EXPECT_INT(weft_await_coro(weft_coro_new(yields_then_returns, PV(4)), &r), 0);
    EXPECT_PTR(r, PV(4));
    EXPECT_INT(uhop_count, 1);
    for (int i = 0; i < 5; i++)
        weft_yield();
    return 0;
}

static void await_hops(void **state)
{
    (void)state;
    assert_int_equal(URUN(hops_main, NULL, NULL), 0);
    assert_str(ulog_get(), "child1 child2 child3");
}

/* ------------------------------------------------------------- await_coro */

static weft_task *inline_saw_task;
static int records_current(void *arg, void **result)
{
    (void)arg;
    inline_saw_task = weft_current_task();
    weft_yield();
    EXPECT_PTR(weft_current_task(), inline_saw_task);
    *result = PV(5);
    return weft_raise(70, "inline failure");
}

static int await_coro_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task **tasks = NULL;
    size_t before = 0, after = 0;
    weft_all_tasks(&tasks, &before);
    weft_tasks_release(tasks, before);
    long number = utask_number(weft_current_task());
    void *r = PV(-1);
    EXPECT_INT(weft_await_coro(weft_coro_new(records_current, NULL), &r), 70);
    EXPECT_ERR(70, "inline failure");
    EXPECT_PTR(r, PV(-1)); /* not stored on failure */
    EXPECT_PTR(inline_saw_task, weft_current_task());
    /* No task and no number were used. */
    weft_all_tasks(&tasks, &after);
    weft_tasks_release(tasks, after);
    EXPECT_INT(after, before);
    weft_task *next = weft_spawn(returns_arg, PV(0));
    EXPECT_NUMBER(next, number, 1);
    weft_task_release(next);

    EXPECT_INT(weft_await_coro(NULL, &r), WEFT_ENOTCORO);
    EXPECT_ERR(WEFT_ENOTCORO, "a coroutine was expected, got None");
    EXPECT_INT(weft_await_coro(weft_coro_new(returns_arg, PV(6)), NULL), 0);
    return 0;
}

static void await_coro_inline(void **state)
{
    (void)state;
    assert_int_equal(URUN(await_coro_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

/* --------------------------------------------------------- waiter order */

static int waiter(void *arg, void **result)
{
    (void)result;
    weft_task *target = arg;
    void *r = NULL;
    int rc = weft_await(target, &r);
    ulog("%s:%d:%d", weft_task_get_name(weft_current_task()), rc, IV(r));
    return 0;
}

static int logs_done(weft_task *task, void *arg)
{
    (void)task;
    ulog("cb%d", IV(arg));
    return 0;
}

static int waiter_order_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *target = weft_task_create(weft_coro_new(yields_twice, PV(8)), "target");
    weft_task *w1 = weft_task_create(weft_coro_new(waiter, target), "w1");
    weft_task_add_done_callback(target, logs_done, PV(1));
    weft_task *w2 = weft_task_create(weft_coro_new(waiter, target), "w2");
    weft_yield(); /* w1 and w2 start waiting (after cb1 was registered) */
    weft_task_add_done_callback(target, logs_done, PV(2));
    weft_task *w3 = weft_task_create(weft_coro_new(waiter, target), "w3");
    EXPECT_INT(weft_await(w3, NULL), 0);
    EXPECT_INT(weft_await(w1, NULL), 0);
    EXPECT_INT(weft_await(w2, NULL), 0);
    weft_task_release(target);
    weft_task_release(w1);
    weft_task_release(w2);
    weft_task_release(w3);
    return 0;
}

static void waiters_resume_in_registration_order(void **state)
{
    (void)state;
    assert_int_equal(URUN(waiter_order_main, NULL, NULL), 0);
    /* With several workers: each waiter and callback once, in any order. */
    assert_log("cb1 w1:0:8 w2:0:8 cb2 w3:0:8");
}

/* ------------------------------------------------------------ await self */

static int self_line;

static int awaits_self(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *self = weft_current_task();
    char want[512];
    uhops_start(3);
    int rc = weft_await(self, NULL); self_line = __LINE__;
    /* Delivered after one hop, as a catchable error. */
    EXPECT_INT(rc, WEFT_EAWAITSELF);
    EXPECT_HOPS(1);
    snprintf(want, sizeof want,
             "Task cannot await on itself: <Task pending name='selfish' coro=<awaits_self() "
             "running at %s:%d> cb=[Task.task_wakeup()]>",
             __FILE__, self_line); /* main is waiting on it */
    if (uworkers == 1) {
        EXPECT_ERR(WEFT_EAWAITSELF, want);
    } else {
        /* With several workers main may not be waiting on it yet, or may
         * run it inline, without a wake-up registered: no cb=[...]. */
        const char *message = weft_last_error_message();
        size_t head = strlen(want) - strlen(" cb=[Task.task_wakeup()]>");
        EXPECT_INT(weft_last_error(), WEFT_EAWAITSELF);
        EXPECT(message != NULL && strncmp(message, want, head) == 0);
    }
    /* The task goes on normally afterwards. */
    EXPECT_INT(weft_yield(), 0);
    EXPECT(!weft_task_done(self));
    *result = PV(3);
    return 0;
}

static int await_self_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(awaits_self, NULL), "selfish");
    void *r = NULL;
    EXPECT_INT(weft_await(t, &r), 0);
    EXPECT_PTR(r, PV(3));
    weft_task_release(t);
    return 0;
}

static void await_self(void **state)
{
    (void)state;
    assert_int_equal(URUN(await_self_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

/* A task that awaits itself and returns the error fails with it. */
static int awaits_self_and_fails(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_await(weft_current_task(), NULL);
}

static int await_self_fail_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(awaits_self_and_fails, NULL), "loop");
    EXPECT_INT(weft_await(t, NULL), WEFT_EAWAITSELF);
    EXPECT(weft_last_error_message() != NULL &&
           strncmp(weft_last_error_message(),
                   "Task cannot await on itself: <Task pending name='loop' ", 55) == 0);
    weft_task_release(t);
    return 0;
}

static void await_self_error_propagates(void **state)
{
    (void)state;
    assert_int_equal(URUN(await_self_fail_main, NULL, NULL), 0);
}

/* ------------------------------------------------- misuse and misplacement */

static int null_args_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    void *r = PV(-1);
    EXPECT_INT(weft_await(NULL, &r), WEFT_EINVAL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    EXPECT(weft_last_error_message() != NULL);
    EXPECT_PTR(r, PV(-1));
    return 0;
}

static void await_null(void **state)
{
    (void)state;
    assert_int_equal(URUN(null_args_main, NULL, NULL), 0);
}

static void calls_outside_a_loop(void **state)
{
    (void)state;
    assert_int_equal(weft_await(NULL, NULL), WEFT_ENOLOOP);
    assert_int_equal(weft_last_error(), WEFT_ENOLOOP);
    weft_coro *coro = weft_coro_new(returns_arg, NULL);
    assert_int_equal(weft_await_coro(coro, NULL), WEFT_ENOLOOP);
    assert_int_equal(weft_last_error(), WEFT_ENOLOOP);
    assert_int_equal(weft_yield(), WEFT_ENOLOOP);
    assert_int_equal(weft_sleep(0.01), WEFT_ENOLOOP);
    assert_null(weft_current_task());
    assert_null(weft_executor_current());
    /* The rejected coroutine is still fresh and still the caller's. */
    assert_int_equal(weft_run(coro, NULL), 0);
    assert_str(ulog_get(), "child0");
}

static weft_task *callback_target;

static int misplaced_callback(void *arg)
{
    (void)arg;
    EXPECT_PTR(weft_current_task(), NULL);
    EXPECT(weft_executor_current() != NULL);
    void *r = PV(-1);
    EXPECT_INT(weft_await(callback_target, &r), WEFT_ENOTASK);
    EXPECT_INT(weft_last_error(), WEFT_ENOTASK);
    EXPECT(weft_last_error_message() != NULL);
    EXPECT_PTR(r, PV(-1));
    weft_coro *coro = weft_coro_new(returns_arg, PV(7));
    EXPECT_INT(weft_await_coro(coro, NULL), WEFT_ENOTASK);
    EXPECT_INT(weft_yield(), WEFT_ENOTASK);
    EXPECT_INT(weft_sleep(0.01), WEFT_ENOTASK);
    EXPECT_INT(weft_last_error(), WEFT_ENOTASK);
    /* Not consumed: a task can still take it. */
    weft_task *t = weft_task_create(coro, "from callback");
    EXPECT(t != NULL);
    weft_task_release(t);
    ulog("callback");
    return 0;
}

static int misplaced_done_callback(weft_task *task, void *arg)
{
    (void)arg;
    EXPECT_PTR(weft_current_task(), NULL);
    EXPECT_INT(weft_await(task, NULL), WEFT_ENOTASK);
    ulog("done-callback");
    return 0;
}

static int callback_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    callback_target = weft_task_create(weft_coro_new(returns_arg, PV(1)), NULL);
    weft_call_soon(weft_executor_current(), misplaced_callback, NULL, NULL);
    weft_task_add_done_callback(callback_target, misplaced_done_callback, NULL);
    EXPECT_INT(weft_await(callback_target, NULL), 0);
    weft_yield();
    weft_yield();
    /* Everything ran before main returns (with several workers, in any
     * order). */
    EXPECT_LOG("child1 callback done-callback child7");
    weft_task_release(callback_target);
    return 0;
}

static void calls_from_callbacks(void **state)
{
    (void)state;
    assert_int_equal(URUN(callback_main, NULL, NULL), 0);
    assert_log("child1 callback done-callback child7");
    assert_int_equal(ureport_count, 0);
}

/* ------------------------------------------------------ across workers */

/* Targets that keep their worker busy, so that idle workers steal them
 * (with several workers): the awaiting task resumes when a target finished
 * on another worker, usually on that worker. */
static int busy_returns(void *arg, void **result)
{
    ublock(0.001);
    weft_yield();
    ublock(0.0005);
    *result = arg;
    return 0;
}

static int busy_fails(void *arg, void **result)
{
    (void)result;
    ublock(0.001);
    weft_yield();
    return weft_raise(IV(arg), "busy %d failed", IV(arg));
}

/* Each level awaits the next one, spawned just before: results travel up
 * through as many workers as the chain crosses. */
static int chain_level(void *arg, void **result)
{
    int depth = IV(arg);
    if (depth == 0) {
        ublock(0.001);
        *result = PV(1000);
        return 0;
    }
    weft_task *self = weft_current_task();
    weft_task *child = weft_spawn(chain_level, PV(depth - 1));
    ublock(0.0005);
    void *r = NULL;
    int rc = weft_await(child, &r);
    EXPECT_PTR(weft_current_task(), self);
    weft_task_release(child);
    *result = PV(IV(r) + 1);
    return rc;
}

static int across_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *self = weft_current_task();
    weft_executor *executor = weft_executor_current();
    for (int round = 0; round < 6; round++) {
        weft_task *ok = weft_spawn(busy_returns, PV(round));
        weft_task *bad = weft_spawn(busy_fails, PV(50 + round));
        ublock(0.001);
        void *r = PV(-1);
        EXPECT_INT(weft_await(ok, &r), 0);
        EXPECT_PTR(r, PV(round));
        EXPECT_PTR(weft_current_task(), self);
        EXPECT_PTR(weft_executor_current(), executor);
        char want[32];
        snprintf(want, sizeof want, "busy %d failed", 50 + round);
        r = PV(-1);
        EXPECT_INT(weft_await(bad, &r), 50 + round);
        EXPECT_ERR(50 + round, want);
        EXPECT_PTR(r, PV(-1));
        EXPECT_PTR(weft_current_task(), self);
        /* Read again after the fact: the same outcome. */
        EXPECT_INT(weft_task_result(ok, &r), 0);
        EXPECT_PTR(r, PV(round));
        const char *message = NULL;
        EXPECT_INT(weft_task_exception(bad, &message), 50 + round);
        EXPECT_STR(message, want);
        weft_task_release(ok);
        weft_task_release(bad);
    }
    weft_task *top = weft_spawn(chain_level, PV(8));
    void *r = NULL;
    EXPECT_INT(weft_await(top, &r), 0);
    EXPECT_PTR(r, PV(1008));
    weft_task_release(top);
    return 0;
}

static void await_outcomes_across_workers(void **state)
{
    (void)state;
    assert_int_equal(URUN(across_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

/* Many tasks wait on one target that finishes on whichever worker: each
 * waiter resumes once with the outcome, each done callback runs once. */
static ugate target_gate;

static int gated_target(void *arg, void **result)
{
    int rc = ugate_wait(&target_gate);
    ublock(0.0005);
    *result = arg;
    return rc;
}

static int counting_waiter(void *arg, void **result)
{
    (void)result;
    weft_task *target = arg;
    weft_task *self = weft_current_task();
    ustarted();
    void *r = NULL;
    int rc = weft_await(target, &r);
    EXPECT_PTR(weft_current_task(), self);
    ulog("%s:%d:%d", weft_task_get_name(self), rc, IV(r));
    return 0;
}

static int counts_done(weft_task *task, void *arg)
{
    EXPECT(weft_task_done(task));
    EXPECT_PTR(weft_current_task(), NULL);
    ulog("cb%d", IV(arg));
    return 0;
}

static int many_waiters_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    target_gate.open = 0;
    weft_task *target = weft_task_create(weft_coro_new(gated_target, PV(77)), "target");
    weft_task *waiters[8];
    for (int i = 0; i < 8; i++) {
        char name[8];
        snprintf(name, sizeof name, "w%d", i);
        waiters[i] = weft_task_create(weft_coro_new(counting_waiter, target), name);
    }
    weft_yield();
    EXPECT_SOON(ustarted_count == 8);
    for (int i = 1; i <= 3; i++)
        EXPECT_INT(weft_task_add_done_callback(target, counts_done, PV(i)), 0);
    ugate_open(&target_gate);
    for (int i = 0; i < 8; i++) {
        EXPECT_INT(weft_await(waiters[i], NULL), 0);
        weft_task_release(waiters[i]);
    }
    EXPECT_LOG("w0:0:77 w1:0:77 w2:0:77 w3:0:77 w4:0:77 w5:0:77 w6:0:77 w7:0:77 cb1 cb2 cb3");
    weft_task_release(target);
    return 0;
}

static void many_waiters_across_workers(void **state)
{
    (void)state;
    assert_int_equal(URUN(many_waiters_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UTEST(await_outcomes),
        UTEST_ONE_WORKER(await_hops, "hop counts: 0 for a done task, 1 after completion"),
        UTEST(await_coro_inline),
        UTEST(waiters_resume_in_registration_order),
        UTEST(await_self),
        UTEST(await_self_error_propagates),
        UTEST(await_null),
        UTEST_NO_LOOP(calls_outside_a_loop),
        UTEST(calls_from_callbacks),
        UTEST(await_outcomes_across_workers),
        UTEST(many_waiters_across_workers),
    };
    return URUN_GROUPS("test_await", tests);
}
