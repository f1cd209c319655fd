/* Timers across workers (issue 3): every worker owns a timer heap; a task
 * that sleeps wakes on time whichever worker it migrated to, and an idle
 * worker with only timers pending sleeps until its next deadline instead of
 * spinning. Checked with 2 and 4 workers, under weft_run_with and on an
 * explicit executor:
 *   - lateness of 200 sleeps of 2-5 ms by tasks that are made to migrate
 *     between sleeps: none early, median under 1 ms, max under 100 ms
 *     (figures printed);
 *   - CPU time of an otherwise idle 4-worker executor while tasks sleep
 *     300 ms: under 10% of the wall time, and the workers parked (stats);
 *   - call_later from worker A fires on A while A is idle and another worker
 *     is busy; call_later/call_at timers of each worker run in (deadline,
 *     scheduling) order, cancelled ones never, none before its deadline;
 *   - many tasks sleeping random 0-20 ms several times: every sleep wakes,
 *     none early (exact accounting).
 * Timing bounds are generous: the machine may be a loaded 2-core VM (with
 * make check of other trees beside, single sleeps were seen 40 ms late while
 * medians stayed near 0.2 ms). A lost timer shows as a hang or as seconds.
 *
 * Tasks run on several threads at once, so expectations inside tasks and
 * callbacks go through texpect() (a mutex around unit.h's recorder). */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "../unit/unit.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                            */
/* ------------------------------------------------------------------ */

static pthread_mutex_t expect_lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((format(printf, 4, 5))) static bool texpect(bool ok, const char *file, int line,
                                                          const char *fmt, ...)
{
    if (ok)
        return true;
    char text[400];
    va_list args;
    va_start(args, fmt);
    vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    pthread_mutex_lock(&expect_lock);
    ufail(file, line, "%s", text);
    pthread_mutex_unlock(&expect_lock);
    return false;
}
#define TEXPECT(cond, ...) texpect((cond), __FILE__, __LINE__, __VA_ARGS__)

/* The most any one wake-up may be late. */
#define LATE_MAX_NS 100000000LL

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A small number per thread. Not inlined, with a compiler barrier: a task
 * calls it after suspensions, possibly on another thread. */
static atomic_int thread_numbers;
static _Thread_local int thread_number;
static __attribute__((noinline)) int this_thread(void)
{
    __asm__ volatile("" ::: "memory");
    if (thread_number == 0)
        thread_number = atomic_fetch_add(&thread_numbers, 1) + 1;
    return thread_number;
}

static weft_config config_for(unsigned workers, weft_order order)
{
    weft_config config;
    weft_config_init(&config);
    config.workers = workers;
    config.order = order;
    config.exception_handler = ucapture;
    return config;
}

/* Lateness samples in ns, written by any worker (one slot each). */
enum { MAX_SAMPLES = 4096 };
static int64_t samples[MAX_SAMPLES];
static atomic_int sample_count;

static void samples_reset(void)
{
    atomic_store(&sample_count, 0);
}

static void sample_add(int64_t lateness_ns)
{
    int slot = atomic_fetch_add(&sample_count, 1);
    if (TEXPECT(slot < MAX_SAMPLES, "more than %d samples", MAX_SAMPLES))
        samples[slot] = lateness_ns;
}

static int compare_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

typedef struct lateness {
    int count;
    int64_t min, median, p99, max;
} lateness;

/* Sorts the samples (main thread, after the run) and summarizes them. */
static lateness samples_summary(void)
{
    int n = atomic_load(&sample_count);
    if (n > MAX_SAMPLES)
        n = MAX_SAMPLES;
    lateness l = {n, 0, 0, 0, 0};
    if (n == 0)
        return l;
    qsort(samples, (size_t)n, sizeof samples[0], compare_int64);
    l.min = samples[0];
    l.median = samples[n / 2];
    l.p99 = samples[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
    l.max = samples[n - 1];
    return l;
}

static void print_lateness(const char *what, lateness l)
{
    printf("[ timers   ] %s: %d sleeps, lateness min %.3f ms, median %.3f ms, p99 %.3f ms, "
           "max %.3f ms\n",
           what, l.count, l.min / 1e6, l.median / 1e6, l.p99 / 1e6, l.max / 1e6);
    fflush(stdout);
}

/* Sleeps us microseconds and records how late the task woke. */
static int timed_sleep(int us)
{
    int64_t start = now_ns();
    int rc = weft_sleep(us / 1e6);
    int64_t late = now_ns() - start - (int64_t)us * 1000;
    TEXPECT(rc == 0, "weft_sleep(%d us) returned %d", us, rc);
    TEXPECT(late >= 0, "woke %lld ns before the end of a %d us sleep", (long long)-late, us);
    sample_add(late);
    return rc;
}

static int bait(void *arg, void **result)
{
    weft_yield();
    *result = arg;
    return 0;
}

/* Gets the calling task off thread `from` (bounded tries): it spawns a few
 * bait tasks, which idle workers steal, and awaits them; the wake-up from
 * another worker resumes the task there. */
static void move_off(int from)
{
    for (int tries = 0; tries < 8 && this_thread() == from; tries++) {
        weft_task *baits[4];
        for (int k = 0; k < 4; k++)
            baits[k] = weft_spawn(bait, PV(k + 1));
        for (int k = 0; k < 4; k++) {
            void *value = NULL;
            TEXPECT(baits[k] != NULL && weft_await(baits[k], &value) == 0 && value == PV(k + 1),
                    "bait %d failed", k);
            weft_task_release(baits[k]);
        }
    }
}

/* ------------------------------------------------------------------ */
/* 1. Lateness of sleeps by migrating tasks                           */
/* ------------------------------------------------------------------ */

enum { SLEEPERS = 8, SLEEPS_EACH = 25 }; /* 200 sleeps */

static atomic_int moved_between_sleeps, woke_elsewhere, sleeps_done;

static int child_sleeper(void *arg, void **result)
{
    timed_sleep(IV(arg));
    *result = arg;
    return 0;
}

/* Sleeps 2-5 ms SLEEPS_EACH times; between sleeps it yields, is moved to
 * another worker, or has a child sleep for it (so the child's timer fires on
 * one worker and the parent is woken from there). */
static int migrating_sleeper(void *arg, void **result)
{
    unsigned seed = (unsigned)IV(arg) * 2654435761u + 1;
    int last = 0;
    for (int i = 0; i < SLEEPS_EACH; i++) {
        int us = 2000 + (int)(rand_r(&seed) % 3001);
        int before = this_thread();
        if (last != 0 && before != last)
            atomic_fetch_add(&moved_between_sleeps, 1);
        if (i % 4 == 3) {
            weft_task *child = weft_spawn(child_sleeper, PV(us));
            void *value = NULL;
            TEXPECT(child != NULL && weft_await(child, &value) == 0 && value == PV(us),
                    "child sleeper failed");
            weft_task_release(child);
        } else {
            timed_sleep(us);
        }
        last = this_thread();
        if (last != before)
            atomic_fetch_add(&woke_elsewhere, 1);
        atomic_fetch_add(&sleeps_done, 1);
        switch (i % 4) {
        case 0: move_off(last); break;
        case 1: weft_yield(); weft_yield(); break;
        default: break;
        }
    }
    *result = arg;
    return 0;
}

static void lateness_reset(void)
{
    samples_reset();
    atomic_store(&moved_between_sleeps, 0);
    atomic_store(&woke_elsewhere, 0);
    atomic_store(&sleeps_done, 0);
}

static void lateness_check(const char *what, unsigned workers)
{
    ucheck_expectations();
    lateness l = samples_summary();
    char label[128];
    snprintf(label, sizeof label, "%s, %u workers", what, workers);
    print_lateness(label, l);
    printf("[ timers   ]   %d tasks moved between sleeps, %d woke on another thread\n",
           atomic_load(&moved_between_sleeps), atomic_load(&woke_elsewhere));
    assert_int_equal(atomic_load(&sleeps_done), SLEEPERS * SLEEPS_EACH);
    assert_int_equal(l.count, SLEEPERS * SLEEPS_EACH);
    assert_true(l.min >= 0);
    if (l.median >= 1000000)
        fail_msg("median lateness %.3f ms, expected under 1 ms", l.median / 1e6);
    if (l.max >= LATE_MAX_NS)
        fail_msg("max lateness %.3f ms, expected under %.0f ms", l.max / 1e6, LATE_MAX_NS / 1e6);
    /* The point is sleeping after a migration: it must have happened. */
    if (atomic_load(&moved_between_sleeps) + atomic_load(&woke_elsewhere) == 0)
        fail_msg("no task ever changed thread between or across sleeps");
}

static int lateness_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *tasks[SLEEPERS];
    for (int i = 0; i < SLEEPERS; i++)
        tasks[i] = weft_spawn(migrating_sleeper, PV(i + 1));
    for (int i = 0; i < SLEEPERS; i++) {
        void *value = NULL;
        TEXPECT(tasks[i] != NULL && weft_await(tasks[i], &value) == 0 && value == PV(i + 1),
                "sleeper %d failed", i);
        weft_task_release(tasks[i]);
    }
    return 0;
}

static void lateness_run_with(unsigned workers)
{
    lateness_reset();
    weft_config config = config_for(workers, WEFT_ORDER_DEFAULT);
    assert_int_equal(weft_run_with(&config, weft_coro_new(lateness_main, NULL), NULL), 0);
    lateness_check("weft_run_with", workers);
}

static void lateness_executor(unsigned workers)
{
    lateness_reset();
    weft_config config = config_for(workers, WEFT_ORDER_DEFAULT);
    weft_executor *executor = NULL;
    assert_int_equal(weft_executor_create(&config, &executor), 0);
    weft_task *tasks[SLEEPERS];
    for (int i = 0; i < SLEEPERS; i++) {
        tasks[i] = weft_executor_submit(executor, weft_coro_new(migrating_sleeper, PV(i + 1)), NULL);
        assert_non_null(tasks[i]);
    }
    for (int i = 0; i < SLEEPERS; i++) {
        void *value = NULL;
        assert_int_equal(weft_executor_wait(tasks[i], &value), 0);
        assert_ptr_equal(value, PV(i + 1));
        weft_task_release(tasks[i]);
    }
    weft_executor_free(executor);
    lateness_check("explicit executor", workers);
}

static void sleep_lateness_run_with_2_workers(void **state)
{
    (void)state;
    lateness_run_with(2);
}

static void sleep_lateness_run_with_4_workers(void **state)
{
    (void)state;
    lateness_run_with(4);
}

static void sleep_lateness_executor_2_workers(void **state)
{
    (void)state;
    lateness_executor(2);
}

static void sleep_lateness_executor_4_workers(void **state)
{
    (void)state;
    lateness_executor(4);
}

/* ------------------------------------------------------------------ */
/* 2. Idle workers with only timers pending sleep                     */
/* ------------------------------------------------------------------ */

enum { IDLE_SLEEPERS = 12, IDLE_WORKERS = 4 };
#define IDLE_SLEEP_S 0.3

static atomic_int idle_sleeping;

static int idle_sleeper(void *arg, void **result)
{
    atomic_fetch_add(&idle_sleeping, 1);
    int rc = weft_sleep(IDLE_SLEEP_S);
    TEXPECT(rc == 0, "idle sleeper: weft_sleep returned %d", rc);
    *result = arg;
    return 0;
}

typedef struct idle_figures {
    int64_t wall_ns, cpu_ns;
    weft_executor_stats before, after;
} idle_figures;

static void idle_check(const char *what, const idle_figures *f)
{
    ucheck_expectations();
    uint64_t parks = f->after.parks - f->before.parks;
    uint64_t wakeups = f->after.wakeups - f->before.wakeups;
    double share = (double)f->cpu_ns / (double)f->wall_ns;
    printf("[ timers   ] %s, %u workers, %d tasks sleeping %.0f ms: wall %.1f ms, process CPU "
           "%.2f ms (%.2f%%); parks %llu, wakeups %llu during the sleep (%llu / %llu in all)\n",
           what, f->after.workers, IDLE_SLEEPERS, IDLE_SLEEP_S * 1e3, f->wall_ns / 1e6,
           f->cpu_ns / 1e6, share * 100, (unsigned long long)parks, (unsigned long long)wakeups,
           (unsigned long long)f->after.parks, (unsigned long long)f->after.wakeups);
    fflush(stdout);
    assert_true(f->wall_ns >= (int64_t)(IDLE_SLEEP_S * 1e9 * 0.5));
    if (share >= 0.10)
        fail_msg("idle workers used %.1f%% of the wall time in CPU (spinning?)", share * 100);
    /* Parked until the deadline, not re-parking every millisecond. */
    assert_true(f->after.parks >= 1);
    if (parks > 25 * (uint64_t)f->after.workers)
        fail_msg("%llu parks in %.0f ms: workers do not sleep until their deadline",
                 (unsigned long long)parks, f->wall_ns / 1e6);
}

/* Waits (outside the pool) until every sleeper is about to sleep. */
static void wait_for_sleepers(void)
{
    int64_t give_up = now_ns() + 5000000000LL;
    while (atomic_load(&idle_sleeping) < IDLE_SLEEPERS && now_ns() < give_up)
        nanosleep(&(struct timespec){0, 200000}, NULL);
    assert_int_equal(atomic_load(&idle_sleeping), IDLE_SLEEPERS);
    nanosleep(&(struct timespec){0, 5000000}, NULL); /* let the workers go idle */
}

static void idle_workers_sleep_executor(void **state)
{
    (void)state;
    atomic_store(&idle_sleeping, 0);
    weft_config config = config_for(IDLE_WORKERS, WEFT_ORDER_DEFAULT);
    weft_executor *executor = NULL;
    assert_int_equal(weft_executor_create(&config, &executor), 0);
    weft_task *tasks[IDLE_SLEEPERS];
    for (int i = 0; i < IDLE_SLEEPERS; i++) {
        tasks[i] = weft_executor_submit(executor, weft_coro_new(idle_sleeper, PV(i + 1)), NULL);
        assert_non_null(tasks[i]);
    }
    wait_for_sleepers();
    idle_figures f;
    assert_int_equal(weft_executor_get_stats(executor, &f.before), 0);
    int64_t wall0 = now_ns(), cpu0 = cpu_ns();
    for (int i = 0; i < IDLE_SLEEPERS; i++) {
        void *value = NULL;
        assert_int_equal(weft_executor_wait(tasks[i], &value), 0);
        assert_ptr_equal(value, PV(i + 1));
    }
    f.cpu_ns = cpu_ns() - cpu0;
    f.wall_ns = now_ns() - wall0;
    assert_int_equal(weft_executor_get_stats(executor, &f.after), 0);
    for (int i = 0; i < IDLE_SLEEPERS; i++)
        weft_task_release(tasks[i]);
    weft_executor_free(executor);
    idle_check("explicit executor", &f);
}

static idle_figures run_figures;

static int idle_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_executor *executor = weft_executor_current();
    weft_task *tasks[IDLE_SLEEPERS];
    for (int i = 0; i < IDLE_SLEEPERS; i++)
        tasks[i] = weft_spawn(idle_sleeper, PV(i + 1));
    /* Until every sleeper started (they may run on any worker). */
    for (int i = 0; i < 5000 && atomic_load(&idle_sleeping) < IDLE_SLEEPERS; i++)
        weft_sleep(0.001);
    TEXPECT(atomic_load(&idle_sleeping) == IDLE_SLEEPERS, "sleepers did not start");
    weft_executor_get_stats(executor, &run_figures.before);
    int64_t wall0 = now_ns(), cpu0 = cpu_ns();
    for (int i = 0; i < IDLE_SLEEPERS; i++) {
        void *value = NULL;
        TEXPECT(tasks[i] != NULL && weft_await(tasks[i], &value) == 0 && value == PV(i + 1),
                "idle sleeper %d failed", i);
    }
    run_figures.cpu_ns = cpu_ns() - cpu0;
    run_figures.wall_ns = now_ns() - wall0;
    weft_executor_get_stats(executor, &run_figures.after);
    for (int i = 0; i < IDLE_SLEEPERS; i++)
        weft_task_release(tasks[i]);
    return 0;
}

static void idle_workers_sleep_run_with(void **state)
{
    (void)state;
    atomic_store(&idle_sleeping, 0);
    weft_config config = config_for(IDLE_WORKERS, WEFT_ORDER_DEFAULT);
    assert_int_equal(weft_run_with(&config, weft_coro_new(idle_main, NULL), NULL), 0);
    idle_check("weft_run_with", &run_figures);
}

/* ------------------------------------------------------------------ */
/* 3. A timer of an idle worker fires while another worker is busy    */
/* ------------------------------------------------------------------ */

#define OWNER_DELAY_S 0.02
enum { OWNER_ROUNDS = 4 };

typedef struct busy_round {
    atomic_int busy_thread;  /* thread running the busy task */
    atomic_llong fired_ns;   /* when the timer's callback ran, 0 before */
    atomic_int fired_thread; /* and where */
    atomic_bool busy_gave_up;
} busy_round;

/* Occupies its worker without ever returning to the loop until the timer
 * fired (or 2 s passed): blocking calls, no weft suspension. */
static int busy_until_fired(void *arg, void **result)
{
    (void)result;
    busy_round *round = arg;
    atomic_store(&round->busy_thread, this_thread());
    int64_t give_up = now_ns() + 2000000000LL;
    while (atomic_load(&round->fired_ns) == 0) {
        if (now_ns() > give_up) {
            atomic_store(&round->busy_gave_up, true);
            break;
        }
        nanosleep(&(struct timespec){0, 100000}, NULL);
    }
    return 0;
}

static int owner_timer_fired(void *arg)
{
    busy_round *round = arg;
    atomic_store(&round->fired_thread, this_thread());
    atomic_store(&round->fired_ns, now_ns());
    return 0;
}

static int owner_idle_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_executor *executor = weft_executor_current();
    for (int r = 0; r < OWNER_ROUNDS; r++) {
        busy_round round = {0};
        weft_task *busy = weft_spawn(busy_until_fired, &round);
        /* Yield until the busy task runs: then this task runs on another
         * worker (FIFO order: a yielded task can be stolen from a worker
         * that the busy task holds). */
        int64_t give_up = now_ns() + 2000000000LL;
        while (atomic_load(&round.busy_thread) == 0 && now_ns() < give_up)
            weft_yield();
        int owner = this_thread();
        TEXPECT(atomic_load(&round.busy_thread) != 0, "round %d: the busy task never ran", r);
        TEXPECT(owner != atomic_load(&round.busy_thread),
                "round %d: the scheduling task shares the busy task's thread", r);
        /* The timer goes to this worker's heap; then this worker has nothing
         * left to do but wait for it. */
        weft_handle *handle = NULL;
        int64_t scheduled = now_ns();
        TEXPECT(weft_call_later(executor, OWNER_DELAY_S, owner_timer_fired, &round, &handle) == 0,
                "call_later failed");
        TEXPECT(weft_await(busy, NULL) == 0, "busy task failed");
        weft_task_release(busy);
        int64_t fired = atomic_load(&round.fired_ns);
        TEXPECT(fired != 0, "round %d: the timer never fired", r);
        TEXPECT(!atomic_load(&round.busy_gave_up),
                "round %d: the timer did not fire within 2 s while its worker was idle", r);
        TEXPECT(fired - scheduled >= (int64_t)(OWNER_DELAY_S * 1e9),
                "round %d: the timer fired %lld ns early", r,
                (long long)((int64_t)(OWNER_DELAY_S * 1e9) - (fired - scheduled)));
        TEXPECT(fired - scheduled < (int64_t)(OWNER_DELAY_S * 1e9) + LATE_MAX_NS,
                "round %d: the timer fired %.3f ms late", r,
                (fired - scheduled - OWNER_DELAY_S * 1e9) / 1e6);
        /* Only its owner moves a due timer to the ready queue, so firing on
         * time means the owner woke for it; the callback itself may then be
         * stolen by another idle worker (fired_thread is only printed). */
        TEXPECT(!weft_handle_cancelled(handle), "handle reads as cancelled");
        weft_handle_release(handle);
        printf("[ timers   ]   round %d: owner thread %d, busy thread %d, callback ran on thread "
               "%d, %.3f ms late\n", r, owner, atomic_load(&round.busy_thread),
               atomic_load(&round.fired_thread), (fired - scheduled - OWNER_DELAY_S * 1e9) / 1e6);
    }
    return 0;
}

static void owner_idle(unsigned workers)
{
    weft_config config = config_for(workers, WEFT_ORDER_FIFO);
    assert_int_equal(weft_run_with(&config, weft_coro_new(owner_idle_main, NULL), NULL), 0);
    ucheck_expectations();
}

static void timer_fires_on_idle_owner_2_workers(void **state)
{
    (void)state;
    owner_idle(2);
}

static void timer_fires_on_idle_owner_4_workers(void **state)
{
    (void)state;
    owner_idle(4);
}

/* ------------------------------------------------------------------ */
/* 4. Deadline order of each worker's timers; cancel                  */
/* ------------------------------------------------------------------ */

enum { GROUPS = 4, PER_GROUP = 120, SLOTS = 13 };
#define SLOT_S 0.0003

typedef struct timer_record {
    int group, index;
    double when;               /* weft_handle_when */
    bool cancelled;            /* by the scheduling task */
    atomic_int runs;
    atomic_int ticket;         /* global run order */
    atomic_int thread;
    _Atomic double ran_at;     /* weft_time() in the callback */
} timer_record;

static timer_record timers[GROUPS][PER_GROUP];
static int group_owner[GROUPS];
static atomic_int next_ticket;

static int order_timer_fired(void *arg)
{
    timer_record *t = arg;
    atomic_store(&t->ran_at, weft_time(NULL));
    atomic_store(&t->thread, this_thread());
    atomic_store(&t->ticket, atomic_fetch_add(&next_ticket, 1));
    atomic_fetch_add(&t->runs, 1);
    return 0;
}

static void busy_wait_until(double when)
{
    while (weft_time(NULL) < when)
        ;
}

/* Schedules PER_GROUP timers over SLOTS deadlines (ties among the call_at
 * ones), half by call_at and half by call_later, on this task's worker;
 * cancels two thirds at once (enough for the heap's rebuild rule) and a few
 * more once they are due; then stays busy past every deadline, so that
 * many come due in one loop iteration, and sleeps while they run. */
static int timer_group(void *arg, void **result)
{
    (void)result;
    int g = IV(arg);
    weft_executor *executor = weft_executor_current();
    int owner = this_thread();
    group_owner[g] = owner;
    weft_handle *handles[PER_GROUP];
    double base = weft_time(executor) + 0.002, last = base;
    for (int k = 0; k < PER_GROUP; k++) {
        timer_record *t = &timers[g][k];
        t->group = g;
        t->index = k;
        double when = base + (double)((k * 7) % SLOTS) * SLOT_S;
        int rc = k % 2 == 0
                     ? weft_call_at(executor, when, order_timer_fired, t, &handles[k])
                     : weft_call_later(executor, when - weft_time(executor), order_timer_fired, t,
                                       &handles[k]);
        TEXPECT(rc == 0, "scheduling timer %d failed", k);
        t->when = weft_handle_when(handles[k]);
        if (t->when > last)
            last = t->when;
        if (k % 3 != 0) {
            TEXPECT(weft_handle_cancel(handles[k]) == 0, "cancel failed");
            t->cancelled = true;
        }
    }
    TEXPECT(this_thread() == owner, "scheduling moved thread");
    busy_wait_until(last + 0.001);
    for (int k = 0; k < PER_GROUP; k += 9) { /* due, but not yet run: cancel still wins */
        TEXPECT(weft_handle_cancel(handles[k]) == 0, "late cancel failed");
        timers[g][k].cancelled = true;
    }
    for (int k = 0; k < PER_GROUP; k++) {
        TEXPECT(weft_handle_cancelled(handles[k]) == timers[g][k].cancelled,
                "handle %d cancelled state", k);
        weft_handle_release(handles[k]);
    }
    /* Every live timer runs (on this worker or a thief), then we return. */
    int expected = 0;
    for (int k = 0; k < PER_GROUP; k++)
        expected += !timers[g][k].cancelled;
    for (int i = 0; i < 2000; i++) {
        int ran = 0;
        for (int k = 0; k < PER_GROUP; k++)
            ran += atomic_load(&timers[g][k].runs);
        if (ran >= expected)
            break;
        weft_sleep(0.0005);
    }
    weft_sleep(0.002); /* a cancelled timer that wrongly runs has its chance */
    return 0;
}

static int order_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *tasks[GROUPS];
    for (int g = 0; g < GROUPS; g++)
        tasks[g] = weft_spawn(timer_group, PV(g));
    for (int g = 0; g < GROUPS; g++) {
        TEXPECT(tasks[g] != NULL && weft_await(tasks[g], NULL) == 0, "group %d failed", g);
        weft_task_release(tasks[g]);
    }
    return 0;
}

static int compare_ticket(const void *a, const void *b)
{
    timer_record *x = *(timer_record *const *)a, *y = *(timer_record *const *)b;
    return atomic_load(&x->ticket) - atomic_load(&y->ticket);
}

static void timer_order(unsigned workers, weft_order order)
{
    memset(timers, 0, sizeof timers);
    atomic_store(&next_ticket, 0);
    weft_config config = config_for(workers, order);
    assert_int_equal(weft_run_with(&config, weft_coro_new(order_main, NULL), NULL), 0);
    ucheck_expectations();
    int owners_distinct = 0, on_owner = 0, stolen = 0, live = 0;
    for (int g = 0; g < GROUPS; g++) {
        bool seen = false;
        for (int h = 0; h < g; h++)
            seen |= group_owner[h] == group_owner[g];
        owners_distinct += !seen;
        timer_record *ran[PER_GROUP];
        int n = 0;
        for (int k = 0; k < PER_GROUP; k++) {
            timer_record *t = &timers[g][k];
            int runs = atomic_load(&t->runs);
            if (t->cancelled) {
                if (runs != 0)
                    fail_msg("group %d: cancelled timer %d ran", g, k);
                continue;
            }
            live++;
            if (runs != 1)
                fail_msg("group %d: timer %d ran %d times", g, k, runs);
            if (atomic_load(&t->ran_at) < t->when)
                fail_msg("group %d: timer %d ran %.6f s early", g, k,
                         t->when - atomic_load(&t->ran_at));
            if (atomic_load(&t->thread) == group_owner[g])
                ran[n++] = t;
            else
                stolen++;
        }
        on_owner += n;
        /* What the owning worker ran itself, it ran in (deadline, call) order. */
        qsort(ran, (size_t)n, sizeof ran[0], compare_ticket);
        for (int i = 1; i < n; i++) {
            bool in_order = ran[i - 1]->when < ran[i]->when ||
                            (ran[i - 1]->when == ran[i]->when && ran[i - 1]->index < ran[i]->index);
            if (!in_order)
                fail_msg("group %d (%u workers): timer %d (when %.6f) ran after timer %d "
                         "(when %.6f) on its worker", g, workers, ran[i]->index, ran[i]->when,
                         ran[i - 1]->index, ran[i - 1]->when);
        }
    }
    printf("[ timers   ] timer order, %u workers, %s: %d groups on %d threads, %d live timers: "
           "%d run by their worker in order, %d by other workers\n",
           workers, order == WEFT_ORDER_FIFO ? "FIFO" : "LIFO", GROUPS, owners_distinct, live,
           on_owner, stolen);
    assert_true(on_owner >= 2); /* something to order */
}

static void timers_keep_deadline_order_per_worker_2_workers(void **state)
{
    (void)state;
    timer_order(2, WEFT_ORDER_DEFAULT);
}

static void timers_keep_deadline_order_per_worker_4_workers(void **state)
{
    (void)state;
    timer_order(4, WEFT_ORDER_DEFAULT);
}

static void timers_keep_deadline_order_per_worker_fifo(void **state)
{
    (void)state;
    timer_order(2, WEFT_ORDER_FIFO);
}

/* ------------------------------------------------------------------ */
/* 5. Executor-wide: random sleeps, exact accounting                  */
/* ------------------------------------------------------------------ */

enum { WIDE_TASKS = 64, WIDE_SLEEPS = 6, WIDE_WORKERS = 4 };

static atomic_int wide_started[WIDE_TASKS], wide_woken[WIDE_TASKS], wide_zero_sleeps;

static int wide_sleeper(void *arg, void **result)
{
    int id = IV(arg);
    TEXPECT(atomic_fetch_add(&wide_started[id], 1) == 0, "task %d started twice", id);
    unsigned seed = (unsigned)id * 7919u + 3;
    for (int i = 0; i < WIDE_SLEEPS; i++) {
        int us = (int)(rand_r(&seed) % 20001);
        if (us < 500) {
            us = 0; /* sleep(0): a yield */
            atomic_fetch_add(&wide_zero_sleeps, 1);
        }
        if (timed_sleep(us) == 0)
            atomic_fetch_add(&wide_woken[id], 1);
    }
    *result = PV(id + 1000);
    return 0;
}

static void executor_wide_random_sleeps(void **state)
{
    (void)state;
    samples_reset();
    atomic_store(&wide_zero_sleeps, 0);
    for (int i = 0; i < WIDE_TASKS; i++) {
        atomic_store(&wide_started[i], 0);
        atomic_store(&wide_woken[i], 0);
    }
    weft_config config = config_for(WIDE_WORKERS, WEFT_ORDER_DEFAULT);
    weft_executor *executor = NULL;
    assert_int_equal(weft_executor_create(&config, &executor), 0);
    weft_task *tasks[WIDE_TASKS];
    for (int i = 0; i < WIDE_TASKS; i++) {
        tasks[i] = weft_executor_submit(executor, weft_coro_new(wide_sleeper, PV(i)), NULL);
        assert_non_null(tasks[i]);
    }
    for (int i = 0; i < WIDE_TASKS; i++) {
        void *value = NULL;
        assert_int_equal(weft_executor_wait(tasks[i], &value), 0);
        assert_ptr_equal(value, PV(i + 1000));
        weft_task_release(tasks[i]);
    }
    weft_executor_stats stats;
    assert_int_equal(weft_executor_get_stats(executor, &stats), 0);
    weft_executor_free(executor);
    ucheck_expectations();
    int woken = 0;
    for (int i = 0; i < WIDE_TASKS; i++) {
        if (atomic_load(&wide_started[i]) != 1 || atomic_load(&wide_woken[i]) != WIDE_SLEEPS)
            fail_msg("task %d: started %d times, woke %d of %d times", i,
                     atomic_load(&wide_started[i]), atomic_load(&wide_woken[i]), WIDE_SLEEPS);
        woken += atomic_load(&wide_woken[i]);
    }
    lateness l = samples_summary();
    print_lateness("random 0-20 ms sleeps, 64 tasks, 4 workers", l);
    printf("[ timers   ]   %d sleep(0), steals %llu, parks %llu, wakeups %llu\n",
           atomic_load(&wide_zero_sleeps), (unsigned long long)stats.steals,
           (unsigned long long)stats.parks, (unsigned long long)stats.wakeups);
    assert_int_equal(woken, WIDE_TASKS * WIDE_SLEEPS);
    assert_int_equal(l.count, WIDE_TASKS * WIDE_SLEEPS);
    assert_true(l.min >= 0);
    if (l.max >= LATE_MAX_NS)
        fail_msg("max lateness %.3f ms, expected under %.0f ms", l.max / 1e6, LATE_MAX_NS / 1e6);
}

/* ------------------------------------------------------------------ */

/* A hang (a timer that never fires) fails the program, naming the test,
 * instead of blocking make check: each test gets TEST_LIMIT_S. */
enum { TEST_LIMIT_S = 20 };
static _Atomic(const char *) test_name;
static atomic_llong test_started_ns;

/* Setup of every test: its initial state is its name (WTEST). */
static int watched(void **state)
{
    atomic_store(&test_started_ns, now_ns());
    atomic_store(&test_name, (const char *)*state);
    return ureset(state);
}

static void *watchdog(void *arg)
{
    (void)arg;
    for (;;) {
        nanosleep(&(struct timespec){0, 100000000}, NULL);
        const char *name = atomic_load(&test_name);
        if (name != NULL && now_ns() - atomic_load(&test_started_ns) > TEST_LIMIT_S * 1000000000LL) {
            fprintf(stderr, "test_timers: FAILED: %s did not end within %d s (a timer never "
                    "fired?)\n", name, TEST_LIMIT_S);
            _Exit(1);
        }
    }
    return NULL;
}

/* UTEST under the watchdog. */
#define WTEST(fn) cmocka_unit_test_prestate_setup_teardown(fn, watched, NULL, (void *)#fn)

int main(void)
{
    pthread_t dog;
    if (pthread_create(&dog, NULL, watchdog, NULL) != 0 || pthread_detach(dog) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        WTEST(sleep_lateness_run_with_2_workers),
        WTEST(sleep_lateness_run_with_4_workers),
        WTEST(sleep_lateness_executor_2_workers),
        WTEST(sleep_lateness_executor_4_workers),
        WTEST(idle_workers_sleep_executor),
        WTEST(idle_workers_sleep_run_with),
        WTEST(timer_fires_on_idle_owner_2_workers),
        WTEST(timer_fires_on_idle_owner_4_workers),
        WTEST(timers_keep_deadline_order_per_worker_2_workers),
        WTEST(timers_keep_deadline_order_per_worker_4_workers),
        WTEST(timers_keep_deadline_order_per_worker_fifo),
        WTEST(executor_wide_random_sleeps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
