/* 19: three tasks sleep at the same time; they finish in deadline order
 * (b, a, c) whatever order they are awaited in. */
#include <stdio.h>
#include <weft.h>

struct job {
    const char *name;
    double delay;
};

/* async def worker(name, delay): */
static int worker(void *arg, void **result)
{
    (void)result;
    struct job *job = arg;
    printf("%s: started\n", job->name);
    int rc = weft_sleep(job->delay);
    if (rc != 0)
        return rc;
    printf("%s: finished\n", job->name);
    return 0;
}

static struct job jobs[] = {{"a", 1.0}, {"b", 0.5}, {"c", 1.5}};
#define NJOBS (sizeof jobs / sizeof jobs[0])

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *tasks[NJOBS];
    size_t n = 0;
    int rc = 0;
    for (; n < NJOBS; n++) {
        tasks[n] = weft_task_create(weft_coro_new(worker, &jobs[n]), NULL);
        if (tasks[n] == NULL) {
            rc = weft_last_error();
            break;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            rc = weft_await(tasks[i], NULL);
        weft_task_release(tasks[i]);
    }
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
