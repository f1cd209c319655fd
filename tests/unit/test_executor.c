/* Explicit executors (weft_executor_create / submit / wait / shutdown /
 * free) with 1, 2 and 4 workers, driven from the main thread: idle periods
 * between submissions (the workers wait or park), timers on an otherwise
 * idle executor, and shutdown while idle or with work still sleeping. */
#include "unit.h"

#include <sched.h>
#include <time.h>
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

/* A long-running root submitted to parked workers: the worker that wakes
 * for it wakes as a searcher, and must stop counting as one before running
 * it, or the root's spawns never wake the other worker (every publisher
 * sees a searcher at work). Each child waits, up to a bound, until children
 * have run on two threads: with the second worker asleep the first child
 * times out and the test fails. */
static atomic_uintptr_t first_child_thread;
static atomic_bool second_thread_seen;

static int waits_for_a_second_thread(void *arg, void **result)
{
    (void)arg;
    (void)result;
    uintptr_t self = (uintptr_t)pthread_self();
    uintptr_t expected = 0;
    if (!atomic_compare_exchange_strong(&first_child_thread, &expected, self) && expected != self)
        atomic_store(&second_thread_seen, true);
    for (int i = 0; i < 5000 && !atomic_load(&second_thread_seen); i++)
        usleep(1000);
    return 0;
}

static int spawns_children_and_waits(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *children[8];
    for (int i = 0; i < 8; i++)
        children[i] = weft_spawn(waits_for_a_second_thread, NULL);
    for (int i = 0; i < 8; i++) {
        EXPECT_INT(weft_await(children[i], NULL), 0);
        weft_task_release(children[i]);
    }
    return 0;
}

static void long_root_lets_the_other_worker_wake(void **state)
{
    (void)state;
    weft_config config;
    weft_config_init(&config);
    config.workers = 2;
    config.order = WEFT_ORDER_LIFO;
    for (int round = 0; round < 3; round++) {
        weft_executor *executor = NULL;
        assert_int_equal(weft_executor_create(&config, &executor), 0);
        usleep(20000); /* both workers park */
        atomic_store(&first_child_thread, 0);
        atomic_store(&second_thread_seen, false);
        weft_task *root =
            weft_executor_submit(executor, weft_coro_new(spawns_children_and_waits, NULL), "root");
        assert_non_null(root);
        assert_int_equal(weft_executor_wait(root, NULL), 0);
        weft_task_release(root);
        assert_true(atomic_load(&second_thread_seen));
        weft_executor_free(executor);
    }
}

/* config.workers 0 takes WEFT_WORKERS when it holds a count from 1 to the
 * maximum, digits only; anything else falls back, without an error, to
 * the online CPU count (weft.h, weft_config.workers). */
static unsigned workers_with_environment(const char *value)
{
    if (value != NULL)
        assert_int_equal(setenv("WEFT_WORKERS", value, 1), 0);
    else
        assert_int_equal(unsetenv("WEFT_WORKERS"), 0);
    weft_config config;
    weft_config_init(&config);
    assert_int_equal(config.workers, 0);
    weft_executor *executor = NULL;
    assert_int_equal(weft_executor_create(&config, &executor), 0);
    weft_executor_stats stats;
    assert_int_equal(weft_executor_get_stats(executor, &stats), 0);
    submit_and_wait(executor, returns_arg, 7); /* the executor works */
    weft_executor_free(executor);
    return stats.workers;
}

static void workers_from_the_environment(void **state)
{
    (void)state;
    const char *saved = getenv("WEFT_WORKERS");
    char *saved_copy = saved != NULL ? strdup(saved) : NULL;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned fallback = cpus < 1 ? 1 : cpus > 1024 ? 1024 : (unsigned)cpus;

    assert_int_equal(workers_with_environment("3"), 3);
    assert_int_equal(workers_with_environment("1"), 1);
    const char *invalid[] = {"abc", "0", "-3", "", "3x", " 3", "1025", "99999999999999999999"};
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        unsigned got = workers_with_environment(invalid[i]);
        if (got != fallback)
            fail_msg("WEFT_WORKERS='%s' gave %u workers, expected the %u online CPUs",
                     invalid[i], got, fallback);
    }
    assert_int_equal(workers_with_environment(NULL), fallback);
    /* An explicit count wins over the environment. */
    assert_int_equal(setenv("WEFT_WORKERS", "3", 1), 0);
    weft_executor *executor = start(2);
    weft_executor_stats stats;
    assert_int_equal(weft_executor_get_stats(executor, &stats), 0);
    assert_int_equal(stats.workers, 2);
    weft_executor_free(executor);

    if (saved_copy != NULL)
        setenv("WEFT_WORKERS", saved_copy, 1);
    else
        unsetenv("WEFT_WORKERS");
    free(saved_copy);
}

/* Parked workers, as the counters tell: parks counts a worker going to
 * sleep, wakeups a worker woken by a notification. With no timers and no
 * shutdown, a parked worker leaves its sleep only through a notification,
 * so parks - wakeups is the number asleep right now. */
static uint64_t asleep(weft_executor *executor, weft_executor_stats *stats)
{
    assert_int_equal(weft_executor_get_stats(executor, stats), 0);
    return stats->parks - stats->wakeups;
}

static bool wait_until_asleep(weft_executor *executor, uint64_t count, weft_executor_stats *stats)
{
    double until = unow() + USOON_SECONDS;
    while (asleep(executor, stats) != count) {
        if (unow() > until)
            return false;
        usleep(1000);
    }
    return true;
}

/* One submission to four parked workers wakes exactly one of them. The
 * design (src/worker.c, weft_executor_notify_work and run_once): the
 * injecting thread wakes one sleeper, counted as a searcher so that no
 * other notification wakes a second worker for the same work; the woken
 * worker finds one runnable, so it stops searching *without* handing the
 * search on (it hands it on only when it found more than one), runs the
 * task, finds nothing more and parks again. So wakeups rises by exactly 1,
 * and parks by exactly 1 once it is back asleep. Repeated a few times so
 * that a design that sometimes wakes a second worker shows up.
 *
 * The test polls weft_task_done instead of calling weft_executor_wait: that
 * one adds a done callback, a second runnable, which the finishing worker
 * pushes onto its empty deque while three others sleep and nobody
 * searches: by design that wakes one more worker (up to two when the
 * woken one steals the callback, finding work, and hands the search on). */
static void one_submission_wakes_one_parked_worker(void **state)
{
    (void)state;
    weft_executor *executor = start(4);
    weft_executor_stats before, after;
    for (int round = 0; round < 5; round++) {
        if (!wait_until_asleep(executor, 4, &before))
            fail_msg("the 4 workers never all parked (parks %llu, wakeups %llu)",
                     (unsigned long long)before.parks, (unsigned long long)before.wakeups);
        weft_task *task =
            weft_executor_submit(executor, weft_coro_new(returns_arg, PV(round)), NULL);
        assert_non_null(task);
        double until = unow() + USOON_SECONDS;
        while (!weft_task_done(task) && unow() < until)
            usleep(200);
        void *result = NULL;
        assert_int_equal(weft_task_result(task, &result), 0);
        assert_int_equal(IV(result), round);
        weft_task_release(task);
        if (!wait_until_asleep(executor, 4, &after))
            fail_msg("the workers did not all park again (parks %llu, wakeups %llu)",
                     (unsigned long long)after.parks, (unsigned long long)after.wakeups);
        if (after.wakeups - before.wakeups != 1)
            fail_msg("round %d: one submission woke %llu workers", round,
                     (unsigned long long)(after.wakeups - before.wakeups));
        assert_int_equal(after.parks - before.parks, 1);
        assert_int_equal(after.tasks_run - before.tasks_run, 1);
    }
    weft_executor_free(executor);
}

/* A full inject ring that cannot grow: the submitting thread waits (one
 * warning logged) until a worker drains the ring, and every submission
 * runs. The allocator refuses only the ring's growth from 64 to 128
 * entries, while both workers are held by tasks that never suspend. */
#define RING_GROWTH_BYTES (128 * sizeof(void *))
static atomic_bool refuse_ring_growth;
static atomic_int ring_growth_refusals;

static void *picky_malloc(size_t size, void *ctx)
{
    (void)ctx;
    if (size == RING_GROWTH_BYTES && atomic_load(&refuse_ring_growth)) {
        atomic_fetch_add(&ring_growth_refusals, 1);
        return NULL;
    }
    return malloc(size);
}

static void *picky_realloc(void *pointer, size_t size, void *ctx)
{
    (void)ctx;
    return realloc(pointer, size);
}

static void picky_free(void *pointer, void *ctx)
{
    (void)ctx;
    free(pointer);
}

static atomic_int ring_warnings;

static void count_ring_warnings(weft_log_level level, const char *message, void *arg)
{
    (void)arg;
    if (level == WEFT_LOG_WARNING && strstr(message, "inject queue") != NULL)
        atomic_fetch_add(&ring_warnings, 1);
}

static atomic_int holders_running;
static atomic_bool release_holders;

static int holds_its_worker(void *arg, void **result)
{
    (void)arg;
    (void)result;
    atomic_fetch_add(&holders_running, 1);
    while (!atomic_load(&release_holders))
        sched_yield();
    return 0;
}

static atomic_int submitted_ran;

static int counts(void *arg, void **result)
{
    (void)arg;
    (void)result;
    atomic_fetch_add(&submitted_ran, 1);
    return 0;
}

#define RING_SUBMISSIONS 100

static void *submits_many(void *arg)
{
    weft_executor *executor = arg;
    for (int i = 0; i < RING_SUBMISSIONS; i++) {
        weft_task *task = weft_executor_submit(executor, weft_coro_new(counts, NULL), NULL);
        if (task == NULL)
            return (void *)"a submission failed";
        weft_task_release(task);
    }
    return NULL;
}

static bool eventually(atomic_int *counter, int at_least)
{
    for (int i = 0; i < 5000 && atomic_load(counter) < at_least; i++)
        usleep(1000);
    return atomic_load(counter) >= at_least;
}

static void full_inject_ring_waits_for_room(void **state)
{
    (void)state;
    weft_raise(0, NULL); /* the last error message belongs to the old allocator */
    weft_allocator picky = {picky_malloc, picky_realloc, picky_free, NULL};
    assert_int_equal(weft_set_allocator(&picky), 0);
    assert_int_equal(weft_set_log_handler(count_ring_warnings, NULL), 0);

    weft_executor *executor = start(2);
    weft_task *holders[2];
    for (int i = 0; i < 2; i++) {
        holders[i] = weft_executor_submit(executor, weft_coro_new(holds_its_worker, NULL), NULL);
        assert_non_null(holders[i]);
    }
    assert_true(eventually(&holders_running, 2));

    atomic_store(&refuse_ring_growth, true);
    pthread_t submitter;
    assert_int_equal(pthread_create(&submitter, NULL, submits_many, executor), 0);
    /* The 65th submission finds the ring full and cannot grow it. */
    assert_true(eventually(&ring_warnings, 1));
    assert_true(atomic_load(&ring_growth_refusals) >= 1);
    assert_int_equal(atomic_load(&submitted_ran), 0);
    atomic_store(&release_holders, true);
    void *failure = NULL;
    assert_int_equal(pthread_join(submitter, &failure), 0);
    if (failure != NULL)
        fail_msg("%s", (const char *)failure);
    atomic_store(&refuse_ring_growth, false);

    for (int i = 0; i < 2; i++) {
        assert_int_equal(weft_executor_wait(holders[i], NULL), 0);
        weft_task_release(holders[i]);
    }
    assert_true(eventually(&submitted_ran, RING_SUBMISSIONS));
    assert_int_equal(atomic_load(&submitted_ran), RING_SUBMISSIONS);
    assert_int_equal(atomic_load(&ring_warnings), 1); /* once per wait, not per retry */
    weft_executor_free(executor);

    assert_int_equal(weft_set_log_handler(NULL, NULL), 0);
    weft_raise(0, NULL);
    assert_int_equal(weft_set_allocator(NULL), 0);
}

/* A cancel from another thread that lands while its task runs between two
 * waits must reach the next wait. It once could be lost: the canceller saw
 * no wait, let go of the task's lock, and only then marked the task, which
 * had meanwhile started a long sleep having read no mark. Each round aims
 * the cancel at that moment with random spins on both sides and needs the
 * task to end at once (the old code lost one within a thousand rounds). In
 * the second kind the task first awaits a child that is just ending: the
 * cancel, passed on to the child, must either end the child cancelled or
 * find it done and reach the awaiter's next wait. It was once lost there
 * too, landing between the child's look at must_cancel and its end. */
enum { RACE_ROUNDS = 4000, RACE_SPIN = 400 };
static atomic_int race_started, race_spin;

static void spin(int count)
{
    for (volatile int i = 0; i < count; i++)
        ;
}

static int spins_then_returns(void *arg, void **result)
{
    (void)arg;
    (void)result;
    spin(atomic_load(&race_spin));
    return 0;
}

static int runs_then_sleeps(void *arg, void **result)
{
    (void)result;
    if (arg != NULL) {
        /* No cmocka assert on a task's fiber: a failure ends the task with
         * its error, and the main thread's cancelled check fails. */
        weft_task *child = weft_spawn(spins_then_returns, NULL);
        if (child == NULL)
            return weft_last_error();
        atomic_store(&race_started, 1);
        int code = weft_await(child, NULL);
        weft_task_release(child);
        if (code != 0)
            return code;
    } else {
        atomic_store(&race_started, 1);
        spin(atomic_load(&race_spin));
    }
    return weft_sleep(3600);
}

static void cancel_racing_the_next_wait_is_never_lost(void **state)
{
    (void)state;
    weft_executor *executor = start(2);
    unsigned seed = 7;
    for (int round = 0; round < 2 * RACE_ROUNDS; round++) {
        bool awaits_child = round >= RACE_ROUNDS;
        atomic_store(&race_started, 0);
        atomic_store(&race_spin, (int)(rand_r(&seed) % RACE_SPIN));
        weft_task *task = weft_executor_submit(
            executor, weft_coro_new(runs_then_sleeps, awaits_child ? PV(1) : NULL), NULL);
        assert_non_null(task);
        /* Busy, to aim the cancel; a yield now and then, because valgrind
         * runs one thread at a time and a spinner could starve the worker. */
        for (unsigned spins = 1; !atomic_load(&race_started); spins++)
            if (spins % 1024 == 0)
                sched_yield();
        spin((int)(rand_r(&seed) % RACE_SPIN));
        assert_int_equal(weft_task_cancel(task, NULL), 1);
        struct timespec start, now;
        clock_gettime(CLOCK_MONOTONIC, &start);
        while (!weft_task_done(task)) {
            nanosleep(&(struct timespec){0, 20000}, NULL);
            clock_gettime(CLOCK_MONOTONIC, &now);
            if (now.tv_sec - start.tv_sec > 10) {
                char description[512];
                weft_task_describe(task, description, sizeof description);
                fail_msg("round %d (%s): the cancel was lost, the task still sleeps: %s", round,
                         awaits_child ? "after an await" : "plain", description);
            }
        }
        assert_true(weft_task_cancelled(task));
        weft_task_release(task);
    }
    assert_int_equal(weft_executor_shutdown(executor), 0);
    weft_executor_free(executor);
}

int main(void)
{
    alarm(120); /* a hang (a worker nobody wakes) fails instead of blocking */
    const struct CMUnitTest tests[] = {
        UTEST(submissions_after_idle_periods),
        UTEST(timers_fire_on_an_idle_executor),
        UTEST(shutdown_while_idle),
        UTEST(shutdown_cancels_sleeping_work),
        UTEST(long_root_lets_the_other_worker_wake),
        UTEST(workers_from_the_environment),
        UTEST(one_submission_wakes_one_parked_worker),
        UTEST(full_inject_ring_waits_for_room),
        UTEST(cancel_racing_the_next_wait_is_never_lost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
