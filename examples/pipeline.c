/* A producer/consumer pipeline with bounded queues across workers.
 *
 *   feeder thread --jobs (bounded)--> STAGES worker tasks --results (bounded)--> collector task
 *
 * A plain thread (not a worker) cuts 1..NUMBERS into blocks and feeds them
 * with weft_queue_put_blocking: when the queue is full it sleeps on a
 * condition variable, never stalling a worker loop. Worker tasks, spread
 * over every worker by stealing, find the longest Collatz chain in each
 * block and pass the result on; one collector task keeps the best. The
 * feeder waits with weft_queue_join_blocking until every block was
 * handled (task_done), then sends one stop marker per worker task; each
 * forwards it, and the collector stops after the last. The answer is
 * checked against a sequential pass.
 *
 *   cc -O2 pipeline.c $(pkg-config --cflags --libs weft)
 *   WEFT_WORKERS=4 ./a.out      # worker count (default: online CPUs)
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, alarm */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <weft.h>

#define NUMBERS 1000000
#define BLOCK 500
#define STAGES 4     /* worker tasks between the two queues */
#define QUEUE_SIZE 8 /* small on purpose: the feeder and the workers take turns */

/* A block of numbers in, its best chain out (the same struct travels). */
typedef struct job {
    long first, last;   /* numbers first..last */
    long best_start;    /* result: where the longest chain starts */
    int best_steps;     /* and its length */
} job;

static job stop_marker; /* the address marks the end */

static weft_queue *jobs, *results;

static int collatz_steps(long n)
{
    int steps = 0;
    while (n != 1) {
        n = (n % 2 == 0) ? n / 2 : 3 * n + 1;
        steps++;
    }
    return steps;
}

/* The longest chain in first..last; the smallest start wins a tie. */
static void best_in(long first, long last, long *start, int *steps)
{
    *start = first;
    *steps = -1;
    for (long n = first; n <= last; n++) {
        int s = collatz_steps(n);
        if (s > *steps) {
            *steps = s;
            *start = n;
        }
    }
}

static void check(int rc, const char *what)
{
    if (rc != 0) {
        const char *message = weft_last_error_message();
        fprintf(stderr, "pipeline: %s: %s %s\n", what, weft_error_name(rc),
                message != NULL ? message : weft_strerror(rc));
        exit(1);
    }
}

/* The feeder: a plain thread. */
static void *feeder(void *arg)
{
    job *blocks = arg;
    for (long i = 0; i < NUMBERS / BLOCK; i++) {
        blocks[i] = (job){.first = i * BLOCK + 1, .last = (i + 1) * BLOCK};
        check(weft_queue_put_blocking(jobs, &blocks[i], -1), "put_blocking");
    }
    /* Every block taken and marked done: time to stop the stages. */
    check(weft_queue_join_blocking(jobs, -1), "join_blocking");
    for (int i = 0; i < STAGES; i++)
        check(weft_queue_put_blocking(jobs, &stop_marker, -1), "put_blocking");
    return NULL;
}

static int stage(void *arg, void **result)
{
    (void)arg;
    (void)result;
    for (;;) {
        void *item;
        check(weft_queue_get(jobs, &item), "get");
        job *block = item;
        if (block != &stop_marker)
            best_in(block->first, block->last, &block->best_start, &block->best_steps);
        check(weft_queue_put(results, block), "put"); /* waits while results is full */
        check(weft_queue_task_done(jobs), "task_done");
        if (block == &stop_marker)
            return 0;
    }
}

typedef struct summary {
    long blocks, best_start;
    int best_steps;
} summary;

static int collector(void *arg, void **result)
{
    (void)result;
    summary *total = arg;
    *total = (summary){0, 0, -1};
    for (int running = STAGES; running > 0;) {
        void *item;
        check(weft_queue_get(results, &item), "get");
        job *block = item;
        if (block == &stop_marker) {
            running--;
            continue;
        }
        total->blocks++;
        if (block->best_steps > total->best_steps ||
            (block->best_steps == total->best_steps && block->best_start < total->best_start)) {
            total->best_steps = block->best_steps;
            total->best_start = block->best_start;
        }
    }
    return 0;
}

static int pipeline_main(void *arg, void **result)
{
    (void)result;
    weft_task *tasks[STAGES + 1];
    tasks[0] = weft_spawn(collector, arg);
    for (int i = 1; i <= STAGES; i++)
        tasks[i] = weft_spawn(stage, NULL);
    for (int i = 0; i <= STAGES; i++) {
        if (tasks[i] == NULL)
            check(weft_last_error(), "spawn");
        check(weft_await(tasks[i], NULL), "await");
        weft_task_release(tasks[i]);
    }
    return 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(void)
{
    alarm(120); /* a hang fails instead of blocking make check */
    static job blocks[NUMBERS / BLOCK];
    check(weft_queue_new(QUEUE_SIZE, WEFT_QUEUE_FIFO, NULL, &jobs), "weft_queue_new");
    check(weft_queue_new(QUEUE_SIZE, WEFT_QUEUE_FIFO, NULL, &results), "weft_queue_new");

    weft_config config;
    weft_config_init(&config); /* workers: WEFT_WORKERS, else online CPUs */
    pthread_t thread;
    if (pthread_create(&thread, NULL, feeder, blocks) != 0) {
        fprintf(stderr, "pipeline: cannot start the feeder thread\n");
        return 1;
    }
    summary total;
    double start = now();
    check(weft_run_with(&config, weft_coro_new(pipeline_main, &total), NULL), "weft_run_with");
    double seconds = now() - start;
    pthread_join(thread, NULL);
    check(weft_queue_free(jobs), "weft_queue_free");
    check(weft_queue_free(results), "weft_queue_free");

    long expected_start;
    int expected_steps;
    best_in(1, NUMBERS, &expected_start, &expected_steps);
    printf("pipeline: %ld blocks of %d numbers from a feeder thread, %d stage tasks, "
           "queues of %d\n",
           total.blocks, BLOCK, STAGES, QUEUE_SIZE);
    printf("longest Collatz chain below %d: starts at %ld, %d steps\n", NUMBERS + 1,
           total.best_start, total.best_steps);
    if (total.blocks != NUMBERS / BLOCK || total.best_start != expected_start ||
        total.best_steps != expected_steps) {
        printf("WRONG: a sequential pass says %ld (%d steps)\n", expected_start,
               expected_steps);
        return 1;
    }
    fprintf(stderr, "pipeline: %.0f ms (timing on stderr: not compared)\n", seconds * 1e3);
    printf("checked against a sequential pass\n");
    return 0;
}
