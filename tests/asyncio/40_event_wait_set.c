/* asyncio conformance scenario 40_event_wait_set: the C twin of 40_event_wait_set.py, whose
 * CPython 3.11 output is expected/40_event_wait_set.txt.
 * Event: set() wakes every waiter one hop later in FIFO order; wait() on a set event does not
 * suspend; clear() after set() does not take the wake-up back.
 */

#include "scenario.h"

static weft_event *ev;

static int waiter(void *arg, void **result)
{
    const char *name = arg;
    printf("%s waits\n", name);
    int rc = weft_event_wait(ev);
    printf("%s woke %s is_set=%s\n", name, TF(rc == 0), TF(weft_event_is_set(ev)));
    *result = PV(0);
    return rc;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_event_new(&ev);
    printf("is_set %s\n", TF(weft_event_is_set(ev)));
    static const char *names[] = {"w0", "w1", "w2"};
    weft_task *ws[3];
    for (int i = 0; i < 3; i++)
        ws[i] = weft_task_create(weft_coro_new(waiter, (void *)names[i]), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(5)), NULL);
    weft_yield();
    printf("main sets\n");
    weft_event_set(ev);
    weft_event_set(ev);
    printf("is_set %s\n", TF(weft_event_is_set(ev)));
    weft_yield();
    printf("main after one hop\n");
    int rc = weft_event_wait(ev);
    printf("wait on a set event: %s (same step)\n", TF(rc == 0));
    weft_event_clear(ev);
    printf("is_set %s\n", TF(weft_event_is_set(ev)));
    weft_task *w3 = weft_task_create(weft_coro_new(waiter, "w3"), NULL);
    weft_yield();
    weft_event_set(ev);
    weft_event_clear(ev);
    printf("set then clear: is_set %s\n", TF(weft_event_is_set(ev)));
    for (int i = 0; i < 3; i++) {
        weft_await(ws[i], NULL);
        weft_task_release(ws[i]);
    }
    weft_await(w3, NULL);
    weft_await(tk, NULL);
    weft_task_release(w3);
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
