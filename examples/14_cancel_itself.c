/* 14: a task may cancel itself. The request succeeds (cancel() returns True),
 * the task ends cancelled, and weft_run() reports WEFT_ECANCELLED
 * (CancelledError) instead of main's result. */
#include <stdio.h>
#include <weft.h>

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("main coroutine started\n");
    int canceled = weft_task_cancel(weft_current_task(), NULL);
    printf("canceled: %s\n", canceled == 1 ? "True" : "False");
    return 0;
}

int main(void)
{
    int rc = weft_run(weft_coro_new(main_coroutine, NULL), NULL);
    if (rc != 0) {
        /* The message is the cancel message: none here, so it is empty, as
         * str(CancelledError()) is in Python. */
        const char *msg = weft_last_error_message();
        printf("%s: %s\n", weft_error_name(rc), msg ? msg : "");
    }
    return rc == WEFT_ECANCELLED ? 0 : 1;
}
