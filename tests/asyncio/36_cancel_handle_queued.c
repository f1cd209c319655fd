/* asyncio conformance scenario 36_cancel_handle_queued: the C twin of 36_cancel_handle_queued.py, whose CPython 3.11
 * output is expected/36_cancel_handle_queued.txt.
 * L5: a handle cancelled after it was queued (ready or due timer) stays queued and is skipped;
 * cancelling a handle that already ran does nothing.
 */

#include "scenario.h"

static weft_handle *handle_b, *handle_t2;

static int cb(void *arg)
{
    printf("cb %s\n", (const char *)arg);
    return 0;
}

static int canceller(void *arg)
{
    weft_handle **h = arg;
    printf("canceller cancels %s\n", h == &handle_b ? "b" : "t2");
    weft_handle_cancel(*h);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_call_soon(loop(), canceller, &handle_b, NULL);
    weft_call_soon(loop(), cb, "b", &handle_b);
    weft_call_soon(loop(), cb, "c", NULL);
    weft_yield();
    printf("main 1\n");
    weft_call_later(loop(), 0.01, canceller, &handle_t2, NULL);
    weft_call_later(loop(), 0.02, cb, "t2", &handle_t2);
    weft_call_later(loop(), 0.03, cb, "t3", NULL);
    block_for(0.04);
    weft_yield();
    printf("main 2\n");
    weft_handle *h = NULL;
    weft_call_soon(loop(), cb, "ran", &h);
    weft_yield();
    weft_handle_cancel(h);
    printf("cancelled after it ran\n");
    weft_handle_release(h);
    weft_handle_release(handle_b);
    weft_handle_release(handle_t2);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
