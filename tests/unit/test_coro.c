/* Coroutine objects: weft_coro_new(_named), weft_coro_free, weft_coro_get_name,
 * weft_coro_describe, the never-awaited report and the one-shot rules
 * (WEFT_EREUSED, WEFT_EAWAITED) through every function that takes a coroutine. */
#include "unit.h"

static _Atomic int counter; /* bodies run, on any worker */

static int body(void *arg, void **result)
{
    counter++;
    if (result != NULL)
        *result = arg;
    return 0;
}

static void new_and_name(void **state)
{
    (void)state;
    weft_coro *coro = weft_coro_new(body, PV(3));
    assert_non_null(coro);
    assert_str(weft_coro_get_name(coro), "body");
    assert_null(weft_coro_get_name(NULL));
    /* Outside a loop nothing is tracked: freeing warns through the default
     * handler (stderr) and returns 0. */
    assert_int_equal(weft_coro_free(coro), 0);

    weft_coro *named = weft_coro_new_named(body, NULL, "custom_name", "file.c", 12);
    assert_non_null(named);
    assert_str(weft_coro_get_name(named), "custom_name");
    assert_int_equal(weft_coro_free(named), 0);
    assert_int_equal(counter, 0); /* creating a coroutine never runs it */
}

static void new_null_fn(void **state)
{
    (void)state;
    weft_raise(1, "before");
    assert_null(weft_coro_new_named(NULL, NULL, "nothing", __FILE__, __LINE__));
    assert_int_equal(weft_last_error(), WEFT_ENOTCORO);
    assert_non_null(weft_last_error_message());
    weft_fn none = NULL;
    assert_null(weft_coro_new(none, NULL));
    assert_int_equal(weft_last_error(), WEFT_ENOTCORO);
}

static void describe_format(void **state)
{
    (void)state;
    weft_coro *coro = weft_coro_new(body, NULL);
    char want[128];
    int want_len = snprintf(want, sizeof want, "<coroutine object body at %p>", (void *)coro);
    char buf[128];
    assert_int_equal(weft_coro_describe(coro, buf, sizeof buf), want_len);
    assert_str(buf, want);
    /* snprintf rules: the needed length, truncated and terminated. */
    char small[10];
    memset(small, 'x', sizeof small);
    assert_int_equal(weft_coro_describe(coro, small, sizeof small), want_len);
    assert_int_equal(strlen(small), 9);
    assert_memory_equal(small, want, 9);
    assert_int_equal(weft_coro_describe(coro, NULL, 0), want_len);
    /* Errors. */
    assert_int_equal(weft_coro_describe(NULL, buf, sizeof buf), WEFT_EINVAL);
    assert_int_equal(weft_last_error(), WEFT_EINVAL);
    assert_int_equal(weft_coro_describe(coro, NULL, 5), WEFT_EINVAL);
    assert_int_equal(weft_coro_free(coro), 0);
}

static void free_null(void **state)
{
    (void)state;
    assert_int_equal(weft_coro_free(NULL), WEFT_EINVAL);
    assert_int_equal(weft_last_error(), WEFT_EINVAL);
}

/* ---------------------------------------------------- never-awaited report */

static int line_of_forgotten;

static int frees_fresh(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_coro *coro = weft_coro_new(body, NULL); line_of_forgotten = __LINE__;
    EXPECT_INT(ureport_count, 0);
    EXPECT_INT(weft_coro_free(coro), 0);
    /* Reported at once, through the executor's handler. */
    EXPECT_INT(ureport_count, 1);
    EXPECT_STR(ureports[0].message, "coroutine 'body' was never awaited");
    EXPECT_INT(ureports[0].error, 0);
    EXPECT_PTR(ureports[0].executor, weft_executor_current());
    EXPECT_PTR(ureports[0].arg, PV(0x5eed));
    char source[256];
    snprintf(source, sizeof source, "body() at %s:%d", __FILE__, line_of_forgotten);
    EXPECT_STR(ureports[0].source, source);
    return 0;
}

static void free_reports_never_awaited(void **state)
{
    (void)state;
    counter = 0;
    assert_int_equal(URUN(frees_fresh, NULL, NULL), 0);
    assert_int_equal(ureport_count, 1);
    assert_int_equal(counter, 0);
}

static int leaves_two_fresh(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_coro_new_named(body, NULL, "first_forgotten", "a.c", 1);
    weft_coro_new_named(body, NULL, "second_forgotten", "b.c", 2);
    /* Handed over: not reported. */
    weft_task *t = weft_task_create(weft_coro_new(body, NULL), NULL);
    weft_task_release(t);
    EXPECT_INT(weft_await_coro(weft_coro_new(body, NULL), NULL), 0);
    EXPECT_INT(ureport_count, 0);
    /* One worker runs the task in the last iteration (A2); with several,
     * shutdown might cancel it before its first step: wait for it. */
    if (uworkers > 1)
        EXPECT_SOON(counter == 2);
    return 0;
}

static void shutdown_reports_never_awaited(void **state)
{
    (void)state;
    counter = 0;
    assert_int_equal(URUN(leaves_two_fresh, NULL, NULL), 0);
    assert_int_equal(counter, 2); /* the task and the inline coroutine ran */
    assert_int_equal(ureport_count, 2);
    int a = ureport_find("coroutine 'first_forgotten' was never awaited");
    int b = ureport_find("coroutine 'second_forgotten' was never awaited");
    assert_true(a >= 0);
    assert_true(b >= 0);
    assert_str(ureports[a].source, "first_forgotten() at a.c:1");
    assert_str(ureports[b].source, "second_forgotten() at b.c:2");
    assert_int_equal(ureports[a].error, 0);
    assert_null(ureports[a].task);
    /* LeakSanitizer checks that both were freed. */
}

/* A coroutine rejected by a failed hand-over stays the caller's. */
static int rejected_stays_fresh(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_coro *coro = weft_coro_new(body, NULL);
    EXPECT_PTR(weft_executor_submit(NULL, coro, NULL), NULL);
    EXPECT_INT(weft_last_error(), WEFT_EINVAL);
    /* Still fresh: it can be handed over now. */
    weft_task *t = weft_task_create(coro, "taken");
    EXPECT(t != NULL);
    EXPECT_INT(weft_await(t, NULL), 0);
    EXPECT_PTR(weft_task_get_coro(t), coro);
    weft_task_release(t);
    return 0;
}

static void failed_handover_keeps_coro(void **state)
{
    (void)state;
    counter = 0;
    assert_int_equal(URUN(rejected_stays_fresh, NULL, NULL), 0);
    assert_int_equal(counter, 1);
    assert_int_equal(ureport_count, 0);
}

/* ----------------------------------------------------------- one-shot rules */

static weft_coro *own_coro;
static ugate one_shot_gate;

/* Pending until the gate opens, whatever the worker count. */
static int suspends_once(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_yield();
    return ugate_wait(&one_shot_gate);
}

static int uses_own_coro(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_coro *mine = weft_task_get_coro(weft_current_task());
    /* Running: "being awaited already". */
    EXPECT_INT(weft_await_coro(mine, NULL), WEFT_EAWAITED);
    EXPECT_ERR(WEFT_EAWAITED, "coroutine is being awaited already");
    EXPECT_PTR(weft_task_create(mine, NULL), NULL);
    EXPECT_ERR(WEFT_EAWAITED, "coroutine is being awaited already");
    EXPECT_INT(weft_coro_free(mine), WEFT_EINVALSTATE);
    EXPECT_INT(weft_last_error(), WEFT_EINVALSTATE);
    return 0;
}

static int one_shot_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    /* A coroutine owned by a task that has not started yet (with several
     * workers, one that may have started but cannot finish). */
    one_shot_gate.open = 0;
    weft_coro *coro = weft_coro_new(suspends_once, NULL);
    weft_task *t = weft_task_create(coro, NULL);
    EXPECT_INT(weft_coro_free(coro), WEFT_EINVALSTATE);
    EXPECT_INT(weft_last_error(), WEFT_EINVALSTATE);
    EXPECT(weft_last_error_message() != NULL);
    EXPECT_PTR(weft_task_create(coro, NULL), NULL);
    EXPECT_INT(weft_last_error(), WEFT_EAWAITED);
    EXPECT_INT(weft_await_coro(coro, NULL), WEFT_EAWAITED);

    /* Suspended inside its task: still being awaited. */
    weft_yield();
    EXPECT(!weft_task_done(t));
    EXPECT_INT(weft_await_coro(coro, NULL), WEFT_EAWAITED);
    EXPECT_ERR(WEFT_EAWAITED, "coroutine is being awaited already");
    weft_task *second = weft_executor_submit(weft_executor_current(), coro, "again");
    EXPECT_PTR(second, NULL);
    EXPECT_INT(weft_last_error(), WEFT_EAWAITED);

    /* Finished: reuse. */
    ugate_open(&one_shot_gate);
    EXPECT_INT(weft_await(t, NULL), 0);
    EXPECT_PTR(weft_task_get_coro(t), coro);
    EXPECT_INT(weft_await_coro(coro, NULL), WEFT_EREUSED);
    EXPECT_ERR(WEFT_EREUSED, "cannot reuse already awaited coroutine");
    EXPECT_PTR(weft_task_create(coro, "reuse"), NULL);
    EXPECT_ERR(WEFT_EREUSED, "cannot reuse already awaited coroutine");
    EXPECT_INT(weft_coro_free(coro), WEFT_EINVALSTATE);
    weft_task_release(t);

    t = weft_task_create(weft_coro_new(uses_own_coro, NULL), NULL);
    EXPECT_INT(weft_await(t, NULL), 0);
    weft_task_release(t);
    return 0;
}

static void reuse_and_being_awaited(void **state)
{
    (void)state;
    assert_int_equal(URUN(one_shot_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

/* A coroutine from a finished task given to weft_run: WEFT_EREUSED, and
 * weft_run does not free it (the task still owns it). */
static weft_task *kept_task;

static int keeps_a_task(void *arg, void **result)
{
    (void)arg;
    (void)result;
    kept_task = weft_task_create(weft_coro_new(body, NULL), NULL);
    EXPECT_INT(weft_await(kept_task, NULL), 0);
    return 0;
}

static void run_rejects_reused(void **state)
{
    (void)state;
    assert_int_equal(URUN(keeps_a_task, NULL, NULL), 0);
    assert_non_null(kept_task);
    own_coro = weft_task_get_coro(kept_task);
    assert_non_null(own_coro);
    assert_int_equal(weft_run(own_coro, NULL), WEFT_EREUSED);
    assert_int_equal(weft_last_error(), WEFT_EREUSED);
    assert_str(weft_last_error_message(), "cannot reuse already awaited coroutine");
    assert_ptr_equal(weft_task_get_coro(kept_task), own_coro);
    assert_str(weft_coro_get_name(own_coro), "body");
    weft_task_release(kept_task);
    kept_task = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UTEST_NO_LOOP(new_and_name),
        UTEST_NO_LOOP(new_null_fn),
        UTEST_NO_LOOP(describe_format),
        UTEST_NO_LOOP(free_null),
        UTEST(free_reports_never_awaited),
        UTEST(shutdown_reports_never_awaited),
        UTEST(failed_handover_keeps_coro),
        UTEST(reuse_and_being_awaited),
        UTEST(run_rejects_reused),
    };
    return URUN_GROUPS("test_coro", tests);
}
