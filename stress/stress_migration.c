/* Forced migration under ThreadSanitizer: many tasks suspend in loops (yield,
 * tiny sleep, await of a child that finishes on whichever worker runs it,
 * await of a task that is parked on another worker) on 4 workers, so they
 * resume on other threads. After every suspension each task re-reads its
 * thread-local state and checks:
 *   - weft_current_task() is itself and weft_executor_current() is the same;
 *   - its last error (weft_raise before the switch) followed it across
 *     threads: same code, same message;
 *   - errno-style thread-locals are the resuming thread's: a _Thread_local
 *     and errno read afresh belong to pthread_self(), and the errno value it
 *     stored before the switch is not seen on another thread;
 *   - the thread it resumed on is recorded; at the end at least some tasks
 *     must have run on two or more threads (migration really happened).
 * Every task's body runs once and returns its id (checked by the awaiter).
 * Usage: stress_migration [tasks] [iterations]   (STRESS_WORKERS: workers) */
#include <errno.h>
#include <string.h>

#include "weft.h"

#define STRESS_PROGRAM "stress_migration"
#include "stress.h"

enum { DEFAULT_TASKS = 300, DEFAULT_ITERATIONS = 80, MAX_TASKS = 4096, MAX_THREADS = 64,
       DEFAULT_WORKERS = 4, LIMIT_S = 60 };

typedef struct record {
    unsigned id;
    atomic_int started;
    unsigned thread_mask; /* bit per thread number the body ran on (owned by the body) */
    int migrations;       /* resumptions on a thread other than the one it left */
} record;

static record records[MAX_TASKS];
static int task_count = DEFAULT_TASKS, iterations = DEFAULT_ITERATIONS;
static weft_executor *the_executor;
static atomic_int thread_numbers, children_run;

/* Per-thread identity, reached only through non-inlined functions so that
 * every read happens after the switch, on the thread that resumed. */
static _Thread_local int thread_number;
static _Thread_local pthread_t thread_self;
static _Thread_local int *thread_errno_address;

static __attribute__((noinline)) int this_thread(void)
{
    if (thread_number == 0) {
        thread_number = atomic_fetch_add(&thread_numbers, 1) + 1;
        thread_self = pthread_self();
        thread_errno_address = &errno;
        if (thread_number > MAX_THREADS)
            stress_fail("too many threads", thread_number);
    }
    if (!pthread_equal(thread_self, pthread_self()))
        stress_fail("a _Thread_local belongs to another thread", thread_number);
    if (thread_errno_address != &errno)
        stress_fail("errno's address belongs to another thread", thread_number);
    return thread_number;
}

static __attribute__((noinline)) int read_errno(void)
{
    __asm__ volatile("" ::: "memory"); /* never treated as pure or const */
    return errno;
}

static __attribute__((noinline)) void write_errno(int value)
{
    errno = value;
}

static int child(void *arg, void **result)
{
    atomic_fetch_add(&children_run, 1);
    if ((uintptr_t)arg & 1)
        weft_yield();
    *result = arg;
    return 0;
}

/* Sleeps a little and returns; awaited by a neighbour, so the neighbour is
 * woken by whichever worker ran it. */
static int sleeper(void *arg, void **result)
{
    weft_sleep(0.0002);
    *result = arg;
    return 0;
}

static int migrant(void *arg, void **result)
{
    record *rec = arg;
    if (atomic_fetch_add(&rec->started, 1) != 0)
        stress_fail("body ran twice", rec->id);
    weft_task *self = weft_current_task();
    if (self == NULL)
        stress_fail("no current task", rec->id);
    unsigned seed = rec->id * 2654435761u + 1;
    for (int i = 0; i < iterations; i++) {
        int before = this_thread();
        rec->thread_mask |= 1u << (before - 1);
        /* Task-local state that must follow the task. */
        int code = 1000 + (int)(rec->id % 1000);
        weft_raise(code, "migrant %u at %d", rec->id, i);
        /* Thread-local state that must not: a value unique to (task, i). */
        int marker = (int)(rec->id * 100000u + (unsigned)i + 1);
        write_errno(marker);

        int rc = 0;
        switch (rand_r(&seed) % 4) {
        case 0: rc = weft_yield(); break;
        case 1: rc = weft_sleep(0.0001); break;
        case 2: {
            weft_task *c = weft_spawn(child, (void *)(uintptr_t)(i + 1));
            if (c == NULL)
                stress_fail("spawn child", weft_last_error());
            void *value = NULL;
            rc = weft_await(c, &value);
            if (rc == 0 && value != (void *)(uintptr_t)(i + 1))
                stress_fail("child returned a wrong value", i);
            weft_task_release(c);
            /* A successful await leaves the last error alone. */
            break;
        }
        default: {
            weft_task *s = weft_spawn(sleeper, (void *)(uintptr_t)(i + 7));
            if (s == NULL)
                stress_fail("spawn sleeper", weft_last_error());
            weft_yield(); /* let a thief start it so we really wait */
            void *value = NULL;
            rc = weft_await(s, &value);
            if (rc == 0 && value != (void *)(uintptr_t)(i + 7))
                stress_fail("sleeper returned a wrong value", i);
            weft_task_release(s);
            break;
        }
        }
        if (rc != 0)
            stress_fail("a suspension failed", rc);

        /* Re-read everything after the switch. */
        if (weft_current_task() != self)
            stress_fail("weft_current_task() is not the task after a switch", rec->id);
        if (weft_executor_current() != the_executor)
            stress_fail("weft_executor_current() changed after a switch", rec->id);
        int after = this_thread();
        rec->thread_mask |= 1u << (after - 1);
        if (after != before) {
            rec->migrations++;
            if (read_errno() == marker)
                stress_fail("errno of the old thread seen after migrating", rec->id);
        }
        if (weft_last_error() != code)
            stress_fail("last error did not follow the task", weft_last_error());
        const char *message = weft_last_error_message();
        char expected[64];
        snprintf(expected, sizeof expected, "migrant %u at %d", rec->id, i);
        if (message == NULL || strcmp(message, expected) != 0)
            stress_fail("last error message did not follow the task", rec->id);
    }
    *result = (void *)(uintptr_t)(rec->id + 1);
    return 0;
}

static int migration_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    the_executor = weft_executor_current();
    static weft_task *tasks[MAX_TASKS];
    for (int i = 0; i < task_count; i++) {
        records[i].id = (unsigned)i;
        tasks[i] = weft_spawn(migrant, &records[i]);
        if (tasks[i] == NULL)
            stress_fail("spawn", weft_last_error());
    }
    for (int i = 0; i < task_count; i++) {
        void *value = NULL;
        int code = weft_await(tasks[i], &value);
        if (code != 0)
            stress_fail("a migrant failed", code);
        if (value != (void *)(uintptr_t)(i + 1))
            stress_fail("a migrant returned a wrong value", i);
        weft_task_release(tasks[i]);
    }
    return 0;
}

int main(int argc, char **argv)
{
    task_count = (int)stress_arg(argc, argv, 1, "tasks", DEFAULT_TASKS, 1, MAX_TASKS);
    iterations = (int)stress_arg(argc, argv, 2, "iterations", DEFAULT_ITERATIONS, 1, 1000000);
    weft_config config;
    weft_config_init(&config);
    config.workers = stress_workers(DEFAULT_WORKERS);
    stress_watchdog_start((stress_watchdog_settings){.run_limit_s = LIMIT_S});
    int code = weft_run_with(&config, weft_coro_new(migration_main, NULL), NULL);
    stress_watchdog_stop();
    if (code != 0)
        stress_fail("weft_run_with failed", code);
    int multi = 0, total_migrations = 0, max_threads = 0;
    for (int i = 0; i < task_count; i++) {
        if (atomic_load(&records[i].started) != 1)
            stress_fail("a migrant did not run exactly once", i);
        int n = __builtin_popcount(records[i].thread_mask);
        if (n >= 2)
            multi++;
        if (n > max_threads)
            max_threads = n;
        total_migrations += records[i].migrations;
    }
    printf("stress_migration: %u workers, %d tasks x %d suspensions: %d migrations, %d tasks ran "
           "on >= 2 threads (max %d), %d children\n",
           config.workers, task_count, iterations, total_migrations, multi, max_threads,
           atomic_load(&children_run));
    if (config.workers > 1 && multi == 0)
        stress_fail("no task ever resumed on another thread", 0);
    return stress_pass();
}
