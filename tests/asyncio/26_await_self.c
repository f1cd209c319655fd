/* asyncio conformance scenario 26_await_self: the C twin of 26_await_self.py, whose CPython 3.11
 * output is expected/26_await_self.txt.
 * T3 section 7: a task awaiting itself gets RuntimeError('Task cannot await on itself') one hop
 * later, after the work already queued, and may catch it.
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
    weft_task *me = weft_current_task();
    weft_call_soon(loop(), cb, "queued before", NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(3)), NULL);
    int rc = weft_await(me, NULL);
    if (rc) {
        const char *m = weft_last_error_message();
        char prefix[256];
        snprintf(prefix, sizeof prefix, "%s", m ? m : "");
        char *colon = strchr(prefix, ':');
        if (colon)
            *colon = '\0';
        printf("await self: %s %s\n", weft_error_name(rc), prefix);
    }
    printf("main continues %s\n", st(me));
    weft_await(tk, NULL);
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
