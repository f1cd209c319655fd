/* asyncio conformance scenario 22_callback_errors: the C twin of 22_callback_errors.py, whose CPython 3.11
 * output is expected/22_callback_errors.txt.
 * L6 C4: an error in a callback (call_soon, call_later, done callback) goes to the exception
 * handler and the remaining callbacks still run.
 */

#include "scenario.h"

static void handler(weft_executor *ex, const weft_exception_context *ctx, void *arg)
{
    (void)ex;
    (void)arg;
    const char *m = ctx->message ? ctx->message : "(null)";
    if (strncmp(m, "Exception in callback", 21) == 0)
        m = "Exception in callback";
    printf("handler: %s %s\n", m, errfmt(ctx->error, ctx->error_message));
}

static int ok(void *arg)
{
    printf("ok %s\n", (const char *)arg);
    return 0;
}

static int bad(void *arg)
{
    int code = IV(arg);
    printf("bad %d\n", code);
    return weft_raise(code, "boom%d", code);
}

static int done_bad(weft_task *t, void *arg)
{
    (void)t;
    (void)arg;
    printf("done_bad\n");
    return weft_raise(8, "boom8");
}

static int done_ok(weft_task *t, void *arg)
{
    (void)t;
    (void)arg;
    printf("done_ok\n");
    return 0;
}

static int work(void *arg, void **result)
{
    (void)arg;
    printf("work runs\n");
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_set_exception_handler(loop(), handler, NULL);
    weft_call_soon(loop(), ok, "a", NULL);
    weft_call_soon(loop(), bad, PV(7), NULL);
    weft_call_soon(loop(), ok, "b", NULL);
    weft_yield();
    printf("main resumed\n");
    weft_task *t = weft_task_create(weft_coro_new(work, NULL), NULL);
    weft_task_add_done_callback(t, done_bad, NULL);
    weft_task_add_done_callback(t, done_ok, NULL);
    weft_await(t, NULL);
    printf("main after await\n");
    weft_call_later(loop(), 0.01, bad, PV(9), NULL);
    weft_call_later(loop(), 0.02, ok, "c", NULL);
    weft_sleep(0.03);
    printf("main end\n");
    weft_task_release(t);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
