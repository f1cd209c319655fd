/* 13: a task cannot await itself: weft_await() fails with WEFT_EAWAITSELF,
 * Python's "RuntimeError: Task cannot await on itself: <Task ...>". */
#include <stdio.h>
#include <weft.h>

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("main coroutine started\n");
    weft_task *task = weft_current_task(); /* borrowed: not released */
    return weft_await(task, NULL);         /* the error ends main, then weft_run */
}

int main(void)
{
    /* Named "main" by hand (C reserves the name) to read coro=<main() ...>. */
    weft_coro *coro = weft_coro_new_named(main_coroutine, NULL, "main", __FILE__, __LINE__);
    int rc = weft_run(coro, NULL);
    if (rc != 0) {
        const char *msg = weft_last_error_message();
        printf("%s: %s\n", weft_error_name(rc), msg ? msg : weft_strerror(rc));
    }
    return rc == WEFT_EAWAITSELF ? 0 : 1;
}
