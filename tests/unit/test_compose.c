/* Composing tasks: weft_gather(_coros), weft_wait, weft_as_completed_*,
 * weft_wait_for(_coro), weft_shield, weft_timeout_* and weft_task_group_*:
 * error paths, the rules where weft follows Python 3.12 (wait_for, the
 * task group's uncancel), retrieval (R4) bookkeeping, cycles, and the same
 * functions on several workers. The single-loop ordering is compared with
 * CPython by tests/asyncio/6x-7x. */
#include <math.h>
#include <unistd.h>

#include "unit.h"

enum { USER_ERROR = 42 };

static int returns_arg(void *arg, void **result)
{
    *result = arg;
    return 0;
}

static int fails_with_arg(void *arg, void **result)
{
    (void)result;
    return weft_raise(USER_ERROR, "failed %d", IV(arg));
}

/* Yields arg times, then returns arg. */
static int yields(void *arg, void **result)
{
    for (int i = 0; i < IV(arg); i++) {
        int rc = weft_yield();
        if (rc != 0)
            return rc;
    }
    *result = arg;
    return 0;
}

/* Sleeps arg milliseconds (propagating a cancel), then returns arg. */
static int sleeps_ms(void *arg, void **result)
{
    int rc = weft_sleep(IV(arg) / 1000.0);
    if (rc != 0)
        return rc;
    *result = arg;
    return 0;
}

/* Waits at the gate arg (see ugate), then returns arg: a child that stays
 * pending until the test says so, on any worker count. */
static int gated(void *arg, void **result)
{
    int rc = ugate_wait(arg);
    if (rc != 0)
        return rc;
    *result = arg;
    return 0;
}

/* Sleeps 30 s, logs its cancel, then fails with USER_ERROR. */
static int fails_when_cancelled(void *arg, void **result)
{
    (void)result;
    int rc = weft_sleep(30);
    ulog("%s:%d", (const char *)arg, rc);
    return weft_raise(USER_ERROR, "%s failed late", (const char *)arg);
}

/* ------------------------------------------------------------ errors */

/* Written by a callback that may run on another worker. */
static _Atomic int count_callback_errors;

static int compose_from_callback(void *arg)
{
    (void)arg;
    weft_task *none = NULL;
    if (weft_gather(&none, 0, false, NULL, NULL) == WEFT_ENOTASK &&
        weft_wait(&none, 0, 0, WEFT_ALL_COMPLETED, NULL) == WEFT_ENOTASK &&
        weft_shield(none, NULL) == WEFT_ENOTASK && weft_wait_for(none, 1, NULL) == WEFT_ENOTASK &&
        weft_task_group_new() == NULL && weft_last_error() == WEFT_ENOTASK)
        count_callback_errors++;
    weft_timeout *scope = NULL;
    if (weft_timeout_enter(&scope, 1) == WEFT_ENOTASK && scope == NULL)
        count_callback_errors++;
    return 0;
}

static int argument_errors_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *self = weft_current_task();
    weft_task *t = weft_spawn(returns_arg, PV(1));
    weft_task *null_task = NULL;
    weft_task *with_null[] = {t, NULL};

    EXPECT_INT(weft_gather(NULL, 2, false, NULL, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_gather(with_null, 2, false, NULL, NULL), WEFT_EINVAL);
    EXPECT_ERR(WEFT_EINVAL, "weft_gather: tasks[1] is NULL");
    EXPECT_INT(weft_gather(&self, 1, false, NULL, NULL), WEFT_EINVAL);
    EXPECT_ERR(WEFT_EINVAL, "weft_gather: a task cannot gather itself");
    EXPECT_INT(weft_gather(NULL, 0, true, NULL, NULL), 0);
    EXPECT_INT(weft_gather_coros(NULL, 1, false, NULL, NULL), WEFT_EINVAL);

    EXPECT_INT(weft_wait(&t, 0, WEFT_NO_TIMEOUT, WEFT_ALL_COMPLETED, NULL), WEFT_EINVAL);
    EXPECT_ERR(WEFT_EINVAL, "Set of Tasks/Futures is empty.");
    EXPECT_INT(weft_wait(&t, 1, WEFT_NO_TIMEOUT, (weft_wait_when)7, NULL), WEFT_EINVAL);
    EXPECT_ERR(WEFT_EINVAL, "Invalid return_when value: 7");
    EXPECT_INT(weft_wait(&t, 1, NAN, WEFT_ALL_COMPLETED, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_wait(&null_task, 1, 1, WEFT_ALL_COMPLETED, NULL), WEFT_EINVAL);

    EXPECT(weft_as_completed_new(with_null, 2, 1) == NULL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    EXPECT(weft_as_completed_new(&t, 1, NAN) == NULL);
    EXPECT_INT(weft_as_completed_next(NULL, &null_task, NULL), WEFT_EINVAL);

    EXPECT_INT(weft_wait_for(NULL, 1, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_wait_for(self, 1, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_wait_for(t, NAN, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_wait_for_coro(NULL, 1, NULL), WEFT_ENOTCORO);
    weft_coro *coro = weft_coro_new(returns_arg, PV(2));
    EXPECT_INT(weft_wait_for_coro(coro, NAN, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_coro_free(coro), 0); /* still the caller's */

    EXPECT_INT(weft_shield(NULL, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_shield(self, NULL), WEFT_EINVAL);

    EXPECT_INT(weft_timeout_enter(NULL, 1), WEFT_EINVAL);
    weft_timeout *scope = (weft_timeout *)&scope;
    EXPECT_INT(weft_timeout_enter(&scope, NAN), WEFT_EINVAL);
    EXPECT(scope == NULL);
    EXPECT_INT(weft_timeout_exit(NULL, 0), WEFT_EINVAL);
    EXPECT_INT(weft_timeout_reschedule(NULL, 1), WEFT_EINVAL);
    EXPECT(!weft_timeout_expired(NULL));
    EXPECT(weft_timeout_when(NULL) == WEFT_NO_TIMEOUT);
    weft_timeout_free(NULL);

    EXPECT(weft_task_group_create_task(NULL, weft_coro_new(returns_arg, NULL), NULL) == NULL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    EXPECT_INT(weft_task_group_wait(NULL, 0), WEFT_EINVAL);
    EXPECT_INT(weft_task_group_errors(NULL, NULL), 0);
    weft_task_group_free(NULL);

    weft_call_soon(weft_executor_current(), compose_from_callback, NULL, NULL);
    weft_yield();
    EXPECT_SOON(count_callback_errors == 2); /* several workers: may run later */
    EXPECT_INT(count_callback_errors, 2);
    EXPECT_INT(weft_await(t, NULL), 0);
    weft_task_release(t);
    return 0;
}

static void argument_errors(void **state)
{
    (void)state;
    count_callback_errors = 0;
    assert_int_equal(URUN(argument_errors_main, NULL, NULL), 0);
    /* Outside any loop. */
    weft_task *none = NULL;
    assert_int_equal(weft_gather(&none, 0, false, NULL, NULL), WEFT_ENOLOOP);
    assert_int_equal(weft_wait(&none, 1, 1, WEFT_ALL_COMPLETED, NULL), WEFT_ENOLOOP);
    assert_null(weft_as_completed_new(&none, 0, 1));
    assert_int_equal(weft_last_error(), WEFT_ENOLOOP);
    assert_int_equal(weft_wait_for(none, 1, NULL), WEFT_ENOLOOP);
    assert_int_equal(weft_shield(none, NULL), WEFT_ENOLOOP);
    weft_timeout *scope;
    assert_int_equal(weft_timeout_enter(&scope, 1), WEFT_ENOLOOP);
    assert_null(weft_task_group_new());
    assert_int_equal(weft_last_error(), WEFT_ENOLOOP);
}

/* A task of another executor is refused. */
static weft_executor *other_executor;
static weft_task *foreign_task;

static int foreign_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    EXPECT_INT(weft_gather(&foreign_task, 1, false, NULL, NULL), WEFT_EINVAL);
    EXPECT_ERR(WEFT_EINVAL, "weft_gather: tasks[0] belongs to another executor");
    EXPECT_INT(weft_wait(&foreign_task, 1, 1, WEFT_ALL_COMPLETED, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_wait_for(foreign_task, 1, NULL), WEFT_EINVAL);
    EXPECT_INT(weft_shield(foreign_task, NULL), WEFT_EINVAL);
    EXPECT(weft_as_completed_new(&foreign_task, 1, 1) == NULL);
    return 0;
}

static void tasks_of_another_executor(void **state)
{
    (void)state;
    weft_config config;
    weft_config_init(&config);
    config.workers = 1;
    assert_int_equal(weft_executor_create(&config, &other_executor), 0);
    foreign_task = weft_executor_submit(other_executor, weft_coro_new(returns_arg, PV(3)), NULL);
    assert_non_null(foreign_task);
    assert_int_equal(weft_executor_wait(foreign_task, NULL), 0);
    assert_int_equal(URUN(foreign_main, NULL, NULL), 0);
    weft_task_release(foreign_task);
    weft_executor_free(other_executor);
}

/* ------------------------------------------------------------ gather */

static int gather_codes_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    ugate gate = {0};
    weft_task *a = weft_spawn(yields, PV(1));
    weft_task *b = weft_spawn(fails_with_arg, PV(7));
    weft_task *c = weft_spawn(gated, &gate); /* pending until gathered */
    /* With one worker a (one yield) is done before b's error ends the
     * gather; with several nothing orders them, so a is awaited first. */
    if (uworkers > 1)
        EXPECT_INT(weft_await(a, NULL), 0);
    weft_task *tasks[] = {a, b, c, a};
    void *results[4];
    int codes[4];
    EXPECT_INT(weft_gather(tasks, 4, false, results, codes), USER_ERROR);
    EXPECT_ERR(USER_ERROR, "failed 7");
    EXPECT_INT(codes[0], 0);
    EXPECT_PTR(results[0], PV(1));
    EXPECT_INT(codes[1], USER_ERROR);
    EXPECT_PTR(results[1], NULL);
    EXPECT_INT(codes[2], WEFT_EINVALSTATE); /* still running */
    EXPECT_INT(codes[3], 0);
    EXPECT_PTR(results[3], PV(1));
    ugate_open(&gate);
    EXPECT_INT(weft_await(c, NULL), 0);
    weft_task_release(a);
    weft_task_release(b);
    weft_task_release(c);
    return 0;
}

static void gather_codes_and_results(void **state)
{
    (void)state;
    assert_int_equal(URUN(gather_codes_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0); /* b's error was retrieved by gather */
}

/* Later failures of the other children count as retrieved (fut.exception()
 * in gather's callback), even with nobody looking at them. */
static int gather_retrieves_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *a = weft_spawn(fails_with_arg, PV(1));
    weft_task *b = weft_spawn(fails_when_cancelled, "b");
    weft_task *tasks[] = {a, b};
    EXPECT_INT(weft_gather(tasks, 2, false, NULL, NULL), USER_ERROR);
    weft_task_release(a);
    /* b must be asleep, or the cancel stops it before its first step and
     * it never fails (several workers: it may not have started yet). */
    EXPECT_SOON(uwaiting(b));
    weft_task_cancel(b, NULL);
    weft_task_release(b); /* fails later, unseen by us */
    for (int i = 0; i < 4; i++)
        weft_yield();
    EXPECT_LOG("b:-1008");
    return 0;
}

static void gather_marks_later_errors_retrieved(void **state)
{
    (void)state;
    assert_int_equal(URUN(gather_retrieves_main, NULL, NULL), 0);
    assert_str(ulog_get(), "b:-1008");
    assert_int_equal(ureport_count, 0);
}

static int gather_coros_failure_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_coro *used = weft_coro_new(returns_arg, PV(1));
    weft_task *t = weft_task_create(used, NULL);
    EXPECT_INT(weft_await(t, NULL), 0);
    weft_coro *first = weft_coro_new(sleeps_ms, PV(5000));
    weft_coro *last = weft_coro_new(returns_arg, PV(3));
    weft_coro *coros[] = {first, used, last};
    EXPECT_INT(weft_gather_coros(coros, 3, false, NULL, NULL), WEFT_EREUSED);
    EXPECT_ERR(WEFT_EREUSED, "cannot reuse already awaited coroutine");
    /* first was wrapped and its task cancelled; last is still ours. first
     * belongs to that task now: on one worker the task has not run yet, so
     * first is still there to refuse being freed; on several it may have
     * ended and freed first already, and reading it would be a use after
     * free (ASan caught this test doing so). */
    EXPECT_INT(weft_coro_free(last), 0);
    if (uworkers == 1)
        EXPECT_INT(weft_coro_free(first), WEFT_EINVALSTATE);
    /* A repeated coroutine is wrapped once. */
    weft_coro *once = weft_coro_new(yields, PV(2));
    weft_coro *twice[] = {once, once};
    void *results[2];
    EXPECT_INT(weft_gather_coros(twice, 2, true, results, NULL), 0);
    EXPECT_PTR(results[0], PV(2));
    EXPECT_PTR(results[1], PV(2));
    weft_task_release(t);
    return 0;
}

static void gather_coros_failure(void **state)
{
    (void)state;
    assert_int_equal(URUN(gather_coros_failure_main, NULL, NULL), 0);
    /* last, freed unrun, is reported never awaited; nothing else. */
    assert_int_equal(ureport_count, 1);
}

/* Cancelling yourself before gathering: the cancel goes to the children at
 * once (T3 through the gathering future's canceller). */
static int gather_self_cancel_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *a = weft_spawn(sleeps_ms, PV(30000));
    weft_task *b = weft_spawn(sleeps_ms, PV(30000));
    weft_yield();
    weft_task_cancel(weft_current_task(), "self");
    weft_task *tasks[] = {a, b};
    int codes[2];
    double start = unow();
    EXPECT_INT(weft_gather(tasks, 2, true, NULL, codes), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "self");
    EXPECT(unow() - start < 10);
    EXPECT_INT(codes[0], WEFT_ECANCELLED);
    EXPECT_INT(codes[1], WEFT_ECANCELLED);
    EXPECT_INT(weft_task_cancelling(a), 1);
    weft_task_uncancel(weft_current_task());
    weft_task_release(a);
    weft_task_release(b);
    return 0;
}

static void gather_self_cancel(void **state)
{
    (void)state;
    assert_int_equal(URUN(gather_self_cancel_main, NULL, NULL), 0);
}

/* A cycle: P gathers C, C awaits P. Cancelling P terminates (CPython would
 * recurse until RecursionError); P takes the cancel, which unwinds C. */
static weft_task *cycle_parent; /* published by cycle_ready */
static ugate cycle_ready;

static int cycle_child(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_yield();
    /* With one worker the parent exists by now; with several this task
     * may run before main has stored it (and read a stale or NULL one). */
    int rc = ugate_wait(&cycle_ready);
    if (rc != 0)
        return rc;
    return weft_await(cycle_parent, NULL);
}

static int cycle_gatherer(void *arg, void **result)
{
    (void)result;
    weft_task *child = arg;
    return weft_gather(&child, 1, false, NULL, NULL);
}

static int gather_cycle_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    cycle_ready.open = 0;
    weft_task *child = weft_spawn(cycle_child, NULL);
    cycle_parent = weft_spawn(cycle_gatherer, child);
    ugate_open(&cycle_ready); /* seq_cst: cycle_parent is visible first */
    for (int i = 0; i < 3; i++)
        weft_yield();
    /* The cycle is closed: the parent gathers, the child awaits it. */
    EXPECT_SOON(uwaiting(cycle_parent));
    EXPECT_SOON(uwaiting(child));
    EXPECT_INT(weft_task_cancel(cycle_parent, "loop"), 1);
    EXPECT_INT(weft_await(cycle_parent, NULL), WEFT_ECANCELLED);
    EXPECT_INT(weft_await(child, NULL), WEFT_ECANCELLED);
    weft_task_release(child);
    weft_task_release(cycle_parent);
    return 0;
}

static void gather_cancel_cycle(void **state)
{
    (void)state;
    assert_int_equal(URUN(gather_cycle_main, NULL, NULL), 0);
}

/* -------------------------------------------------------------- wait */

static int wait_first_exception_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    ugate gate = {0};
    weft_task *a = weft_spawn(fails_with_arg, PV(1));
    weft_task *b = weft_spawn(gated, &gate); /* pending until opened */
    weft_task *tasks[] = {a, b};
    bool done[2];
    EXPECT_INT(weft_wait(tasks, 2, WEFT_NO_TIMEOUT, WEFT_FIRST_EXCEPTION, done), 0);
    EXPECT(done[0]);
    EXPECT(!done[1]);
    weft_task_release(a); /* retrieved by wait's check (f.exception()) */
    weft_task *c = weft_spawn(fails_with_arg, PV(2));
    EXPECT_INT(weft_wait(&c, 1, WEFT_NO_TIMEOUT, WEFT_ALL_COMPLETED, done), 0);
    weft_task_release(c); /* ALL_COMPLETED does not look: never retrieved */
    ugate_open(&gate);
    EXPECT_INT(weft_wait(&b, 1, 5, WEFT_ALL_COMPLETED, NULL), 0);
    EXPECT(weft_task_done(b));
    weft_task_release(b);
    return 0;
}

static void wait_first_exception_retrieves(void **state)
{
    (void)state;
    assert_int_equal(URUN(wait_first_exception_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 1);
    assert_str(ureports[0].message, "Task exception was never retrieved");
    assert_str(ureports[0].error_message, "failed 2");
}

/* ------------------------------------------------------- as_completed */

static int as_completed_waiter(void *arg, void **result)
{
    (void)result;
    weft_task *task = NULL;
    return weft_as_completed_next(arg, &task, NULL);
}

static int as_completed_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    /* Both children stay pending until their gate opens: the order they
     * complete in is the test's, on any worker count. */
    ugate slow_gate = {0}, fast_gate = {0};
    weft_task *slow = weft_spawn(gated, &slow_gate);
    weft_task *fast = weft_spawn(gated, &fast_gate);
    weft_task *tasks[] = {slow, fast};
    weft_as_completed *it = weft_as_completed_new(tasks, 2, WEFT_NO_TIMEOUT);
    /* A waiter that is cancelled leaves the iterator usable; one consumer
     * at a time. */
    weft_task *w = weft_spawn(as_completed_waiter, it);
    weft_yield();
    EXPECT_SOON(uwaiting(w));
    weft_task *other = NULL;
    EXPECT_INT(weft_as_completed_next(it, &other, NULL), WEFT_EINVALSTATE);
    EXPECT_PTR(other, NULL);
    weft_task_cancel(w, "stop");
    EXPECT_INT(weft_await(w, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "stop");
    void *value = NULL;
    ugate_open(&fast_gate);
    EXPECT_INT(weft_as_completed_next(it, &other, &value), 0);
    EXPECT_PTR(other, fast);
    EXPECT_PTR(value, &fast_gate);
    ugate_open(&slow_gate);
    EXPECT_INT(weft_as_completed_next(it, &other, &value), 0);
    EXPECT_PTR(other, slow);
    EXPECT_PTR(value, &slow_gate);
    EXPECT_INT(weft_as_completed_next(it, &other, &value), 0);
    EXPECT_PTR(other, NULL); /* exhausted */
    EXPECT_INT(weft_as_completed_next(it, &other, &value), 0);
    EXPECT_PTR(other, NULL);
    weft_as_completed_free(it);
    weft_task_release(w);
    weft_task_release(slow);
    weft_task_release(fast);

    /* An empty iterator is exhausted at once; a timeout gives one
     * TimeoutError per task left. */
    it = weft_as_completed_new(NULL, 0, 0.001);
    EXPECT_INT(weft_as_completed_next(it, &other, NULL), 0);
    EXPECT_PTR(other, NULL);
    weft_as_completed_free(it);
    weft_task *sleepy[] = {weft_spawn(sleeps_ms, PV(5000)), weft_spawn(sleeps_ms, PV(5000))};
    it = weft_as_completed_new(sleepy, 2, 0.01);
    EXPECT_INT(weft_as_completed_next(it, &other, NULL), WEFT_ETIMEDOUT);
    EXPECT_INT(weft_as_completed_next(it, &other, NULL), WEFT_ETIMEDOUT);
    EXPECT_INT(weft_as_completed_next(it, &other, NULL), 0);
    EXPECT_PTR(other, NULL);
    weft_as_completed_free(it);
    for (int i = 0; i < 2; i++) {
        weft_task_cancel(sleepy[i], NULL);
        weft_task_release(sleepy[i]);
    }
    return 0;
}

static void as_completed_rules(void **state)
{
    (void)state;
    assert_int_equal(URUN(as_completed_main, NULL, NULL), 0);
}

/* ----------------------------------------------------------- wait_for */

/* 3.12 rule: a caller cancelled after the awaited task completed, before
 * its wake-up, gets the cancel (3.11 returned the result and lost it). */
static weft_task *inner_task;

static int wait_for_caller(void *arg, void **result)
{
    (void)arg;
    void *value = NULL;
    int rc = weft_wait_for(inner_task, 5, &value);
    ulog("caller:%d:%d", rc, IV(value));
    *result = value;
    return rc;
}

static int wait_for_keeps_cancel_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    inner_task = weft_spawn(yields, PV(1));
    weft_task *caller = weft_spawn(wait_for_caller, NULL);
    while (!weft_task_done(inner_task))
        weft_yield();
    /* inner is done, the caller's wake-up is queued: cancel it now. */
    EXPECT_INT(weft_task_cancel(caller, "late"), 1);
    EXPECT_INT(weft_await(caller, NULL), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "late");
    EXPECT_INT(weft_task_cancelling(caller), 1);
    void *value = NULL;
    EXPECT_INT(weft_task_result(inner_task, &value), 0); /* still readable */
    EXPECT_PTR(value, PV(1));
    weft_task_release(caller);
    weft_task_release(inner_task);
    return 0;
}

static void wait_for_keeps_a_late_cancel(void **state)
{
    (void)state;
    assert_int_equal(URUN(wait_for_keeps_cancel_main, NULL, NULL), 0);
    assert_str(ulog_get(), "caller:-1008:0");
}

static int wait_for_misc_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    /* A coroutine that is not fresh. */
    weft_coro *coro = weft_coro_new(returns_arg, PV(1));
    weft_task *t = weft_task_create(coro, NULL);
    EXPECT_INT(weft_await(t, NULL), 0);
    EXPECT_INT(weft_wait_for_coro(coro, 1, NULL), WEFT_EREUSED);
    /* A failure passes through with its message. */
    weft_task *f = weft_spawn(fails_with_arg, PV(9));
    EXPECT_INT(weft_wait_for(f, 5, NULL), USER_ERROR);
    EXPECT_ERR(USER_ERROR, "failed 9");
    EXPECT_INT(weft_task_cancelling(weft_current_task()), 0);
    weft_task_release(t);
    weft_task_release(f);
    return 0;
}

static void wait_for_misc(void **state)
{
    (void)state;
    assert_int_equal(URUN(wait_for_misc_main, NULL, NULL), 0);
}

/* ------------------------------------------------------------- shield */

static weft_task *shielded;

static int shield_caller(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_shield(shielded, NULL);
}

/* The caller cancelled: shield stops listening to the inner task, whose
 * later error then goes unretrieved (asyncio's _outer_done_callback). */
static int shield_unretrieved_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    shielded = weft_spawn(fails_when_cancelled, "inner");
    weft_task *caller = weft_spawn(shield_caller, NULL);
    weft_yield();
    /* The caller listens inside shield, the inner task sleeps: with
     * several workers either may not have started yet, and an inner task
     * cancelled before its first step never fails. */
    EXPECT_SOON(uwaiting(caller));
    EXPECT_SOON(uwaiting(shielded));
    weft_task_cancel(caller, "go");
    EXPECT_INT(weft_await(caller, NULL), WEFT_ECANCELLED);
    EXPECT(!weft_task_done(shielded));
    weft_task_cancel(shielded, NULL);
    weft_task_release(shielded); /* fails, nobody looks */
    weft_task_release(caller);
    for (int i = 0; i < 4; i++)
        weft_yield();
    EXPECT_LOG("inner:-1008");
    return 0;
}

static void shield_caller_cancelled(void **state)
{
    (void)state;
    assert_int_equal(URUN(shield_unretrieved_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 1);
    assert_str(ureports[0].message, "Task exception was never retrieved");
}

/* ------------------------------------------------------------ timeout */

static weft_timeout *shared_scope;

static int foreign_exit(void *arg, void **result)
{
    (void)arg;
    (void)result;
    EXPECT_INT(weft_timeout_exit(shared_scope, 0), WEFT_EINVAL);
    EXPECT_INT(weft_timeout_reschedule(shared_scope, 0), WEFT_EINVAL);
    return 0;
}

static int timeout_rules_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_timeout *scope;
    /* Freed without exit: disarmed, no cancel comes later. */
    EXPECT_INT(weft_timeout_enter(&scope, 0.005), 0);
    weft_timeout_free(scope);
    EXPECT_INT(weft_sleep(0.03), 0);
    EXPECT_INT(weft_task_cancelling(weft_current_task()), 0);

    /* Another task may not drive it; leaving twice is refused. */
    EXPECT_INT(weft_timeout_enter_at(&shared_scope, weft_time(NULL) + 5), 0);
    EXPECT(fabs(weft_timeout_when(shared_scope) - (weft_time(NULL) + 5)) < 1);
    weft_task *t = weft_spawn(foreign_exit, NULL);
    EXPECT_INT(weft_await(t, NULL), 0);
    weft_task_release(t);
    EXPECT_INT(weft_timeout_exit(shared_scope, USER_ERROR), USER_ERROR);
    EXPECT_INT(weft_timeout_exit(shared_scope, 0), WEFT_EINVALSTATE);
    EXPECT_ERR(WEFT_EINVALSTATE, "Cannot change state of finished Timeout");
    EXPECT_INT(weft_timeout_reschedule(shared_scope, 0), WEFT_EINVALSTATE);
    EXPECT(!weft_timeout_expired(shared_scope));
    weft_timeout_free(shared_scope);

    /* An error other than the cancel passes unchanged, message kept. */
    EXPECT_INT(weft_timeout_enter(&scope, 0.005), 0);
    EXPECT_INT(weft_sleep(1), WEFT_ECANCELLED);
    weft_raise(USER_ERROR, "own error");
    EXPECT_INT(weft_timeout_exit(scope, USER_ERROR), USER_ERROR);
    EXPECT_ERR(USER_ERROR, "own error");
    EXPECT(weft_timeout_expired(scope));
    EXPECT_INT(weft_task_cancelling(weft_current_task()), 0);
    weft_timeout_free(scope);
    return 0;
}

static void timeout_rules(void **state)
{
    (void)state;
    assert_int_equal(URUN(timeout_rules_main, NULL, NULL), 0);
}

/* --------------------------------------------------------- task group */

/* 3.12 rule: a child failing while the parent waits in the exit; the
 * group's cancel of the parent is withdrawn (3.11 left cancelling() at 1). */
static int group_uncancel_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *self = weft_current_task();
    weft_task_group *group = weft_task_group_new();
    weft_task *a = weft_task_group_spawn(group, returns_arg, PV(2));
    /* With one worker a finishes before b fails; with several nothing
     * orders them, and the group would cancel an a not yet done. */
    if (uworkers > 1)
        EXPECT_SOON(weft_task_done(a));
    weft_task *b = weft_task_group_spawn(group, fails_with_arg, PV(5));
    weft_task *c = weft_task_group_spawn(group, sleeps_ms, PV(30000));
    EXPECT_INT(weft_task_group_wait(group, 0), WEFT_EGROUP);
    EXPECT_ERR(WEFT_EGROUP, "unhandled errors in a TaskGroup (1 sub-exception)");
    EXPECT_INT(weft_task_cancelling(self), 0);
    const weft_task_error *errors;
    EXPECT_INT(weft_task_group_errors(group, &errors), 1);
    EXPECT_PTR(errors[0].task, b);
    EXPECT_INT(errors[0].code, USER_ERROR);
    EXPECT_STR(errors[0].message, "failed 5");
    EXPECT(weft_task_cancelled(c));
    EXPECT(!weft_task_cancelled(a));
    EXPECT_INT(weft_task_group_wait(group, 0), WEFT_EINVAL); /* left already */
    weft_task *late = weft_task_group_spawn(group, yields, PV(1));
    EXPECT(late == NULL);
    EXPECT_ERR(WEFT_ESHUTDOWN, "TaskGroup <TaskGroup errors=1 cancelling> is finished");
    weft_task_group_free(group);
    weft_task_release(a);
    weft_task_release(b);
    weft_task_release(c);
    return 0;
}

static void group_withdraws_its_cancel(void **state)
{
    (void)state;
    assert_int_equal(URUN(group_uncancel_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

static weft_task_group *shared_group;

static int group_foreign_wait(void *arg, void **result)
{
    (void)arg;
    (void)result;
    EXPECT_INT(weft_task_group_wait(shared_group, 0), WEFT_EINVAL);
    return 0;
}

static int group_misc_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    shared_group = weft_task_group_new();
    EXPECT(weft_task_group_create_task(shared_group, NULL, NULL) == NULL);
    EXPECT_INT(weft_last_error(), WEFT_ENOTCORO);
    EXPECT(weft_task_group_spawn(shared_group, (weft_fn)NULL, NULL) == NULL);
    weft_task *t = weft_spawn(group_foreign_wait, NULL);
    EXPECT_INT(weft_await(t, NULL), 0);
    weft_task_release(t);
    /* The body's error: listed last, without a task. The child fails first
     * (with one worker its callback is still queued when the body fails;
     * with several it may not have run yet: the body waits for it to end,
     * or the group's abort would cancel it before its first step). */
    weft_task *failing = weft_task_group_spawn(shared_group, fails_with_arg, PV(1));
    EXPECT_INT(weft_yield(), 0);
    if (uworkers > 1)
        EXPECT_SOON(weft_task_done(failing));
    weft_task_release(failing);
    EXPECT_INT(weft_task_group_wait(shared_group, weft_raise(USER_ERROR + 1, "body")),
               WEFT_EGROUP);
    EXPECT_ERR(WEFT_EGROUP, "unhandled errors in a TaskGroup (2 sub-exceptions)");
    const weft_task_error *errors;
    if (EXPECT_INT(weft_task_group_errors(shared_group, &errors), 2)) {
        EXPECT(errors[0].task != NULL);
        EXPECT_PTR(errors[1].task, NULL);
        EXPECT_INT(errors[1].code, USER_ERROR + 1);
        EXPECT_STR(errors[1].message, "body");
    }
    weft_task_group_free(shared_group);

    /* Freed without wait: the children still running are cancelled. */
    weft_task_group *group = weft_task_group_new();
    weft_task *child = weft_task_group_spawn(group, sleeps_ms, PV(30000));
    weft_yield();
    weft_task_group_free(group);
    EXPECT_INT(weft_await(child, NULL), WEFT_ECANCELLED);
    weft_task_release(child);
    return 0;
}

static void group_misc(void **state)
{
    (void)state;
    assert_int_equal(URUN(group_misc_main, NULL, NULL), 0);
}

/* ------------------------------------------------------- four workers */

enum { WIDE = 200 };

static int multi_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    /* gather: results in argument order from children on every worker. */
    weft_task *tasks[WIDE];
    for (int i = 0; i < WIDE; i++)
        tasks[i] = weft_spawn(i % 2 ? yields : sleeps_ms, PV(i % 7));
    void *results[WIDE];
    EXPECT_INT(weft_gather(tasks, WIDE, false, results, NULL), 0);
    for (int i = 0; i < WIDE; i++) {
        EXPECT_PTR(results[i], PV(i % 7));
        weft_task_release(tasks[i]);
    }

    /* A task group whose children fail on other workers. */
    weft_task_group *group = weft_task_group_new();
    for (int i = 0; i < 40; i++)
        weft_task_release(i % 10 == 3 ? weft_task_group_spawn(group, fails_with_arg, PV(i))
                                      : weft_task_group_spawn(group, sleeps_ms, PV(30000)));
    int rc = weft_sleep(30);
    EXPECT_INT(rc, WEFT_ECANCELLED); /* the group cancelled the body */
    EXPECT_INT(weft_task_group_wait(group, rc), WEFT_EGROUP);
    const weft_task_error *errors;
    size_t count = weft_task_group_errors(group, &errors);
    EXPECT(count >= 1 && count <= 4);
    for (size_t i = 0; i < count; i++)
        EXPECT_INT(errors[i].code, USER_ERROR);
    EXPECT_INT(weft_task_cancelling(weft_current_task()), 0);
    weft_task_group_free(group);

    /* wait_for and a timeout scope with the timer on one worker while the
     * task moves between workers. */
    weft_task *slow = weft_spawn(sleeps_ms, PV(30000));
    EXPECT_INT(weft_wait_for(slow, 0.01, NULL), WEFT_ETIMEDOUT);
    EXPECT(weft_task_cancelled(slow));
    weft_task_release(slow);
    weft_timeout *scope;
    EXPECT_INT(weft_timeout_enter(&scope, 0.01), 0);
    rc = 0;
    while (rc == 0)
        rc = weft_yield();
    EXPECT_INT(weft_timeout_exit(scope, rc), WEFT_ETIMEDOUT);
    weft_timeout_free(scope);
    EXPECT_INT(weft_task_cancelling(weft_current_task()), 0);
    return 0;
}

static void four_workers(void **state)
{
    (void)state;
    weft_config config;
    weft_config_init(&config);
    config.workers = 4;
    assert_int_equal(urun_with(&config, weft_coro_new(multi_main, NULL), NULL), 0);
    assert_int_equal(ureport_count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UTEST(argument_errors),
        UTEST(tasks_of_another_executor),
        UTEST(gather_codes_and_results),
        UTEST(gather_marks_later_errors_retrieved),
        UTEST(gather_coros_failure),
        UTEST(gather_self_cancel),
        UTEST(gather_cancel_cycle),
        UTEST(wait_first_exception_retrieves),
        UTEST(as_completed_rules),
        UTEST_ONE_WORKER(wait_for_keeps_a_late_cancel,
                         "cancels the caller between the inner task's end and its wake-up"),
        UTEST(wait_for_misc),
        UTEST(shield_caller_cancelled),
        UTEST(timeout_rules),
        UTEST(group_withdraws_its_cancel),
        UTEST(group_misc),
        UTEST(four_workers),
    };
    return URUN_GROUPS("test_compose", tests);
}
