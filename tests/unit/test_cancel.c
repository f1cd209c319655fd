/* Cancellation: weft_task_cancel, weft_task_cancelling, weft_task_uncancel
 * and every S-rule of ASYNCIO_ORDERING.md section 3. */
#include <unistd.h>

#include "unit.h"

static _Atomic int body_ran;

static int marks_and_returns(void *arg, void **result)
{
    body_ran++;
    *result = arg;
    return 0;
}

/* Sleeps 30 s and logs what weft_sleep returned; returns it. */
static int sleeper(void *arg, void **result)
{
    (void)result;
    ustarted();
    int rc = weft_sleep(30);
    const char *m = weft_last_error_message();
    ulog("%s:%d:%s:hops=%d", (const char *)arg, rc, rc && m ? m : "-", uhop_count);
    return rc;
}

/* Awaits the task in arg, logs the outcome and returns it. */
static int awaiter(void *arg, void **result)
{
    ustarted();
    int rc = weft_await((weft_task *)arg, result);
    const char *m = weft_last_error_message();
    ulog("%s:%d:%s:hops=%d", weft_task_get_name(weft_current_task()), rc, rc && m ? m : "-",
         uhop_count);
    return rc;
}

/* ------------------------------------------------------- before start */

static int before_start_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(marks_and_returns, PV(1)), NULL);
    EXPECT_INT(weft_task_cancel(t, "early"), 1);
    EXPECT_INT(weft_task_cancelling(t), 1);
    EXPECT(!weft_task_done(t));
    EXPECT(!weft_task_cancelled(t));
    weft_yield(); /* its first step: cancelled without running the body */
    EXPECT(weft_task_done(t));
    EXPECT(weft_task_cancelled(t));
    EXPECT_INT(body_ran, 0);
    EXPECT_INT(weft_task_result(t, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "early");
    EXPECT_INT(weft_task_cancel(t, "again"), 0); /* done */
    EXPECT_INT(weft_task_cancelling(t), 1);
    weft_task_release(t);

    /* Twice before start: the last message wins (S4). */
    t = weft_task_create(weft_coro_new(marks_and_returns, PV(2)), NULL);
    EXPECT_INT(weft_task_cancel(t, "m1"), 1);
    EXPECT_INT(weft_task_cancel(t, "m2"), 1);
    EXPECT_INT(weft_task_cancelling(t), 2);
    EXPECT_INT(weft_await(t, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "m2");
    EXPECT_INT(body_ran, 0);
    weft_task_release(t);

    /* Without a message. */
    t = weft_task_create(weft_coro_new(marks_and_returns, PV(3)), NULL);
    EXPECT_INT(weft_task_cancel(t, NULL), 1);
    EXPECT_INT(weft_await(t, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, NULL);
    weft_task_release(t);
    return 0;
}

static void cancel_before_start(void **state)
{
    (void)state;
    body_ran = 0;
    assert_int_equal(URUN(before_start_main, NULL, NULL), 0);
    assert_int_equal(body_ran, 0);
}

/* --------------------------------------------------------- while sleeping */

static int sleeping_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(sleeper, "s"), "s");
    weft_yield();
    EXPECT_SOON(ustarted_count == 1); /* asleep, or (several workers) about to be */
    double start = unow();
    uhops_start(5);
    char message[16] = "wake";
    EXPECT_INT(weft_task_cancel(t, message), 1);
    strcpy(message, "clobbered"); /* msg is copied */
    EXPECT_ORDERED(!weft_task_cancelled(t));
    EXPECT_INT(weft_task_cancelling(t), 1);
    EXPECT_INT(weft_await(t, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "wake");
    EXPECT(unow() - start < 1.0);
    EXPECT(weft_task_cancelled(t));
    EXPECT_INT(weft_task_cancelling(t), 1);
    weft_task_release(t);
    return 0;
}

static void cancel_while_sleeping(void **state)
{
    (void)state;
    assert_int_equal(URUN(sleeping_main, NULL, NULL), 0);
    /* It woke one hop after the cancel, with the message. */
    assert_log("s:-1008:wake:hops=1");
}

/* First message wins once the task is suspended on a future (S4). */
static int twice_suspended_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(sleeper, "s"), NULL);
    weft_yield();
    uhops_start(1);
    EXPECT_INT(weft_task_cancel(t, "first"), 1);
    EXPECT_INT(weft_task_cancel(t, "second"), 1);
    EXPECT_INT(weft_task_cancelling(t), 2);
    EXPECT_INT(weft_await(t, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "first");
    weft_task_release(t);
    return 0;
}

static void cancel_twice_first_message_wins(void **state)
{
    (void)state;
    assert_int_equal(URUN(twice_suspended_main, NULL, NULL), 0);
    assert_str(ulog_get(), "s:-1008:first:hops=1");
}

/* ------------------------------------------------------------- propagation */

static int chain_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *inner = weft_task_create(weft_coro_new(sleeper, "inner"), "inner");
    weft_task *middle = weft_task_create(weft_coro_new(awaiter, inner), "middle");
    weft_task *outer = weft_task_create(weft_coro_new(awaiter, middle), "outer");
    weft_yield();
    EXPECT_SOON(ustarted_count == 3);
    uhops_start(10);
    EXPECT_INT(weft_task_cancel(outer, "chain"), 1);
    /* S8: passed down to the leaf at once (with several workers a level
     * may still be on its way into its await: then when it gets there). */
    EXPECT_INT(weft_task_cancelling(outer), 1);
    EXPECT_SOON(weft_task_cancelling(middle) == 1);
    EXPECT_SOON(weft_task_cancelling(inner) == 1);
    EXPECT_INT(weft_await(outer, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "chain");
    /* One hop per level: inner 1, middle 2, outer 3, main 4. */
    EXPECT_HOPS(4);
    EXPECT(weft_task_cancelled(inner) && weft_task_cancelled(middle) &&
           weft_task_cancelled(outer));
    weft_task_release(inner);
    weft_task_release(middle);
    weft_task_release(outer);
    return 0;
}

static void cancel_propagates_down_a_chain(void **state)
{
    (void)state;
    assert_int_equal(URUN(chain_main, NULL, NULL), 0);
    assert_log("inner:-1008:chain:hops=1 middle:-1008:chain:hops=2 outer:-1008:chain:hops=3");
}

/* Cancelling the inner task directly: the awaiting task gets the error
 * without being cancelled itself. */
static int inner_cancel_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *inner = weft_task_create(weft_coro_new(sleeper, "inner"), "inner");
    weft_task *outer = weft_task_create(weft_coro_new(awaiter, inner), "outer");
    weft_yield();
    EXPECT_SOON(ustarted_count == 2);
    EXPECT_INT(weft_task_cancel(inner, "leaf"), 1);
    EXPECT_INT(weft_task_cancelling(outer), 0);
    EXPECT_INT(weft_await(outer, NULL), WEFT_ECANCELLED);
    /* outer returned the code it got, so it ends cancelled too (S7 path:
     * it raised CancelledError itself), with no cancel request counted. */
    EXPECT(weft_task_cancelled(outer));
    EXPECT_INT(weft_task_cancelling(outer), 0);
    weft_task_release(inner);
    weft_task_release(outer);
    return 0;
}

static void cancel_inner_reaches_awaiter(void **state)
{
    (void)state;
    assert_int_equal(URUN(inner_cancel_main, NULL, NULL), 0);
    assert_log("inner:-1008:leaf:hops=0 outer:-1008:leaf:hops=0");
}

/* ---------------------------------------------------------------- swallow */

static int swallower(void *arg, void **result)
{
    (void)arg;
    ustarted();
    int rc = weft_sleep(30);
    ulog("swallow:%d", rc);
    /* Not cancelled again: it can keep awaiting. */
    EXPECT_INT(weft_sleep(0.001), 0);
    EXPECT_INT(weft_yield(), 0);
    EXPECT_INT(weft_task_cancelling(weft_current_task()), 1);
    *result = PV(7);
    return 0;
}

static int swallow_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *inner = weft_task_create(weft_coro_new(swallower, NULL), "inner");
    weft_task *outer = weft_task_create(weft_coro_new(awaiter, inner), "outer");
    weft_yield();
    EXPECT_SOON(ustarted_count == 2);
    EXPECT_INT(weft_task_cancel(outer, "try"), 1);
    void *r = NULL;
    /* S8: the inner task swallowed it, so outer resumes normally. */
    EXPECT_INT(weft_await(outer, &r), 0);
    EXPECT_PTR(r, PV(7));
    EXPECT(!weft_task_cancelled(outer));
    EXPECT(!weft_task_cancelled(inner));
    EXPECT_INT(weft_task_result(inner, &r), 0);
    EXPECT_PTR(r, PV(7));
    /* S5: the counts stay (only uncancel decrements). */
    EXPECT_INT(weft_task_cancelling(outer), 1);
    EXPECT_INT(weft_task_cancelling(inner), 1);
    weft_task_release(inner);
    weft_task_release(outer);
    return 0;
}

static void swallowed_cancel(void **state)
{
    (void)state;
    assert_int_equal(URUN(swallow_main, NULL, NULL), 0);
    assert_log("swallow:-1008 outer:0:-:hops=0");
}

/* ------------------------------------------------------------ self-cancel */

static int self_cancel_return(void *arg, void **result)
{
    (void)arg;
    weft_task *me = weft_current_task();
    EXPECT_INT(weft_task_cancel(me, "bye"), 1);
    EXPECT_INT(weft_task_cancelling(me), 1);
    EXPECT(!weft_task_cancelled(me));
    *result = PV(5);
    return 0; /* S6: ends cancelled, the value is dropped */
}

static int self_cancel_yield(void *arg, void **result)
{
    (void)arg;
    weft_task_cancel(weft_current_task(), "at yield");
    uhops_start(3);
    int rc = weft_yield();
    EXPECT_INT(rc, WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "at yield");
    EXPECT_HOPS(1);
    EXPECT_INT(weft_yield(), 0); /* delivered once */
    *result = PV(6);
    return 0; /* swallowed: finished normally */
}

static int self_cancel_sleep(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task_cancel(weft_current_task(), "at sleep");
    double start = unow();
    int rc = weft_sleep(5);
    EXPECT(unow() - start < 1.0);
    EXPECT_INT(rc, WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "at sleep");
    return rc;
}

static int self_cancel_await(void *arg, void **result)
{
    weft_task *victim = arg;
    EXPECT(!weft_task_done(victim));
    weft_task_cancel(weft_current_task(), "pass on");
    /* T3: the awaited task is cancelled at once, in this step. */
    int rc = weft_await(victim, result);
    EXPECT_INT(rc, WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "pass on");
    EXPECT(weft_task_cancelled(victim));
    return rc;
}

static int self_cancel_await_done(void *arg, void **result)
{
    weft_task *done = arg;
    EXPECT(weft_task_done(done));
    weft_task_cancel(weft_current_task(), "later");
    void *r = NULL;
    /* A done task is awaited without suspending: the cancel stays pending
     * and fires at the next suspension. */
    EXPECT_INT(weft_await(done, &r), 0);
    EXPECT_PTR(r, PV(1));
    EXPECT_INT(weft_await_coro(weft_coro_new(marks_and_returns, PV(2)), &r), 0);
    EXPECT_PTR(r, PV(2));
    EXPECT_INT(weft_yield(), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "later");
    *result = PV(3);
    return 0;
}

static int self_cancel_await_self(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task_cancel(weft_current_task(), "wins");
    /* The self-await error is replaced by the pending cancel (S3). */
    int rc = weft_await(weft_current_task(), NULL);
    EXPECT_INT(rc, WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "wins");
    return rc;
}

static int self_cancel_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    void *r = NULL;
    weft_task *t = weft_task_create(weft_coro_new(self_cancel_return, NULL), NULL);
    EXPECT_INT(weft_await(t, &r), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "bye");
    EXPECT(weft_task_cancelled(t));
    EXPECT_INT(weft_task_result(t, &r), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "bye");
    EXPECT_INT(weft_task_result(t, &r), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "bye");
    EXPECT_PTR(r, NULL);
    weft_task_release(t);

    t = weft_task_create(weft_coro_new(self_cancel_yield, NULL), NULL);
    EXPECT_INT(weft_await(t, &r), 0);
    EXPECT_PTR(r, PV(6));
    EXPECT(!weft_task_cancelled(t));
    EXPECT_INT(weft_task_cancelling(t), 1);
    weft_task_release(t);

    t = weft_task_create(weft_coro_new(self_cancel_sleep, NULL), NULL);
    EXPECT_INT(weft_await(t, &r), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "at sleep");
    EXPECT(weft_task_cancelled(t));
    weft_task_release(t);

    uhops_reset();
    weft_task *victim = weft_task_create(weft_coro_new(sleeper, "victim"), "victim");
    weft_yield();
    EXPECT_SOON(ustarted_count == 1);
    t = weft_task_create(weft_coro_new(self_cancel_await, victim), NULL);
    EXPECT_INT(weft_await(t, &r), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "pass on");
    EXPECT(weft_task_cancelled(t));
    EXPECT_INT(weft_task_cancelling(victim), 1);
    weft_task_release(t);
    weft_task_release(victim);

    weft_task *done = weft_task_create(weft_coro_new(marks_and_returns, PV(1)), NULL);
    weft_yield();
    EXPECT_SOON(weft_task_done(done));
    t = weft_task_create(weft_coro_new(self_cancel_await_done, done), NULL);
    EXPECT_INT(weft_await(t, &r), 0);
    EXPECT_PTR(r, PV(3));
    weft_task_release(t);
    weft_task_release(done);

    t = weft_task_create(weft_coro_new(self_cancel_await_self, NULL), NULL);
    EXPECT_INT(weft_await(t, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "wins");
    weft_task_release(t);
    return 0;
}

static void self_cancel(void **state)
{
    (void)state;
    assert_int_equal(URUN(self_cancel_main, NULL, NULL), 0);
    assert_log("victim:-1008:pass on:hops=0");
    assert_int_equal(ureport_count, 0);
}

/* S6 for the main task: weft_run returns the cancel with its message. */
static void self_cancel_main_task(void **state)
{
    (void)state;
    void *r = PV(-1);
    assert_int_equal(URUN(self_cancel_return, NULL, &r), WEFT_ECANCELLED);
    assert_str(weft_last_error_message(), "bye");
    assert_ptr_equal(r, PV(-1));
}

/* ----------------------------------------------------- S3 after completion */

static int quick(void *arg, void **result)
{
    weft_yield();
    *result = arg;
    return 0;
}

static weft_task *late_victim;

static int cancels_victim(weft_task *task, void *arg)
{
    (void)task;
    (void)arg;
    /* The awaited task is done; the victim's wake-up is queued. */
    EXPECT_INT(weft_task_cancel(late_victim, "too late"), 1);
    ulog("cb");
    return 0;
}

static int must_cancel_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *b = weft_task_create(weft_coro_new(quick, PV(5)), "b");
    /* Registered before the victim starts waiting, so it runs first. */
    weft_task_add_done_callback(b, cancels_victim, NULL);
    late_victim = weft_task_create(weft_coro_new(awaiter, b), "victim");
    void *r = NULL;
    EXPECT_INT(weft_await(late_victim, &r), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "too late");
    EXPECT(weft_task_cancelled(late_victim));
    /* b itself finished normally. */
    EXPECT(!weft_task_cancelled(b));
    EXPECT_INT(weft_task_result(b, &r), 0);
    EXPECT_PTR(r, PV(5));
    EXPECT_INT(weft_task_cancelling(b), 0);
    weft_task_release(b);
    weft_task_release(late_victim);
    return 0;
}

static void cancel_after_awaited_completed(void **state)
{
    (void)state;
    assert_int_equal(URUN(must_cancel_main, NULL, NULL), 0);
    assert_str(ulog_get(), "cb victim:-1008:too late:hops=0");
}

/* The same with a sleep: the timer fired (the wake-up is queued) when the
 * cancel comes, so the task gets the cancel instead of a normal return. */
static int blocks_loop(double seconds)
{
    struct timespec ts = {0, (long)(seconds * 1e9)};
    while (nanosleep(&ts, &ts) != 0) {
    }
    return 0;
}

static weft_task *short_sleeper;

static int cancels_short_sleeper(void *arg)
{
    (void)arg;
    EXPECT(!weft_task_done(short_sleeper));
    EXPECT_INT(weft_task_cancel(short_sleeper, "after the timer"), 1);
    ulog("cancel");
    return 0;
}

static int short_sleep(void *arg, void **result)
{
    (void)arg;
    (void)result;
    int rc = weft_sleep(0.01);
    const char *m = weft_last_error_message();
    ulog("sleep:%d:%s", rc, rc && m ? m : "-");
    return rc;
}

static int timer_fired_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    short_sleeper = weft_task_create(weft_coro_new(short_sleep, NULL), NULL);
    weft_yield(); /* it starts sleeping */
    /* Due after the sleep's timer, in the same iteration once the loop
     * was blocked past both deadlines. */
    weft_call_later(weft_executor_current(), 0.01, cancels_short_sleeper, NULL, NULL);
    blocks_loop(0.03);
    EXPECT_INT(weft_await(short_sleeper, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "after the timer");
    EXPECT(weft_task_cancelled(short_sleeper));
    weft_task_release(short_sleeper);
    return 0;
}

static void cancel_after_sleep_timer_fired(void **state)
{
    (void)state;
    assert_int_equal(URUN(timer_fired_main, NULL, NULL), 0);
    assert_str(ulog_get(), "cancel sleep:-1008:after the timer");
}

/* Two tasks awaiting each other. Cancelling one must end the cycle (in
 * CPython the cancel recurses into a RecursionError; weft breaks the
 * recursion but then loses the request: both tasks stay pending forever
 * and weft_run hangs at shutdown). The alarm turns the hang into a kill. */
static weft_task *cycle_a, *cycle_b;

/* b gets a as its argument: with several workers a may run before main has
 * stored cycle_a. */
static int cycle_b_body(void *arg, void **result)
{
    ustarted();
    return weft_await((weft_task *)arg, result);
}

static int cycle_a_body(void *arg, void **result)
{
    (void)arg;
    cycle_b = weft_task_create(weft_coro_new(cycle_b_body, weft_current_task()), "b");
    ustarted(); /* after storing cycle_b, which main reads once both started */
    return weft_await(cycle_b, result);
}

static int cycle_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    cycle_a = weft_task_create(weft_coro_new(cycle_a_body, NULL), "a");
    weft_yield();
    weft_yield();
    weft_yield();
    EXPECT_SOON(ustarted_count == 2);
    EXPECT_INT(weft_task_cancel(cycle_a, "break"), 1);
    weft_sleep(0.05);
    EXPECT_SOON(weft_task_done(cycle_a));
    EXPECT_SOON(weft_task_done(cycle_b));
    EXPECT(weft_task_cancelled(cycle_a));
    return 0;
}

static void cancel_breaks_await_cycle(void **state)
{
    (void)state;
    alarm(5);
    assert_int_equal(URUN(cycle_main, NULL, NULL), 0);
    alarm(UWATCHDOG_SECONDS);
    weft_task_release(cycle_a);
    weft_task_release(cycle_b);
}

/* --------------------------------------------------- S7 raising the cancel */

static int raises_cancel(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_raise(WEFT_ECANCELLED, "my own");
}

static int raise_cancel_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(raises_cancel, NULL), NULL);
    EXPECT_INT(weft_await(t, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "my own");
    EXPECT(weft_task_cancelled(t));
    EXPECT_INT(weft_task_cancelling(t), 0);
    EXPECT_INT(weft_task_exception(t, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "my own");
    weft_task_release(t);
    return 0;
}

static void raising_cancel_ends_cancelled(void **state)
{
    (void)state;
    assert_int_equal(URUN(raise_cancel_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

/* ----------------------------------------------------- counts and errors */

static int counts_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(sleeper, "counted"), NULL);
    weft_yield();
    EXPECT_SOON(ustarted_count == 1);
    EXPECT_INT(weft_task_cancelling(t), 0);
    EXPECT_INT(weft_task_uncancel(t), 0); /* never below zero */
    EXPECT_INT(weft_task_cancel(t, "a"), 1);
    EXPECT_INT(weft_task_cancel(t, "b"), 1);
    EXPECT_INT(weft_task_cancel(t, "c"), 1);
    EXPECT_INT(weft_task_cancelling(t), 3);
    EXPECT_INT(weft_task_uncancel(t), 2);
    EXPECT_INT(weft_task_cancelling(t), 2);
    EXPECT_INT(weft_task_uncancel(t), 1);
    EXPECT_INT(weft_task_uncancel(t), 0);
    EXPECT_INT(weft_task_uncancel(t), 0);
    /* uncancel does not withdraw a cancel already delivered (3.11). The
     * first message wins as the task was asleep at the first cancel (S4);
     * with several workers it may still have been running, then the last
     * message before it suspends wins. */
    EXPECT_INT(weft_await(t, NULL), WEFT_ECANCELLED);
    if (uworkers == 1) {
        EXPECT_ERR(WEFT_ECANCELLED, "a");
    } else {
        const char *m = weft_last_error_message();
        EXPECT(m != NULL && strlen(m) == 1 && m[0] >= 'a' && m[0] <= 'c');
    }
    EXPECT_INT(weft_task_cancelling(t), 0);
    EXPECT_INT(weft_task_cancel(t, "done"), 0);
    EXPECT_INT(weft_task_cancelling(t), 0);
    weft_task_release(t);

    EXPECT_INT(weft_task_cancel(NULL, "x"), WEFT_EINVAL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    EXPECT_INT(weft_task_cancelling(NULL), WEFT_EINVAL);
    EXPECT_INT(weft_task_uncancel(NULL), WEFT_EINVAL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    return 0;
}

static void cancelling_and_uncancel(void **state)
{
    (void)state;
    assert_int_equal(URUN(counts_main, NULL, NULL), 0);
}

/* Cancelling a failed task marks its error retrieved (S2.1). */
static int fails(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_raise(8, "boom");
}

static int cancel_done_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(fails, NULL), NULL);
    weft_yield();
    EXPECT_SOON(weft_task_done(t));
    EXPECT_INT(weft_task_cancel(t, NULL), 0);
    EXPECT(!weft_task_cancelled(t));
    weft_task_release(t);
    return 0;
}

static void cancel_done_task(void **state)
{
    (void)state;
    assert_int_equal(URUN(cancel_done_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

/* ------------------------------------------------------ across workers */

/* Keeps its worker busy, suspending only at yields, until a yield returns
 * the cancel (or USOON_SECONDS pass: WEFT_ETIMEDOUT). */
static int spin_until_cancelled(void)
{
    double until = unow() + USOON_SECONDS;
    for (;;) {
        ublock(0.0002);
        int rc = weft_yield();
        if (rc != 0)
            return rc;
        if (unow() > until)
            return WEFT_ETIMEDOUT;
    }
}

static int spinner(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *self = weft_current_task();
    ustarted();
    int rc = spin_until_cancelled();
    const char *m = weft_last_error_message();
    EXPECT_PTR(weft_current_task(), self);
    ulog("%s:%d:%s", weft_task_get_name(self), rc, rc && m ? m : "-");
    return rc;
}

/* Cancelled while running (with several workers, really running on
 * another thread at that moment): the cancel arrives at its next yield. */
static int running_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *spinners[4];
    for (int i = 0; i < 4; i++) {
        char name[8];
        snprintf(name, sizeof name, "spin%d", i);
        spinners[i] = weft_task_create(weft_coro_new(spinner, NULL), name);
    }
    weft_yield();
    EXPECT_SOON(ustarted_count == 4);
    for (int i = 0; i < 4; i++) {
        char message[8];
        snprintf(message, sizeof message, "stop%d", i);
        EXPECT_INT(weft_task_cancel(spinners[i], message), 1);
        EXPECT_INT(weft_task_cancelling(spinners[i]), 1);
    }
    for (int i = 0; i < 4; i++) {
        char message[8];
        snprintf(message, sizeof message, "stop%d", i);
        EXPECT_INT(weft_await(spinners[i], NULL), WEFT_ECANCELLED);
        EXPECT_ERR(WEFT_ECANCELLED, message);
        EXPECT(weft_task_cancelled(spinners[i]));
        weft_task_release(spinners[i]);
    }
    return 0;
}

static void cancel_task_running_on_another_worker(void **state)
{
    (void)state;
    assert_int_equal(URUN(running_main, NULL, NULL), 0);
    assert_log("spin0:-1008:stop0 spin1:-1008:stop1 spin2:-1008:stop2 spin3:-1008:stop3");
    assert_int_equal(ureport_count, 0);
}

/* Chains whose links run on whichever worker stole them: cancelling the
 * top reaches the spinning leaf, and every link ends cancelled with the
 * message. */
static _Atomic int links_cancelled;

static int chain_link(void *arg, void **result)
{
    int depth = IV(arg);
    ustarted();
    int rc;
    if (depth == 0) {
        rc = spin_until_cancelled();
    } else {
        weft_task *child = weft_spawn(chain_link, PV(depth - 1));
        ublock(0.0005);
        rc = weft_await(child, result);
        EXPECT(weft_task_cancelled(child));
        weft_task_release(child);
    }
    const char *m = weft_last_error_message();
    if (EXPECT_INT(rc, WEFT_ECANCELLED) && EXPECT_STR(m, "deep"))
        links_cancelled++;
    return rc;
}

enum { CHAINS = 3, CHAIN_DEPTH = 4 };

static int chains_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    links_cancelled = 0;
    weft_task *tops[CHAINS];
    for (int i = 0; i < CHAINS; i++)
        tops[i] = weft_spawn(chain_link, PV(CHAIN_DEPTH));
    for (int level = 0; level <= CHAIN_DEPTH; level++)
        weft_yield(); /* one level starts per hop */
    EXPECT_SOON(ustarted_count == CHAINS * (CHAIN_DEPTH + 1));
    for (int i = 0; i < CHAINS; i++)
        EXPECT_INT(weft_task_cancel(tops[i], "deep"), 1);
    for (int i = 0; i < CHAINS; i++) {
        EXPECT_INT(weft_await(tops[i], NULL), WEFT_ECANCELLED);
        EXPECT_ERR(WEFT_ECANCELLED, "deep");
        EXPECT(weft_task_cancelled(tops[i]));
        weft_task_release(tops[i]);
    }
    EXPECT_INT(links_cancelled, CHAINS * (CHAIN_DEPTH + 1));
    return 0;
}

static void cancel_propagates_across_workers(void **state)
{
    (void)state;
    assert_int_equal(URUN(chains_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UTEST_ONE_WORKER(cancel_before_start,
                         "a task not started yet (another worker may start it at once)"),
        UTEST(cancel_while_sleeping),
        UTEST_ONE_WORKER(cancel_twice_first_message_wins,
                         "S4 needs the task suspended at the cancels, not still running"),
        UTEST(cancel_propagates_down_a_chain),
        UTEST(cancel_inner_reaches_awaiter),
        UTEST(swallowed_cancel),
        UTEST(self_cancel),
        UTEST(self_cancel_main_task),
        UTEST_ONE_WORKER(cancel_after_awaited_completed,
                         "S3: the cancel lands between a completion and the queued wake-up"),
        UTEST_ONE_WORKER(cancel_after_sleep_timer_fired,
                         "blocks the only loop so a fired timer's wake-up is queued first"),
        UTEST(cancel_breaks_await_cycle),
        UTEST(raising_cancel_ends_cancelled),
        UTEST(cancelling_and_uncancel),
        UTEST(cancel_done_task),
        UTEST(cancel_task_running_on_another_worker),
        UTEST(cancel_propagates_across_workers),
    };
    return URUN_GROUPS("test_cancel", tests);
}
