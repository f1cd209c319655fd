/* Multi-worker storm under ThreadSanitizer: a random mix of spawn, await,
 * fire-and-forget, cancel (of tasks running on other workers), yield, tiny
 * sleeps and raised errors on 4 workers. Every task has a record; the checks:
 *   - each task's body starts at most once and every started body returns;
 *   - each task's done callback runs exactly once, sees weft_task_done, and
 *     sees an outcome consistent with what the body returned (cancelled
 *     implies done and both result and exception say WEFT_ECANCELLED; a
 *     finished task has the body's result; a failed one the body's code);
 *   - the callbacks' count equals the number of tasks created (none lost);
 *   - a registration removed with weft_task_remove_done_callback never runs,
 *     one that could not be removed (task already done) runs exactly once;
 *   - weft_task_cancel returns 1, or 0 only for a task that is done;
 *   - every await returns 0 with the right result, the child's error, or
 *     WEFT_ECANCELLED.
 * Usage: stress_storm [top_tasks]   (STRESS_WORKERS overrides the 4 workers) */
#include <string.h>

#include "weft.h"

#define STRESS_PROGRAM "stress_storm"
#include "stress.h"

enum {
    DEFAULT_TOP = 4000,
    MAX_TOP = 100000,
    MAX_TASKS = 40000,
    DEFAULT_WORKERS = 4,
    LIMIT_S = 60,
    USER_ERROR = 42,
};

typedef struct record {
    unsigned id;
    unsigned seed;
    int top_index;       /* index in top[] or -1 for a child */
    atomic_int started;  /* body entries */
    atomic_int returned; /* 1 once the body returned, rc below is valid */
    atomic_int rc;
    atomic_int running_on; /* thread number the body last ran on, 0 = none */
    atomic_int callbacks;
} record;

static record records[MAX_TASKS];
static atomic_uint next_record;
static atomic_int created, completions;
static atomic_int never_registered, never_expected, never_ran;
static atomic_int cancels_made, cancels_of_done, cross_thread_cancels;
static atomic_int spawn_refused; /* budget exhausted */
static _Atomic(weft_task *) top[MAX_TOP];
static _Atomic(record *) top_rec[MAX_TOP];
static int top_count = DEFAULT_TOP;
static atomic_bool stop_cancelling;
static atomic_int thread_numbers;
static _Thread_local int thread_number;

static __attribute__((noinline)) int my_thread(void)
{
    if (thread_number == 0)
        thread_number = atomic_fetch_add(&thread_numbers, 1) + 1;
    return thread_number;
}

static int on_done(weft_task *task, void *arg)
{
    record *rec = arg;
    if (atomic_fetch_add(&rec->callbacks, 1) != 0)
        stress_fail("done callback ran twice", rec->id);
    if (!weft_task_done(task))
        stress_fail("done callback sees a pending task", rec->id);
    bool cancelled = weft_task_cancelled(task);
    void *value = NULL;
    int result = weft_task_result(task, &value);
    const char *message = NULL;
    int exception = weft_task_exception(task, &message);
    int started = atomic_load(&rec->started);
    int returned = atomic_load_explicit(&rec->returned, memory_order_acquire);
    int rc = atomic_load(&rec->rc);
    if (started > 1)
        stress_fail("body ran twice", rec->id);
    if (started == 1 && returned != 1)
        stress_fail("task done while its body has not returned", rec->id);
    if (cancelled) {
        if (result != WEFT_ECANCELLED || exception != WEFT_ECANCELLED)
            stress_fail("cancelled task: result/exception not WEFT_ECANCELLED", result);
        /* S6: a body that returned 0 with a cancel pending ends cancelled. */
        if (started == 1 && rc != WEFT_ECANCELLED && rc != 0)
            stress_fail("cancelled task whose body returned an error", rc);
    } else if (result == 0) {
        if (exception != 0)
            stress_fail("finished task with an exception", exception);
        if (started != 1 || rc != 0)
            stress_fail("finished task whose body did not return 0", rc);
        if (value != (void *)(uintptr_t)(rec->id + 1))
            stress_fail("finished task with a wrong result", rec->id);
    } else {
        if (result != USER_ERROR || exception != USER_ERROR || rc != USER_ERROR)
            stress_fail("failed task: result/exception/body code disagree", result);
        if (message == NULL || strncmp(message, "storm ", 6) != 0)
            stress_fail("failed task lost its message", rec->id);
    }
    atomic_fetch_add(&completions, 1);
    return 0;
}

static int never_cb(weft_task *task, void *arg)
{
    (void)task;
    (void)arg;
    atomic_fetch_add(&never_ran, 1);
    return 0;
}

static int storm_body(void *arg, void **result);

/* A new recorded task, or NULL when the budget is spent. */
static weft_task *new_task(unsigned seed, int top_index, record **out)
{
    unsigned index = atomic_fetch_add(&next_record, 1);
    if (index >= MAX_TASKS) {
        atomic_fetch_add(&spawn_refused, 1);
        return NULL;
    }
    record *rec = &records[index];
    rec->id = index;
    rec->seed = seed;
    rec->top_index = top_index;
    if (out != NULL)
        *out = rec;
    weft_task *task = weft_spawn(storm_body, rec);
    if (task == NULL)
        stress_fail("weft_spawn returned NULL", weft_last_error());
    atomic_fetch_add(&created, 1);
    if (weft_task_add_done_callback(task, on_done, rec) != 0)
        stress_fail("add_done_callback", weft_last_error());
    if (seed % 7 == 0) {
        /* A registration removed at once never runs, unless the task is
         * already done (then it was scheduled and remove finds nothing). */
        atomic_fetch_add(&never_registered, 1);
        if (weft_task_add_done_callback(task, never_cb, rec) != 0)
            stress_fail("add_done_callback(never)", weft_last_error());
        int removed = weft_task_remove_done_callback(task, never_cb, rec);
        if (removed < 0 || removed > 1)
            stress_fail("remove_done_callback", removed);
        if (removed == 0)
            atomic_fetch_add(&never_expected, 1);
    }
    return task;
}

static void cancel_check(weft_task *task, const char *msg, record *rec)
{
    if (rec != NULL) {
        int where = atomic_load(&rec->running_on);
        if (where != 0 && where != my_thread())
            atomic_fetch_add(&cross_thread_cancels, 1);
    }
    int r = weft_task_cancel(task, msg);
    if (r < 0)
        stress_fail("weft_task_cancel failed", r);
    if (r == 0) {
        if (!weft_task_done(task))
            stress_fail("cancel returned 0 for a pending task", 0);
        atomic_fetch_add(&cancels_of_done, 1);
    } else {
        atomic_fetch_add(&cancels_made, 1);
    }
}

/* An await's outcome must be one of the three a storm task can end with. */
static int check_await(int code, void **valuep, weft_task *task, record *rec)
{
    void *value = *valuep; /* read after the await returned */
    if (code == 0 && rec != NULL && value != (void *)(uintptr_t)(rec->id + 1)) {
        fprintf(stderr, "stress_storm: task %u: await returned 0 and %p, expected %p "
                "(body started %d, returned %d, rc %d; task cancelled %d)\n",
                rec->id, value, (void *)(uintptr_t)(rec->id + 1), atomic_load(&rec->started),
                atomic_load(&rec->returned), atomic_load(&rec->rc), weft_task_cancelled(task));
        stress_fail("await returned a wrong result", rec->id);
    }
    if (code != 0 && code != WEFT_ECANCELLED && code != USER_ERROR)
        stress_fail("await returned an unexpected code", code);
    if (!weft_task_done(task))
        stress_fail("await returned before the task was done", code);
    return code;
}

static int storm_body(void *arg, void **result)
{
    record *rec = arg;
    if (atomic_fetch_add(&rec->started, 1) != 0)
        stress_fail("body started twice", rec->id);
    weft_task *self = weft_current_task();
    if (self == NULL)
        stress_fail("no current task in a body", rec->id);
    unsigned seed = rec->seed;
    int rounds = (int)(rand_r(&seed) % 6);
    int rc = 0;
    for (int i = 0; i < rounds && rc == 0; i++) {
        atomic_store(&rec->running_on, my_thread());
        int code = 0;
        switch (rand_r(&seed) % 9) {
        case 0: code = weft_yield(); break;
        case 1: code = weft_sleep(0.0002); break;
        case 2: { /* spawn and await */
            record *crec = NULL;
            weft_task *child = new_task(rand_r(&seed), -1, &crec);
            if (child == NULL)
                break;
            void *value = NULL;
            code = check_await(weft_await(child, &value), &value, child, crec);
            if (code == USER_ERROR)
                code = 0; /* the child's error, handled */
            else if (code == WEFT_ECANCELLED && weft_task_cancelling(self) == 0)
                code = 0; /* the child alone was cancelled */
            weft_task_release(child);
            break;
        }
        case 3: { /* fire and forget */
            weft_task *child = new_task(rand_r(&seed), -1, NULL);
            weft_task_release(child);
            break;
        }
        case 4: { /* spawn, cancel at once, await */
            record *crec = NULL;
            weft_task *child = new_task(rand_r(&seed), -1, &crec);
            if (child == NULL)
                break;
            cancel_check(child, "storm: child", NULL);
            void *value = NULL;
            code = check_await(weft_await(child, &value), &value, child, crec);
            if (code == USER_ERROR || (code == WEFT_ECANCELLED && weft_task_cancelling(self) == 0))
                code = 0;
            weft_task_release(child);
            break;
        }
        case 5: case 6: { /* cancel a random top task, likely running elsewhere */
            int index = (int)(rand_r(&seed) % (unsigned)top_count);
            weft_task *victim = atomic_load_explicit(&top[index], memory_order_acquire);
            if (victim == NULL)
                break;
            cancel_check(victim, "storm: top", atomic_load_explicit(&top_rec[index], memory_order_acquire));
            break;
        }
        case 7: { /* a top task awaits a later top task (no cycles) */
            if (rec->top_index < 0)
                break;
            int index = rec->top_index + 1 + (int)(rand_r(&seed) % 16);
            if (index >= top_count)
                break;
            weft_task *other = atomic_load_explicit(&top[index], memory_order_acquire);
            if (other == NULL)
                break;
            void *value = NULL;
            code = check_await(weft_await(other, &value), &value, other,
                               atomic_load_explicit(&top_rec[index], memory_order_acquire));
            if (code == USER_ERROR || (code == WEFT_ECANCELLED && weft_task_cancelling(self) == 0))
                code = 0;
            break;
        }
        default:
            if (rand_r(&seed) % 3 == 0)
                rc = weft_raise(USER_ERROR, "storm %u", rec->id);
            break;
        }
        if (code == WEFT_ECANCELLED) {
            /* Mostly propagate; sometimes swallow, as a task may. */
            if (rand_r(&seed) % 4 != 0)
                rc = WEFT_ECANCELLED;
        } else if (code != 0) {
            stress_fail("unexpected suspension result", code);
        }
    }
    atomic_store(&rec->running_on, 0);
    atomic_store(&rec->rc, rc);
    atomic_store_explicit(&rec->returned, 1, memory_order_release);
    if (rc == 0)
        *result = (void *)(uintptr_t)(rec->id + 1);
    return rc;
}

/* Cancels random top tasks from wherever it runs until told to stop. */
static int canceller(void *arg, void **result)
{
    (void)arg;
    (void)result;
    unsigned seed = 777;
    while (!atomic_load(&stop_cancelling)) {
        for (int k = 0; k < 4; k++) {
            /* Prefer a task in the middle of its body, on another worker. */
            int index = (int)(rand_r(&seed) % (unsigned)top_count);
            for (int tries = 0; tries < 16; tries++) {
                record *r = atomic_load_explicit(&top_rec[index], memory_order_acquire);
                if (r != NULL && atomic_load(&r->running_on) != 0 &&
                    atomic_load(&r->running_on) != my_thread())
                    break;
                index = (int)(rand_r(&seed) % (unsigned)top_count);
            }
            weft_task *victim = atomic_load_explicit(&top[index], memory_order_acquire);
            if (victim == NULL)
                continue;
            cancel_check(victim, "storm: canceller",
                         atomic_load_explicit(&top_rec[index], memory_order_acquire));
        }
        if (weft_sleep(0.0003) != 0)
            stress_fail("canceller cancelled", 0);
    }
    return 0;
}

static int storm_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *cancel_task = weft_spawn(canceller, NULL);
    if (cancel_task == NULL)
        stress_fail("spawn canceller", weft_last_error());
    unsigned seed = 12345;
    for (int i = 0; i < top_count; i++) {
        record *rec = NULL;
        weft_task *task = new_task(rand_r(&seed), i, &rec);
        if (task == NULL)
            stress_fail("budget too small for the top tasks", i);
        atomic_store_explicit(&top_rec[i], rec, memory_order_release);
        atomic_store_explicit(&top[i], task, memory_order_release);
        if (i % 50 == 0 && weft_yield() != 0)
            stress_fail("main cancelled", i);
    }
    for (int i = 0; i < top_count; i++) {
        weft_task *task = atomic_load(&top[i]);
        void *value = NULL;
        check_await(weft_await(task, &value), &value, task, atomic_load(&top_rec[i]));
    }
    atomic_store(&stop_cancelling, true);
    if (weft_await(cancel_task, NULL) != 0)
        stress_fail("canceller failed", 0);
    weft_task_release(cancel_task);
    /* Fire-and-forget children may still run; then the callbacks. */
    long long deadline = stress_now_ns() + 20 * 1000000000LL;
    while (atomic_load(&completions) < atomic_load(&created) ||
           atomic_load(&never_ran) < atomic_load(&never_expected)) {
        if (stress_now_ns() > deadline) {
            fprintf(stderr, "stress_storm: %d tasks created, %d completions after 20 s\n",
                    atomic_load(&created), atomic_load(&completions));
            stress_fail("lost tasks: completions never arrived", atomic_load(&completions));
        }
        weft_sleep(0.001);
    }
    for (int i = 0; i < 4; i++)
        weft_yield();
    for (int i = 0; i < top_count; i++)
        weft_task_release(atomic_exchange(&top[i], NULL));
    return 0;
}

int main(int argc, char **argv)
{
    top_count = (int)stress_arg(argc, argv, 1, "top_tasks", DEFAULT_TOP, 1,
                                MAX_TOP < MAX_TASKS ? MAX_TOP : MAX_TASKS);
    weft_config config;
    weft_config_init(&config);
    config.workers = stress_workers(DEFAULT_WORKERS);
    stress_watchdog_start((stress_watchdog_settings){.run_limit_s = LIMIT_S});
    int code = weft_run_with(&config, weft_coro_new(storm_main, NULL), NULL);
    stress_watchdog_stop();
    if (code != 0)
        stress_fail("weft_run_with failed", code);
    int total = atomic_load(&created);
    int started = 0, returned = 0;
    for (int i = 0; i < total; i++) {
        record *rec = &records[i];
        if (atomic_load(&rec->callbacks) != 1)
            stress_fail("a task's done callback did not run exactly once", i);
        started += atomic_load(&rec->started);
        returned += atomic_load(&rec->returned);
    }
    printf("stress_storm: %d workers, %d tasks, %d bodies started, %d returned, %d completions; "
           "%d cancels made (%d of done tasks, %d of tasks last seen on another thread), "
           "removed callbacks %d (%d ran as expected); %d spawns over budget\n",
           config.workers, total, started, returned, atomic_load(&completions),
           atomic_load(&cancels_made), atomic_load(&cancels_of_done),
           atomic_load(&cross_thread_cancels),
           atomic_load(&never_registered), atomic_load(&never_ran), atomic_load(&spawn_refused));
    if (atomic_load(&completions) != total)
        stress_fail("completions differ from tasks created", atomic_load(&completions));
    if (started != returned)
        stress_fail("a started body never returned", started - returned);
    if (atomic_load(&never_ran) != atomic_load(&never_expected))
        stress_fail("a removed done callback ran", atomic_load(&never_ran));
    return stress_pass();
}
