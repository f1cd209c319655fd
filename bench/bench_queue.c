/* Queue throughput: items per second through a bounded weft_queue
 * (CAPACITY slots) between producer and consumer tasks, and, in the same
 * process, through the classic pthread queue (a ring under one mutex with
 * "not empty" / "not full" condition variables) between as many producer
 * and consumer threads. Every run checks that the sum of the items
 * received is the sum of those sent.
 *
 * Two ways to run it:
 *   bench_queue WORKLOAD WORKERS   one repetition for bench/run.py
 *     WORKLOAD: queue-1to1 (1 producer, 1 consumer) or queue-4to4
 *     (4 producers, 4 consumers), ITEMS items in all. The process is
 *     confined to WORKERS CPUs (the first ones it may use), then runs the
 *     pthread queue and weft's (on WORKERS workers) one after the other
 *     and prints one bench.h row for each: system pthread, then weft;
 *     tasks = items moved, ns_per_task = ns per item. The confinement is
 *     what gives the pthread rows a worker count: its threads share the
 *     same CPUs as weft's workers.
 *   bench_queue [items]            a human-readable summary (medians of RUNS,
 *     weft on 1 and on all CPUs, plus a plain thread feeding consumer
 *     tasks with weft_queue_put_blocking, the pipeline entry point); no
 *     confinement. Default 1000000 items per shape.
 * Either fails (exit 1) only on a wrong sum or a library error. */
#ifndef _GNU_SOURCE /* CPU_SET, sched_setaffinity */
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "weft.h"

enum { CAPACITY = 1024, RUNS = 5, MAX_SIDE = 8 };
#define ITEMS 1000000L

static long items = ITEMS;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values)
{
    qsort(values, RUNS, sizeof(double), by_value);
    return values[RUNS / 2];
}

/* Producer k of n sends the items i with i % n == k (values 1..items). */
static long expected_sum(void)
{
    return items * (items + 1) / 2;
}

/* ------------------------------------------------------- pthread queue */

typedef struct pthread_queue {
    pthread_mutex_t lock;
    pthread_cond_t not_empty, not_full;
    void *slots[CAPACITY];
    size_t head, count;
} pthread_queue;

static void pq_put(pthread_queue *q, void *item)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == CAPACITY)
        pthread_cond_wait(&q->not_full, &q->lock);
    q->slots[(q->head + q->count) % CAPACITY] = item;
    q->count++;
    pthread_cond_signal(&q->not_empty);
    pthread_mutex_unlock(&q->lock);
}

static void *pq_get(pthread_queue *q)
{
    pthread_mutex_lock(&q->lock);
    while (q->count == 0)
        pthread_cond_wait(&q->not_empty, &q->lock);
    void *item = q->slots[q->head];
    q->head = (q->head + 1) % CAPACITY;
    q->count--;
    pthread_cond_signal(&q->not_full);
    pthread_mutex_unlock(&q->lock);
    return item;
}

typedef struct side {
    pthread_queue *pq;
    weft_queue *wq;
    int index, count; /* this producer/consumer of count */
    long sum;
} side;

static void *pq_producer(void *arg)
{
    side *s = arg;
    for (long i = s->index + 1; i <= items; i += s->count)
        pq_put(s->pq, (void *)(intptr_t)i);
    return NULL;
}

/* Consumer k of n takes items / n items, plus one of the remainder. */
static long share(int index, int count)
{
    return items / count + (index < items % count ? 1 : 0);
}

static void *pq_consumer(void *arg)
{
    side *s = arg;
    for (long i = share(s->index, s->count); i > 0; i--)
        s->sum += (long)(intptr_t)pq_get(s->pq);
    return NULL;
}

static double run_pthread(int producers, int consumers)
{
    pthread_queue q = {.head = 0, .count = 0};
    pthread_mutex_init(&q.lock, NULL);
    pthread_cond_init(&q.not_empty, NULL);
    pthread_cond_init(&q.not_full, NULL);
    pthread_t threads[2 * MAX_SIDE];
    side sides[2 * MAX_SIDE];
    double start = now();
    for (int i = 0; i < consumers; i++) {
        sides[i] = (side){.pq = &q, .index = i, .count = consumers};
        pthread_create(&threads[i], NULL, pq_consumer, &sides[i]);
    }
    for (int i = 0; i < producers; i++) {
        sides[consumers + i] = (side){.pq = &q, .index = i, .count = producers};
        pthread_create(&threads[consumers + i], NULL, pq_producer, &sides[consumers + i]);
    }
    long sum = 0;
    for (int i = 0; i < consumers + producers; i++) {
        pthread_join(threads[i], NULL);
        if (i < consumers)
            sum += sides[i].sum;
    }
    double seconds = now() - start;
    pthread_mutex_destroy(&q.lock);
    pthread_cond_destroy(&q.not_empty);
    pthread_cond_destroy(&q.not_full);
    if (sum != expected_sum()) {
        fprintf(stderr, "bench_queue: pthread queue lost items (sum %ld)\n", sum);
        exit(1);
    }
    return seconds;
}

/* ---------------------------------------------------------- weft queue */

static void check(int rc, const char *what)
{
    if (rc != 0) {
        const char *msg = weft_last_error_message();
        fprintf(stderr, "bench_queue: %s: %s: %s\n", what, weft_error_name(rc),
                msg ? msg : weft_strerror(rc));
        exit(1);
    }
}

static int weft_producer(void *arg, void **result)
{
    (void)result;
    side *s = arg;
    for (long i = s->index + 1; i <= items; i += s->count)
        check(weft_queue_put(s->wq, (void *)(intptr_t)i), "put");
    return 0;
}

static int weft_consumer(void *arg, void **result)
{
    (void)result;
    side *s = arg;
    for (long i = share(s->index, s->count); i > 0; i--) {
        void *item = NULL;
        check(weft_queue_get(s->wq, &item), "get");
        s->sum += (long)(intptr_t)item;
    }
    return 0;
}

static void *thread_feeder(void *arg)
{
    side *s = arg;
    for (long i = 1; i <= items; i++)
        check(weft_queue_put_blocking(s->wq, (void *)(intptr_t)i, -1), "put_blocking");
    return NULL;
}

typedef struct weft_run_args {
    int producers, consumers; /* producers 0: a plain thread feeds */
    double seconds;
} weft_run_args;

static int weft_main(void *arg, void **result)
{
    (void)result;
    weft_run_args *a = arg;
    weft_queue *q;
    check(weft_queue_new(CAPACITY, WEFT_QUEUE_FIFO, NULL, &q), "weft_queue_new");
    side sides[2 * MAX_SIDE + 1];
    weft_task *tasks[2 * MAX_SIDE];
    pthread_t feeder;
    double start = now();
    for (int i = 0; i < a->consumers; i++) {
        sides[i] = (side){.wq = q, .index = i, .count = a->consumers};
        tasks[i] = weft_spawn(weft_consumer, &sides[i]);
    }
    if (a->producers == 0) {
        sides[2 * MAX_SIDE] = (side){.wq = q};
        pthread_create(&feeder, NULL, thread_feeder, &sides[2 * MAX_SIDE]);
    }
    for (int i = 0; i < a->producers; i++) {
        sides[a->consumers + i] = (side){.wq = q, .index = i, .count = a->producers};
        tasks[a->consumers + i] = weft_spawn(weft_producer, &sides[a->consumers + i]);
    }
    long sum = 0;
    for (int i = 0; i < a->consumers + a->producers; i++) {
        if (tasks[i] == NULL)
            check(weft_last_error(), "spawn");
        check(weft_await(tasks[i], NULL), "await");
        weft_task_release(tasks[i]);
        if (i < a->consumers)
            sum += sides[i].sum;
    }
    a->seconds = now() - start;
    if (a->producers == 0)
        pthread_join(feeder, NULL);
    check(weft_queue_free(q), "weft_queue_free");
    if (sum != expected_sum()) {
        fprintf(stderr, "bench_queue: weft queue lost items (sum %ld)\n", sum);
        exit(1);
    }
    return 0;
}

static double run_weft(unsigned workers, int producers, int consumers)
{
    weft_config config;
    weft_config_init(&config);
    config.workers = workers;
    weft_run_args args = {producers, consumers, 0};
    check(weft_run_with(&config, weft_coro_new(weft_main, &args), NULL), "weft_run_with");
    return args.seconds;
}

static void row(const char *what, double seconds, double reference)
{
    printf("  %-36s %8.2f M items/s  %7.1f ns/item", what, items / seconds / 1e6,
           seconds * 1e9 / items);
    if (reference > 0)
        printf("  %5.2fx the pthread queue", reference / seconds);
    printf("\n");
}

/* Confines this process, and the threads it creates from now on, to the
 * first `cpus` CPUs it is allowed; fewer allowed CPUs: all of them. */
static void confine(unsigned cpus)
{
    cpu_set_t allowed, chosen;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
        bench_fail("sched_getaffinity: %s", strerror(errno));
    CPU_ZERO(&chosen);
    unsigned taken = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && taken < cpus; cpu++) {
        if (CPU_ISSET(cpu, &allowed)) {
            CPU_SET(cpu, &chosen);
            taken++;
        }
    }
    if (sched_setaffinity(0, sizeof chosen, &chosen) != 0)
        bench_fail("sched_setaffinity: %s", strerror(errno));
}

/* One repetition of a workload on both systems, one bench.h row each. */
static int run_rows(char **argv)
{
    char *end = NULL;
    long workers = strtol(argv[2], &end, 10);
    if (*end != '\0' || workers < 1 || workers > 4096) {
        fprintf(stderr, "usage: %s queue-1to1|queue-4to4 WORKERS\n", argv[0]);
        return 1;
    }
    int side_count;
    if (strcmp(argv[1], "queue-1to1") == 0)
        side_count = 1;
    else if (strcmp(argv[1], "queue-4to4") == 0)
        side_count = 4;
    else
        bench_unsupported("bench_queue", argv[1]);
    alarm(BENCH_WATCHDOG_SECONDS);
    confine((unsigned)workers);
    long base = bench_memory_begin();
    double seconds = run_pthread(side_count, side_count);
    bench_row(argv[1], "pthread", (unsigned)workers, items, seconds, bench_memory_peak_delta(base),
              NULL);
    base = bench_memory_begin();
    seconds = run_weft((unsigned)workers, side_count, side_count);
    bench_row(argv[1], "weft", (unsigned)workers, items, seconds, bench_memory_peak_delta(base),
              NULL);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3)
        return run_rows(argv);
    if (argc > 1)
        items = atol(argv[1]);
    if (items < 1) {
        fprintf(stderr, "usage: bench_queue [items]\n");
        return 1;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned many = cpus > 2 ? (unsigned)cpus : 2;
    static const int shapes[][2] = {{1, 1}, {4, 4}};
    printf("queue throughput: %ld items through %d slots, median of %d runs, %ld online CPUs\n",
           items, CAPACITY, RUNS, cpus);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int producers = shapes[s][0], consumers = shapes[s][1];
        double pthread_runs[RUNS], one[RUNS], several[RUNS];
        for (int r = 0; r < RUNS; r++) {
            pthread_runs[r] = run_pthread(producers, consumers);
            one[r] = run_weft(1, producers, consumers);
            several[r] = run_weft(many, producers, consumers);
        }
        double reference = median(pthread_runs);
        printf("%d producer(s) -> %d consumer(s)\n", producers, consumers);
        char label[64];
        snprintf(label, sizeof label, "pthread mutex+condvar, %d+%d threads", producers,
                 consumers);
        row(label, reference, 0);
        row("weft_queue, tasks, 1 worker", median(one), reference);
        snprintf(label, sizeof label, "weft_queue, tasks, %u workers", many);
        row(label, median(several), reference);
    }
    /* The pipeline entry point: a plain thread feeding consumer tasks. */
    double fed[RUNS];
    for (int r = 0; r < RUNS; r++)
        fed[r] = run_weft(many, 0, 4);
    printf("1 plain thread (put_blocking) -> 4 consumer tasks\n");
    char label[64];
    snprintf(label, sizeof label, "weft_queue, %u workers", many);
    row(label, median(fed), 0);
    return 0;
}
