/* asyncio conformance scenario 12_cancel_chain: the C twin of 12_cancel_chain.py, whose CPython 3.11
 * output is expected/12_cancel_chain.txt.
 * S8: cancel() passes down an await chain to the leaf; CancelledError unwinds one hop per level.
 */

#include "scenario.h"

static int leaf(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("leaf start\n");
    int rc = weft_sleep(1);
    if (rc == WEFT_ECANCELLED) {
        printf("leaf caught %s\n", errstr(rc));
        return rc;
    }
    return 0;
}

struct largs {
    const char *name;
    weft_task *t;
};

static int level(void *arg, void **result)
{
    struct largs *a = arg;
    (void)result;
    printf("%s start\n", a->name);
    int rc = weft_await(a->t, NULL);
    if (rc == WEFT_ECANCELLED) {
        printf("%s caught %s\n", a->name, errstr(rc));
        return rc;
    }
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *lf = weft_task_create(weft_coro_new(leaf, NULL), NULL);
    struct largs am = {"mid", lf};
    weft_task *m = weft_task_create(weft_coro_new(level, &am), NULL);
    struct largs at = {"top", m};
    weft_task *top = weft_task_create(weft_coro_new(level, &at), NULL);
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(5)), NULL);
    weft_yield();
    printf("cancel top %s\n", TF(weft_task_cancel(top, "stop")));
    printf("cancelling %d %d %d\n", weft_task_cancelling(top), weft_task_cancelling(m),
           weft_task_cancelling(lf));
    printf("states %s %s %s\n", st(top), st(m), st(lf));
    int rc = weft_await(top, NULL);
    printf("main await top: %s\n", errstr(rc));
    printf("states %s %s %s\n", st(top), st(m), st(lf));
    weft_await(tk, NULL);
    weft_task_release(lf);
    weft_task_release(m);
    weft_task_release(top);
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
