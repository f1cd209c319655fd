/* asyncio conformance scenario 14_self_cancel_return: the C twin of 14_self_cancel_return.py, whose CPython 3.11
 * output is expected/14_self_cancel_return.txt.
 * S6 R3: a task that cancels itself and returns without awaiting ends cancelled with the message;
 * this path keeps the message on every retrieval.
 */

#include "scenario.h"

static int selfc(void *arg, void **result)
{
    (void)arg;
    weft_task *me = weft_current_task();
    printf("selfc cancel %s\n", TF(weft_task_cancel(me, "bye")));
    printf("selfc cancelling %d cancelled %s\n", weft_task_cancelling(me),
           TF(weft_task_cancelled(me)));
    printf("selfc returns 5\n");
    *result = PV(5);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *t = weft_task_create(weft_coro_new(selfc, NULL), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(2)), NULL);
    weft_yield();
    printf("t %s cancelling %d\n", st(t), weft_task_cancelling(t));
    for (int i = 0; i < 2; i++) {
        int rc = weft_task_result(t, NULL);
        printf("t.result: %s\n", errstr(rc));
    }
    const char *msg = NULL;
    int rc = weft_task_exception(t, &msg);
    /* A cancelled task's message comes as the last error message (like result()). */
    printf("t.exception: %s\n", rc == WEFT_ECANCELLED ? errstr(rc) : errfmt(rc, msg));
    rc = weft_await(t, NULL);
    printf("await t: %s\n", errstr(rc));
    weft_await(tk, NULL);
    weft_task_release(t);
    weft_task_release(tk);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
