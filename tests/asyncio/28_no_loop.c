/* asyncio conformance scenario 28_no_loop: the C twin of 28_no_loop.py, whose CPython 3.11
 * output is expected/28_no_loop.txt.
 * T2 section 7: create_task and all_tasks without a running loop; asyncio.run inside a running loop.
 */

#include "scenario.h"

static int c(void *arg, void **result)
{
    (void)arg;
    *result = PV(1);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_coro *co = weft_coro_new(c, NULL);
    int rc = weft_run(co, NULL);
    printf("run inside loop: %s\n", errstr(rc));
    if (rc == WEFT_ERUNNING)
        weft_coro_free(co); /* still ours: weft_run did not take it over */
    printf("main still fine, all_tasks: %s\n", names());
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    weft_coro *co = weft_coro_new(c, NULL);
    weft_task *t = weft_task_create(co, NULL);
    if (t == NULL) {
        printf("create_task outside: %s\n", errstr(weft_last_error()));
        weft_coro_free(co); /* stays the caller's on WEFT_ENOLOOP */
    } else {
        weft_task_release(t);
    }
    weft_task **tasks = NULL;
    size_t n = 0;
    int rc = weft_all_tasks(&tasks, &n);
    if (rc)
        printf("all_tasks outside: %s\n", errstr(rc));
    else
        weft_tasks_release(tasks, n);
    run(weft_coro_new(amain, NULL));
    rc = weft_all_tasks(&tasks, &n);
    if (rc)
        printf("all_tasks after run: %s\n", errstr(rc));
    else
        weft_tasks_release(tasks, n);
    return 0;
}
