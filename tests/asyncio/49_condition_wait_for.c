/* asyncio conformance scenario 49_condition_wait_for: the C twin of 49_condition_wait_for.py,
 * whose CPython 3.11 output is expected/49_condition_wait_for.txt.
 * Condition.wait_for(predicate): checked first (no suspension when true), then after every
 * wake-up with the lock held.
 */

#include "scenario.h"

static weft_condition *cond;
static int n;

struct consumer_args {
    const char *name;
    int k;
};

static bool reached(void *arg)
{
    return n >= ((struct consumer_args *)arg)->k;
}

static int consumer(void *arg, void **result)
{
    struct consumer_args *a = arg;
    weft_condition_acquire(cond);
    printf("%s checks n>=%d\n", a->name, a->k);
    int rc = weft_condition_wait_for(cond, reached, a);
    printf("%s sees n=%d (%s)\n", a->name, n, TF(rc == 0));
    weft_condition_release(cond);
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    weft_condition_new(NULL, &cond);
    static struct consumer_args args[] = {{"c2", 2}, {"c1", 1}, {"c3", 3}};
    weft_task *cs[3];
    for (int i = 0; i < 3; i++)
        cs[i] = weft_task_create(weft_coro_new(consumer, &args[i]), NULL);
    weft_yield();
    for (int i = 0; i < 3; i++) {
        weft_condition_acquire(cond);
        n++;
        printf("main n = %d\n", n);
        weft_condition_notify_all(cond);
        weft_condition_release(cond);
        weft_yield();
        weft_yield();
    }
    for (int i = 0; i < 3; i++) {
        weft_await(cs[i], NULL);
        weft_task_release(cs[i]);
    }
    static struct consumer_args now = {"now", 0};
    weft_task *c0 = weft_task_create(weft_coro_new(consumer, &now), NULL);
    weft_await(c0, NULL);
    weft_task_release(c0);
    printf("main end\n");
    weft_condition_free(cond);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
