/* Deadlines, on four workers: a timeout scope around a slow operation
 * cancels it and reports WEFT_ETIMEDOUT (TimeoutError); a fast one is left
 * alone; weft_wait_for does the same for one coroutine or task, and
 * weft_shield keeps a task running past the deadline of its waiter.
 * Python version: python/timeout.py (same output). */
#include <stdio.h>
#include <weft.h>

struct lookup {
    const char *name;
    double delay;
    char result[32];
};

static int lookup(void *arg, void **result)
{
    struct lookup *job = arg;
    int rc = weft_sleep(job->delay);
    if (rc == WEFT_ECANCELLED) {
        printf("%s: cancelled by the deadline\n", job->name);
        return rc;
    }
    snprintf(job->result, sizeof job->result, "%s: found", job->name);
    *result = job->result;
    return 0;
}

static int shielded_wait(void *arg, void **result)
{
    return weft_shield(arg, result);
}

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    struct lookup slow = {"slow", 10, ""}, fast = {"fast", 0, ""}, waited = {"wait_for", 10, ""},
                  shielded = {"shielded", 0.2, ""};
    void *text = NULL;

    weft_timeout *scope;
    int rc = weft_timeout_enter(&scope, 0.1);
    if (rc != 0)
        return rc;
    rc = weft_await_coro(weft_coro_new(lookup, &slow), &text);
    if (rc == 0)
        printf("%s\n", (const char *)text);
    rc = weft_timeout_exit(scope, rc);
    if (rc == WEFT_ETIMEDOUT)
        printf("slow: timed out, expired: %s\n", weft_timeout_expired(scope) ? "True" : "False");
    weft_timeout_free(scope);

    rc = weft_timeout_enter(&scope, 5);
    if (rc != 0)
        return rc;
    rc = weft_await_coro(weft_coro_new(lookup, &fast), &text);
    if (rc == 0)
        printf("%s\n", (const char *)text);
    rc = weft_timeout_exit(scope, rc);
    printf("fast: expired: %s\n", weft_timeout_expired(scope) ? "True" : "False");
    weft_timeout_free(scope);
    if (rc != 0)
        return rc;

    rc = weft_wait_for_coro(weft_coro_new(lookup, &waited), 0.1, &text);
    if (rc == WEFT_ETIMEDOUT)
        printf("wait_for: timed out\n");

    weft_task *task = weft_task_create(weft_coro_new(lookup, &shielded), NULL);
    rc = weft_wait_for_coro(weft_coro_new(shielded_wait, task), 0.05, &text);
    if (rc == WEFT_ETIMEDOUT)
        printf("shield: the waiter timed out, the task goes on\n");
    rc = weft_await(task, &text);
    weft_task_release(task);
    if (rc != 0)
        return rc;
    printf("%s\n", (const char *)text);
    printf("cancelling: %d\n", weft_task_cancelling(weft_current_task()));
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
