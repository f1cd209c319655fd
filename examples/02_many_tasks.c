/* 02: create 20 tasks, then await them in order. The tasks sleep at the same
 * time, so the program takes about 1 s, not 20. */
#include <stdint.h>
#include <stdio.h>
#include <weft.h>

#define NTASKS 20

/* async def task_coroutine(value): */
static int task_coroutine(void *arg, void **result)
{
    (void)result;
    int value = (int)(intptr_t)arg;
    printf(">executing the task %d\n", value);
    return weft_sleep(1);
}

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("main coroutine started\n");
    weft_task *tasks[NTASKS];
    int rc = 0, n = 0;
    /* tasks = [asyncio.create_task(task_coroutine(i)) for i in range(20)] */
    for (; n < NTASKS; n++) {
        tasks[n] = weft_task_create(weft_coro_new(task_coroutine, (void *)(intptr_t)n), NULL);
        if (tasks[n] == NULL) {
            rc = weft_last_error();
            break;
        }
    }
    /* for task in tasks: await task (tasks not awaited after an error are
     * cancelled when weft_run shuts down, as asyncio.run does) */
    for (int i = 0; i < n; i++) {
        if (rc == 0)
            rc = weft_await(tasks[i], NULL);
        weft_task_release(tasks[i]);
    }
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
        return 1;
    }
    return 0;
}
