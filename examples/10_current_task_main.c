/* 10: the current task inside main: the task weft_run() made for it (Task-1). */
#include <stdio.h>
#include <weft.h>

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("main coroutine started\n");
    char buf[512];
    weft_task_describe(weft_current_task(), buf, sizeof buf); /* print(task) */
    printf("%s\n", buf);
    return 0;
}

int main(void)
{
    /* C reserves the name main, so the coroutine is named "main" by hand:
     * its task then reads coro=<main() ...> as in Python. */
    weft_coro *coro = weft_coro_new_named(main_coroutine, NULL, "main", __FILE__, __LINE__);
    int rc = weft_run(coro, NULL);
    if (rc != 0) {
        const char *msg = weft_last_error_message();
        printf("%s: %s\n", weft_error_name(rc), msg ? msg : weft_strerror(rc));
        return 1;
    }
    return 0;
}
