/* 15: weft_task_get_coro() (task.get_coro()) gives back the very coroutine
 * object the task was created from. */
#include <stdio.h>
#include <weft.h>

static int task_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("executing the task\n");
    return weft_sleep(1);
}

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    char buf[256];
    printf("main coroutine started\n");
    weft_coro *coro = weft_coro_new(task_coroutine, NULL);
    weft_coro_describe(coro, buf, sizeof buf); /* print(coro) */
    printf("%s\n", buf);
    weft_task *task = weft_task_create(coro, NULL); /* the task owns coro now */
    if (task == NULL) {
        int rc = weft_last_error();
        weft_coro_free(coro);
        return rc;
    }
    int rc = weft_sleep(0.1); /* let the task start */
    if (rc == 0) {
        weft_coro *task_coro = weft_task_get_coro(task); /* borrowed from the task */
        weft_coro_describe(task_coro, buf, sizeof buf);
        printf("%s\n", buf);
        printf("same: %s\n", coro == task_coro ? "True" : "False");
        rc = weft_await(task, NULL);
    }
    weft_task_release(task);
    if (rc != 0)
        return rc;
    printf("main coroutine done\n");
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
