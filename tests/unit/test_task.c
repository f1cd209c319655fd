/* Tasks: weft_task_create, weft_spawn, names and Task-N numbers, get_coro,
 * done/cancelled/result/exception in every state, describe, retain/release
 * and "Task exception was never retrieved". */
#include "unit.h"

static _Atomic int ran; /* bodies run, on any worker */

static int returns_arg(void *arg, void **result)
{
    ran++;
    *result = arg;
    return 0;
}

static int fails_with(void *arg, void **result)
{
    (void)result;
    ran++;
    return weft_raise(IV(arg), "failure %d", IV(arg));
}

static int sleep_line;
static int sleeps_long(void *arg, void **result)
{
    (void)arg;
    (void)result;
    sleep_line = __LINE__ + 1;
    return weft_sleep(30);
}

static int awaits_line;
static int awaits_arg(void *arg, void **result)
{
    awaits_line = __LINE__ + 1;
    return weft_await((weft_task *)arg, result);
}

static int noop_done(weft_task *task, void *arg)
{
    (void)task;
    (void)arg;
    return 0;
}

/* ----------------------------------------------------------------- create */

static int create_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *self = weft_current_task();
    long n = utask_number(self);
    EXPECT(n >= 1);
    weft_coro *c1 = weft_coro_new(returns_arg, PV(1));
    weft_task *t1 = weft_task_create(c1, NULL);
    weft_task *named = weft_task_create(weft_coro_new(returns_arg, PV(2)), "worker");
    weft_task *t2 = weft_spawn(returns_arg, PV(3));
    weft_task *sub = weft_executor_submit(weft_executor_current(),
                                          weft_coro_new(returns_arg, PV(4)), NULL);
    weft_task *subnamed = weft_executor_submit(weft_executor_current(),
                                               weft_coro_new(returns_arg, PV(5)), "sub");
    weft_task *t3 = weft_task_create(weft_coro_new(returns_arg, PV(6)), NULL);
    EXPECT(t1 && named && t2 && sub && subnamed && t3);
    /* Numbers continue the counter; named tasks take none. */
    EXPECT_NUMBER(t1, n, 1);
    EXPECT_NUMBER(t2, n, 2);
    EXPECT_NUMBER(sub, n, 3);
    EXPECT_NUMBER(t3, n, 4);
    EXPECT_STR(weft_task_get_name(named), "worker");
    EXPECT_STR(weft_task_get_name(subnamed), "sub");
    /* get_coro is the very object passed in; spawn's has fn's name. */
    EXPECT_PTR(weft_task_get_coro(t1), c1);
    EXPECT_STR(weft_coro_get_name(weft_task_get_coro(t2)), "returns_arg");
    EXPECT_PTR(weft_task_get_coro(NULL), NULL);
    /* The first step is one hop away: nothing ran yet (with several
     * workers, another one may already be running them). */
    EXPECT_ORDERED(ran == 0);
    EXPECT_ORDERED(!weft_task_done(t1));
    weft_yield();
    EXPECT_SOON(ran == 6);
    EXPECT_SOON(weft_task_done(t1) && weft_task_done(named) && weft_task_done(t2) &&
                weft_task_done(sub) && weft_task_done(subnamed) && weft_task_done(t3));
    EXPECT_PTR(weft_task_get_coro(t1), c1); /* even after it is done */
    void *r = NULL;
    EXPECT_INT(weft_task_result(t2, &r), 0);
    EXPECT_PTR(r, PV(3));
    EXPECT_INT(weft_task_result(subnamed, &r), 0);
    EXPECT_PTR(r, PV(5));
    weft_task *all[] = {t1, named, t2, sub, subnamed, t3};
    for (size_t i = 0; i < 6; i++)
        weft_task_release(all[i]);
    return 0;
}

static void create_names_and_numbers(void **state)
{
    (void)state;
    ran = 0;
    assert_int_equal(URUN(create_main, NULL, NULL), 0);
}

static int create_errors_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    EXPECT_PTR(weft_task_create(NULL, NULL), NULL);
    EXPECT_ERR(WEFT_ENOTCORO, "a coroutine was expected, got None");
    EXPECT_PTR(weft_task_create(NULL, "named"), NULL);
    EXPECT_INT(weft_last_error(), WEFT_ENOTCORO);
    weft_fn none = NULL;
    EXPECT_PTR(weft_spawn(none, NULL), NULL);
    EXPECT_ERR(WEFT_ENOTCORO, "a coroutine was expected, got None");
    /* Rejected creations take no number. */
    long n = utask_number(weft_current_task());
    weft_task *t = weft_spawn(returns_arg, NULL);
    EXPECT_NUMBER(t, n, 1);
    weft_task_release(t);
    return 0;
}

static void create_errors(void **state)
{
    (void)state;
    assert_int_equal(URUN(create_errors_main, NULL, NULL), 0);
}

static void create_outside_loop(void **state)
{
    (void)state;
    weft_coro *coro = weft_coro_new(returns_arg, NULL);
    assert_null(weft_task_create(coro, NULL));
    assert_int_equal(weft_last_error(), WEFT_ENOLOOP);
    assert_str(weft_last_error_message(), "no running event loop");
    assert_null(weft_task_create(coro, "named"));
    assert_int_equal(weft_last_error(), WEFT_ENOLOOP);
    assert_null(weft_spawn(returns_arg, NULL));
    assert_int_equal(weft_last_error(), WEFT_ENOLOOP);
    assert_null(weft_task_create(NULL, NULL)); /* T2 before T1 */
    assert_int_equal(weft_last_error(), WEFT_ENOLOOP);
    assert_null(weft_current_task());
    /* The coroutine stayed the caller's and is still fresh. */
    void *r = NULL;
    ran = 0;
    assert_int_equal(weft_run(coro, &r), 0);
    assert_int_equal(ran, 1);
}

/* ------------------------------------------------------------------ names */

static int names_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(returns_arg, NULL), NULL);
    char expected[32];
    snprintf(expected, sizeof expected, "Task-%ld", utask_number(weft_current_task()) + 1);
    const char *first = weft_task_get_name(t);
    if (uworkers == 1) /* LIFO order numbers in per-worker blocks */
        EXPECT_STR(first, expected);
    else
        EXPECT(utask_number(t) >= 1);
    /* Formatted once: later calls return the same text at the same place. */
    char copy[32];
    snprintf(copy, sizeof copy, "%s", first);
    EXPECT_PTR(weft_task_get_name(t), first);
    EXPECT_STR(weft_task_get_name(t), copy);
    char name[16] = "renamed";
    EXPECT_INT(weft_task_set_name(t, name), 0);
    strcpy(name, "clobbered"); /* the name was copied */
    EXPECT_STR(weft_task_get_name(t), "renamed");
    EXPECT_INT(weft_task_set_name(t, ""), 0);
    EXPECT_STR(weft_task_get_name(t), "");
    EXPECT_INT(weft_task_set_name(t, "Task-999999"), 0);
    EXPECT_STR(weft_task_get_name(t), "Task-999999");
    EXPECT_INT(weft_task_set_name(NULL, "x"), WEFT_EINVAL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    EXPECT_INT(weft_task_set_name(t, NULL), WEFT_EINVAL);
    EXPECT_STR(weft_task_get_name(t), "Task-999999");
    EXPECT_PTR(weft_task_get_name(NULL), NULL);
    /* A given name is copied too. */
    char given[8] = "given";
    weft_task *g = weft_task_create(weft_coro_new(returns_arg, NULL), given);
    given[0] = 'X';
    EXPECT_STR(weft_task_get_name(g), "given");
    EXPECT_INT(weft_await(t, NULL), 0);
    EXPECT_INT(weft_task_set_name(t, "after done"), 0);
    EXPECT_STR(weft_task_get_name(t), "after done");
    weft_task_release(t);
    weft_task_release(g);
    return 0;
}

static void get_and_set_name(void **state)
{
    (void)state;
    assert_int_equal(URUN(names_main, NULL, NULL), 0);
}

/* "Thread: any": an unnamed task's name read by the task itself and by
 * another task at the same time (with several workers, on two threads) is
 * the same "Task-N" for both. */
static int reads_own_name(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *self = weft_current_task();
    char first[32];
    snprintf(first, sizeof first, "%s", weft_task_get_name(self));
    for (int i = 0; i < 20; i++) {
        EXPECT_STR(weft_task_get_name(self), first);
        ublock(0.00005);
        weft_yield();
    }
    return 0;
}

static int concurrent_names_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    long n = utask_number(weft_current_task());
    weft_task *tasks[8];
    for (int i = 0; i < 8; i++)
        tasks[i] = weft_spawn(reads_own_name, NULL);
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 8; i++)
            EXPECT_NUMBER(tasks[i], n, 1 + i);
        weft_yield();
    }
    for (int i = 0; i < 8; i++) {
        EXPECT_INT(weft_await(tasks[i], NULL), 0);
        weft_task_release(tasks[i]);
    }
    return 0;
}

static void names_read_concurrently(void **state)
{
    (void)state;
    assert_int_equal(URUN(concurrent_names_main, NULL, NULL), 0);
}

/* ----------------------------------------------------------------- states */

static ugate states_gate;

/* returns_arg once the gate is open: pending until then on any worker. */
static int gated_returns_arg(void *arg, void **result)
{
    int rc = ugate_wait(&states_gate);
    *result = arg;
    return rc;
}

static int states_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    void *r = PV(-1);
    const char *message = "sentinel";
    states_gate.open = 0;
    weft_task *ok = weft_task_create(weft_coro_new(gated_returns_arg, PV(77)), "ok");
    weft_task *bad = weft_task_create(weft_coro_new(fails_with, PV(42)), "bad");
    weft_task *slow = weft_task_create(weft_coro_new(sleeps_long, NULL), "slow");

    /* Pending (not started; with several workers maybe started). */
    EXPECT(!weft_task_done(ok));
    EXPECT(!weft_task_cancelled(ok));
    EXPECT_INT(weft_task_result(ok, &r), WEFT_EINVALSTATE);
    EXPECT_ERR(WEFT_EINVALSTATE, "Result is not set.");
    EXPECT_PTR(r, PV(-1));
    EXPECT_INT(weft_task_exception(ok, &message), WEFT_EINVALSTATE);
    EXPECT_ERR(WEFT_EINVALSTATE, "Exception is not set.");
    EXPECT_PTR(message, NULL);
    EXPECT_INT(weft_task_exception(ok, NULL), WEFT_EINVALSTATE);

    ugate_open(&states_gate);
    weft_yield();
    weft_yield();
    /* Pending (suspended). */
    EXPECT(!weft_task_done(slow));
    EXPECT_INT(weft_task_result(slow, NULL), WEFT_EINVALSTATE);
    EXPECT_ERR(WEFT_EINVALSTATE, "Result is not set.");
    EXPECT_INT(weft_task_exception(slow, NULL), WEFT_EINVALSTATE);
    EXPECT_ERR(WEFT_EINVALSTATE, "Exception is not set.");

    /* Finished with a result. */
    EXPECT_SOON(weft_task_done(ok));
    EXPECT(!weft_task_cancelled(ok));
    EXPECT_INT(weft_task_result(ok, &r), 0);
    EXPECT_PTR(r, PV(77));
    EXPECT_INT(weft_task_result(ok, NULL), 0);
    message = "sentinel";
    EXPECT_INT(weft_task_exception(ok, &message), 0);
    EXPECT_PTR(message, NULL);

    /* Finished with an error: the same code and message every time. */
    EXPECT_SOON(weft_task_done(bad));
    EXPECT(!weft_task_cancelled(bad));
    for (int i = 0; i < 2; i++) {
        r = PV(-1);
        EXPECT_INT(weft_task_result(bad, &r), 42);
        EXPECT_ERR(42, "failure 42");
        EXPECT_PTR(r, PV(-1));
        EXPECT_INT(weft_task_exception(bad, &message), 42);
        EXPECT_STR(message, "failure 42");
    }

    /* Cancelled. */
    EXPECT_INT(weft_task_cancel(slow, "enough"), 1);
    /* S2: cancelled only once it has exited, which with several workers
     * may already have happened on another one. */
    EXPECT_ORDERED(!weft_task_done(slow));
    EXPECT_ORDERED(!weft_task_cancelled(slow));
    EXPECT_INT(weft_await(slow, NULL), WEFT_ECANCELLED);
    EXPECT(weft_task_done(slow));
    EXPECT(weft_task_cancelled(slow));
    EXPECT_INT(weft_task_result(slow, &r), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "enough");
    message = "sentinel";
    EXPECT_INT(weft_task_exception(slow, &message), WEFT_ECANCELLED);
    EXPECT_ERR(WEFT_ECANCELLED, "enough");

    /* NULL task. */
    EXPECT(!weft_task_done(NULL));
    EXPECT(!weft_task_cancelled(NULL));
    EXPECT_INT(weft_task_result(NULL, &r), WEFT_EINVAL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    message = "sentinel";
    EXPECT_INT(weft_task_exception(NULL, &message), WEFT_EINVAL);
    EXPECT_PTR(message, NULL);

    weft_task_release(ok);
    weft_task_release(bad);
    weft_task_release(slow);
    return 0;
}

static void states_and_outcomes(void **state)
{
    (void)state;
    assert_int_equal(URUN(states_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

/* Result and exception are "any thread": read after the loop is gone. */
static weft_task *kept[3];

static int keep_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    kept[0] = weft_task_create(weft_coro_new(returns_arg, PV(5)), NULL);
    kept[1] = weft_task_create(weft_coro_new(fails_with, PV(6)), NULL);
    kept[2] = weft_task_create(weft_coro_new(sleeps_long, NULL), NULL);
    weft_yield();
    /* Done before main returns (else shutdown would cancel them). */
    EXPECT_SOON(weft_task_done(kept[0]) && weft_task_done(kept[1]));
    return 0;
}

static void outcomes_after_run(void **state)
{
    (void)state;
    assert_int_equal(URUN(keep_main, NULL, NULL), 0);
    void *r = NULL;
    assert_true(weft_task_done(kept[0]));
    assert_int_equal(weft_task_result(kept[0], &r), 0);
    assert_ptr_equal(r, PV(5));
    const char *message = NULL;
    assert_int_equal(weft_task_exception(kept[1], &message), 6);
    assert_str(message, "failure 6");
    assert_int_equal(weft_task_result(kept[1], NULL), 6);
    assert_str(weft_last_error_message(), "failure 6");
    /* The sleeper was cancelled at shutdown, without a message. */
    assert_true(weft_task_cancelled(kept[2]));
    assert_int_equal(weft_task_result(kept[2], NULL), WEFT_ECANCELLED);
    assert_null(weft_last_error_message());
    for (int i = 0; i < 3; i++)
        weft_task_release(kept[i]);
    assert_int_equal(ureport_count, 0);
}

/* -------------------------------------------------------------- describe */

static int describe_line;

static int describe_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    char buf[1024], want[1024];
    weft_coro *c = weft_coro_new(returns_arg, NULL); int line = __LINE__;
    weft_task *t = weft_task_create(c, "d1");
    int n = snprintf(want, sizeof want,
                     "<Task pending name='d1' coro=<returns_arg() running at %s:%d>>", __FILE__,
                     line);
    EXPECT_INT(weft_task_describe(t, buf, sizeof buf), n);
    EXPECT_STR(buf, want);
    /* snprintf rules. */
    char small[8];
    EXPECT_INT(weft_task_describe(t, small, sizeof small), n);
    EXPECT_STR(small, "<Task p");
    EXPECT_INT(weft_task_describe(t, NULL, 0), n);
    EXPECT_INT(weft_task_describe(NULL, buf, sizeof buf), WEFT_EINVAL);
    EXPECT_INT(weft_task_describe(t, NULL, 4), WEFT_EINVAL);

    /* The current task describing itself: running at the describe line, as
     * in Python (main also has run's stop callback registered). */
    weft_yield();
    weft_task_describe(weft_current_task(), buf, sizeof buf); describe_line = __LINE__;
    snprintf(want, sizeof want,
             "<Task pending name='%s' coro=<describe_main() running at %s:%d> "
             "cb=[_run_until_complete_cb() at ",
             weft_task_get_name(weft_current_task()), __FILE__, describe_line);
    if (!EXPECT(strncmp(buf, want, strlen(want)) == 0))
        EXPECT_STR(buf, want);

    /* Finished. */
    snprintf(want, sizeof want,
             "<Task finished name='d1' coro=<returns_arg() done, defined at %s:%d> result=None>",
             __FILE__, line);
    weft_task_describe(t, buf, sizeof buf);
    EXPECT_STR(buf, want);
    weft_task_release(t);

    weft_task *f = weft_task_create(weft_coro_new(fails_with, PV(9)), "d2"); line = __LINE__;
    weft_yield();
    snprintf(want, sizeof want,
             "<Task finished name='d2' coro=<fails_with() done, defined at %s:%d> "
             "exception=Error(9, 'failure 9')>",
             __FILE__, line);
    weft_task_describe(f, buf, sizeof buf);
    EXPECT_STR(buf, want);
    EXPECT_INT(weft_task_exception(f, NULL), 9);
    weft_task_release(f);

    weft_task *s = weft_task_create(weft_coro_new(sleeps_long, NULL), "d3"); line = __LINE__;
    weft_yield();
    snprintf(want, sizeof want,
             "<Task pending name='d3' coro=<sleeps_long() running at %s:%d> "
             "wait_for=<Future pending cb=[Task.task_wakeup()]>>",
             __FILE__, sleep_line);
    weft_task_describe(s, buf, sizeof buf);
    EXPECT_STR(buf, want);
    /* A task waiting on a task shows it nested; done callbacks as cb=[...]. */
    weft_task *w = weft_task_create(weft_coro_new(awaits_arg, s), "d4");
    weft_task_add_done_callback(w, noop_done, NULL); int cb_line = __LINE__;
    weft_yield();
    char inner[1024];
    snprintf(inner, sizeof inner, "%s", want);
    inner[strlen(inner) - 1] = '\0'; /* s now has w's wake-up registered */
    snprintf(want, sizeof want,
             "<Task pending name='d4' coro=<awaits_arg() running at %s:%d> wait_for=%s "
             "cb=[Task.task_wakeup()]> cb=[noop_done() at %s:%d]>",
             __FILE__, awaits_line, inner, __FILE__, cb_line);
    weft_task_describe(w, buf, sizeof buf);
    EXPECT_STR(buf, want);
    weft_task_add_done_callback(w, noop_done, PV(1));
    weft_task_add_done_callback(w, noop_done, PV(2));
    weft_task_add_done_callback(w, noop_done, PV(3)); int last_line = __LINE__;
    weft_task_describe(w, buf, sizeof buf);
    snprintf(want, sizeof want, " cb=[noop_done() at %s:%d, <2 more>, noop_done() at %s:%d]>",
             __FILE__, cb_line, __FILE__, last_line);
    EXPECT(strlen(buf) > strlen(want) && strcmp(buf + strlen(buf) - strlen(want), want) == 0);
    weft_task_cancel(s, NULL);
    /* Pending with a cancel requested: "cancelling". */
    weft_task_describe(s, buf, sizeof buf);
    EXPECT(strncmp(buf, "<Task cancelling name='d3' coro=<sleeps_long() running at ", 58) == 0);
    weft_await(s, NULL);
    weft_await(w, NULL);
    weft_task_release(w);
    snprintf(want, sizeof want,
             "<Task cancelled name='d3' coro=<sleeps_long() done, defined at %s:%d>>", __FILE__,
             line);
    weft_task_describe(s, buf, sizeof buf);
    EXPECT_STR(buf, want);
    weft_task_release(s);
    return 0;
}

/* weft_task_set_position: what descriptions show as "running at". The
 * function forms (in parentheses) bypass the position-recording macros. */
static int positioned(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task_set_position("custom.c", 77);
    (weft_yield)();
    weft_task_set_position(NULL, 0); /* tolerated */
    weft_task_set_position("other.c", 5);
    (weft_sleep)(0.001);
    return 0;
}

static int position_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(positioned, NULL), "pos");
    char buf[256];
    weft_yield(); /* t is suspended in its yield */
    weft_task_describe(t, buf, sizeof buf);
    EXPECT_STR(buf, "<Task pending name='pos' coro=<positioned() running at custom.c:77>>");
    weft_yield(); /* now in its sleep */
    weft_task_describe(t, buf, sizeof buf);
    EXPECT_STR(buf, "<Task pending name='pos' coro=<positioned() running at other.c:5> "
                    "wait_for=<Future pending cb=[Task.task_wakeup()]>>");
    EXPECT_INT(weft_await(t, NULL), 0);
    weft_task_release(t);
    return 0;
}

static void set_position(void **state)
{
    (void)state;
    weft_task_set_position("nowhere.c", 1); /* outside a task: a no-op */
    assert_int_equal(URUN(position_main, NULL, NULL), 0);
}

static void describe_every_state(void **state)
{
    (void)state;
    assert_int_equal(URUN(describe_main, NULL, NULL), 0);
}

/* With several workers: a task's identity and its own description survive
 * its moves between workers; finished tasks describe their outcome,
 * wherever they ran. */
static int describes_itself(void *arg, void **result)
{
    weft_task *self = weft_current_task();
    weft_executor *executor = weft_executor_current();
    weft_coro *coro = weft_task_get_coro(self);
    char name[16], buf[512], want[512];
    snprintf(name, sizeof name, "self-%d", IV(arg));
    for (int round = 0; umigrating(round); round++) {
        EXPECT(umigrate_round() >= 0);
        EXPECT_PTR(weft_current_task(), self);
        EXPECT_PTR(weft_executor_current(), executor);
        EXPECT_PTR(weft_task_get_coro(self), coro);
        EXPECT_STR(weft_task_get_name(self), name);
        EXPECT(!weft_task_done(self));
        weft_task_describe(self, buf, sizeof buf); int line = __LINE__;
        /* Then " cb=[Task.task_wakeup()]>" if main waits on it by now. */
        snprintf(want, sizeof want,
                 "<Task pending name='%s' coro=<describes_itself() running at %s:%d>", name,
                 __FILE__, line);
        if (!EXPECT(strncmp(buf, want, strlen(want)) == 0))
            EXPECT_STR(buf, want);
    }
    *result = NULL;
    return 0;
}

static int describe_across_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    char buf[512], want[512];
    weft_task *movers[4];
    int mover_line[4];
    for (int i = 0; i < UMIGRANTS; i++) {
        char name[16];
        snprintf(name, sizeof name, "self-%d", i);
        movers[i] = weft_task_create(weft_coro_new(describes_itself, PV(i)), name); mover_line[i] = __LINE__;
    }
    weft_task *f = weft_task_create(weft_coro_new(fails_with, PV(9)), "fails"); int f_line = __LINE__;
    weft_task *s = weft_task_create(weft_coro_new(sleeps_long, NULL), "asleep"); int s_line = __LINE__;
    for (int i = 0; i < UMIGRANTS; i++) {
        EXPECT_INT(weft_await(movers[i], NULL), 0);
        snprintf(buf, sizeof buf, "self-%d", i);
        snprintf(want, sizeof want,
                 "<Task finished name='%s' coro=<describes_itself() done, defined at %s:%d> "
                 "result=None>",
                 buf, __FILE__, mover_line[i]);
        weft_task_describe(movers[i], buf, sizeof buf);
        EXPECT_STR(buf, want);
        weft_task_release(movers[i]);
    }
    EXPECT_INT(weft_await(f, NULL), 9);
    snprintf(want, sizeof want,
             "<Task finished name='fails' coro=<fails_with() done, defined at %s:%d> "
             "exception=Error(9, 'failure 9')>",
             __FILE__, f_line);
    weft_task_describe(f, buf, sizeof buf);
    EXPECT_STR(buf, want);
    EXPECT_INT(weft_task_cancel(s, NULL), 1);
    EXPECT_INT(weft_await(s, NULL), WEFT_ECANCELLED);
    snprintf(want, sizeof want,
             "<Task cancelled name='asleep' coro=<sleeps_long() done, defined at %s:%d>>",
             __FILE__, s_line);
    weft_task_describe(s, buf, sizeof buf);
    EXPECT_STR(buf, want);
    weft_task_release(f);
    weft_task_release(s);
    return 0;
}

static void describe_across_workers(void **state)
{
    (void)state;
    umigration_begin();
    assert_int_equal(URUN(describe_across_main, NULL, NULL), 0);
    if (uworkers > 1)
        assert_true(umigrations >= UMIGRATIONS_WANTED);
}

/* "Thread: loop": describing a task while it runs (with several workers, on
 * another thread, moving between two positions) shows one of its positions,
 * never the file of one with the line of the other. Under ThreadSanitizer
 * this also checks that the position is published without a data race. */
static _Atomic int mover_stop;

static int alternates(void *arg, void **result)
{
    (void)arg;
    (void)result;
    ustarted();
    while (!mover_stop) {
        weft_task_set_position("alpha.c", 1);
        ublock(0.00002);
        (weft_yield)();
        weft_task_set_position("beta.c", 22);
        (weft_yield)();
    }
    return 0;
}

static int describe_running_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    mover_stop = 0;
    weft_task *movers[2];
    for (int i = 0; i < 2; i++)
        movers[i] = weft_task_create(weft_coro_new(alternates, NULL), i ? "m1" : "m0");
    weft_yield();
    EXPECT_SOON(ustarted_count == 2);
    int seen[2] = {0, 0};
    for (int i = 0; i < 400; i++) {
        char buf[256], alpha[128], beta[128];
        const char *name = i % 2 ? "m1" : "m0";
        snprintf(alpha, sizeof alpha, "<Task pending name='%s' coro=<alternates() running at alpha.c:1>", name);
        snprintf(beta, sizeof beta, "<Task pending name='%s' coro=<alternates() running at beta.c:22>", name);
        (weft_task_describe)(movers[i % 2], buf, sizeof buf);
        bool is_alpha = strncmp(buf, alpha, strlen(alpha)) == 0;
        bool is_beta = strncmp(buf, beta, strlen(beta)) == 0;
        if (!EXPECT(is_alpha || is_beta)) {
            EXPECT_STR(buf, alpha);
            break;
        }
        seen[is_beta]++;
        if (i % 16 == 0)
            weft_yield();
    }
    mover_stop = 1;
    for (int i = 0; i < 2; i++) {
        EXPECT_INT(weft_await(movers[i], NULL), 0);
        weft_task_release(movers[i]);
    }
    EXPECT(seen[0] + seen[1] == 400);
    return 0;
}

static void describe_while_running(void **state)
{
    (void)state;
    assert_int_equal(URUN(describe_running_main, NULL, NULL), 0);
}

/* ---------------------------------------------------------- references */

static int refs_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(returns_arg, PV(1)), NULL);
    EXPECT_PTR(weft_task_retain(t), t);
    EXPECT_PTR(weft_task_retain(t), t);
    weft_task_release(t);
    weft_task_release(t);
    EXPECT_PTR(weft_task_retain(NULL), NULL);
    weft_task_release(NULL);
    /* Released while pending: the executor's reference keeps it alive
     * until it is done. */
    weft_task *dropped = weft_task_create(weft_coro_new(returns_arg, PV(2)), NULL);
    weft_task_release(dropped);
    weft_yield();
    EXPECT_SOON(ran == 2);
    void *r = NULL;
    EXPECT_INT(weft_await(t, &r), 0);
    EXPECT_PTR(r, PV(1));
    weft_task_release(t);
    return 0;
}

static void retain_release(void **state)
{
    (void)state;
    ran = 0;
    assert_int_equal(URUN(refs_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

/* ---------------------------------------------- never retrieved report */

static weft_task *reported_task;
static char reported_description[512];
static int reported_line;

static int unretrieved_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *t = weft_task_create(weft_coro_new(fails_with, PV(13)), "lost"); reported_line = __LINE__;
    weft_yield();
    EXPECT_SOON(weft_task_done(t));
    /* done() and cancelled() do not count as retrieval (R4). */
    EXPECT(!weft_task_cancelled(t));
    reported_task = t;
    weft_task_describe(t, reported_description, sizeof reported_description);
    EXPECT_INT(ureport_count, 0);
    /* The last reference, reported now; with several workers the one
     * that finished t may still hold the executor's for a moment. */
    weft_task_release(t);
    EXPECT_SOON(ureport_count == 1);

    /* Released while still pending: reported when it fails. */
    weft_task *later = weft_task_create(weft_coro_new(fails_with, PV(14)), "later");
    weft_task_release(later);
    EXPECT_ORDERED(ureport_count == 1);
    weft_yield();
    EXPECT_SOON(ureport_count == 2);
    return 0;
}

static void never_retrieved_reported(void **state)
{
    (void)state;
    assert_int_equal(URUN(unretrieved_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 2);
    assert_str(ureports[0].message, "Task exception was never retrieved");
    assert_int_equal(ureports[0].error, 13);
    assert_true(ureports[0].has_error_message);
    assert_str(ureports[0].error_message, "failure 13");
    assert_ptr_equal(ureports[0].task, reported_task);
    assert_str(ureports[0].source, reported_description);
    assert_ptr_equal(ureports[0].arg, PV(0x5eed));
    assert_str(ureports[1].message, "Task exception was never retrieved");
    assert_int_equal(ureports[1].error, 14);
    assert_str(ureports[1].error_message, "failure 14");
}

static int retrieved_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    /* Each way of retrieving: result, exception, await, cancel when done. */
    weft_task *a = weft_task_create(weft_coro_new(fails_with, PV(21)), NULL);
    weft_task *b = weft_task_create(weft_coro_new(fails_with, PV(22)), NULL);
    weft_task *c = weft_task_create(weft_coro_new(fails_with, PV(23)), NULL);
    weft_task *d = weft_task_create(weft_coro_new(fails_with, PV(24)), NULL);
    weft_task *e = weft_task_create(weft_coro_new(fails_with, PV(25)), NULL);
    EXPECT_INT(weft_await(e, NULL), 25); /* suspends; all five finish */
    EXPECT_SOON(weft_task_done(a) && weft_task_done(b) && weft_task_done(c) &&
                weft_task_done(d));
    EXPECT_INT(weft_task_result(a, NULL), 21);
    EXPECT_INT(weft_task_exception(b, NULL), 22);
    EXPECT_INT(weft_await(c, NULL), 23);
    EXPECT_INT(weft_task_cancel(d, "late"), 0);
    EXPECT(!weft_task_cancelled(d));
    weft_task_release(a);
    weft_task_release(b);
    weft_task_release(c);
    weft_task_release(d);
    weft_task_release(e);
    /* Cancelled and successful tasks are never reported. */
    weft_task *s = weft_task_create(weft_coro_new(sleeps_long, NULL), NULL);
    weft_task *ok = weft_task_create(weft_coro_new(returns_arg, NULL), NULL);
    weft_yield();
    weft_task_cancel(s, "x");
    weft_yield();
    weft_yield();
    EXPECT_SOON(weft_task_cancelled(s));
    EXPECT_SOON(weft_task_done(ok));
    weft_task_release(s);
    weft_task_release(ok);
    return 0;
}

static void retrieved_not_reported(void **state)
{
    (void)state;
    assert_int_equal(URUN(retrieved_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UTEST(create_names_and_numbers),
        UTEST(create_errors),
        UTEST_NO_LOOP(create_outside_loop),
        UTEST(get_and_set_name),
        UTEST(names_read_concurrently),
        UTEST(states_and_outcomes),
        UTEST(outcomes_after_run),
        UTEST_ONE_WORKER(describe_every_state,
                         "describes other tasks at exact steps (not started, asleep, waiting)"),
        UTEST_ONE_WORKER(set_position, "describes another task at the yield it is in"),
        UTEST(describe_across_workers),
        UTEST(describe_while_running),
        UTEST(retain_release),
        UTEST(never_retrieved_reported),
        UTEST(retrieved_not_reported),
    };
    return URUN_GROUPS("test_task", tests);
}
