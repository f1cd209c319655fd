/* asyncio conformance scenario 30_shutdown_order: the C twin of 30_shutdown_order.py, whose CPython 3.11
 * output is expected/30_shutdown_order.txt.
 * A3 A4: at shutdown, tasks that had a step queued are hit at that step in queue order; a task that
 * ends with an error during shutdown goes to the handler.
 */

#include "scenario.h"

static void handler(weft_executor *ex, const weft_exception_context *ctx, void *arg)
{
    (void)ex;
    (void)arg;
    printf("handler: %s %s\n", ctx->message ? ctx->message : "(null)",
           ctx->error ? errfmt(ctx->error, ctx->error_message) : "");
}

struct yargs {
    const char *name;
    const char *mode;
};

static int yielder(void *arg, void **result)
{
    struct yargs *a = arg;
    (void)result;
    for (int i = 0;; i++) {
        printf("%s step %d\n", a->name, i);
        int rc = weft_yield();
        if (rc) {
            printf("%s cancelled %s\n", a->name, errstr(rc));
            break;
        }
    }
    if (strcmp(a->mode, "fail") == 0)
        return weft_raise(9, "cleanup failed");
    if (strcmp(a->mode, "more") == 0) {
        weft_yield();
        printf("%s cleanup step\n", a->name);
    }
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct yargs y1 = {"y1", "more"}, y2 = {"y2", "fail"}, y3 = {"y3", "return"};
    weft_set_exception_handler(loop(), handler, NULL);
    weft_task_release(weft_task_create(weft_coro_new(yielder, &y1), NULL));
    weft_task_release(weft_task_create(weft_coro_new(yielder, &y2), NULL));
    weft_task_release(weft_task_create(weft_coro_new(yielder, &y3), NULL));
    weft_yield();
    printf("main returns\n");
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
