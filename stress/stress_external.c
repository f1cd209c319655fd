/* External submitters under ThreadSanitizer: SUBMITTERS threads that are not
 * workers submit bursts of tasks with weft_executor_submit to an executor
 * made by weft_executor_create (4 workers), pausing between bursts so the
 * workers run dry and park, then collect every task, half with
 * weft_executor_wait and half by polling weft_task_done/weft_task_result.
 * Tasks yield, sleep, spawn and await children, so submitted work spreads
 * over the workers. Checks: every submission succeeds, every body runs
 * exactly once, every result is the task's own, weft_executor_wait on a
 * worker says WEFT_ERUNNING, workers really parked and were woken, and after
 * weft_executor_shutdown a submission fails with WEFT_ESHUTDOWN; then
 * weft_executor_free. Usage: stress_external [bursts]  (STRESS_WORKERS) */
#include "weft.h"

#define STRESS_PROGRAM "stress_external"
#include "stress.h"

enum { SUBMITTERS = 4, DEFAULT_BURSTS = 40, MAX_BURST = 48, MAX_BURSTS = 1000,
       DEFAULT_WORKERS = 4, LIMIT_S = 120 };

typedef struct job {
    uint64_t id;
    unsigned seed;
    atomic_int started;
} job;

static weft_executor *executor;
static int bursts = DEFAULT_BURSTS;
static atomic_int bodies, children, submitted, collected, erunning_seen;

static void progress(FILE *out)
{
    fprintf(out, "%d submitted, %d bodies, %d collected", atomic_load(&submitted),
            atomic_load(&bodies), atomic_load(&collected));
}

static int leaf(void *arg, void **result)
{
    atomic_fetch_add(&children, 1);
    if ((uintptr_t)arg & 1)
        weft_yield();
    *result = arg;
    return 0;
}

static int job_body(void *arg, void **result)
{
    job *j = arg;
    if (atomic_fetch_add(&j->started, 1) != 0)
        stress_fail("body ran twice", (long long)j->id);
    atomic_fetch_add(&bodies, 1);
    unsigned seed = j->seed;
    uint64_t value = j->id * 3 + 1;
    switch (rand_r(&seed) % 5) {
    case 0: break;
    case 1:
        for (int i = 0; i < 3; i++)
            if (weft_yield() != 0)
                stress_fail("yield", i);
        break;
    case 2:
        if (weft_sleep(0.0002) != 0)
            stress_fail("sleep", 0);
        break;
    case 3: {
        weft_task *a = weft_spawn(leaf, (void *)(uintptr_t)(2 * j->id + 1));
        weft_task *b = weft_spawn(leaf, (void *)(uintptr_t)(2 * j->id + 2));
        if (a == NULL || b == NULL)
            stress_fail("spawn", weft_last_error());
        void *ra = NULL, *rb = NULL;
        if (weft_await(b, &rb) != 0 || weft_await(a, &ra) != 0)
            stress_fail("child failed", 0);
        if ((uintptr_t)ra + (uintptr_t)rb != 4 * j->id + 3)
            stress_fail("children returned wrong values", (long long)j->id);
        weft_task_release(a);
        weft_task_release(b);
        break;
    }
    default: {
        /* Blocking waits are for other threads only. */
        weft_task *self = weft_current_task();
        if (weft_executor_wait(self, NULL) != WEFT_ERUNNING)
            stress_fail("weft_executor_wait on a worker did not say WEFT_ERUNNING", 0);
        atomic_fetch_add(&erunning_seen, 1);
        break;
    }
    }
    *result = (void *)(uintptr_t)value;
    return 0;
}

static void *submitter(void *arg)
{
    unsigned who = (unsigned)(uintptr_t)arg;
    unsigned seed = who * 7919u + 1;
    job *jobs = calloc((size_t)bursts * MAX_BURST, sizeof *jobs);
    weft_task **tasks = calloc(MAX_BURST, sizeof *tasks);
    if (jobs == NULL || tasks == NULL)
        stress_fail("out of memory", 0);
    for (int b = 0; b < bursts; b++) {
        int n = 1 + (int)(rand_r(&seed) % MAX_BURST);
        for (int i = 0; i < n; i++) {
            job *j = &jobs[b * MAX_BURST + i];
            j->id = ((uint64_t)who << 32) | (uint64_t)(b * MAX_BURST + i);
            j->seed = rand_r(&seed);
            weft_coro *coro = weft_coro_new(job_body, j);
            if (coro == NULL)
                stress_fail("weft_coro_new", weft_last_error());
            tasks[i] = weft_executor_submit(executor, coro, NULL);
            if (tasks[i] == NULL)
                stress_fail("weft_executor_submit", weft_last_error());
            atomic_fetch_add(&submitted, 1);
            if (rand_r(&seed) % 8 == 0)
                sched_yield(); /* let the burst start while we submit */
        }
        for (int i = 0; i < n; i++) {
            job *j = &jobs[b * MAX_BURST + i];
            void *value = NULL;
            int code;
            if ((i + b) % 2 == 0) {
                code = weft_executor_wait(tasks[i], &value);
            } else {
                while (!weft_task_done(tasks[i]))
                    stress_nap_ns(100000);
                code = weft_task_result(tasks[i], &value);
            }
            if (code != 0)
                stress_fail("a submitted task failed", code);
            if (!weft_task_done(tasks[i]) || weft_task_cancelled(tasks[i]))
                stress_fail("a waited task is not finished", (long long)j->id);
            if (value != (void *)(uintptr_t)(j->id * 3 + 1))
                stress_fail("a submitted task returned a wrong value", (long long)j->id);
            if (atomic_load(&j->started) != 1)
                stress_fail("a finished task's body did not run exactly once", (long long)j->id);
            weft_task_release(tasks[i]);
            atomic_fetch_add(&collected, 1);
        }
        /* Long enough for every worker to run dry and park. */
        stress_nap_ns((long)(2 + rand_r(&seed) % 10) * 1000000);
    }
    free(tasks);
    free(jobs);
    return NULL;
}

int main(int argc, char **argv)
{
    bursts = (int)stress_arg(argc, argv, 1, "bursts", DEFAULT_BURSTS, 1, MAX_BURSTS);
    weft_config config;
    weft_config_init(&config);
    config.workers = stress_workers(DEFAULT_WORKERS);
    int code = weft_executor_create(&config, &executor);
    if (code != 0 || executor == NULL)
        stress_fail("weft_executor_create", code);

    /* A hang (a lost wake-up of a parked worker or of a waiting thread)
     * fails the test instead of blocking make check. */
    stress_watchdog_start((stress_watchdog_settings){
        .run_limit_s = LIMIT_S,
        .suspect = "lost wake-up of a parked worker or of a waiting thread?",
        .progress = progress});
    pthread_t threads[SUBMITTERS];
    for (int i = 0; i < SUBMITTERS; i++)
        if (pthread_create(&threads[i], NULL, submitter, (void *)(uintptr_t)i) != 0)
            stress_fail("pthread_create", i);
    for (int i = 0; i < SUBMITTERS; i++)
        pthread_join(threads[i], NULL);

    weft_executor_stats stats;
    if (weft_executor_get_stats(executor, &stats) != 0)
        stress_fail("weft_executor_get_stats", 0);
    if (weft_executor_shutdown(executor) != 0)
        stress_fail("weft_executor_shutdown", 0);
    if (weft_executor_shutdown(executor) != 0)
        stress_fail("second weft_executor_shutdown (must be idempotent)", 0);
    weft_coro *late = weft_coro_new(leaf, NULL);
    if (weft_executor_submit(executor, late, NULL) != NULL)
        stress_fail("submit after shutdown succeeded", 0);
    if (weft_last_error() != WEFT_ESHUTDOWN)
        stress_fail("submit after shutdown: wrong error", weft_last_error());
    /* Still ours after the refusal. weft_coro_free would warn "never
     * awaited" (correctly); a finished run is quieter: */
    weft_executor *scratch = NULL;
    if (weft_executor_create(&config, &scratch) != 0)
        stress_fail("weft_executor_create (scratch)", 0);
    weft_task *t = weft_executor_submit(scratch, late, NULL);
    if (t == NULL || weft_executor_wait(t, NULL) != 0)
        stress_fail("the refused coroutine could not run elsewhere", weft_last_error());
    weft_task_release(t);
    weft_executor_free(scratch);
    weft_executor_free(executor);
    stress_watchdog_stop();

    int total = atomic_load(&submitted);
    printf("stress_external: %u workers, %d submitters: %d tasks submitted, %d bodies, %d "
           "collected, %d children; steals %llu, parks %llu, wakeups %llu\n",
           config.workers, SUBMITTERS, total, atomic_load(&bodies), atomic_load(&collected),
           atomic_load(&children), (unsigned long long)stats.steals,
           (unsigned long long)stats.parks, (unsigned long long)stats.wakeups);
    if (atomic_load(&bodies) != total || atomic_load(&collected) != total)
        stress_fail("tasks lost or doubled", atomic_load(&bodies));
    if (stats.parks == 0 || stats.wakeups == 0)
        stress_fail("the workers never parked or were never woken", (long long)stats.parks);
    return stress_pass();
}
