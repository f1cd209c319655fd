/* asyncio conformance scenario 09_sleep_two_hops: the C twin of 09_sleep_two_hops.py, whose CPython 3.11
 * output is expected/09_sleep_two_hops.txt.
 * T8 L4: sleep(d) wakes two hops after its deadline; wakeups follow deadlines; equal delays wake
 * in call order.
 */

#include "scenario.h"

static int cb(void *arg)
{
    printf("cb %s\n", (const char *)arg);
    return 0;
}

struct sargs {
    const char *name;
    double d;
};

static int sleeper(void *arg, void **result)
{
    struct sargs *a = arg;
    printf("%s sleeps %g\n", a->name, a->d);
    weft_sleep(a->d);
    printf("%s woke\n", a->name);
    (void)result;
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct sargs sa = {"A", 0.01}, sb = {"B", 0.02}, sc = {"C", 0.01}, sd = {"D", 0.02},
                        se = {"E", 0.01};
    weft_task *a = weft_task_create(weft_coro_new(sleeper, &sa), NULL);
    weft_task *b = weft_task_create(weft_coro_new(sleeper, &sb), NULL);
    weft_task *c = weft_task_create(weft_coro_new(sleeper, &sc), NULL);
    weft_yield();
    weft_call_later(loop(), 0.005, cb, "timer5", NULL);
    weft_call_later(loop(), 0.015, cb, "timer15", NULL);
    block_for(0.03);
    printf("main blocked past every deadline\n");
    weft_yield();
    printf("main resumed\n");
    weft_await(a, NULL);
    printf("main: A done\n");
    weft_await(b, NULL);
    weft_await(c, NULL);
    weft_task *d = weft_task_create(weft_coro_new(sleeper, &sd), NULL);
    weft_task *e = weft_task_create(weft_coro_new(sleeper, &se), NULL);
    weft_await(d, NULL);
    printf("main: D done E %s\n", st(e));
    weft_task_release(a);
    weft_task_release(b);
    weft_task_release(c);
    weft_task_release(d);
    weft_task_release(e);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
