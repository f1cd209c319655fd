/* asyncio conformance scenario 07_soon_later_sleep0: the C twin of 07_soon_later_sleep0.py, whose CPython 3.11
 * output is expected/07_soon_later_sleep0.txt.
 * L3 L2 L1: ready callbacks first, then due timers in deadline order; work added meanwhile waits.
 */

#include "scenario.h"

static int cb(void *arg)
{
    printf("cb %s\n", (const char *)arg);
    return 0;
}

static int cb_chain(void *arg)
{
    printf("cb %s\n", (const char *)arg);
    static char child[64];
    snprintf(child, sizeof child, "%s-child", (const char *)arg);
    weft_call_soon(loop(), cb, child, NULL);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_call_soon(loop(), cb_chain, "A", NULL);
    weft_call_later(loop(), 0, cb, "B", NULL);
    weft_call_later(loop(), -1, cb, "B-negative", NULL);
    weft_call_soon(loop(), cb, "C", NULL);
    weft_yield();
    printf("main resumed\n");
    weft_call_later(loop(), 0, cb, "D-later0", NULL);
    weft_call_soon(loop(), cb, "D-soon", NULL);
    weft_yield();
    printf("main resumed again\n");
    weft_yield();
    printf("main end\n");
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
