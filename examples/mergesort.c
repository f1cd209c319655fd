/* Parallel mergesort: fork-join with one task per half.
 *
 * Sorts 10,000,000 random ints (fixed seed) on one worker, then on every
 * online CPU, checks the result (sorted, and the same multiset by sum and
 * xor), and prints the times, the speedup and the executor's counters.
 *
 *   cc -O2 mergesort.c $(pkg-config --cflags --libs weft)
 *   WEFT_WORKERS=4 ./a.out      # the second run's worker count
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <weft.h>

#define COUNT 10000000
#define CUTOFF 8192 /* below this many elements, sort sequentially */

/* A slice to sort, and scratch space of the same size. */
struct slice {
    int *a;
    int *tmp;
    size_t n;
};

/* Merges the sorted halves a[0, mid) and a[mid, n) through tmp back into a. */
static void merge(int *a, int *tmp, size_t mid, size_t n)
{
    size_t i = 0, j = mid, k = 0;
    while (i < mid && j < n)
        tmp[k++] = a[j] < a[i] ? a[j++] : a[i++];
    while (i < mid)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof(*a));
}

static void sort_sequential(int *a, int *tmp, size_t n)
{
    if (n <= 32) { /* insertion sort */
        for (size_t i = 1; i < n; i++) {
            int x = a[i];
            size_t j = i;
            for (; j > 0 && a[j - 1] > x; j--)
                a[j] = a[j - 1];
            a[j] = x;
        }
        return;
    }
    size_t mid = n / 2;
    sort_sequential(a, tmp, mid);
    sort_sequential(a + mid, tmp + mid, n - mid);
    merge(a, tmp, mid, n);
}

/* async def sort(s): sorts the left half in a new task, the right half
 * itself, awaits the left half, then merges. */
static int sort(void *arg, void **result)
{
    (void)result;
    struct slice *s = arg;
    if (s->n <= CUTOFF) {
        sort_sequential(s->a, s->tmp, s->n);
        return 0;
    }
    size_t mid = s->n / 2;
    struct slice left = {s->a, s->tmp, mid};
    struct slice right = {s->a + mid, s->tmp + mid, s->n - mid};

    weft_task *task = weft_spawn(sort, &left); /* left lives until we await */
    if (task == NULL)
        return weft_last_error();
    int rc = sort(&right, NULL);      /* a plain call: no task needed */
    int rc_left = weft_await(task, NULL);
    weft_task_release(task);
    if (rc == 0)
        rc = rc_left;
    if (rc == 0)
        merge(s->a, s->tmp, mid, s->n);
    return rc;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One timed sort, run as the main coroutine of an executor. */
struct run {
    struct slice slice;
    double seconds;
    weft_executor_stats stats;
};

static int run_main(void *arg, void **result)
{
    struct run *r = arg;
    double start = now();
    int rc = sort(&r->slice, result);
    r->seconds = now() - start;
    weft_executor_get_stats(weft_executor_current(), &r->stats);
    return rc;
}

/* Sorts a copy of input on `workers` workers (0: WEFT_WORKERS or every
 * online CPU) and checks it against the input's checksums. */
static int timed_sort(const int *input, unsigned workers, struct run *r)
{
    int *a = malloc(COUNT * sizeof(*a));
    int *tmp = malloc(COUNT * sizeof(*tmp));
    if (a == NULL || tmp == NULL) {
        free(a);
        free(tmp);
        fprintf(stderr, "mergesort: out of memory\n");
        return 1;
    }
    memcpy(a, input, COUNT * sizeof(*a));
    *r = (struct run){.slice = {a, tmp, COUNT}};

    weft_config config;
    weft_config_init(&config);
    config.workers = workers;
    config.order = WEFT_ORDER_LIFO; /* depth first, the default with several workers */
    int rc = weft_run_with(&config, weft_coro_new(run_main, r), NULL);
    if (rc != 0) {
        const char *msg = weft_last_error_message();
        fprintf(stderr, "mergesort: %s: %s\n", weft_error_name(rc), msg ? msg : weft_strerror(rc));
        return 1;
    }

    uint64_t sum_in = 0, sum_out = 0;
    unsigned xor_in = 0, xor_out = 0;
    size_t unsorted = 0;
    for (size_t i = 0; i < COUNT; i++) {
        sum_in += (unsigned)input[i];
        xor_in ^= (unsigned)input[i];
        sum_out += (unsigned)a[i];
        xor_out ^= (unsigned)a[i];
        if (i > 0 && a[i - 1] > a[i])
            unsorted++;
    }
    free(a);
    free(tmp);
    if (unsorted != 0 || sum_in != sum_out || xor_in != xor_out) {
        fprintf(stderr, "mergesort (workers: %u): %zu elements out of order, checksum %s\n",
                r->stats.workers, unsorted,
                sum_in == sum_out && xor_in == xor_out ? "ok" : "WRONG");
        return 1;
    }
    return 0;
}

int main(void)
{
    int *input = malloc(COUNT * sizeof(*input));
    if (input == NULL)
        return 1;
    uint64_t x = 88172645463325252u; /* xorshift64, fixed seed */
    for (size_t i = 0; i < COUNT; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        input[i] = (int)(uint32_t)(x >> 32);
    }

    struct run one, all;
    if (timed_sort(input, 1, &one) != 0 || timed_sort(input, 0, &all) != 0) {
        free(input);
        return 1;
    }
    printf("mergesort %d ints: 1 worker %.2f s, %u worker%s %.2f s, speedup %.2fx "
           "(steals %llu, parks %llu)\n",
           COUNT, one.seconds, all.stats.workers, all.stats.workers == 1 ? "" : "s", all.seconds,
           one.seconds / all.seconds,
           (unsigned long long)all.stats.steals, (unsigned long long)all.stats.parks);
    free(input);
    return 0;
}
