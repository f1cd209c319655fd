/* 04: loop = asyncio.get_running_loop(); loop.create_task(coro, name='MyTask').
 * In weft the running loop is the executor of the current task. */
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
    printf("main coroutine started\n");
    weft_executor *loop = weft_executor_current();
    weft_task *task = weft_executor_submit(loop, weft_coro_new(task_coroutine, NULL), "MyTask");
    if (task == NULL)
        return weft_last_error();
    int rc = weft_await(task, NULL);
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
