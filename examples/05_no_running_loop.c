/* 05: creating a task needs a running loop. After weft_run() (asyncio.run)
 * has returned there is none: weft_task_create() fails with WEFT_ENOLOOP
 * ("RuntimeError: no running event loop") and the coroutine stays ours. */
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
    printf("main coroutine done\n");
    return 0;
}

int main(void)
{
    int rc = weft_run(weft_coro_new(main_coroutine, NULL), NULL);
    if (rc != 0)
        return 1;

    weft_coro *coro = weft_coro_new(task_coroutine, NULL);
    weft_task *task = weft_task_create(coro, NULL);
    if (task != NULL) { /* not expected: no loop is running */
        weft_task_release(task);
        return 1;
    }
    rc = weft_last_error();
    const char *msg = weft_last_error_message();
    printf("%s: %s\n", weft_error_name(rc), msg ? msg : weft_strerror(rc));
    /* The coroutine was never handed over: free it. Like Python's
     * "RuntimeWarning: coroutine 'task_coroutine' was never awaited",
     * weft reports it on stderr. */
    weft_coro_free(coro);
    return rc == WEFT_ENOLOOP ? 0 : 1;
}
