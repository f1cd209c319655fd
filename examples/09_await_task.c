/* 09: the same as 08, with the inner coroutine wrapped in a task. */
#include <stdio.h>
#include <weft.h>

static int custom_coro(void *arg, void **result)
{
    (void)result;
    const char *message = arg;
    printf("%s\n", message);
    return 0;
}

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("Hi from coroutine within a coroutine\n");
    weft_task *task = weft_task_create(weft_coro_new(custom_coro, "Hi from a coroutine"), NULL);
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
