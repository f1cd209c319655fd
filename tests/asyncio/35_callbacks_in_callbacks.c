/* asyncio conformance scenario 35_callbacks_in_callbacks: the C twin of 35_callbacks_in_callbacks.py, whose CPython 3.11
 * output is expected/35_callbacks_in_callbacks.txt.
 * L2 L3 L1: callbacks scheduled by due timers and by ready callbacks: call_soon lands behind the
 * current iteration, call_later(0) one iteration later still.
 */

#include "scenario.h"

static int cb(void *arg)
{
    printf("cb %s\n", (const char *)arg);
    return 0;
}

static int timer1(void *arg)
{
    (void)arg;
    printf("timer1\n");
    weft_call_soon(loop(), cb, "soon-from-timer1", NULL);
    weft_call_later(loop(), 0, cb, "later0-from-timer1", NULL);
    return 0;
}

static int ready1(void *arg)
{
    (void)arg;
    printf("ready1\n");
    weft_call_later(loop(), 0, cb, "later0-from-ready1", NULL);
    weft_call_soon(loop(), cb, "soon-from-ready1", NULL);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_call_later(loop(), 0.01, timer1, NULL, NULL);
    weft_call_later(loop(), 0.02, cb, "timer2", NULL);
    block_for(0.03);
    weft_call_soon(loop(), ready1, NULL, NULL);
    weft_yield();
    printf("main 1\n");
    weft_yield();
    printf("main 2\n");
    weft_yield();
    printf("main 3\n");
    weft_yield();
    printf("main 4\n");
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
