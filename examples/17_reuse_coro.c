/* 17: a coroutine runs once. Wrapping a finished task's coroutine in a second
 * task fails with WEFT_EREUSED, Python's "RuntimeError: cannot reuse already
 * awaited coroutine" (weft reports it at creation, Python when the second
 * task first runs). */
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
    int rc = weft_await(task, NULL);
    if (rc == 0) {
        weft_task *again = weft_task_create(weft_task_get_coro(task), NULL);
        if (again == NULL) {
            rc = weft_last_error();
        } else {
            rc = weft_await(again, NULL);
            weft_task_release(again);
        }
    }
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
    return rc == WEFT_EREUSED ? 0 : 1;
}
