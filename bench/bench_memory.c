/* Memory per task that has been created but not started (issue 4: at most
 * 400 bytes). One task on one worker spawns 1,000,000 empty tasks, reading
 * VmRSS and VmHWM from /proc/self/status before and after, then awaits them
 * all (each runs on a stack of its own, one at a time, so the peak should
 * not grow). Linux only. Prints figures; fails only on a library error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft.h"

#define TASKS 1000000L

/* A "Key:   123 kB" line of /proc/self/status in kB, or -1. */
static long status_kb(const char *key)
{
    FILE *file = fopen("/proc/self/status", "r");
    if (file == NULL)
        return -1;
    char line[256];
    long value = -1;
    size_t length = strlen(key);
    while (fgets(line, sizeof line, file) != NULL) {
        if (strncmp(line, key, length) == 0 && line[length] == ':') {
            value = strtol(line + length + 1, NULL, 10);
            break;
        }
    }
    fclose(file);
    return value;
}

static int empty(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return 0;
}

static int bench_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task **tasks = calloc((size_t)TASKS, sizeof *tasks);
    if (tasks == NULL)
        return WEFT_ENOMEM;
    memset(tasks, 0xff, (size_t)TASKS * sizeof *tasks); /* resident before the first reading */
    long rss_before = status_kb("VmRSS"), peak_before = status_kb("VmHWM");
    for (long i = 0; i < TASKS; i++) {
        if ((tasks[i] = weft_spawn(empty, NULL)) == NULL) {
            free(tasks);
            return weft_last_error();
        }
    }
    long rss_created = status_kb("VmRSS");
    int rc = 0;
    for (long i = 0; i < TASKS; i++) {
        if (rc == 0)
            rc = weft_await(tasks[i], NULL);
        weft_task_release(tasks[i]);
    }
    long peak_after = status_kb("VmHWM");
    free(tasks);
    if (rc != 0)
        return rc;
    printf("flat %ld tasks, created but not started (one worker):\n", TASKS);
    printf("  resident growth while creating: %7.1f bytes per task\n",
           (double)(rss_created - rss_before) * 1024.0 / (double)TASKS);
    printf("  peak growth, creating + awaiting: %5.1f bytes per task\n",
           (double)(peak_after - peak_before) * 1024.0 / (double)TASKS);
    return 0;
}

int main(void)
{
    weft_config config;
    weft_config_init(&config);
    config.workers = 1;
    int rc = weft_run_with(&config, weft_coro_new(bench_main, NULL), NULL);
    if (rc != 0) {
        const char *message = weft_last_error_message();
        fprintf(stderr, "bench_memory: %s: %s\n", weft_error_name(rc),
                message != NULL ? message : weft_strerror(rc));
        return 1;
    }
    return 0;
}
