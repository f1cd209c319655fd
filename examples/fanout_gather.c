/* Fan-out with gather: eight jobs run at the same time on four workers and
 * their results come back in argument order; one failing job makes gather
 * fail, or, with return_errors, takes its place among the results.
 * Python version: python/fanout_gather.py (same output). */
#include <stdint.h>
#include <stdio.h>
#include <weft.h>

enum { JOB_ERROR = 7 };

/* A little CPU work in slices, with a turn for the others between them. */
static int checksum(void *arg, void **result)
{
    intptr_t job = (intptr_t)arg;
    long total = 0;
    for (long start = job * 1000; start < job * 1000 + 1000; start += 100) {
        for (long i = start; i < start + 100; i++)
            total = (total + i * i) % 1000003;
        int rc = weft_yield();
        if (rc != 0)
            return rc;
    }
    *result = (void *)(intptr_t)total;
    return 0;
}

static int flaky(void *arg, void **result)
{
    intptr_t job = (intptr_t)arg;
    int rc = weft_sleep(0.01 * (double)job);
    if (rc != 0)
        return rc;
    if (job == 3)
        return weft_raise(JOB_ERROR, "job %ld failed", (long)job);
    *result = (void *)(intptr_t)(job * 10);
    return 0;
}

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    /* gather over coroutines: each becomes a task, in argument order. */
    weft_coro *coros[8];
    for (intptr_t job = 0; job < 8; job++)
        coros[job] = weft_coro_new(checksum, (void *)job);
    void *values[8];
    int rc = weft_gather_coros(coros, 8, false, values, NULL);
    if (rc != 0)
        return rc;
    long total = 0;
    for (int job = 0; job < 8; job++) {
        printf("checksum %d: %ld\n", job, (long)(intptr_t)values[job]);
        total += (long)(intptr_t)values[job];
    }
    printf("total: %ld\n", total % 1000003);

    /* return_errors over tasks we keep, to read each failure's message. */
    weft_task *tasks[5];
    for (intptr_t job = 0; job < 5; job++)
        tasks[job] = weft_task_create(weft_coro_new(flaky, (void *)job), NULL);
    int codes[5];
    rc = weft_gather(tasks, 5, true, values, codes);
    for (int job = 0; job < 5 && rc == 0; job++) {
        const char *message = NULL;
        if (codes[job] != 0 && weft_task_exception(tasks[job], &message) != 0)
            printf("flaky %d: failed: %s\n", job, message);
        else
            printf("flaky %d: %ld\n", job, (long)(intptr_t)values[job]);
    }
    for (int job = 0; job < 5; job++)
        weft_task_release(tasks[job]);
    if (rc != 0)
        return rc;

    /* Without return_errors the first failure comes back at once. */
    weft_coro *again[5];
    for (intptr_t job = 0; job < 5; job++)
        again[job] = weft_coro_new(flaky, (void *)job);
    rc = weft_gather_coros(again, 5, false, NULL, NULL);
    if (rc == JOB_ERROR)
        printf("gather raised: %s\n", weft_last_error_message());
    return 0;
}

int main(void)
{
    weft_config config;
    weft_config_init(&config);
    config.workers = 4;
    int rc = weft_run_with(&config, weft_coro_new(main_coroutine, NULL), NULL);
    if (rc != 0) {
        const char *msg = weft_last_error_message();
        printf("%s: %s\n", weft_error_name(rc), msg ? msg : weft_strerror(rc));
        return 1;
    }
    return 0;
}
