/* Single-loop stress under ThreadSanitizer: a random storm of spawn, await,
 * cancel, yield and sleep inside the loop, while foreign threads submit
 * tasks through the inject queue and wait for them. Exact accounting: every
 * task's body starts at most once and every task completes exactly once
 * (its done callback runs exactly once); nothing is lost. A watchdog fails
 * the run if it does not end within 120 s. */
#include <sched.h>

#include "weft.h"

#define STRESS_PROGRAM "stress_loop"
#include "stress.h"

enum { STORM_TASKS = 3000, SUBMITTERS = 3, PER_SUBMITTER = 500, LIMIT_S = 120 };

static atomic_int spawned, bodies_started, bodies_finished, completions, external_done;
static _Atomic(weft_executor *) loop;

static void progress(FILE *out)
{
    fprintf(out, "%d tasks spawned in the loop, %d bodies started, %d finished, %d completions, "
            "%d external tasks collected", atomic_load(&spawned), atomic_load(&bodies_started),
            atomic_load(&bodies_finished), atomic_load(&completions), atomic_load(&external_done));
}

static int count_completion(weft_task *task, void *arg)
{
    (void)arg;
    if (!weft_task_done(task))
        stress_fail("done callback on a pending task", 0);
    atomic_fetch_add(&completions, 1);
    return 0;
}

/* A task body whose behaviour is drawn from its argument. */
static int storm_body(void *arg, void **result)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    atomic_fetch_add(&bodies_started, 1);
    int rounds = (int)(rand_r(&seed) % 4);
    for (int i = 0; i < rounds; i++) {
        int code;
        switch (rand_r(&seed) % 4) {
        case 0: code = weft_yield(); break;
        case 1: code = weft_sleep(0.0005); break;
        case 2: {
            weft_task *child = weft_spawn(storm_body, (void *)(uintptr_t)rand_r(&seed));
            if (child == NULL)
                stress_fail("spawn", weft_last_error());
            atomic_fetch_add(&spawned, 1);
            weft_task_add_done_callback(child, count_completion, NULL);
            code = weft_await(child, NULL);
            weft_task_release(child);
            if (code == WEFT_ECANCELLED && !weft_task_cancelling(weft_current_task()))
                code = 0; /* the child alone was cancelled */
            break;
        }
        default: code = 0; break;
        }
        if (code == WEFT_ECANCELLED)
            return code;
    }
    atomic_fetch_add(&bodies_finished, 1);
    *result = arg;
    return 0;
}

static void *submitter(void *arg)
{
    (void)arg;
    weft_executor *executor;
    while ((executor = atomic_load(&loop)) == NULL)
        sched_yield();
    weft_task *tasks[PER_SUBMITTER];
    for (int i = 0; i < PER_SUBMITTER; i++) {
        tasks[i] = weft_executor_submit(executor, weft_coro_new(storm_body, (void *)(uintptr_t)i), NULL);
        if (tasks[i] == NULL)
            stress_fail("external submit", weft_last_error());
    }
    for (int i = 0; i < PER_SUBMITTER; i++) {
        while (!weft_task_done(tasks[i]))
            nanosleep(&(struct timespec){0, 200000}, NULL);
        void *value = NULL;
        if (weft_task_result(tasks[i], &value) != 0 || value != (void *)(uintptr_t)i)
            stress_fail("external result", i);
        weft_task_release(tasks[i]);
        atomic_fetch_add(&external_done, 1);
    }
    return NULL;
}

static int storm_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    atomic_store(&loop, weft_executor_current());
    static weft_task *tasks[STORM_TASKS];
    unsigned seed = 12345;
    int cancelled_requests = 0;
    for (int i = 0; i < STORM_TASKS; i++) {
        tasks[i] = weft_spawn(storm_body, (void *)(uintptr_t)rand_r(&seed));
        if (tasks[i] == NULL)
            stress_fail("spawn", weft_last_error());
        atomic_fetch_add(&spawned, 1);
        weft_task_add_done_callback(tasks[i], count_completion, NULL);
        if (rand_r(&seed) % 5 == 0)
            cancelled_requests += weft_task_cancel(tasks[rand_r(&seed) % (unsigned)(i + 1)], "storm");
        if (i % 100 == 0)
            weft_yield();
    }
    (void)cancelled_requests;
    for (int i = 0; i < STORM_TASKS; i++) {
        int code = weft_await(tasks[i], NULL);
        if (code != 0 && code != WEFT_ECANCELLED)
            stress_fail("unexpected task error", code);
        if (!weft_task_done(tasks[i]))
            stress_fail("awaited task not done", i);
    }
    while (atomic_load(&external_done) < SUBMITTERS * PER_SUBMITTER)
        weft_sleep(0.001);
    weft_yield(); /* let the last done callbacks run */
    weft_yield();
    for (int i = 0; i < STORM_TASKS; i++)
        weft_task_release(tasks[i]);
    return 0;
}

int main(void)
{
    stress_watchdog_start((stress_watchdog_settings){.run_limit_s = LIMIT_S, .progress = progress});
    pthread_t threads[SUBMITTERS];
    for (int i = 0; i < SUBMITTERS; i++)
        if (pthread_create(&threads[i], NULL, submitter, NULL) != 0)
            stress_fail("pthread_create", i);
    int code = weft_run(weft_coro_new(storm_main, NULL), NULL);
    for (int i = 0; i < SUBMITTERS; i++)
        pthread_join(threads[i], NULL);
    stress_watchdog_stop();
    if (code != 0)
        stress_fail(weft_strerror(code), code);
    int started = atomic_load(&bodies_started), finished = atomic_load(&bodies_finished);
    int done = atomic_load(&completions), total = atomic_load(&spawned);
    printf("stress_loop: %d tasks spawned in the loop, %d external; %d bodies started, %d "
           "finished; %d completions\n",
           total, SUBMITTERS * PER_SUBMITTER, started, finished, done);
    /* Each task spawned in the loop has exactly one done callback. */
    if (done != total)
        stress_fail("completions differ from tasks spawned (lost or doubled)", done);
    if (started > total + SUBMITTERS * PER_SUBMITTER || finished > started)
        stress_fail("a body ran twice", started);
    return stress_pass();
}
