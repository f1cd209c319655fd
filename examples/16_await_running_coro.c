/* 16: while the task runs its coroutine (suspended in a sleep), awaiting that
 * coroutine directly as well fails with WEFT_EAWAITED, Python's
 * "RuntimeError: coroutine is being awaited already". */
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
    weft_task *task = weft_task_create(weft_coro_new(task_coroutine, NULL), NULL);
    if (task == NULL)
        return weft_last_error();
    int rc = weft_sleep(0.1); /* let the task start and suspend */
    if (rc == 0)
        rc = weft_await_coro(weft_task_get_coro(task), NULL); /* await task.get_coro() */
    /* The task is still pending: weft_run() cancels it at shutdown. */
    weft_task_release(task);
    return rc;
}

int main(void)
{
    int rc = weft_run(weft_coro_new(main_coroutine, NULL), NULL);
    if (rc != 0) {
        const char *msg = weft_last_error_message();
        printf("%s: %s\n", weft_error_name(rc), msg ? msg : weft_strerror(rc));
    }
    return rc == WEFT_EAWAITED ? 0 : 1;
}
