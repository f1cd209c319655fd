/* Multi-worker fork-join under ThreadSanitizer: a full binary tree of
 * 2^(DEPTH+1) - 1 tasks (1,048,575 by default) spawned and awaited with
 * weft_spawn/weft_await on 4 workers, so thieves take subtrees and awaiters
 * are woken across workers. Exact accounting: every node's body runs exactly
 * once (a per-level counter of bodies, checked against 2^level), every await
 * returns 0 and the leaf count of its subtree, and the root's sum is exactly
 * the number of leaves. Prints the executor's steal/park counters.
 *
 * Usage: stress_forkjoin [depth]   (STRESS_WORKERS overrides the 4 workers) */
#include "weft.h"

#define STRESS_PROGRAM "stress_forkjoin"
#include "stress.h"

enum { DEFAULT_DEPTH = 19, MAX_DEPTH = 24, DEFAULT_WORKERS = 4, LIMIT_S = 600 };

static int depth = DEFAULT_DEPTH;
/* bodies[l]: how many nodes at level l (root = 0) ran their body. Spread
 * over cache lines; the leaves dominate the traffic. */
static struct {
    atomic_uint_fast64_t count;
    char pad[56];
} bodies[MAX_DEPTH + 1];
static weft_executor_stats stats;
static int stats_code = -1;

/* arg: the node's level. Result: the number of leaves under it. */
static int node(void *arg, void **result)
{
    int level = (int)(uintptr_t)arg;
    atomic_fetch_add_explicit(&bodies[level].count, 1, memory_order_relaxed);
    if (level == depth) {
        *result = (void *)(uintptr_t)1;
        return 0;
    }
    weft_task *left = weft_spawn(node, (void *)(uintptr_t)(level + 1));
    weft_task *right = weft_spawn(node, (void *)(uintptr_t)(level + 1));
    if (left == NULL || right == NULL)
        stress_fail("weft_spawn returned NULL", weft_last_error());
    void *a = NULL, *b = NULL;
    /* Await the later one first now and then, so both orders are covered:
     * the right child is the one a LIFO owner runs first. */
    int ca, cb;
    if (level & 1) {
        cb = weft_await(right, &b);
        ca = weft_await(left, &a);
    } else {
        ca = weft_await(left, &a);
        cb = weft_await(right, &b);
    }
    if (ca != 0 || cb != 0)
        stress_fail("a child ended with an error", ca != 0 ? ca : cb);
    if (!weft_task_done(left) || !weft_task_done(right) || weft_task_cancelled(left) ||
        weft_task_cancelled(right))
        stress_fail("awaited child not finished", level);
    uintptr_t expected = (uintptr_t)1 << (depth - level - 1);
    if ((uintptr_t)a != expected || (uintptr_t)b != expected)
        stress_fail("a subtree returned the wrong leaf count", level);
    weft_task_release(left);
    weft_task_release(right);
    *result = (void *)((uintptr_t)a + (uintptr_t)b);
    return 0;
}

static int forkjoin_main(void *arg, void **result)
{
    (void)arg;
    weft_task *root = weft_spawn(node, (void *)(uintptr_t)0);
    if (root == NULL)
        stress_fail("weft_spawn(root) returned NULL", weft_last_error());
    void *sum = NULL;
    int code = weft_await(root, &sum);
    weft_task_release(root);
    if (code != 0)
        stress_fail("the root ended with an error", code);
    stats_code = weft_executor_get_stats(weft_executor_current(), &stats);
    *result = sum;
    return 0;
}

int main(int argc, char **argv)
{
    depth = (int)stress_arg(argc, argv, 1, "depth", DEFAULT_DEPTH, 1, MAX_DEPTH);
    weft_config config;
    weft_config_init(&config);
    config.workers = stress_workers(DEFAULT_WORKERS);
    /* Depth first (the default with several workers): breadth first would
     * keep 2^depth started tasks, each with a stack, alive at once. */
    config.order = WEFT_ORDER_LIFO;

    void *sum = NULL;
    stress_watchdog_start((stress_watchdog_settings){.run_limit_s = LIMIT_S});
    int code = weft_run_with(&config, weft_coro_new(forkjoin_main, NULL), &sum);
    stress_watchdog_stop();
    if (code != 0) {
        fprintf(stderr, "stress_forkjoin: weft_run_with: %s: %s\n", weft_strerror(code),
                weft_last_error_message() ? weft_last_error_message() : "");
        stress_fail("weft_run_with failed", code);
    }
    uint64_t tasks = 0;
    for (int l = 0; l <= depth; l++) {
        uint64_t n = atomic_load(&bodies[l].count);
        if (n != (uint64_t)1 << l) {
            fprintf(stderr, "stress_forkjoin: level %d ran %llu bodies, expected %llu\n", l,
                    (unsigned long long)n, (unsigned long long)1 << l);
            stress_fail(n < (uint64_t)1 << l ? "tasks lost" : "tasks run twice", l);
        }
        tasks += n;
    }
    if ((uintptr_t)sum != (uintptr_t)1 << depth)
        stress_fail("wrong leaf sum", (long long)(uintptr_t)sum);
    if (stats_code != 0)
        stress_fail("weft_executor_get_stats failed", stats_code);
    printf("stress_forkjoin: %llu tasks, leaf sum %llu; workers %u, tasks_run %llu, steals %llu, "
           "parks %llu, wakeups %llu\n",
           (unsigned long long)tasks, (unsigned long long)(uintptr_t)sum, stats.workers,
           (unsigned long long)stats.tasks_run, (unsigned long long)stats.steals,
           (unsigned long long)stats.parks, (unsigned long long)stats.wakeups);
    if (stats.workers != config.workers)
        stress_fail("stats report another worker count", stats.workers);
    return stress_pass();
}
