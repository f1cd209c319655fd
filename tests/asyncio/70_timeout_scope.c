/* asyncio conformance scenario 70_timeout_scope: the C twin of 70_timeout_scope.py, whose CPython
 * 3.11 output is expected/70_timeout_scope.txt.
 * asyncio.timeout: an expired scope cancels the task and turns its CancelledError into
 * TimeoutError on exit, with cancelling() back to its entry level; a past deadline fires at the
 * next hop (call_soon); reschedule moves or removes the deadline (not once it fired); a body that
 * swallows the cancel ends normally with expired() True; nested scopes: only the one that fired
 * converts; a cancel from elsewhere during an expired scope stays a CancelledError.
 */

#include "scenario.h"

static const char *state(const weft_timeout *cm)
{
    static char buf[4][96];
    static int slot;
    char *b = buf[slot++ % 4];
    snprintf(b, 96, "expired=%s cancelling=%d", TF(weft_timeout_expired(cm)),
             weft_task_cancelling(weft_current_task()));
    return b;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_timeout *cm, *inner;

    weft_timeout_enter(&cm, 0.02);
    printf("deadline set %s\n", TF(weft_timeout_when(cm) != WEFT_NO_TIMEOUT));
    int rc = weft_sleep(10);
    if (rc == 0)
        printf("not reached\n");
    rc = weft_timeout_exit(cm, rc);
    if (rc != 0)
        printf("expiring scope raised %s %s\n", errstr(rc), state(cm));
    weft_timeout_free(cm);

    weft_timeout_enter(&cm, 5);
    rc = weft_timeout_exit(cm, weft_yield());
    printf("scope in time %s\n", state(cm));
    weft_timeout_free(cm);

    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(4)), NULL);
    weft_timeout_enter(&cm, -1);
    for (int i = 0; i < 3 && rc == 0; i++) {
        printf("body %d\n", i);
        rc = weft_yield();
    }
    rc = weft_timeout_exit(cm, rc);
    if (rc != 0)
        printf("past deadline raised %s %s\n", errstr(rc), state(cm));
    weft_timeout_free(cm);
    weft_await(tk, NULL);
    weft_task_release(tk);

    weft_timeout_enter(&cm, WEFT_NO_TIMEOUT);
    if (weft_timeout_when(cm) == WEFT_NO_TIMEOUT)
        printf("when None\n");
    weft_timeout_reschedule(cm, weft_time(weft_executor_current()) + 0.02);
    rc = weft_timeout_exit(cm, weft_sleep(10));
    if (rc != 0) {
        printf("rescheduled scope raised %s %s\n", errstr(rc), state(cm));
        if (weft_timeout_reschedule(cm, WEFT_NO_TIMEOUT) != 0)
            printf("reschedule after expiry: %s\n", weft_last_error_message());
    }
    weft_timeout_free(cm);

    weft_timeout_enter(&cm, 0.01);
    weft_timeout_reschedule(cm, WEFT_NO_TIMEOUT);
    rc = weft_timeout_exit(cm, weft_sleep(0.03));
    printf("deadline removed %s\n", state(cm));
    weft_timeout_free(cm);

    weft_timeout_enter(&cm, 0.02);
    rc = weft_sleep(10);
    if (rc == WEFT_ECANCELLED)
        printf("body swallows %s\n", errstr(rc));
    rc = weft_timeout_exit(cm, 0);
    printf("swallowed %s\n", state(cm));
    weft_timeout_free(cm);

    weft_timeout_enter(&cm, 0.02);
    weft_timeout_enter(&inner, 5);
    rc = weft_timeout_exit(inner, weft_sleep(10));
    if (rc == WEFT_ECANCELLED)
        printf("inner scope raised %s %s\n", errstr(rc), state(inner));
    rc = weft_timeout_exit(cm, rc);
    if (rc != 0)
        printf("outer scope raised %s %s\n", errstr(rc), state(cm));
    weft_timeout_free(inner);
    weft_timeout_free(cm);

    weft_task *me = weft_current_task();
    weft_timeout_enter(&cm, 0.02);
    rc = weft_sleep(10);
    if (rc == WEFT_ECANCELLED) {
        weft_task_cancel(me, "from elsewhere");
        rc = weft_yield();
    }
    rc = weft_timeout_exit(cm, rc);
    if (rc != 0)
        printf("two cancels raised %s %s\n", errstr(rc), state(cm));
    weft_timeout_free(cm);
    weft_task_uncancel(me);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
