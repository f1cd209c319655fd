/* weft_lock and weft_semaphore across workers under ThreadSanitizer.
 *   - Lock: TASKS tasks each enter a critical section ITERATIONS times and
 *     increment a plain (non-atomic) counter there, sometimes suspending
 *     inside it (yield, sleep) so the holder migrates between workers. An
 *     atomic "inside" flag must be clear on entry; TSan itself reports a
 *     data race on the counter if two holders ever overlap. A chaos task
 *     cancels random tasks: a cancelled acquire must not hold the lock (the
 *     task retries), a cancel delivered inside the section does not release
 *     it (the task still releases once). Checked: counter == TASKS *
 *     ITERATIONS exactly, the lock ends unlocked, and a task waiting on
 *     the lock is served in bounded time (the watchdog).
 *   - Semaphore(PERMITS) (bounded): at most PERMITS tasks inside at once
 *     (an atomic count checked on entry), the same cancellations, every
 *     permit back at the end (a further release is refused).
 * Usage: stress_lock [rounds [iterations]]   (STRESS_WORKERS: 4) */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "weft.h"

enum { DEFAULT_ROUNDS = 8, DEFAULT_ITERATIONS = 300, TASKS = 12, PERMITS = 3,
       DEFAULT_WORKERS = 4, ROUND_LIMIT_S = 30 };

static int rounds = DEFAULT_ROUNDS;
static int iterations = DEFAULT_ITERATIONS;
static atomic_int current_round = -1;
static atomic_llong round_started_ns;
static atomic_bool finished, chaos_stop;
static atomic_int started, cancels_taken, migrations, entries;

static weft_lock *lock;
static long counter;          /* only under lock: TSan checks it */
static atomic_bool lock_inside;
static weft_semaphore *semaphore;
static atomic_int semaphore_inside, semaphore_peak;

static void fail(const char *what, long long detail)
{
    fprintf(stderr, "stress_lock: FAILED: %s (%lld) in round %d\n", what, detail,
            atomic_load(&current_round));
    exit(1);
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *watchdog(void *arg)
{
    (void)arg;
    while (!atomic_load(&finished)) {
        nanosleep(&(struct timespec){0, 50 * 1000000}, NULL);
        int round = atomic_load(&current_round);
        if (round >= 0 && !atomic_load(&finished) &&
            now_ns() - atomic_load(&round_started_ns) > (long long)ROUND_LIMIT_S * 1000000000LL) {
            fprintf(stderr,
                    "stress_lock: FAILED: round %d took more than %d s (lost wake-up?): "
                    "%d entries so far, lock %s\n",
                    round, ROUND_LIMIT_S, atomic_load(&entries),
                    weft_lock_locked(lock) ? "held" : "free");
            _Exit(1);
        }
    }
    return NULL;
}

static __attribute__((noinline)) pthread_t current_thread(void)
{
    pthread_t self = pthread_self();
    __asm__ volatile("" ::: "memory");
    return self;
}

/* A suspension inside a critical section; a cancel delivered here is
 * swallowed (we still hold what we hold). */
static void pause_inside(unsigned seed)
{
    int code = (seed & 1) ? weft_yield() : weft_sleep(0.00002);
    if (code == WEFT_ECANCELLED) {
        atomic_fetch_add(&cancels_taken, 1);
        weft_task_uncancel(weft_current_task());
    } else if (code != 0) {
        fail("suspension inside a critical section failed", code);
    }
}

static int lock_user(void *arg, void **result)
{
    (void)result;
    unsigned seed = (unsigned)(uintptr_t)arg;
    atomic_fetch_add(&started, 1);
    for (int i = 0; i < iterations; i++) {
        int code;
        while ((code = weft_lock_acquire(lock)) == WEFT_ECANCELLED) {
            atomic_fetch_add(&cancels_taken, 1);
            weft_task_uncancel(weft_current_task());
        }
        if (code != 0)
            fail("acquire failed", code);
        if (atomic_exchange(&lock_inside, true))
            fail("two tasks inside the lock", i);
        atomic_fetch_add(&entries, 1);
        long seen = counter;
        seed = seed * 1103515245u + 12345u;
        if ((seed >> 16) % 4 == 0) {
            pthread_t before = current_thread();
            pause_inside(seed >> 20);
            if (!pthread_equal(before, current_thread()))
                atomic_fetch_add(&migrations, 1);
        }
        if (counter != seen)
            fail("counter changed under the lock", counter - seen);
        counter = seen + 1;
        atomic_store(&lock_inside, false);
        if ((code = weft_lock_release(lock)) != 0)
            fail("release failed", code);
        if ((seed >> 18) % 8 == 0 && weft_yield() == WEFT_ECANCELLED) {
            atomic_fetch_add(&cancels_taken, 1);
            weft_task_uncancel(weft_current_task());
        }
    }
    return 0;
}

static int semaphore_user(void *arg, void **result)
{
    (void)result;
    unsigned seed = (unsigned)(uintptr_t)arg;
    atomic_fetch_add(&started, 1);
    for (int i = 0; i < iterations; i++) {
        int code;
        while ((code = weft_semaphore_acquire(semaphore)) == WEFT_ECANCELLED) {
            atomic_fetch_add(&cancels_taken, 1);
            weft_task_uncancel(weft_current_task());
        }
        if (code != 0)
            fail("semaphore acquire failed", code);
        int inside = atomic_fetch_add(&semaphore_inside, 1) + 1;
        if (inside > PERMITS)
            fail("more tasks inside the semaphore than permits", inside);
        int peak = atomic_load(&semaphore_peak);
        while (inside > peak && !atomic_compare_exchange_weak(&semaphore_peak, &peak, inside)) {
        }
        seed = seed * 1103515245u + 12345u;
        if ((seed >> 16) % 3 == 0)
            pause_inside(seed >> 20);
        atomic_fetch_sub(&semaphore_inside, 1);
        if ((code = weft_semaphore_release(semaphore)) != 0)
            fail("semaphore release failed", code);
    }
    return 0;
}

typedef struct chaos_arg {
    weft_task **targets;
    int count;
    unsigned seed;
} chaos_arg;

static int chaos(void *arg, void **result)
{
    (void)result;
    chaos_arg *c = arg;
    /* A task cancelled before its first step never runs its body (S3). */
    while (atomic_load(&started) < c->count)
        if (weft_sleep(0.0001) != 0)
            fail("chaos sleep failed", 0);
    while (!atomic_load(&chaos_stop)) {
        c->seed = c->seed * 1103515245u + 12345u;
        weft_task_cancel(c->targets[(c->seed >> 16) % (unsigned)c->count], "chaos");
        if (weft_sleep(0.0001) != 0)
            fail("chaos sleep failed", 0);
    }
    return 0;
}

static void run_round(weft_fn body, int r)
{
    atomic_store(&started, 0);
    atomic_store(&chaos_stop, false);
    weft_task *tasks[TASKS];
    for (int t = 0; t < TASKS; t++)
        if ((tasks[t] = weft_spawn(body, (void *)(uintptr_t)(r * TASKS + t + 1))) == NULL)
            fail("spawn", weft_last_error());
    chaos_arg chaos_args = {tasks, TASKS, (unsigned)r * 31u + 7u};
    weft_task *chaos_task = weft_spawn(chaos, &chaos_args);
    if (chaos_task == NULL)
        fail("spawn chaos", weft_last_error());
    for (int t = 0; t < TASKS; t++) {
        /* A cancel that lands after the last iteration ends the task
         * cancelled; its iterations were all done. */
        int code = weft_await(tasks[t], NULL);
        if (code != 0 && code != WEFT_ECANCELLED)
            fail("task failed", code);
    }
    atomic_store(&chaos_stop, true);
    if (weft_await(chaos_task, NULL) != 0)
        fail("chaos failed", weft_last_error());
    weft_task_release(chaos_task);
    for (int t = 0; t < TASKS; t++) /* only now: chaos may cancel them until it stops */
        weft_task_release(tasks[t]);
}

static int lock_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    for (int r = 0; r < rounds; r++) {
        atomic_store(&round_started_ns, now_ns());
        atomic_store(&current_round, r);
        counter = 0;
        run_round(lock_user, r);
        if (counter != (long)TASKS * iterations)
            fail("lock counter wrong", counter);
        if (weft_lock_locked(lock))
            fail("lock still held at the end of a round", 0);
        run_round(semaphore_user, r);
        if (atomic_load(&semaphore_inside) != 0)
            fail("tasks left inside the semaphore", atomic_load(&semaphore_inside));
        if (weft_semaphore_locked(semaphore))
            fail("semaphore permits lost", 0);
        if (weft_semaphore_release(semaphore) != WEFT_EINVAL)
            fail("bounded semaphore accepted a release above its bound", 0);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        rounds = atoi(argv[1]);
    if (argc > 2)
        iterations = atoi(argv[2]);
    if (rounds < 1 || iterations < 1)
        fail("bad arguments", 0);
    if (weft_lock_new(&lock) != 0 || weft_semaphore_new(PERMITS, true, &semaphore) != 0)
        fail("constructors failed", weft_last_error());
    weft_config config;
    weft_config_init(&config);
    config.workers = DEFAULT_WORKERS;
    const char *env = getenv("STRESS_WORKERS");
    if (env != NULL)
        config.workers = (unsigned)atoi(env);
    pthread_t dog;
    if (pthread_create(&dog, NULL, watchdog, NULL) != 0)
        fail("pthread_create", 0);
    long long start = now_ns();
    int code = weft_run_with(&config, weft_coro_new(lock_main, NULL), NULL);
    atomic_store(&finished, true);
    pthread_join(dog, NULL);
    if (code != 0)
        fail("weft_run_with failed", code);
    if (weft_lock_free(lock) != 0 || weft_semaphore_free(semaphore) != 0)
        fail("free refused", weft_last_error());
    printf("stress_lock: %u workers, %d rounds in %.1f s: %d lock entries (counter exact), "
           "%d holders resumed on another thread; semaphore peak %d of %d permits; %d cancels "
           "taken\n",
           config.workers, rounds, (now_ns() - start) / 1e9, atomic_load(&entries),
           atomic_load(&migrations), atomic_load(&semaphore_peak), PERMITS,
           atomic_load(&cancels_taken));
    if (atomic_load(&cancels_taken) == 0)
        fail("no cancel was ever taken", 0);
    if (config.workers > 1 && atomic_load(&migrations) == 0)
        fail("no lock holder ever moved to another thread", 0);
    printf("1 passed, 0 failed\n");
    return 0;
}
