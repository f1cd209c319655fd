/* asyncio conformance scenario 17_cancel_after_complete: the C twin of 17_cancel_after_complete.py, whose CPython 3.11
 * output is expected/17_cancel_after_complete.txt.
 * S3 (second bullet): a task cancelled after the task it awaits has completed, but before its wakeup
 * runs, gets CancelledError instead of the result.
 */

#include "scenario.h"

static weft_task *task_a;

static int cancel_a(void *arg)
{
    (void)arg;
    printf("cb cancels A: %s\n", TF(weft_task_cancel(task_a, "late")));
    return 0;
}

static int b_body(void *arg, void **result)
{
    (void)arg;
    printf("B start\n");
    weft_yield();
    weft_call_soon(loop(), cancel_a, NULL, NULL);
    printf("B returns 42\n");
    *result = PV(42);
    return 0;
}

static int a_body(void *arg, void **result)
{
    weft_task *b = arg;
    printf("A awaits B\n");
    void *r = NULL;
    int rc = weft_await(b, &r);
    if (rc == 0) {
        printf("A got %d\n", IV(r));
    } else {
        const char *e = errstr(rc);
        void *br = NULL;
        int brc = weft_task_result(b, &br);
        printf("A caught %s B %s B result %d\n", e, st(b), brc ? -1 : IV(br));
    }
    printf("A cancelling %d\n", weft_task_cancelling(weft_current_task()));
    *result = PV(1);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *b = weft_task_create(weft_coro_new(b_body, NULL), NULL);
    weft_task *a = weft_task_create(weft_coro_new(a_body, b), NULL);
    task_a = a;
    void *r = NULL;
    int rc = weft_await(a, &r);
    if (rc)
        printf("await a failed: %s\n", errstr(rc));
    printf("main got %d A %s\n", IV(r), st(a));
    weft_task_release(a);
    weft_task_release(b);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
