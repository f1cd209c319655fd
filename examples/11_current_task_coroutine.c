/* 11: a coroutine awaited directly runs inside its caller's task: the
 * current task is still Task-1 running main(), not custom_coroutine(). */
#include <stdio.h>
#include <weft.h>

static int custom_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("executing the coroutine\n");
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
    return weft_await_coro(weft_coro_new(custom_coroutine, NULL), NULL);
}

int main(void)
{
    /* Named "main" by hand (C reserves the name) to read coro=<main() ...>. */
    weft_coro *coro = weft_coro_new_named(main_coroutine, NULL, "main", __FILE__, __LINE__);
    int rc = weft_run(coro, NULL);
    if (rc != 0) {
        const char *msg = weft_last_error_message();
        printf("%s: %s\n", weft_error_name(rc), msg ? msg : weft_strerror(rc));
        return 1;
    }
    return 0;
}
