/* asyncio conformance scenario 04_await_done: the C twin of 04_await_done.py, whose CPython 3.11
 * output is expected/04_await_done.txt.
 * T5 R2: awaiting a done task does not suspend; a stored error is raised to every retriever.
 */

#include "scenario.h"

static int quick(void *arg, void **result)
{
    (void)arg;
    printf("quick runs\n");
    *result = PV(7);
    return 0;
}

static int fail(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("fail runs\n");
    return weft_raise(7, "boom");
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *q = weft_task_create(weft_coro_new(quick, NULL), NULL);
    weft_task *f = weft_task_create(weft_coro_new(fail, NULL), NULL);
    weft_yield();
    printf("q %s f %s\n", st(q), st(f));
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(3)), NULL);
    void *r = NULL;
    int rc = weft_await(q, &r);
    if (rc)
        printf("await q failed: %s\n", errstr(rc));
    printf("main got %d without suspending\n", IV(r));
    rc = weft_await(f, NULL);
    printf("await f: %s\n", errstr(rc));
    rc = weft_await(f, NULL);
    printf("await f again: %s\n", errstr(rc));
    rc = weft_task_result(f, NULL);
    printf("f.result: %s\n", errstr(rc));
    const char *msg = NULL;
    rc = weft_task_exception(f, &msg);
    printf("f.exception: %s\n", errfmt(rc, msg));
    rc = weft_task_exception(q, NULL);
    printf("q.exception: %s\n", rc == 0 ? "None" : errstr(rc));
    weft_yield();
    printf("main after sleep0\n");
    weft_await(tk, NULL);
    weft_task_release(q);
    weft_task_release(f);
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
