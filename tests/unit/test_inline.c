/* Inline awaits (LIFO mode, DESIGN.md section 6): awaiting a task that has
 * not started runs it on the awaiter's stack, as a function call. Checked
 * here: it happens in LIFO mode and never in FIFO (asyncio) mode; the task
 * run inline is the current task while it runs and keeps its own identity,
 * outcome and cancellation; it may suspend and resume (on another worker
 * too); a cancel of the awaiter reaches it; deep chains do not overflow. */
#include "unit.h"

static weft_config lifo_config(unsigned workers)
{
    weft_config config;
    weft_config_init(&config);
    config.workers = workers;
    config.order = WEFT_ORDER_LIFO;
    return config;
}

static uint64_t steps_run(void)
{
    weft_executor_stats stats;
    weft_executor_get_stats(weft_executor_current(), &stats);
    return stats.tasks_run;
}

/* ------------------------------------------------- where the child runs */

static weft_task *seen_current;

static int reports_itself(void *arg, void **result)
{
    seen_current = weft_current_task();
    *result = arg;
    return 0;
}

static int await_one_child(void *arg, void **result)
{
    (void)arg;
    uint64_t before = steps_run();
    weft_task *child = weft_spawn(reports_itself, PV(7));
    void *r = NULL;
    EXPECT_INT(weft_await(child, &r), 0);
    EXPECT_PTR(r, PV(7));
    EXPECT_PTR(seen_current, child);
    EXPECT(weft_task_done(child));
    EXPECT(weft_current_task() != child);
    *result = (void *)(uintptr_t)(steps_run() - before); /* steps the child took */
    weft_task_release(child);
    return 0;
}

static void lifo_runs_an_unstarted_task_inline(void **state)
{
    (void)state;
    weft_config config = lifo_config(1);
    void *steps = PV(-1);
    assert_int_equal(urun_with(&config, weft_coro_new(await_one_child, NULL), &steps), 0);
    assert_int_equal(IV(steps), 0); /* no step of its own: it ran inside main's */
}

static void fifo_never_runs_a_task_inline(void **state)
{
    (void)state;
    void *steps = PV(-1);
    assert_int_equal(URUN(await_one_child, NULL, &steps), 0);
    /* asyncio order: the child's step, then main's wake-up step. */
    assert_int_equal(IV(steps), 2);
}

/* ------------------------------------------------ suspending while inline */

static int sleeps_and_yields(void *arg, void **result)
{
    weft_task *self = weft_current_task();
    EXPECT_INT(weft_sleep(0.002), 0);
    EXPECT_PTR(weft_current_task(), self);
    EXPECT_INT(weft_yield(), 0);
    EXPECT_PTR(weft_current_task(), self);
    *result = arg;
    return 0;
}

static int awaits_a_suspending_child(void *arg, void **result)
{
    weft_task *self = weft_current_task();
    weft_task *child = weft_spawn(sleeps_and_yields, arg);
    void *r = NULL;
    EXPECT_INT(weft_await(child, &r), 0);
    EXPECT_PTR(weft_current_task(), self);
    weft_task_release(child);
    *result = r;
    return 0;
}

static int many_suspending_children(void *arg, void **result)
{
    (void)result;
    int count = IV(arg);
    weft_task *parents[64];
    for (int i = 0; i < count; i++)
        parents[i] = weft_spawn(awaits_a_suspending_child, PV(i + 1));
    for (int i = 0; i < count; i++) {
        void *r = NULL;
        EXPECT_INT(weft_await(parents[i], &r), 0);
        EXPECT_INT(IV(r), i + 1);
        weft_task_release(parents[i]);
    }
    return 0;
}

static void inline_task_suspends_and_resumes(void **state)
{
    (void)state;
    for (unsigned workers = 1; workers <= 4; workers *= 2) {
        weft_config config = lifo_config(workers);
        assert_int_equal(urun_with(&config, weft_coro_new(many_suspending_children, PV(64)), NULL),
                         0);
    }
}

/* ------------------------------------------------------------ cancelling */

static weft_task *inner_task;

static int sleeps_for_ever(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return weft_sleep(3600);
}

static int awaits_inner(void *arg, void **result)
{
    (void)arg;
    inner_task = weft_spawn(sleeps_for_ever, NULL);
    int code = weft_await(inner_task, result);
    return code;
}

static int cancels_the_awaiter(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *outer = weft_spawn(awaits_inner, NULL);
    EXPECT_INT(weft_sleep(0.005), 0); /* outer runs inner inline; inner sleeps */
    EXPECT(inner_task != NULL && !weft_task_done(inner_task));
    EXPECT_INT(weft_task_cancel(outer, "stop"), 1);
    EXPECT_INT(weft_await(outer, NULL), WEFT_ECANCELLED);
    EXPECT_STR(weft_last_error_message(), "stop");
    EXPECT(weft_task_cancelled(outer));
    EXPECT(weft_task_cancelled(inner_task)); /* S8: the cancel went down to it */
    weft_task_release(inner_task);
    inner_task = NULL;
    weft_task_release(outer);
    return 0;
}

static void cancel_of_the_awaiter_reaches_the_inline_task(void **state)
{
    (void)state;
    for (unsigned workers = 1; workers <= 2; workers++) {
        weft_config config = lifo_config(workers);
        assert_int_equal(urun_with(&config, weft_coro_new(cancels_the_awaiter, NULL), NULL), 0);
    }
}

static weft_task *host_task;

static int cancels_its_host_then_returns(void *arg, void **result)
{
    (void)arg;
    EXPECT_INT(weft_task_cancel(host_task, "from inside"), 1);
    *result = PV(5);
    return 0;
}

static int host(void *arg, void **result)
{
    (void)arg;
    (void)result;
    host_task = weft_current_task();
    weft_task *child = weft_spawn(cancels_its_host_then_returns, NULL);
    void *r = PV(-1);
    /* As in asyncio: the host waits on the child, so its cancel goes to the
     * child, which returns without suspending and so ends cancelled (S6). */
    EXPECT_INT(weft_await(child, &r), WEFT_ECANCELLED);
    EXPECT_PTR(r, PV(-1));
    EXPECT(weft_task_cancelled(child));
    weft_task_release(child);
    return 0;
}

static void cancel_from_the_inline_task_follows_asyncio(void **state)
{
    (void)state;
    weft_config config = lifo_config(1);
    assert_int_equal(urun_with(&config, weft_coro_new(host, NULL), NULL), 0);
}

static int starts_cancelled_child(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *child = weft_spawn(reports_itself, PV(1));
    seen_current = NULL;
    EXPECT_INT(weft_task_cancel(child, "early"), 1);
    EXPECT_INT(weft_await(child, NULL), WEFT_ECANCELLED);
    EXPECT_STR(weft_last_error_message(), "early");
    EXPECT_PTR(seen_current, NULL); /* cancelled before it started: never ran */
    weft_task_release(child);
    return 0;
}

static void task_cancelled_before_start_is_not_run(void **state)
{
    (void)state;
    weft_config config = lifo_config(1);
    assert_int_equal(urun_with(&config, weft_coro_new(starts_cancelled_child, NULL), NULL), 0);
}

/* ------------------------------------------------------- deep and errors */

static int chain(void *arg, void **result)
{
    int depth = IV(arg);
    if (depth == 0) {
        *result = PV(0);
        return 0;
    }
    weft_task *next = weft_spawn(chain, PV(depth - 1));
    if (next == NULL)
        return weft_last_error();
    void *r = NULL;
    int code = weft_await(next, &r);
    weft_task_release(next);
    *result = PV(IV(r) + 1);
    return code;
}

static void deep_chain_stops_inlining_before_the_stack_ends(void **state)
{
    (void)state;
    /* Each level's frames take a few hundred bytes: 5000 levels inline
     * would need far more than a 64 KiB stack, so inlining must stop at
     * half the stack and the rest take their own stacks. */
    weft_config config = lifo_config(1);
    void *depth = NULL;
    assert_int_equal(urun_with(&config, weft_coro_new(chain, PV(5000)), &depth), 0);
    assert_int_equal(IV(depth), 5000);
}

static int fails_inline(void *arg, void **result)
{
    (void)result;
    return weft_raise(IV(arg), "failed with %d", IV(arg));
}

static int awaits_failure(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *child = weft_task_create(weft_coro_new(fails_inline, PV(42)), "failing");
    EXPECT_INT(weft_await(child, NULL), 42);
    EXPECT_ERR(42, "failed with 42");
    EXPECT_STR(weft_task_get_name(child), "failing");
    weft_task_release(child);
    return 0;
}

static void inline_failure_reaches_the_awaiter(void **state)
{
    (void)state;
    weft_config config = lifo_config(1);
    assert_int_equal(urun_with(&config, weft_coro_new(awaits_failure, NULL), NULL), 0);
    assert_int_equal(ureport_count, 0); /* retrieved by the await: no report */
}

/* ------------------------------------------- claims of older new tasks */

enum { CLAIM_CHILDREN = 64 };
static atomic_int runs[CLAIM_CHILDREN];

static int counts_its_run(void *arg, void **result)
{
    atomic_fetch_add(&runs[IV(arg)], 1);
    *result = PV(IV(arg) * 3);
    return 0;
}

/* Children awaited oldest first: each one but the newest is not at the
 * bottom of the deque, so the await claims it where it is and leaves its
 * entry stale. Returns the steps the children took of their own. */
static int awaits_oldest_first(void *arg, void **result)
{
    int count = IV(arg);
    weft_task *children[CLAIM_CHILDREN];
    uint64_t before = steps_run();
    for (int i = 0; i < count; i++)
        children[i] = weft_spawn(counts_its_run, PV(i));
    for (int i = 0; i < count; i++) {
        void *r = NULL;
        EXPECT_INT(weft_await(children[i], &r), 0);
        EXPECT_PTR(r, PV(i * 3));
        weft_task_release(children[i]); /* its stale entry keeps it alive */
    }
    *result = (void *)(uintptr_t)(steps_run() - before);
    return 0;
}

static void older_new_tasks_are_claimed_and_run_inline(void **state)
{
    (void)state;
    for (int i = 0; i < CLAIM_CHILDREN; i++)
        atomic_store(&runs[i], 0);
    weft_config config = lifo_config(1);
    void *steps = PV(-1);
    assert_int_equal(urun_with(&config, weft_coro_new(awaits_oldest_first, PV(10)), &steps), 0);
    assert_int_equal(IV(steps), 0); /* every child ran inside main's step */
    for (int i = 0; i < 10; i++)
        assert_int_equal(atomic_load(&runs[i]), 1);
}

/* A stale entry left behind (its task awaited through a claim, then
 * released) is dropped by whoever pops it, without running the task. */
static int leaves_a_stale_entry(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *older = weft_spawn(counts_its_run, PV(0));
    weft_task *newer = weft_spawn(counts_its_run, PV(1));
    EXPECT_INT(weft_await(older, NULL), 0); /* claimed: newer is above it */
    weft_task_release(older);
    EXPECT_INT(atomic_load(&runs[1]), 0);
    EXPECT_INT(weft_yield(), 0); /* the loop pops newer, then the stale entry */
    EXPECT_INT(weft_yield(), 0);
    EXPECT(weft_task_done(newer));
    weft_task_release(newer);
    return 0;
}

static void a_stale_entry_is_dropped_not_run(void **state)
{
    (void)state;
    atomic_store(&runs[0], 0);
    atomic_store(&runs[1], 0);
    weft_config config = lifo_config(1);
    assert_int_equal(urun_with(&config, weft_coro_new(leaves_a_stale_entry, NULL), NULL), 0);
    assert_int_equal(atomic_load(&runs[0]), 1);
    assert_int_equal(atomic_load(&runs[1]), 1);
}

/* With thieves, a claim races with steals of the same entry: every child
 * still runs exactly once, whoever gets it. */
static int claims_race_with_thieves(void *arg, void **result)
{
    (void)arg;
    (void)result;
    for (int round = 0; round < 200; round++) {
        void *ignored = NULL;
        weft_task *node = weft_spawn(awaits_oldest_first, PV(CLAIM_CHILDREN));
        EXPECT_INT(weft_await(node, &ignored), 0);
        weft_task_release(node);
    }
    return 0;
}

static void claims_race_with_thieves_on_4_workers(void **state)
{
    (void)state;
    for (int i = 0; i < CLAIM_CHILDREN; i++)
        atomic_store(&runs[i], 0);
    weft_config config = lifo_config(4);
    assert_int_equal(urun_with(&config, weft_coro_new(claims_race_with_thieves, NULL), NULL), 0);
    for (int i = 0; i < CLAIM_CHILDREN; i++)
        assert_int_equal(atomic_load(&runs[i]), 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UTEST(lifo_runs_an_unstarted_task_inline),
        UTEST(fifo_never_runs_a_task_inline),
        UTEST(inline_task_suspends_and_resumes),
        UTEST(cancel_of_the_awaiter_reaches_the_inline_task),
        UTEST(cancel_from_the_inline_task_follows_asyncio),
        UTEST(task_cancelled_before_start_is_not_run),
        UTEST(deep_chain_stops_inlining_before_the_stack_ends),
        UTEST(inline_failure_reaches_the_awaiter),
        UTEST(older_new_tasks_are_claimed_and_run_inline),
        UTEST(a_stale_entry_is_dropped_not_run),
        UTEST(claims_race_with_thieves_on_4_workers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
