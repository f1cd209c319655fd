/* asyncio conformance scenario 75_compose_nested: the C twin of 75_compose_nested.py, whose
 * CPython 3.11 output is expected/75_compose_nested.txt.
 * Combinations: a timeout around gather cancels the gathered children through the gathering
 * future and raises TimeoutError; a timeout around shield leaves the shielded task running; a
 * TaskGroup child that gathers is cancelled with its own children when a sibling fails.
 */

#include "scenario.h"

struct sleeper_args {
    char name[16];
    double delay;
};

static int sleeper(void *arg, void **result)
{
    struct sleeper_args *a = arg;
    printf("%s start\n", a->name);
    int rc = weft_sleep(a->delay);
    if (rc == WEFT_ECANCELLED) {
        printf("%s caught %s\n", a->name, errstr(rc));
        return rc;
    }
    printf("%s end\n", a->name);
    *result = PV(1);
    return 0;
}

static int fails(void *arg, void **result)
{
    (void)result;
    printf("%s start\n", (const char *)arg);
    weft_yield();
    printf("%s raises 5\n", (const char *)arg);
    return weft_raise(5, "%s failed", (const char *)arg);
}

static int gathers(void *arg, void **result)
{
    static struct sleeper_args x = {"", 10}, y = {"", 10};
    const char *name = arg;
    snprintf(x.name, sizeof x.name, "%s-x", name);
    snprintf(y.name, sizeof y.name, "%s-y", name);
    printf("%s gathers\n", name);
    weft_coro *coros[] = {weft_coro_new(sleeper, &x), weft_coro_new(sleeper, &y)};
    int rc = weft_gather_coros(coros, 2, false, NULL, NULL);
    if (rc == WEFT_ECANCELLED) {
        printf("%s caught %s\n", name, errstr(rc));
        return rc;
    }
    *result = PV(0);
    return 0;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct sleeper_args aa = {"a", 10}, ba = {"b", 10}, ca = {"c", 0.05};
    weft_task *me = weft_current_task();
    weft_task *a = weft_task_create(weft_coro_new(sleeper, &aa), NULL);
    weft_task *b = weft_task_create(weft_coro_new(sleeper, &ba), NULL);
    weft_timeout *scope;
    weft_timeout_enter(&scope, 0.02);
    weft_task *ab[] = {a, b};
    int rc = weft_timeout_exit(scope, weft_gather(ab, 2, false, NULL, NULL));
    weft_timeout_free(scope);
    if (rc != 0)
        printf("timeout around gather raised %s cancelling %d\n", errstr(rc),
               weft_task_cancelling(me));
    printf("states %s %s\n", st(a), st(b));

    weft_task *c = weft_task_create(weft_coro_new(sleeper, &ca), NULL);
    weft_timeout_enter(&scope, 0.01);
    rc = weft_timeout_exit(scope, weft_shield(c, NULL));
    weft_timeout_free(scope);
    if (rc != 0)
        printf("timeout around shield raised %s c %s\n", errstr(rc), st(c));
    void *value = NULL;
    weft_await(c, &value);
    printf("c result %d\n", IV(value));

    weft_task_group *group = weft_task_group_new();
    weft_task_release(weft_task_group_create_task(group, weft_coro_new(gathers, "g"), NULL));
    weft_task_release(weft_task_group_create_task(group, weft_coro_new(fails, "f"), NULL));
    rc = weft_task_group_wait(group, 0);
    if (rc != 0) {
        printf("group raised %s\n", errstr(rc));
        const weft_task_error *errors;
        size_t count = weft_task_group_errors(group, &errors);
        for (size_t i = 0; i < count; i++)
            printf("  member %s\n", errfmt(errors[i].code, errors[i].message));
    }
    weft_task_group_free(group);
    weft_task_release(a);
    weft_task_release(b);
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
