/* Shutdown under load, repeated, under ThreadSanitizer (and leak-free under
 * ASan: make check-asan runs it too). Each round creates an executor (4
 * workers), submits a burst of tasks that spawn children (awaited and
 * fire-and-forget) and sleep (some for a tiny while, some for far longer
 * than the round), while a racer thread keeps submitting, then shuts the
 * executor down at once (or after a moment). Checks, every round:
 *   - weft_executor_shutdown returns 0 within 10 s (a watchdog fails the
 *     test with the round number otherwise);
 *   - every task ever returned by weft_executor_submit or weft_spawn is done
 *     afterwards, either finished with its own result or cancelled; no body
 *     ran twice; every body that started also returned (shutdown runs
 *     cancelled tasks to completion);
 *   - once shutdown began, submissions fail with WEFT_ESHUTDOWN (the racer's
 *     last one always does) and spawns fail with WEFT_ESHUTDOWN or succeed;
 *   - every reference is released and every executor freed: no leak.
 * Usage: stress_shutdown [rounds]   (STRESS_WORKERS overrides the 4 workers) */
#include "weft.h"

#define STRESS_PROGRAM "stress_shutdown"
#include "stress.h"

enum { DEFAULT_ROUNDS = 200, BURST = 12, CHILDREN = 3, CAPACITY = 2048, MAX_LEFTOVERS = 100000,
       DEFAULT_WORKERS = 4, ROUND_LIMIT_S = 10 };

typedef enum kind { PARENT, CHILD, RACER } kind;

typedef struct record {
    kind kind;
    unsigned seed;
    uintptr_t expected;
    atomic_int started;
    atomic_int returned;
    _Atomic(weft_task *) task; /* one reference, released after the round */
} record;

/* Every task of the current round, filled from any thread; read by main
 * after shutdown has joined the workers and the racer was joined. */
static record records[CAPACITY];
static atomic_int record_count;
static atomic_int spawn_refused, capacity_hits;

static weft_executor *_Atomic round_executor;
static atomic_bool round_shut_down;

/* Coroutines refused by a shut-down executor stay ours; they are run at the
 * end instead of being freed (freeing warns "never awaited"). */
static weft_coro *leftovers[MAX_LEFTOVERS];
static int leftover_count;

static long long totals_tasks, totals_finished, totals_cancelled, totals_unstarted;

static void progress(FILE *out)
{
    fprintf(out, "%d tasks registered in this round", atomic_load(&record_count));
}

static record *new_record(kind k, unsigned seed)
{
    int index = atomic_fetch_add(&record_count, 1);
    if (index >= CAPACITY) {
        atomic_fetch_sub(&record_count, 1);
        atomic_fetch_add(&capacity_hits, 1);
        return NULL;
    }
    record *rec = &records[index];
    rec->kind = k;
    rec->seed = seed;
    rec->expected = (uintptr_t)index * 5 + 3;
    atomic_store(&rec->started, 0);
    atomic_store(&rec->returned, 0);
    atomic_store(&rec->task, NULL);
    return rec;
}

/* The suspension mix: mostly tiny, sometimes far longer than a round. */
static int nap(unsigned *seed)
{
    switch (rand_r(seed) % 4) {
    case 0: return weft_yield();
    case 1: return weft_sleep(0.0001);
    case 2: return weft_sleep(0.001);
    default: return weft_sleep(30.0);
    }
}

static int body(void *arg, void **result);

/* A task's argument: its round and its record index, so that a task that
 * runs after its round ended is told apart from a body run twice. */
static void *ticket(const record *rec)
{
    return (void *)(uintptr_t)(((uintptr_t)stress_round() << 12) |
                               (uintptr_t)(rec - records));
}

static atomic_bool draining;

static weft_task *spawn_child(unsigned seed)
{
    record *rec = new_record(CHILD, seed);
    if (rec == NULL)
        return NULL;
    weft_task *task = weft_spawn(body, ticket(rec));
    if (task == NULL) {
        if (weft_last_error() != WEFT_ESHUTDOWN)
            stress_fail("weft_spawn failed otherwise than WEFT_ESHUTDOWN", weft_last_error());
        rec->kind = CHILD;
        atomic_store(&rec->returned, -1); /* never created */
        atomic_fetch_add(&spawn_refused, 1);
        return NULL;
    }
    atomic_store(&rec->task, weft_task_retain(task)); /* the round's reference */
    return task;
}

static int body(void *arg, void **result)
{
    if (atomic_load(&draining))
        return 0; /* a refused coroutine, run at the very end */
    int round = (int)((uintptr_t)arg >> 12);
    record *rec = &records[(uintptr_t)arg & 4095];
    if (round != stress_round()) {
        fprintf(stderr, "stress_shutdown: a task of round %d (record %d) ran in round %d, after "
                "its executor was shut down and freed\n", round, (int)(rec - records),
                stress_round());
        stress_fail("a task ran after weft_executor_shutdown returned", round);
    }
    if (atomic_fetch_add(&rec->started, 1) != 0) {
        fprintf(stderr, "stress_shutdown: %s task %d ran twice\n",
                rec->kind == PARENT ? "submitted" : rec->kind == RACER ? "racer" : "child",
                (int)(rec - records));
        stress_fail("body ran twice", (long long)(rec - records));
    }
    unsigned seed = rec->seed;
    int rc = 0;
    if (rec->kind == PARENT) {
        weft_task *kids[CHILDREN] = {NULL};
        for (int i = 0; i < CHILDREN; i++)
            kids[i] = spawn_child(rand_r(&seed));
        rc = nap(&seed);
        /* Await the odd ones; the others are fire-and-forget. */
        for (int i = 0; i < CHILDREN; i++) {
            if (kids[i] != NULL && i % 2 == 1 && rc == 0) {
                int code = weft_await(kids[i], NULL);
                if (code != 0 && code != WEFT_ECANCELLED)
                    stress_fail("a child ended with an unexpected code", code);
                rc = code;
            }
            weft_task_release(kids[i]);
        }
    } else {
        for (int i = 0; i < 2 && rc == 0; i++)
            rc = nap(&seed);
    }
    if (rc != 0 && rc != WEFT_ECANCELLED)
        stress_fail("a suspension returned an unexpected code", rc);
    atomic_store(&rec->returned, 1);
    if (rc == 0)
        *result = (void *)rec->expected;
    return rc;
}

static int leftover_body(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return 0;
}

static void *racer(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    weft_executor *executor = atomic_load(&round_executor);
    for (;;) {
        bool shut = atomic_load(&round_shut_down);
        record *rec = shut ? NULL : new_record(RACER, rand_r(&seed));
        weft_coro *coro = rec != NULL ? weft_coro_new(body, ticket(rec))
                                      : weft_coro_new(leftover_body, NULL);
        if (coro == NULL)
            stress_fail("weft_coro_new", weft_last_error());
        weft_task *task = weft_executor_submit(executor, coro, NULL);
        if (task == NULL) {
            if (weft_last_error() != WEFT_ESHUTDOWN)
                stress_fail("submit failed otherwise than WEFT_ESHUTDOWN", weft_last_error());
            if (rec != NULL)
                atomic_store(&rec->returned, -1); /* never created */
            if (leftover_count == MAX_LEFTOVERS)
                stress_fail("too many leftovers", leftover_count);
            leftovers[leftover_count++] = coro;
            return NULL;
        }
        if (shut)
            stress_fail("a submission succeeded after weft_executor_shutdown returned", 0);
        if (rec == NULL) {
            /* Registry full: keep the task, wait for the shutdown. */
            weft_executor_wait(task, NULL);
            weft_task_release(task);
            stress_nap_ns(1000000);
            continue;
        }
        atomic_store(&rec->task, task);
        stress_nap_ns(200000);
    }
}

static void run_round(int round, const weft_config *config)
{
    atomic_store(&record_count, 0);
    stress_round_begin(round);
    atomic_store(&round_shut_down, false);
    unsigned seed = (unsigned)round * 2654435761u + 17;

    weft_executor *executor = NULL;
    int code = weft_executor_create(config, &executor);
    if (code != 0 || executor == NULL)
        stress_fail("weft_executor_create", code);
    atomic_store(&round_executor, executor);
    pthread_t racer_thread;
    if (pthread_create(&racer_thread, NULL, racer, (void *)(uintptr_t)seed) != 0)
        stress_fail("pthread_create", 0);

    for (int i = 0; i < BURST; i++) {
        record *rec = new_record(PARENT, rand_r(&seed));
        if (rec == NULL)
            stress_fail("registry full", i);
        weft_task *task = weft_executor_submit(executor, weft_coro_new(body, ticket(rec)), NULL);
        if (task == NULL)
            stress_fail("weft_executor_submit before shutdown", weft_last_error());
        atomic_store(&rec->task, task);
    }
    /* Mostly at once; sometimes after the burst got going. */
    switch (rand_r(&seed) % 4) {
    case 0: break;
    case 1: sched_yield(); break;
    case 2: stress_nap_ns((long)(rand_r(&seed) % 3000) * 1000); break;
    default: stress_nap_ns((long)(5 + rand_r(&seed) % 20) * 1000000); break;
    }
    if (weft_executor_shutdown(executor) != 0)
        stress_fail("weft_executor_shutdown", 0);
    atomic_store(&round_shut_down, true);
    pthread_join(racer_thread, NULL);

    int n = atomic_load(&record_count);
    for (int i = 0; i < n; i++) {
        record *rec = &records[i];
        int started = atomic_load(&rec->started), returned = atomic_load(&rec->returned);
        weft_task *task = atomic_load(&rec->task);
        if (returned == -1)
            continue; /* refused: never a task */
        if (task == NULL)
            stress_fail("a registered task is missing", i);
        if (!weft_task_done(task)) {
            fprintf(stderr, "stress_shutdown: task %d (%s, body started %d) is not done after "
                    "weft_executor_shutdown returned\n", i,
                    rec->kind == PARENT ? "submitted" : rec->kind == RACER ? "racer" : "child",
                    started);
            stress_fail("a task was lost by the shutdown", i);
        }
        if (started > 1)
            stress_fail("body ran twice", i);
        if (started == 1 && returned != 1)
            stress_fail("a started body never returned", i);
        void *value = NULL;
        int result = weft_task_result(task, &value);
        if (weft_task_cancelled(task)) {
            if (result != WEFT_ECANCELLED)
                stress_fail("cancelled task whose result is not WEFT_ECANCELLED", result);
            totals_cancelled++;
            if (started == 0)
                totals_unstarted++;
        } else {
            if (result != 0 || started != 1)
                stress_fail("a task that is not cancelled did not finish normally", result);
            if ((uintptr_t)value != rec->expected)
                stress_fail("a finished task has a wrong result", i);
            totals_finished++;
        }
        totals_tasks++;
        weft_task_release(task);
    }
    weft_executor_free(executor);
    atomic_store(&round_executor, NULL);
}

static int drain_leftovers(void *arg, void **result)
{
    (void)arg;
    (void)result;
    for (int i = 0; i < leftover_count; i++)
        if (weft_await_coro(leftovers[i], NULL) != 0)
            stress_fail("a leftover coroutine failed", i);
    return 0;
}

int main(int argc, char **argv)
{
    int rounds = (int)stress_arg(argc, argv, 1, "rounds", DEFAULT_ROUNDS, 1, MAX_LEFTOVERS);
    weft_config config;
    weft_config_init(&config);
    config.workers = stress_workers(DEFAULT_WORKERS);
    stress_watchdog_start((stress_watchdog_settings){
        .round_limit_s = ROUND_LIMIT_S, .suspect = "shutdown hung?", .progress = progress});
    long long start = stress_now_ns();
    for (int r = 0; r < rounds; r++)
        run_round(r, &config);
    stress_watchdog_stop();
    atomic_store(&draining, true);
    if (weft_run(weft_coro_new(drain_leftovers, NULL), NULL) != 0)
        stress_fail("draining leftovers", 0);
    printf("stress_shutdown: %u workers, %d rounds in %.1f s: %lld tasks (%lld finished, %lld "
           "cancelled of which %lld before starting), %d spawns and %d submissions refused "
           "with WEFT_ESHUTDOWN\n",
           config.workers, rounds, (stress_now_ns() - start) / 1e9, totals_tasks, totals_finished,
           totals_cancelled, totals_unstarted, atomic_load(&spawn_refused), leftover_count);
    if (totals_finished + totals_cancelled != totals_tasks)
        stress_fail("counts do not add up", totals_tasks);
    if (leftover_count != rounds)
        stress_fail("the racer did not end each round with a refused submission", leftover_count);
    return stress_pass();
}
