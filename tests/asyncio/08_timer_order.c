/* asyncio conformance scenario 08_timer_order: the C twin of 08_timer_order.py, whose CPython 3.11
 * output is expected/08_timer_order.txt.
 * L2 L4 L5: due timers move to the ready queue in deadline order (2 equal deadlines: FIFO);
 * cancelled handles are skipped.
 */

#include "scenario.h"

static int cb(void *arg)
{
    printf("cb %s\n", (const char *)arg);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_executor *ex = loop();
    double now = weft_time(ex);
    weft_handle *h = NULL, *h2 = NULL, *h3 = NULL;
    weft_call_later(ex, 0.03, cb, "t30", NULL);
    weft_call_later(ex, 0.01, cb, "t10", NULL);
    weft_call_at(ex, now + 0.02, cb, "at20a", NULL);
    weft_call_at(ex, now + 0.02, cb, "at20b", NULL);
    weft_call_later(ex, 0.015, cb, "cancelled timer", &h);
    weft_call_soon(ex, cb, "cancelled soon", &h2);
    weft_call_soon(ex, cb, "soon", NULL);
    printf("before cancel %s %s\n", TF(weft_handle_cancelled(h)), TF(weft_handle_cancelled(h2)));
    weft_handle_cancel(h);
    weft_handle_cancel(h2);
    printf("after cancel %s %s\n", TF(weft_handle_cancelled(h)), TF(weft_handle_cancelled(h2)));
    block_for(0.04);
    weft_yield();
    printf("main resumed\n");
    weft_yield();
    printf("main resumed again\n");
    weft_call_later(ex, 0.02, cb, "late20", NULL);
    weft_call_later(ex, 0.01, cb, "late10", NULL);
    weft_call_later(ex, 0.005, cb, "cancelled late5", &h3);
    weft_handle_cancel(h3);
    weft_sleep(0.03);
    printf("main end\n");
    weft_handle_release(h);
    weft_handle_release(h2);
    weft_handle_release(h3);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
