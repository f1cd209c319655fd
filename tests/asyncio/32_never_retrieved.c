/* asyncio conformance scenario 32_never_retrieved: the C twin of 32_never_retrieved.py, whose CPython 3.11
 * output is expected/32_never_retrieved.txt.
 * R4: a failed task whose error nobody retrieved is reported to the handler when its last
 * reference goes; retrieving it (await, result, exception, cancel of the done task) prevents that.
 */

#include "scenario.h"

static void handler(weft_executor *ex, const weft_exception_context *ctx, void *arg)
{
    (void)ex;
    (void)arg;
    printf("handler: %s %s\n", ctx->message ? ctx->message : "(null)",
           ctx->error ? errfmt(ctx->error, ctx->error_message) : "");
}

static int fail(void *arg, void **result)
{
    (void)result;
    printf("%s fails\n", (const char *)arg);
    return weft_raise(7, "boom %s", (const char *)arg);
}

static int cb(void *arg)
{
    printf("cb %s\n", (const char *)arg);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_set_exception_handler(loop(), handler, NULL);
    weft_task_release(weft_task_create(weft_coro_new(fail, "dropped"), NULL));
    weft_call_soon(loop(), cb, "after dropped", NULL);
    weft_yield();
    printf("main after sleep0\n");
    weft_task *f2 = weft_task_create(weft_coro_new(fail, "cancelled-after"), NULL);
    weft_task *f3 = weft_task_create(weft_coro_new(fail, "checked"), NULL);
    weft_task *f4 = weft_task_create(weft_coro_new(fail, "awaited"), NULL);
    weft_yield();
    printf("cancel done f2 %s\n", TF(weft_task_cancel(f2, NULL)));
    weft_task_release(f2);
    printf("f3 done %s\n", TF(weft_task_done(f3)));
    printf("releasing f3\n");
    weft_task_release(f3);
    printf("released f3\n");
    int rc = weft_await(f4, NULL);
    printf("await f4: %s\n", errstr(rc));
    weft_task_release(f4);
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
