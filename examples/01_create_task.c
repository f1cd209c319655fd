/* 01: create a task and await it, like asyncio.create_task(). */
#include <stdio.h>
#include <weft.h>

/* async def task_coroutine(): */
static int task_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("executing the task\n");
    return weft_sleep(1); /* await asyncio.sleep(1) */
}

/* async def main(): */
static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("main coroutine started\n");
    weft_task *task = weft_task_create(weft_coro_new(task_coroutine, NULL), NULL);
    if (task == NULL)
        return weft_last_error();
    int rc = weft_await(task, NULL);
    weft_task_release(task); /* we own one reference to the task */
    if (rc != 0)
        return rc;
    printf("main coroutine done\n");
    return 0;
}

int main(void)
{
    int rc = weft_run(weft_coro_new(main_coroutine, NULL), NULL); /* asyncio.run(main()) */
    if (rc != 0) {
        const char *msg = weft_last_error_message();
        printf("%s: %s\n", weft_error_name(rc), msg ? msg : weft_strerror(rc));
        return 1;
    }
    return 0;
}
