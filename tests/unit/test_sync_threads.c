/* The blocking entry points of Lock, Semaphore and Condition for threads
 * that are not workers (weft_lock_acquire_blocking,
 * weft_semaphore_acquire_blocking, weft_condition_acquire_blocking,
 * weft_condition_wait_blocking): mutual exclusion between tasks on several
 * workers and plain threads, one FIFO for both kinds of waiter, wake-ups
 * across the two worlds in both directions, timeouts that leave nothing
 * behind, an executor shut down under a blocked thread, and the misuse
 * (NULL, NaN, calls made on a worker).
 *
 * Knowing that a thread is queued. No query tells how many wait on a
 * primitive, but weft_X_free does: it refuses with "N waiter(s) still
 * inside ..." while anybody waits. Freeing succeeds (and frees) when
 * nobody does, so the FIFO tests poll it only once a task is known to be
 * queued (with one worker a spawned task that got its turn is): from then
 * on it can only refuse, and its count tells when the thread joined. */
#include <math.h> /* NAN */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

#include "unit.h"

/* ------------------------------------------------------------ helpers */

static weft_task *spawn(weft_fn fn, void *arg)
{
    weft_task *task = weft_spawn(fn, arg);
    EXPECT(task != NULL);
    return task;
}

static int await_release(weft_task *task)
{
    int code = weft_await(task, NULL);
    weft_task_release(task);
    return code;
}

static pthread_t start_thread(void *(*fn)(void *), void *arg)
{
    pthread_t thread;
    int code = pthread_create(&thread, NULL, fn, arg);
    if (code != 0) {
        ufail(__FILE__, __LINE__, "pthread_create: %d", code);
        abort(); /* nothing sensible to join later */
    }
    return thread;
}

/* Polls (from a task) until the log holds words words, within
 * USOON_SECONDS; the caller then checks which. */
static void wait_for_log_words(int words)
{
    double until = unow() + USOON_SECONDS;
    for (;;) {
        const char *log = ulog_get();
        int count = log[0] != '\0';
        for (const char *p = log; *p != '\0'; p++)
            count += *p == ' ';
        if (count >= words || unow() > until)
            return;
        upause();
    }
}

/* Polls (from a task) until refuse() fails with exactly message: the
 * primitive's free, known to refuse (see the top comment). */
static bool wait_for_refusal(int (*refuse)(void *), void *primitive, const char *message)
{
    double until = unow() + USOON_SECONDS;
    for (;;) {
        int code = refuse(primitive);
        if (code != WEFT_EINVALSTATE) {
            ufail(__FILE__, __LINE__, "free returned %d, expected a refusal", code);
            return false;
        }
        if (strcmp(weft_last_error_message(), message) == 0)
            return true;
        if (unow() > until) {
            ufail(__FILE__, __LINE__, "still '%s', expected '%s'", weft_last_error_message(),
                  message);
            return false;
        }
        upause();
    }
}

static int refuse_lock(void *lock)
{
    return weft_lock_free(lock);
}

static int refuse_semaphore(void *semaphore)
{
    return weft_semaphore_free(semaphore);
}

/* --------------------------------------------- mutual exclusion */

enum { MX_TASKS = 4, MX_THREADS = 2, MX_ROUNDS = 300 };

static weft_lock *mx_lock;
static int mx_counter;      /* guarded by mx_lock */
static atomic_int mx_inside; /* holders right now: never above one */

static void mx_enter(void)
{
    int before = atomic_fetch_add_explicit(&mx_inside, 1, memory_order_relaxed);
    if (before != 0)
        ufail(__FILE__, __LINE__, "%d other holder(s) inside the lock", before);
}

static void mx_leave(void)
{
    atomic_fetch_sub_explicit(&mx_inside, 1, memory_order_relaxed);
}

static int mx_task(void *arg, void **result)
{
    (void)arg;
    (void)result;
    for (int i = 0; i < MX_ROUNDS; i++) {
        if (!EXPECT_INT(weft_lock_acquire(mx_lock), 0))
            return -1;
        mx_enter();
        int before = mx_counter;
        if (i % 5 == 0)
            weft_yield(); /* hold it across a suspension */
        mx_counter = before + 1;
        mx_leave();
        EXPECT_INT(weft_lock_release(mx_lock), 0);
    }
    return 0;
}

static void *mx_thread(void *arg)
{
    (void)arg;
    for (int i = 0; i < MX_ROUNDS; i++) {
        if (!EXPECT_INT(weft_lock_acquire_blocking(mx_lock, 10.0), 0))
            return NULL;
        mx_enter();
        int before = mx_counter;
        if (i % 5 == 0)
            sched_yield();
        mx_counter = before + 1;
        mx_leave();
        EXPECT_INT(weft_lock_release(mx_lock), 0);
    }
    return NULL;
}

static int mx_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    pthread_t threads[MX_THREADS];
    for (int i = 0; i < MX_THREADS; i++)
        threads[i] = start_thread(mx_thread, NULL);
    weft_task *tasks[MX_TASKS];
    for (int i = 0; i < MX_TASKS; i++)
        tasks[i] = spawn(mx_task, NULL);
    for (int i = 0; i < MX_TASKS; i++)
        EXPECT_INT(await_release(tasks[i]), 0);
    /* The tasks are done: blocking this worker on the joins stalls nobody
     * the threads need. */
    for (int i = 0; i < MX_THREADS; i++)
        pthread_join(threads[i], NULL);
    return 0;
}

static void lock_excludes_tasks_and_threads(void **state)
{
    (void)state;
    assert_int_equal(weft_lock_new(&mx_lock), 0);
    mx_counter = 0;
    assert_int_equal(URUN(mx_main, NULL, NULL), 0);
    assert_int_equal(mx_counter, (MX_TASKS + MX_THREADS) * MX_ROUNDS);
    assert_false(weft_lock_locked(mx_lock));
    assert_int_equal(weft_lock_free(mx_lock), 0);
}

/* A bounded semaphore of 2: never more than two holders, tasks and threads
 * together; the permits all come back. */
enum { SX_PERMITS = 2 };
static weft_semaphore *sx_semaphore;
static atomic_int sx_inside, sx_most, sx_entries;

static void sx_enter(void)
{
    int now = atomic_fetch_add_explicit(&sx_inside, 1, memory_order_relaxed) + 1;
    int most = atomic_load_explicit(&sx_most, memory_order_relaxed);
    while (now > most &&
           !atomic_compare_exchange_weak_explicit(&sx_most, &most, now, memory_order_relaxed,
                                                  memory_order_relaxed)) {
    }
    atomic_fetch_add_explicit(&sx_entries, 1, memory_order_relaxed);
}

static void sx_leave(void)
{
    atomic_fetch_sub_explicit(&sx_inside, 1, memory_order_relaxed);
}

static int sx_task(void *arg, void **result)
{
    (void)arg;
    (void)result;
    for (int i = 0; i < MX_ROUNDS; i++) {
        if (!EXPECT_INT(weft_semaphore_acquire(sx_semaphore), 0))
            return -1;
        sx_enter();
        if (i % 3 == 0)
            weft_yield();
        sx_leave();
        EXPECT_INT(weft_semaphore_release(sx_semaphore), 0);
    }
    return 0;
}

static void *sx_thread(void *arg)
{
    (void)arg;
    for (int i = 0; i < MX_ROUNDS; i++) {
        if (!EXPECT_INT(weft_semaphore_acquire_blocking(sx_semaphore, 10.0), 0))
            return NULL;
        sx_enter();
        if (i % 3 == 0)
            sched_yield();
        sx_leave();
        EXPECT_INT(weft_semaphore_release(sx_semaphore), 0);
    }
    return NULL;
}

static int sx_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    pthread_t threads[MX_THREADS];
    for (int i = 0; i < MX_THREADS; i++)
        threads[i] = start_thread(sx_thread, NULL);
    weft_task *tasks[MX_TASKS];
    for (int i = 0; i < MX_TASKS; i++)
        tasks[i] = spawn(sx_task, NULL);
    for (int i = 0; i < MX_TASKS; i++)
        EXPECT_INT(await_release(tasks[i]), 0);
    for (int i = 0; i < MX_THREADS; i++)
        pthread_join(threads[i], NULL);
    return 0;
}

static void bounded_semaphore_limits_tasks_and_threads(void **state)
{
    (void)state;
    assert_int_equal(weft_semaphore_new(SX_PERMITS, true, &sx_semaphore), 0);
    sx_inside = sx_most = sx_entries = 0;
    assert_int_equal(URUN(sx_main, NULL, NULL), 0);
    assert_int_equal(sx_entries, (MX_TASKS + MX_THREADS) * MX_ROUNDS);
    assert_true(sx_most >= 1 && sx_most <= SX_PERMITS);
    /* Every permit came back, and not one more: the bound still holds. */
    assert_false(weft_semaphore_locked(sx_semaphore));
    assert_int_equal(weft_semaphore_release(sx_semaphore), WEFT_EINVAL);
    assert_str(weft_last_error_message(), "BoundedSemaphore released too many times");
    for (int i = 0; i < SX_PERMITS; i++)
        assert_int_equal(weft_semaphore_acquire_blocking(sx_semaphore, 0), 0);
    assert_int_equal(weft_semaphore_acquire_blocking(sx_semaphore, 0), WEFT_ETIMEDOUT);
    for (int i = 0; i < SX_PERMITS; i++)
        assert_int_equal(weft_semaphore_release(sx_semaphore), 0);
    assert_int_equal(weft_semaphore_free(sx_semaphore), 0);
}

/* --------------------------------------------- wake-ups across worlds */

static weft_semaphore *wake_semaphore;

static void *releases_semaphore(void *arg)
{
    (void)arg;
    usleep(2000); /* most often the task is waiting by now; either way works */
    ulog("thread releases");
    EXPECT_INT(weft_semaphore_release(wake_semaphore), 0);
    return NULL;
}

static int waits_for_thread_release(void *arg, void **result)
{
    (void)arg;
    (void)result;
    pthread_t thread = start_thread(releases_semaphore, NULL);
    int code = weft_semaphore_acquire(wake_semaphore);
    EXPECT_INT(code, 0);
    ulog("task acquired");
    pthread_join(thread, NULL);
    /* The task holds the only permit. */
    EXPECT(weft_semaphore_locked(wake_semaphore));
    return code;
}

/* And the other way round: a task's release wakes a blocked thread. */
static void *acquires_semaphore(void *arg)
{
    (void)arg;
    EXPECT_INT(weft_semaphore_acquire_blocking(wake_semaphore, 10.0), 0);
    ulog("thread acquired");
    return NULL;
}

static int releases_for_thread(void *arg, void **result)
{
    (void)arg;
    (void)result;
    pthread_t thread = start_thread(acquires_semaphore, NULL);
    upause();
    ulog("task releases");
    EXPECT_INT(weft_semaphore_release(wake_semaphore), 0);
    pthread_join(thread, NULL); /* returns once the thread has the permit */
    EXPECT(weft_semaphore_locked(wake_semaphore));
    return 0;
}

static void semaphore_wakes_across_tasks_and_threads(void **state)
{
    (void)state;
    assert_int_equal(weft_semaphore_new(0, false, &wake_semaphore), 0);
    assert_int_equal(URUN(waits_for_thread_release, NULL, NULL), 0);
    assert_str(ulog_get(), "thread releases task acquired");
    ulog_reset();
    assert_int_equal(URUN(releases_for_thread, NULL, NULL), 0);
    assert_str(ulog_get(), "task releases thread acquired");
    /* The permit went to the thread: none is left. */
    assert_int_equal(weft_semaphore_acquire_blocking(wake_semaphore, 0), WEFT_ETIMEDOUT);
    assert_int_equal(weft_semaphore_free(wake_semaphore), 0);
}

/* Two tasks and two threads take turns through one condition, round robin:
 * each waits for its number, advances the turn and notifies everybody.
 * The threads notify holding the lock through acquire_blocking. A lost
 * wake-up stops the round (a thread's wait times out, the watchdog catches
 * a task). */
enum { TURN_PARTIES = 4, TURN_ROUNDS = 100 };
static weft_condition *turn_condition;
static int turn;                        /* guarded by the condition's lock */
static int turn_log[TURN_PARTIES * TURN_ROUNDS]; /* who played each turn */
static int turns_played;

static void play(int me)
{
    EXPECT_INT(turn, me);
    turn_log[turns_played++] = me;
    turn = (turn + 1) % TURN_PARTIES;
}

static int turn_task(void *arg, void **result)
{
    (void)result;
    int me = IV(arg);
    if (!EXPECT_INT(weft_condition_acquire(turn_condition), 0))
        return -1;
    for (int round = 0; round < TURN_ROUNDS; round++) {
        while (turn != me)
            if (!EXPECT_INT(weft_condition_wait(turn_condition), 0))
                goto out;
        play(me);
        EXPECT_INT(weft_condition_notify_all(turn_condition), 0);
    }
out:
    EXPECT_INT(weft_condition_release(turn_condition), 0);
    return 0;
}

static void *turn_thread(void *arg)
{
    int me = IV(arg);
    if (!EXPECT_INT(weft_condition_acquire_blocking(turn_condition, 10.0), 0))
        return NULL;
    for (int round = 0; round < TURN_ROUNDS; round++) {
        while (turn != me) {
            if (!EXPECT_INT(weft_condition_wait_blocking(turn_condition, 10.0), 0))
                goto out;
            /* Held again on return. */
            EXPECT(weft_condition_locked(turn_condition));
        }
        play(me);
        EXPECT_INT(weft_condition_notify_all(turn_condition), 0);
    }
out:
    EXPECT_INT(weft_condition_release(turn_condition), 0);
    return NULL;
}

static int turns_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    /* Parties 0 and 2 are threads, 1 and 3 tasks: every hand-over crosses. */
    pthread_t threads[2] = {start_thread(turn_thread, PV(0)), start_thread(turn_thread, PV(2))};
    weft_task *tasks[2] = {spawn(turn_task, PV(1)), spawn(turn_task, PV(3))};
    for (int i = 0; i < 2; i++)
        EXPECT_INT(await_release(tasks[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    return 0;
}

static void condition_turns_between_tasks_and_threads(void **state)
{
    (void)state;
    assert_int_equal(weft_condition_new(NULL, &turn_condition), 0);
    turn = 0;
    turns_played = 0;
    assert_int_equal(URUN(turns_main, NULL, NULL), 0);
    assert_int_equal(turns_played, TURN_PARTIES * TURN_ROUNDS);
    for (int i = 0; i < TURN_PARTIES * TURN_ROUNDS; i++)
        assert_int_equal(turn_log[i], i % TURN_PARTIES);
    assert_false(weft_condition_locked(turn_condition));
    assert_int_equal(weft_condition_free(turn_condition), 0);
}

/* ------------------------------------------------------ FIFO order */

static weft_lock *fifo_lock;

static int fifo_lock_task(void *arg, void **result)
{
    (void)result;
    int code = weft_lock_acquire(fifo_lock);
    ulog("%s:%d", (const char *)arg, code);
    if (code == 0) {
        weft_yield(); /* hold it for a turn of the loop */
        EXPECT_INT(weft_lock_release(fifo_lock), 0);
    }
    return code;
}

static void *fifo_lock_thread(void *arg)
{
    (void)arg;
    int code = weft_lock_acquire_blocking(fifo_lock, 10.0);
    ulog("thread:%d", code);
    if (code == 0)
        EXPECT_INT(weft_lock_release(fifo_lock), 0);
    return NULL;
}

static int lock_fifo_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    EXPECT_INT(weft_lock_acquire(fifo_lock), 0);
    weft_task *a = spawn(fifo_lock_task, "a");
    weft_yield(); /* a waits (one worker: it had its turn) */
    pthread_t thread = start_thread(fifo_lock_thread, NULL);
    wait_for_refusal(refuse_lock, fifo_lock, "weft_lock_free: 2 waiter(s) still inside acquire");
    weft_task *b = spawn(fifo_lock_task, "b");
    weft_yield(); /* b waits behind the thread */
    EXPECT_STR(ulog_get(), "");
    EXPECT_INT(weft_lock_release(fifo_lock), 0);
    /* a is woken: the lock reads free, yet this newcomer queues behind a,
     * the thread and b (no barging). */
    EXPECT(!weft_lock_locked(fifo_lock));
    EXPECT_INT(weft_lock_acquire(fifo_lock), 0);
    ulog("main");
    EXPECT_INT(weft_lock_release(fifo_lock), 0);
    EXPECT_INT(await_release(a), 0);
    EXPECT_INT(await_release(b), 0);
    pthread_join(thread, NULL);
    return 0;
}

static void lock_fifo_thread_among_tasks(void **state)
{
    (void)state;
    assert_int_equal(weft_lock_new(&fifo_lock), 0);
    assert_int_equal(URUN(lock_fifo_main, NULL, NULL), 0);
    assert_str(ulog_get(), "a:0 thread:0 b:0 main");
    assert_int_equal(weft_lock_free(fifo_lock), 0);
}

/* A released permit goes to the first waiter, thread or task: one release
 * at a time, and each must reach the next in line. */
static weft_semaphore *fifo_semaphore;

static int fifo_semaphore_task(void *arg, void **result)
{
    (void)result;
    int code = weft_semaphore_acquire(fifo_semaphore);
    ulog("%s:%d", (const char *)arg, code);
    return code;
}

static void *fifo_semaphore_thread(void *arg)
{
    (void)arg;
    int code = weft_semaphore_acquire_blocking(fifo_semaphore, 10.0);
    ulog("thread:%d", code);
    return NULL;
}

static int semaphore_fifo_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *a = spawn(fifo_semaphore_task, "a");
    weft_yield();
    pthread_t thread = start_thread(fifo_semaphore_thread, NULL);
    wait_for_refusal(refuse_semaphore, fifo_semaphore,
                     "weft_semaphore_free: 2 waiter(s) still inside acquire");
    weft_task *b = spawn(fifo_semaphore_task, "b");
    weft_yield();
    const char *want[] = {"a:0", "a:0 thread:0", "a:0 thread:0 b:0"};
    for (int i = 0; i < 3; i++) {
        EXPECT_INT(weft_semaphore_release(fifo_semaphore), 0);
        wait_for_log_words(i + 1);
        EXPECT_STR(ulog_get(), want[i]);
    }
    EXPECT_INT(await_release(a), 0);
    EXPECT_INT(await_release(b), 0);
    pthread_join(thread, NULL);
    return 0;
}

static void semaphore_fifo_thread_among_tasks(void **state)
{
    (void)state;
    assert_int_equal(weft_semaphore_new(0, false, &fifo_semaphore), 0);
    assert_int_equal(URUN(semaphore_fifo_main, NULL, NULL), 0);
    assert_true(weft_semaphore_locked(fifo_semaphore));
    assert_int_equal(weft_semaphore_free(fifo_semaphore), 0);
}

/* A thread that waits on a condition first is notified first. The thread
 * lists itself before it releases the lock, so once the main task holds
 * the lock the thread is known to be queued, without polling. */
static weft_condition *fifo_condition;

static void *fifo_condition_thread(void *arg)
{
    (void)arg;
    if (!EXPECT_INT(weft_condition_acquire_blocking(fifo_condition, 10.0), 0))
        return NULL;
    ulog("thread-waits");
    int code = weft_condition_wait_blocking(fifo_condition, 10.0);
    ulog("thread-woke:%d", code);
    EXPECT_INT(weft_condition_release(fifo_condition), 0);
    return NULL;
}

static int fifo_condition_task(void *arg, void **result)
{
    (void)arg;
    (void)result;
    EXPECT_INT(weft_condition_acquire(fifo_condition), 0);
    int code = weft_condition_wait(fifo_condition);
    ulog("task-woke:%d", code);
    EXPECT_INT(weft_condition_release(fifo_condition), 0);
    return code;
}

static int condition_fifo_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    pthread_t thread = start_thread(fifo_condition_thread, NULL);
    wait_for_log_words(1); /* the thread holds the lock */
    EXPECT_INT(weft_condition_acquire(fifo_condition), 0); /* it waits now */
    weft_task *task = spawn(fifo_condition_task, NULL);
    EXPECT_INT(weft_condition_release(fifo_condition), 0);
    weft_yield(); /* the task takes the lock and waits, behind the thread */
    EXPECT_INT(weft_condition_acquire(fifo_condition), 0);
    EXPECT_INT(weft_condition_notify(fifo_condition, 1), 0);
    EXPECT_INT(weft_condition_release(fifo_condition), 0);
    wait_for_log_words(2);
    pthread_join(thread, NULL);
    EXPECT_STR(ulog_get(), "thread-waits thread-woke:0");
    /* The task was not notified: a few turns later it still waits. */
    weft_yield();
    weft_yield();
    EXPECT(!weft_task_done(task));
    EXPECT_INT(weft_condition_acquire(fifo_condition), 0);
    EXPECT_INT(weft_condition_notify(fifo_condition, 1), 0);
    EXPECT_INT(weft_condition_release(fifo_condition), 0);
    EXPECT_INT(await_release(task), 0);
    return 0;
}

static void condition_fifo_thread_before_task(void **state)
{
    (void)state;
    assert_int_equal(weft_condition_new(NULL, &fifo_condition), 0);
    assert_int_equal(URUN(condition_fifo_main, NULL, NULL), 0);
    assert_str(ulog_get(), "thread-waits thread-woke:0 task-woke:0");
    assert_int_equal(weft_condition_free(fifo_condition), 0);
}

/* -------------------------------------------- timeouts, no loop at all */

/* Everything a plain thread can do with no executor anywhere: the fast
 * paths, timeouts that leave the primitive as it was, a wait that times
 * out and still returns with the lock, and the argument errors. */
static void blocking_calls_without_a_loop(void **state)
{
    (void)state;
    weft_lock *lock;
    assert_int_equal(weft_lock_new(&lock), 0);
    assert_int_equal(weft_lock_acquire_blocking(lock, 0), 0); /* free: at once */
    assert_true(weft_lock_locked(lock));
    double start = unow();
    assert_int_equal(weft_lock_acquire_blocking(lock, 0.02), WEFT_ETIMEDOUT);
    assert_true(unow() - start >= 0.02);
    assert_str(weft_last_error_message(), "timed out");
    assert_int_equal(weft_lock_acquire_blocking(lock, NAN), WEFT_EINVAL);
    assert_str(weft_last_error_message(), "weft_lock_acquire_blocking: timeout is NaN");
    assert_int_equal(weft_lock_release(lock), 0);
    /* The thread that timed out left no waiter behind: free at once. */
    assert_int_equal(weft_lock_acquire_blocking(lock, -1), 0);
    assert_int_equal(weft_lock_release(lock), 0);
    assert_int_equal(weft_lock_acquire_blocking(NULL, 0), WEFT_EINVAL);
    assert_str(weft_last_error_message(), "weft_lock_acquire_blocking: lock is NULL");

    weft_semaphore *semaphore;
    assert_int_equal(weft_semaphore_new(1, false, &semaphore), 0);
    assert_int_equal(weft_semaphore_acquire_blocking(semaphore, -1), 0);
    assert_int_equal(weft_semaphore_acquire_blocking(semaphore, 0.01), WEFT_ETIMEDOUT);
    assert_int_equal(weft_semaphore_release(semaphore), 0);
    assert_false(weft_semaphore_locked(semaphore)); /* nobody left queued */
    assert_int_equal(weft_semaphore_acquire_blocking(semaphore, NAN), WEFT_EINVAL);
    assert_int_equal(weft_semaphore_acquire_blocking(NULL, 0), WEFT_EINVAL);
    assert_str(weft_last_error_message(), "weft_semaphore_acquire_blocking: semaphore is NULL");
    assert_int_equal(weft_semaphore_free(semaphore), 0);

    weft_condition *condition;
    assert_int_equal(weft_condition_new(lock, &condition), 0);
    assert_int_equal(weft_condition_wait_blocking(condition, 0.01), WEFT_ENOTACQUIRED);
    assert_str(weft_last_error_message(), "cannot wait on un-acquired lock");
    assert_int_equal(weft_condition_acquire_blocking(condition, 0), 0);
    assert_true(weft_lock_locked(lock)); /* the condition's lock is the given one */
    assert_int_equal(weft_condition_acquire_blocking(condition, 0.01), WEFT_ETIMEDOUT);
    start = unow();
    assert_int_equal(weft_condition_wait_blocking(condition, 0.02), WEFT_ETIMEDOUT);
    assert_true(unow() - start >= 0.02);
    assert_true(weft_condition_locked(condition)); /* taken back */
    assert_int_equal(weft_condition_notify_all(condition), 0); /* nobody waits */
    assert_int_equal(weft_condition_wait_blocking(condition, NAN), WEFT_EINVAL);
    assert_true(weft_condition_locked(condition)); /* untouched */
    assert_int_equal(weft_condition_release(condition), 0);
    assert_int_equal(weft_condition_acquire_blocking(NULL, 0), WEFT_EINVAL);
    assert_str(weft_last_error_message(), "weft_condition_acquire_blocking: condition is NULL");
    assert_int_equal(weft_condition_wait_blocking(NULL, 0), WEFT_EINVAL);
    assert_str(weft_last_error_message(), "weft_condition_wait_blocking: condition is NULL");
    assert_int_equal(weft_condition_free(condition), 0);
    assert_int_equal(weft_lock_free(lock), 0);
}

/* A thread that timed out while tasks wait leaves the FIFO as it was: the
 * next release reaches the task queued behind it. */
static weft_lock *timeout_lock;

static void *times_out_on_lock(void *arg)
{
    (void)arg;
    EXPECT_INT(weft_lock_acquire_blocking(timeout_lock, 0.05), WEFT_ETIMEDOUT);
    ulog("thread timed out");
    return NULL;
}

static int lock_taker(void *arg, void **result)
{
    (void)arg;
    (void)result;
    int code = weft_lock_acquire(timeout_lock);
    if (code == 0) {
        ulog("task acquired");
        EXPECT_INT(weft_lock_release(timeout_lock), 0);
    }
    return code;
}

static int timeout_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    EXPECT_INT(weft_lock_acquire(timeout_lock), 0);
    pthread_t thread = start_thread(times_out_on_lock, NULL);
    weft_task *task = spawn(lock_taker, NULL);
    wait_for_log_words(1); /* the thread gave up */
    EXPECT_INT(weft_lock_release(timeout_lock), 0);
    EXPECT_INT(await_release(task), 0);
    pthread_join(thread, NULL);
    return 0;
}

static void lock_thread_timeout_leaves_the_fifo_intact(void **state)
{
    (void)state;
    assert_int_equal(weft_lock_new(&timeout_lock), 0);
    assert_int_equal(URUN(timeout_main, NULL, NULL), 0);
    assert_str(ulog_get(), "thread timed out task acquired");
    assert_false(weft_lock_locked(timeout_lock));
    assert_int_equal(weft_lock_free(timeout_lock), 0);
}

/* ------------------------------------------------------------ misuse */

static weft_lock *misuse_lock;
static weft_semaphore *misuse_semaphore;
static weft_condition *misuse_condition;

#define WORKER_MESSAGE(fn) fn "() would block a worker thread: use the waiting call of a task"

/* On a worker, in a task or a callback alike: refused, nothing taken. */
static void check_refused_on_worker(void)
{
    EXPECT_INT(weft_lock_acquire_blocking(misuse_lock, 1.0), WEFT_ERUNNING);
    EXPECT_ERR(WEFT_ERUNNING, WORKER_MESSAGE("weft_lock_acquire_blocking"));
    EXPECT_INT(weft_lock_acquire_blocking(NULL, 1.0), WEFT_ERUNNING); /* the worker first */
    EXPECT(!weft_lock_locked(misuse_lock));
    EXPECT_INT(weft_semaphore_acquire_blocking(misuse_semaphore, 1.0), WEFT_ERUNNING);
    EXPECT_ERR(WEFT_ERUNNING, WORKER_MESSAGE("weft_semaphore_acquire_blocking"));
    EXPECT(!weft_semaphore_locked(misuse_semaphore));
    EXPECT_INT(weft_condition_acquire_blocking(misuse_condition, 1.0), WEFT_ERUNNING);
    EXPECT_ERR(WEFT_ERUNNING, WORKER_MESSAGE("weft_condition_acquire_blocking"));
    EXPECT(!weft_condition_locked(misuse_condition));
    EXPECT_INT(weft_condition_wait_blocking(misuse_condition, 1.0), WEFT_ERUNNING);
    EXPECT_ERR(WEFT_ERUNNING, WORKER_MESSAGE("weft_condition_wait_blocking"));
    EXPECT_INT(weft_condition_wait_blocking(NULL, NAN), WEFT_ERUNNING);
}

static atomic_bool callback_checked;

static int misuse_callback(void *arg)
{
    (void)arg;
    check_refused_on_worker();
    atomic_store(&callback_checked, true);
    return 0;
}

static int misuse_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    check_refused_on_worker();
    /* Even with the lock held by this task the wait is refused, and the
     * lock stays held. */
    EXPECT_INT(weft_condition_acquire(misuse_condition), 0);
    EXPECT_INT(weft_condition_wait_blocking(misuse_condition, 0.01), WEFT_ERUNNING);
    EXPECT(weft_condition_locked(misuse_condition));
    EXPECT_INT(weft_condition_release(misuse_condition), 0);
    atomic_store(&callback_checked, false);
    EXPECT_INT(weft_call_soon(weft_executor_current(), misuse_callback, NULL, NULL), 0);
    weft_yield(); /* one worker: the callback runs before this task again */
    EXPECT_SOON(atomic_load(&callback_checked));
    return 0;
}

static void blocking_calls_refused_on_workers(void **state)
{
    (void)state;
    assert_int_equal(weft_lock_new(&misuse_lock), 0);
    assert_int_equal(weft_semaphore_new(1, true, &misuse_semaphore), 0);
    assert_int_equal(weft_condition_new(NULL, &misuse_condition), 0);
    assert_int_equal(URUN(misuse_main, NULL, NULL), 0);
    assert_true(atomic_load(&callback_checked));
    assert_int_equal(weft_condition_free(misuse_condition), 0);
    assert_int_equal(weft_semaphore_free(misuse_semaphore), 0);
    assert_int_equal(weft_lock_free(misuse_lock), 0);
}

/* ---------------------------------------------- executor shutdown */

/* A blocked thread belongs to no executor: shutting down the executor of
 * the task that holds the lock cancels that task, whose cleanup releases
 * the lock, and the thread takes it. */
static weft_lock *shutdown_lock;
static atomic_bool shutdown_holding;

static int holds_until_cancelled(void *arg, void **result)
{
    (void)arg;
    (void)result;
    if (!EXPECT_INT(weft_lock_acquire(shutdown_lock), 0))
        return -1;
    atomic_store(&shutdown_holding, true);
    int code = weft_sleep(3600);
    EXPECT_INT(code, WEFT_ECANCELLED);
    EXPECT_INT(weft_lock_release(shutdown_lock), 0);
    return code;
}

static void *waits_through_shutdown(void *arg)
{
    (void)arg;
    EXPECT_INT(weft_lock_acquire_blocking(shutdown_lock, 10.0), 0);
    ulog("thread acquired");
    return NULL;
}

static void thread_waiter_survives_executor_shutdown(void **state)
{
    (void)state;
    assert_int_equal(weft_lock_new(&shutdown_lock), 0);
    atomic_store(&shutdown_holding, false);
    weft_config config;
    weft_config_init(&config);
    config.workers = uworkers;
    config.exception_handler = ucapture;
    weft_executor *executor = NULL;
    assert_int_equal(weft_executor_create(&config, &executor), 0);
    weft_task *task =
        weft_executor_submit(executor, weft_coro_new(holds_until_cancelled, NULL), "holder");
    assert_non_null(task);
    double until = unow() + USOON_SECONDS;
    while (!atomic_load(&shutdown_holding) && unow() < until)
        usleep(500);
    assert_true(atomic_load(&shutdown_holding));
    pthread_t thread = start_thread(waits_through_shutdown, NULL);
    assert_int_equal(weft_executor_shutdown(executor), 0);
    pthread_join(thread, NULL);
    ucheck_expectations();
    assert_str(ulog_get(), "thread acquired");
    assert_true(weft_task_cancelled(task));
    weft_task_release(task);
    weft_executor_free(executor);
    assert_true(weft_lock_locked(shutdown_lock)); /* the thread's now */
    assert_int_equal(weft_lock_release(shutdown_lock), 0);
    assert_int_equal(weft_lock_free(shutdown_lock), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UTEST(lock_excludes_tasks_and_threads),
        UTEST(bounded_semaphore_limits_tasks_and_threads),
        UTEST(semaphore_wakes_across_tasks_and_threads),
        UTEST(condition_turns_between_tasks_and_threads),
        UTEST_ONE_WORKER(lock_fifo_thread_among_tasks,
                         "a spawned task is queued once it had a turn"),
        UTEST_ONE_WORKER(semaphore_fifo_thread_among_tasks,
                         "a spawned task is queued once it had a turn"),
        UTEST_ONE_WORKER(condition_fifo_thread_before_task,
                         "a spawned task waits once it had a turn"),
        UTEST(lock_thread_timeout_leaves_the_fifo_intact),
        UTEST_NO_LOOP(blocking_calls_without_a_loop),
        UTEST(blocking_calls_refused_on_workers),
        UTEST(thread_waiter_survives_executor_shutdown),
    };
    return URUN_GROUPS("test_sync_threads", tests);
}
