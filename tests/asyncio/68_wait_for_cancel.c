/* asyncio conformance scenario 68_wait_for_cancel: the C twin of 68_wait_for_cancel.py, whose
 * CPython 3.11 output is expected/68_wait_for_cancel.txt (identical with 3.12's own wait_for).
 * Cancelling a task waiting in wait_for (3.12 rules, see 67): the cancel passes on to the awaited
 * task with its message, the waiter gets that CancelledError (not TimeoutError) and keeps its
 * cancelling() count; a coroutine waited for inline sees the cancel itself; an awaited task that
 * swallows the cancel hands its value back.
 */

#include "scenario.h"

struct sleeper_args {
    const char *name;
    bool swallow;
};

static int sleeper(void *arg, void **result)
{
    struct sleeper_args *a = arg;
    printf("%s start in %s\n", a->name, cur());
    int rc = weft_sleep(10);
    if (rc == WEFT_ECANCELLED) {
        printf("%s caught %s\n", a->name, errstr(rc));
        if (!a->swallow)
            return rc;
        *result = PV(9);
        return 0;
    }
    *result = PV(0);
    return 0;
}

struct waiter_args {
    const char *label;
    weft_task *task;
    weft_coro *coro;
};

static int waiter(void *arg, void **result)
{
    struct waiter_args *a = arg;
    void *value = NULL;
    int rc = a->task != NULL ? weft_wait_for(a->task, 5, &value)
                             : weft_wait_for_coro(a->coro, 5, &value);
    if (rc == 0)
        printf("%s returned %d\n", a->label, IV(value));
    else
        printf("%s raised %s\n", a->label, errstr(rc));
    printf("%s cancelling %d\n", a->label, weft_task_cancelling(weft_current_task()));
    *result = PV(0);
    return 0;
}

static void cancel_waiter(struct waiter_args *wa, const char *msg)
{
    weft_task *w = weft_task_create(weft_coro_new(waiter, wa), NULL);
    weft_yield();
    printf("cancel %s\n", TF(weft_task_cancel(w, msg)));
    weft_await(w, NULL);
    weft_task_release(w);
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct sleeper_args aa = {"a", false}, ba = {"b", false}, ca = {"c", true};
    weft_task *tk = weft_task_create(weft_coro_new(ticker, PV(12)), NULL);
    weft_task *a = weft_task_create(weft_coro_new(sleeper, &aa), NULL);
    struct waiter_args w1 = {"task", a, NULL};
    cancel_waiter(&w1, "stop");
    printf("a %s\n", st(a));

    struct waiter_args w2 = {"coroutine", NULL, weft_coro_new(sleeper, &ba)};
    cancel_waiter(&w2, "halt");

    weft_task *c = weft_task_create(weft_coro_new(sleeper, &ca), NULL);
    struct waiter_args w3 = {"swallowing task", c, NULL};
    cancel_waiter(&w3, "quit");
    printf("c %s\n", st(c));
    weft_await(tk, NULL);
    weft_task_release(tk);
    weft_task_release(a);
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
