/* 12: inside a new task, the current task is that task (Task-2). main is
 * waiting for it, which its description shows as cb=[Task.task_wakeup()]. */
#include <stdio.h>
#include <weft.h>

static int another_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("executing the task\n");
    char buf[512];
    weft_task_describe(weft_current_task(), buf, sizeof buf);
    printf("%s\n", buf);
    return 0;
}

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("main coroutine started\n");
    weft_task *task = weft_task_create(weft_coro_new(another_coroutine, NULL), NULL);
    if (task == NULL)
        return weft_last_error();
    int rc = weft_await(task, NULL);
    weft_task_release(task);
    return rc;
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
