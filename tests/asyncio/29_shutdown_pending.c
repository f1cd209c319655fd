/* asyncio conformance scenario 29_shutdown_pending: the C twin of 29_shutdown_pending.py, whose CPython 3.11
 * output is expected/29_shutdown_pending.txt.
 * A2 A3 A4 A5: after main returns, the stop runs one hop later (a task created in main's last step
 * still gets its first step); pending tasks are then cancelled and run to completion, taking any
 * number of further steps; run() returns main's result last.
 */

#include "scenario.h"

static int stubborn(void *arg, void **result)
{
    (void)arg;
    printf("stubborn start\n");
    int rc = weft_sleep(10);
    if (rc == WEFT_ECANCELLED) {
        printf("stubborn cancelled %s cancelling %d\n", errstr(rc),
               weft_task_cancelling(weft_current_task()));
        weft_yield();
        printf("stubborn cleanup 1\n");
        weft_sleep(0.01);
        printf("stubborn cleanup 2\n");
        *result = PV(7);
        return 0;
    }
    return 0;
}

static int late(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("late first step\n");
    for (;;) {
        int rc = weft_yield();
        if (rc) {
            printf("late cancelled %s\n", errstr(rc));
            return rc;
        }
        printf("late loops\n");
    }
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task_release(weft_task_create(weft_coro_new(stubborn, NULL), NULL));
    weft_yield();
    weft_task_release(weft_task_create(weft_coro_new(late, NULL), NULL));
    printf("main returns 5\n");
    *result = PV(5);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
