/* asyncio conformance scenario 23_all_tasks: the C twin of 23_all_tasks.py, whose CPython 3.11
 * output is expected/23_all_tasks.txt.
 * N5 N4: all_tasks() lists the tasks not done (created-but-not-started ones included, the current
 * task included); a task drops out as soon as it is done, before its callbacks run.
 */

#include "scenario.h"

static int in_cb(void *arg)
{
    printf("%s: current=%s all_tasks: %s\n", (const char *)arg, cur(), names());
    return 0;
}

static int done_cb(weft_task *t, void *arg)
{
    (void)arg;
    printf("done cb of %s: all_tasks: %s\n", weft_task_get_name(t), names());
    return 0;
}

struct cargs {
    const char *tag;
    double d;
};

static int child(void *arg, void **result)
{
    struct cargs *a = arg;
    printf("%s current=%s all_tasks: %s\n", a->tag, cur(), names());
    int rc = weft_sleep(a->d);
    (void)result;
    return rc;
}

static int amain(void *arg, void **result)
{
    (void)arg;
    static struct cargs ca = {"a", 0}, cb = {"b", 0.01};
    printf("main start all_tasks: %s\n", names());
    weft_task *a = weft_task_create(weft_coro_new(child, &ca), NULL);
    weft_task *b = weft_task_create(weft_coro_new(child, &cb), NULL);
    printf("after create all_tasks: %s\n", names());
    weft_task_add_done_callback(a, done_cb, NULL);
    weft_call_soon(loop(), in_cb, "plain cb", NULL);
    weft_await(a, NULL);
    printf("after a all_tasks: %s\n", names());
    printf("cancel b %s\n", TF(weft_task_cancel(b, NULL)));
    printf("after cancel all_tasks: %s\n", names());
    int rc = weft_await(b, NULL);
    printf("await b: %s\n", errstr(rc));
    printf("end all_tasks: %s\n", names());
    weft_task_release(a);
    weft_task_release(b);
    *result = PV(0);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
