/* asyncio conformance scenario 31_shutdown_main_error: the C twin of 31_shutdown_main_error.py, whose CPython 3.11
 * output is expected/31_shutdown_main_error.txt.
 * A3 A5: when main fails, pending tasks are still cancelled and finished first; run() then raises
 * main's error.
 */

#include "scenario.h"

static int bg(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("bg start\n");
    int rc = weft_sleep(10);
    if (rc == WEFT_ECANCELLED) {
        printf("bg cancelled %s\n", errstr(rc));
        return rc;
    }
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task_release(weft_task_create(weft_coro_new(bg, NULL), NULL));
    weft_yield();
    printf("main raises\n");
    return weft_raise(5, "main failed");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
