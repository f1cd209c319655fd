/* 06: create_task() wants a coroutine. task_function() is a plain function:
 * calling it runs its body at once and gives no coroutine (NULL, Python's
 * None), so weft_task_create() fails with WEFT_ENOTCORO (TypeError). */
#include <stdio.h>
#include <weft.h>

/* def task_function(): a plain function returning nothing */
static void *task_function(void)
{
    printf("executing the task\n");
    return NULL;
}

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("main coroutine started\n");
    weft_task *task = weft_task_create(task_function(), NULL);
    if (task == NULL)
        return weft_last_error(); /* "raise": the error ends main and weft_run */
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
    }
    return rc == WEFT_ENOTCORO ? 0 : 1;
}
