/* 18: a task's result: the coroutine stores it in *result (Python's
 * `return 'done'`) and weft_await() hands it to the awaiter. */
#include <stdio.h>
#include <weft.h>

static int task_coroutine(void *arg, void **result)
{
    (void)arg;
    printf("executing the task\n");
    int rc = weft_sleep(1);
    if (rc != 0)
        return rc;
    *result = "done"; /* return 'done' */
    return 0;
}

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("main coroutine started\n");
    weft_task *task = weft_task_create(weft_coro_new(task_coroutine, NULL), NULL);
    if (task == NULL)
        return weft_last_error();
    void *value = NULL;
    int rc = weft_await(task, &value); /* value = await task */
    weft_task_release(task);
    if (rc != 0)
        return rc;
    printf("%s\n", (const char *)value);
    return 0;
}

int main(void)
{
    int rc = weft_run(weft_coro_new(main_coroutine, NULL), NULL);
    if (rc != 0) {
        const char *msg = weft_last_error_message();
        printf("%s: %s\n", weft_error_name(rc), msg ? msg : weft_strerror(rc));
        return 1;
    }
    return 0;
}
