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
#include "weft.h"

#define STRESS_PROGRAM "stress_lock"
#include "stress.h"

enum { DEFAULT_ROUNDS = 8, DEFAULT_ITERATIONS = 300, TASKS = 12, PERMITS = 3,
       DEFAULT_WORKERS = 4, ROUND_LIMIT_S = 30,
       /* bounds of the arguments: TASKS * rounds * iterations entries fit an int */
       MAX_ROUNDS = 10000, MAX_ITERATIONS = 10000 };

static int rounds = DEFAULT_ROUNDS;
static int iterations = DEFAULT_ITERATIONS;
static atomic_int started, cancels_taken, migrations, entries;

static weft_lock *lock;
static long counter;          /* only under lock: TSan checks it */
static atomic_bool lock_inside;
static weft_semaphore *semaphore;
static atomic_int semaphore_inside, semaphore_peak;

/* Where a hung round stood (the watchdog prints it). */
static void progress(FILE *out)
{
    fprintf(out, "%d entries, lock %s", atomic_load(&entries),
            weft_lock_locked(lock) ? "held" : "free");
}

/* A lost wake-up is a hang: a round over the limit fails with its number and
 * where it stood. */
static const stress_watchdog_settings watchdog = {
    .round_limit_s = ROUND_LIMIT_S, .suspect = "lost wake-up?", .progress = progress};

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
        stress_fail("suspension inside a critical section failed", code);
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
            stress_fail("acquire failed", code);
        if (atomic_exchange(&lock_inside, true))
            stress_fail("two tasks inside the lock", i);
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
            stress_fail("counter changed under the lock", counter - seen);
        counter = seen + 1;
        atomic_store(&lock_inside, false);
        if ((code = weft_lock_release(lock)) != 0)
            stress_fail("release failed", code);
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
            stress_fail("semaphore acquire failed", code);
        int inside = atomic_fetch_add(&semaphore_inside, 1) + 1;
        if (inside > PERMITS)
            stress_fail("more tasks inside the semaphore than permits", inside);
        int peak = atomic_load(&semaphore_peak);
        while (inside > peak && !atomic_compare_exchange_weak(&semaphore_peak, &peak, inside)) {
        }
        seed = seed * 1103515245u + 12345u;
        if ((seed >> 16) % 3 == 0)
            pause_inside(seed >> 20);
        atomic_fetch_sub(&semaphore_inside, 1);
        if ((code = weft_semaphore_release(semaphore)) != 0)
            stress_fail("semaphore release failed", code);
    }
    return 0;
}

/* TASKS tasks running body, while a chaos task cancels them at random. */
static void run_users(weft_fn body, int r)
{
    atomic_store(&started, 0);
    weft_task *tasks[TASKS];
    for (int t = 0; t < TASKS; t++)
        if ((tasks[t] = weft_spawn(body, (void *)(uintptr_t)(r * TASKS + t + 1))) == NULL)
            stress_fail("spawn", weft_last_error());
    stress_chaos chaos = {.targets = tasks, .count = TASKS, .seed = (unsigned)r * 31u + 7u,
                          .period_s = 0.0001, .started = &started};
    stress_chaos_start(&chaos);
    for (int t = 0; t < TASKS; t++) {
        /* A cancel that lands after the last iteration ends the task
         * cancelled; its iterations were all done. */
        int code = weft_await(tasks[t], NULL);
        if (code != 0 && code != WEFT_ECANCELLED)
            stress_fail("task failed", code);
    }
    stress_chaos_stop(&chaos);
    for (int t = 0; t < TASKS; t++) /* only now: chaos may cancel them until it stops */
        weft_task_release(tasks[t]);
}

/* The lock, then the semaphore. */
static void lock_round(int r)
{
    counter = 0;
    run_users(lock_user, r);
    if (counter != (long)TASKS * iterations)
        stress_fail("lock counter wrong", counter);
    if (weft_lock_locked(lock))
        stress_fail("lock still held at the end of a round", 0);
    run_users(semaphore_user, r);
    if (atomic_load(&semaphore_inside) != 0)
        stress_fail("tasks left inside the semaphore", atomic_load(&semaphore_inside));
    if (weft_semaphore_locked(semaphore))
        stress_fail("semaphore permits lost", 0);
    if (weft_semaphore_release(semaphore) != WEFT_EINVAL)
        stress_fail("bounded semaphore accepted a release above its bound", 0);
}

int main(int argc, char **argv)
{
    rounds = (int)stress_arg(argc, argv, 1, "rounds", DEFAULT_ROUNDS, 1, MAX_ROUNDS);
    iterations = (int)stress_arg(argc, argv, 2, "iterations", DEFAULT_ITERATIONS, 1,
                                 MAX_ITERATIONS);
    weft_config config = stress_config(DEFAULT_WORKERS);
    if (weft_lock_new(&lock) != 0 || weft_semaphore_new(PERMITS, true, &semaphore) != 0)
        stress_fail("constructors failed", weft_last_error());
    double seconds = stress_run_rounds(&config, rounds, lock_round, watchdog);
    if (weft_lock_free(lock) != 0 || weft_semaphore_free(semaphore) != 0)
        stress_fail("free refused", weft_last_error());
    printf("stress_lock: %u workers, %d rounds in %.1f s: %d lock entries (counter exact), "
           "%d holders resumed on another thread; semaphore peak %d of %d permits; %d cancels "
           "taken\n",
           config.workers, rounds, seconds, atomic_load(&entries),
           atomic_load(&migrations), atomic_load(&semaphore_peak), PERMITS,
           atomic_load(&cancels_taken));
    if (atomic_load(&cancels_taken) == 0)
        stress_fail("no cancel was ever taken", 0);
    if (config.workers > 1 && atomic_load(&migrations) == 0)
        stress_fail("no lock holder ever moved to another thread", 0);
    return stress_pass();
}
