/* asyncio conformance scenario 25_result_states: the C twin of 25_result_states.py, whose CPython 3.11
 * output is expected/25_result_states.txt.
 * R1 R2 R3 S1: result() and exception() while pending, after success, after failure, after cancel.
 */

#include "scenario.h"

static int slow(void *arg, void **result)
{
    (void)arg;
    int rc = weft_sleep(0.01);
    if (rc)
        return rc;
    *result = PV(3);
    return 0;
}

static int fail(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_yield();
    return weft_raise(7, "boom");
}

static const char *exc_str(weft_task *t)
{
    const char *msg = NULL;
    int rc = weft_task_exception(t, &msg);
    if (rc == 0)
        return "None";
    if (rc == WEFT_EINVALSTATE || rc == WEFT_ECANCELLED)
        return errstr(rc); /* message as the last error message */
    return errfmt(rc, msg);
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_task *s = weft_task_create(weft_coro_new(slow, NULL), NULL);
    int rc = weft_task_result(s, NULL);
    printf("pending result: %s\n", errstr(rc));
    printf("pending exception: %s\n", exc_str(s));
    printf("s %s\n", st(s));
    weft_await(s, NULL);
    void *r = NULL;
    rc = weft_task_result(s, &r);
    printf("s %s result %d exception %s\n", st(s), rc ? -1 : IV(r), exc_str(s));
    weft_task *f = weft_task_create(weft_coro_new(fail, NULL), NULL);
    weft_yield();
    printf("f %s\n", st(f));
    weft_yield();
    printf("f %s\n", st(f));
    rc = weft_task_result(f, NULL);
    printf("f.result: %s\n", errstr(rc));
    printf("f.exception: %s\n", exc_str(f));
    weft_task *c = weft_task_create(weft_coro_new(slow, NULL), NULL);
    weft_yield();
    printf("cancel c %s\n", TF(weft_task_cancel(c, NULL)));
    printf("c %s\n", st(c));
    weft_yield();
    printf("c %s\n", st(c));
    rc = weft_task_result(c, NULL);
    printf("c.result: %s\n", errstr(rc));
    printf("c.exception: %s\n", exc_str(c));
    weft_task_release(s);
    weft_task_release(f);
    weft_task_release(c);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
