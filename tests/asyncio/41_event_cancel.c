/* asyncio conformance scenario 41_event_cancel: the C twin of 41_event_cancel.py, whose
 * CPython 3.11 output is expected/41_event_cancel.txt.
 * Event: a waiter cancelled while waiting wakes one hop later with the message and set() skips
 * it; a waiter cancelled after set() but before its wake-up gets CancelledError (S3).
 */

#include "scenario.h"

static weft_event *ev;

static int waiter(void *arg, void **result)
{
    const char *name = arg;
    printf("%s waits\n", name);
    int rc = weft_event_wait(ev);
    if (rc != 0) {
        printf("%s caught %s\n", name, errstr(rc));
        return rc;
    }
    printf("%s woke True\n", name);
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_event_new(&ev);
    static const char *names[] = {"w0", "w1", "w2", "w3"};
    weft_task *ws[4];
    for (int i = 0; i < 4; i++)
        ws[i] = weft_task_create(weft_coro_new(waiter, (void *)names[i]), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(4)), NULL);
    weft_yield();
    printf("cancel w1: %s\n", TF(weft_task_cancel(ws[1], "stop w1") == 1));
    weft_yield();
    printf("main sets\n");
    weft_event_set(ev);
    printf("cancel w2 after set: %s\n", TF(weft_task_cancel(ws[2], "late") == 1));
    weft_yield();
    printf("main after one hop\n");
    for (int i = 0; i < 4; i++) {
        weft_await(ws[i], NULL);
        printf("w%d %s\n", i, st(ws[i]));
        weft_task_release(ws[i]);
    }
    weft_await(tk, NULL);
    weft_task_release(tk);
    printf("main end\n");
    weft_event_free(ev);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
