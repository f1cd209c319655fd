/* Multi-worker stress of the composition functions under ThreadSanitizer:
 * random trees of gather (first error, return_errors, over coroutines),
 * task groups, wait, wait_for, shield, timeout scopes and as_completed on 4
 * workers, with leaves that return, fail, yield, sleep or block until
 * cancelled, and a canceller task cancelling random nodes (mostly running on
 * other workers) meanwhile. Every child is accounted for:
 *   - every body starts at most once, and every started body returns;
 *   - every task with a done callback has it run exactly once, and the
 *     number of callbacks equals the number of such tasks (none lost);
 *   - every outcome reported by a composition function is the child's own:
 *     a result is the child's value, an error code is what its body
 *     returned; gather's codes and results agree with the children;
 *   - a task group's wait returns only when every child is done, its error
 *     list holds exactly the children that failed (each once) plus the
 *     body's error, and WEFT_EGROUP exactly when that list is not empty;
 *   - wait's done flags are true only for done tasks, and ALL_COMPLETED
 *     without timeout means all are done; as_completed hands out each task
 *     once; WEFT_ETIMEDOUT from a scope means it expired, from wait_for that
 *     the child is done;
 *   - no task error goes unretrieved (the exception handler counts them).
 * Usage: stress_group [roots]   (STRESS_WORKERS overrides the 4 workers) */
#include <string.h>

#include "weft.h"

#define STRESS_PROGRAM "stress_group"
#include "stress.h"

enum {
    DEFAULT_ROOTS = 400,
    MAX_ROOTS = 2000,
    MAX_RECORDS = 40000,
    MAX_DEPTH = 4,
    MAX_FANOUT = 4,
    DEFAULT_WORKERS = 4,
    USER_ERROR = 42,
    CANCEL_SLOTS = 64,
    LIMIT_S = 90,
};

typedef struct record {
    unsigned id;
    unsigned seed;
    int depth;
    bool long_ok;          /* may block until cancelled (a deadline is above it) */
    bool has_callback;     /* a done callback was registered */
    const struct record *parent;
    int op;                /* what the body does, -1 for a leaf */
    atomic_int started;    /* body entries */
    atomic_int returned;   /* 1 once the body returned; rc is valid then */
    atomic_int rc;
    atomic_int callbacks;
} record;

static record records[MAX_RECORDS];
static atomic_uint next_record;
static atomic_int with_callback, callbacks_run, unretrieved, other_reports;
static atomic_int ops[16];
static _Atomic(weft_task *) cancel_slots[CANCEL_SLOTS];
static atomic_bool stop_cancelling;
static atomic_int cancels_made;

static void handler(weft_executor *executor, const weft_exception_context *context, void *arg)
{
    (void)executor;
    (void)arg;
    if (strcmp(context->message, "Task exception was never retrieved") == 0)
        atomic_fetch_add(&unretrieved, 1);
    else
        atomic_fetch_add(&other_reports, 1);
    fprintf(stderr, "%s: report: %s (%d %s)\n", STRESS_PROGRAM, context->message, context->error,
            context->error_message ? context->error_message : "");
}

static int on_done(weft_task *task, void *arg)
{
    record *rec = arg;
    if (atomic_fetch_add(&rec->callbacks, 1) != 0)
        stress_fail("done callback ran twice", rec->id);
    if (!weft_task_done(task))
        stress_fail("done callback sees a pending task", rec->id);
    atomic_fetch_add(&callbacks_run, 1);
    return 0;
}

static record *new_record(const record *parent, unsigned seed, int depth, bool long_ok)
{
    unsigned index = atomic_fetch_add(&next_record, 1);
    if (index >= MAX_RECORDS)
        return NULL;
    record *rec = &records[index];
    rec->id = index;
    rec->seed = seed;
    rec->depth = depth;
    rec->long_ok = long_ok;
    rec->parent = parent;
    rec->op = -1;
    return rec;
}

static int node(void *arg, void **result);

/* Registers the done callback and sometimes offers the task to the
 * canceller. */
static void watch(weft_task *task, record *rec, unsigned *seed)
{
    rec->has_callback = true;
    atomic_fetch_add(&with_callback, 1);
    if (weft_task_add_done_callback(task, on_done, rec) != 0)
        stress_fail("add_done_callback", weft_last_error());
    if (rand_r(seed) % 2 == 0) {
        weft_task *old = atomic_exchange(&cancel_slots[rand_r(seed) % CANCEL_SLOTS],
                                         weft_task_retain(task));
        weft_task_release(old);
    }
}

/* A child node as a task, or NULL when the budget is spent. */
static weft_task *spawn_child(const record *parent, bool long_ok, unsigned *seed, record **out)
{
    record *rec = new_record(parent, rand_r(seed), parent->depth - 1, long_ok);
    if (rec == NULL)
        return NULL;
    weft_task *task = weft_spawn(node, rec);
    if (task == NULL)
        stress_fail("weft_spawn", weft_last_error());
    watch(task, rec, seed);
    *out = rec;
    return task;
}

/* Checks an outcome reported for a child against what its body did. */
static void check_outcome(const record *rec, int code, void *value, const char *where)
{
    if (code == WEFT_ECANCELLED || code == WEFT_EINVALSTATE)
        return; /* cancelled (maybe before it started), or still running */
    if (atomic_load_explicit(&rec->returned, memory_order_acquire) != 1) {
        fprintf(stderr, "%s: %s: child %u reported %d but its body has not returned\n",
                STRESS_PROGRAM, where, rec->id, code);
        stress_fail("outcome of a body that did not return", rec->id);
    }
    if (code != atomic_load(&rec->rc)) {
        fprintf(stderr, "%s: %s: child %u reported %d, its body returned %d\n", STRESS_PROGRAM,
                where, rec->id, code, atomic_load(&rec->rc));
        stress_fail("outcome is not the body's", rec->id);
    }
    if (code == 0 && value != (void *)(uintptr_t)(rec->id + 1))
        stress_fail("result is not the child's value", rec->id);
}

/* The outcome a done task holds, checked; the error counts as retrieved. */
static int final_outcome(weft_task *task, const record *rec, const char *where)
{
    if (!weft_task_done(task))
        stress_fail("task not done where it must be", rec->id);
    void *value = NULL;
    int code = weft_task_result(task, &value);
    check_outcome(rec, code, value, where);
    return code;
}

/* Waits until every task is done, retrieving their outcomes. A cancel of
 * the caller, the one the composition just returned (cancelled) or one that
 * comes meanwhile, is passed on to the tasks (some block until cancelled)
 * and otherwise absorbed: the caller may be cancelled again. */
static void join(weft_task **tasks, record **recs, int n, int code, const char *where)
{
    if (code == WEFT_ECANCELLED)
        for (int k = 0; k < n; k++)
            weft_task_cancel(tasks[k], NULL);
    for (int i = 0; i < n; i++) {
        while (!weft_task_done(tasks[i]))
            if (weft_wait(&tasks[i], 1, WEFT_NO_TIMEOUT, WEFT_ALL_COMPLETED, NULL) ==
                WEFT_ECANCELLED)
                for (int k = i; k < n; k++)
                    weft_task_cancel(tasks[k], NULL);
        final_outcome(tasks[i], recs[i], where);
    }
}

static void release_all(weft_task **tasks, int n)
{
    for (int i = 0; i < n; i++)
        weft_task_release(tasks[i]);
}

enum op {
    OP_GATHER,
    OP_GATHER_ERRORS,
    OP_GATHER_COROS,
    OP_GROUP,
    OP_WAIT,
    OP_WAIT_FOR,
    OP_SHIELD,
    OP_TIMEOUT,
    OP_AS_COMPLETED,
    OP_COUNT,
};

static const char *const op_names[OP_COUNT] = {
    "gather", "gather(errors)", "gather(coros)", "group", "wait",
    "wait_for", "shield", "timeout", "as_completed",
};

/* A leaf: returns, fails, yields, sleeps a little, or blocks until
 * cancelled when a deadline above guarantees the cancel. */
static int leaf(record *rec, unsigned *seed)
{
    switch (rand_r(seed) % (rec->long_ok ? 6 : 5)) {
    case 0:
        return 0;
    case 1:
        return weft_raise(USER_ERROR, "leaf %u failed", rec->id);
    case 2:
        for (int i = (int)(rand_r(seed) % 4); i > 0; i--) {
            int code = weft_yield();
            if (code != 0)
                return code;
        }
        return 0;
    case 3:
        return weft_sleep(0.0001 * (rand_r(seed) % 20));
    case 4: {
        int code = weft_sleep(0.0001 * (rand_r(seed) % 10));
        return code != 0 ? code : weft_raise(USER_ERROR, "leaf %u failed late", rec->id);
    }
    default: {
        int code = weft_sleep(30); /* only the deadline above ends it */
        if (code == 0) {
            fprintf(stderr, "%s: leaf %u:", STRESS_PROGRAM, rec->id);
            for (const record *r = rec; r != NULL; r = r->parent)
                fprintf(stderr, " <- %u (%s, returned %d)", r->id,
                        r->op >= 0 ? op_names[r->op] : "leaf", atomic_load(&r->returned));
            fprintf(stderr, "\n");
            stress_fail("a leaf blocking until cancelled was never cancelled", rec->id);
        }
        return code;
    }
    }
}

static int op_gather(record *rec, unsigned *seed, bool return_errors)
{
    weft_task *tasks[MAX_FANOUT + 1];
    record *recs[MAX_FANOUT + 1];
    int n = 0, want = 1 + (int)(rand_r(seed) % MAX_FANOUT);
    for (; n < want; n++)
        if ((tasks[n] = spawn_child(rec, rec->long_ok, seed, &recs[n])) == NULL)
            break;
    if (n == 0)
        return 0;
    if (n > 1 && rand_r(seed) % 4 == 0) { /* a repeated argument */
        tasks[n] = weft_task_retain(tasks[0]);
        recs[n] = recs[0];
        n++;
    }
    void *results[MAX_FANOUT + 1];
    int codes[MAX_FANOUT + 1];
    int rc = weft_gather(tasks, (size_t)n, return_errors, results, codes);
    bool cancelled_self = weft_task_cancelling(weft_current_task()) > 0;
    for (int i = 0; i < n; i++) {
        if (codes[i] == WEFT_EINVALSTATE && (return_errors || rc == 0))
            stress_fail("gather returned with a child still running", rc);
        check_outcome(recs[i], codes[i], results[i], "gather");
    }
    if (rc == 0) {
        for (int i = 0; i < n; i++)
            if (codes[i] != 0 && !return_errors)
                stress_fail("gather returned 0 with a failed child", codes[i]);
    } else if (rc == WEFT_ECANCELLED) {
        bool any = cancelled_self;
        for (int i = 0; i < n; i++)
            any = any || codes[i] == WEFT_ECANCELLED;
        if (!any)
            stress_fail("gather cancelled with nobody cancelled", 0);
    } else {
        if (return_errors)
            stress_fail("gather(return_errors) returned an error", rc);
        bool found = false;
        for (int i = 0; i < n; i++)
            found = found || codes[i] == rc;
        if (!found)
            stress_fail("gather returned an error no child has", rc);
    }
    join(tasks, recs, n, rc, "gather join");
    release_all(tasks, n);
    return rc;
}

static int op_gather_coros(record *rec, unsigned *seed)
{
    weft_coro *coros[MAX_FANOUT];
    record *recs[MAX_FANOUT];
    int n = 0, want = 1 + (int)(rand_r(seed) % MAX_FANOUT);
    for (; n < want; n++) {
        if ((recs[n] = new_record(rec, rand_r(seed), rec->depth - 1, rec->long_ok)) == NULL)
            break;
        coros[n] = weft_coro_new(node, recs[n]);
    }
    if (n == 0)
        return 0;
    void *results[MAX_FANOUT];
    int codes[MAX_FANOUT];
    int rc = weft_gather_coros(coros, (size_t)n, true, results, codes);
    if (rc != 0 && rc != WEFT_ECANCELLED)
        stress_fail("gather_coros(return_errors) returned an error", rc);
    /* With return_errors gather returns (even cancelled) once every task
     * is done: the tasks are gather's, nobody else waits for them. */
    for (int i = 0; i < n; i++) {
        if (codes[i] == WEFT_EINVALSTATE)
            stress_fail("gather_coros returned with a child still running", i);
        check_outcome(recs[i], codes[i], results[i], "gather_coros");
    }
    return rc;
}

static int op_group(record *rec, unsigned *seed)
{
    weft_task_group *group = weft_task_group_new();
    if (group == NULL)
        stress_fail("weft_task_group_new", weft_last_error());
    weft_task *tasks[MAX_FANOUT];
    record *recs[MAX_FANOUT];
    int n = 0, want = 1 + (int)(rand_r(seed) % MAX_FANOUT);
    int body = 0;
    for (; n < want && body == 0; n++) {
        recs[n] = new_record(rec, rand_r(seed), rec->depth - 1, rec->long_ok);
        if (recs[n] == NULL)
            break;
        tasks[n] = weft_task_group_spawn(group, node, recs[n]);
        if (tasks[n] == NULL) {
            /* Refused: a child failed already and the group is aborting. */
            if (weft_last_error() != WEFT_ESHUTDOWN)
                stress_fail("weft_task_group_spawn", weft_last_error());
            break;
        }
        watch(tasks[n], recs[n], seed);
        if (rand_r(seed) % 3 == 0)
            body = weft_yield();
    }
    if (body == 0 && rand_r(seed) % 8 == 0)
        body = weft_raise(USER_ERROR, "group body %u failed", rec->id);
    int rc = weft_task_group_wait(group, body);
    const weft_task_error *errors;
    size_t count = weft_task_group_errors(group, &errors);
    int failed = 0;
    for (int i = 0; i < n; i++) {
        int code = final_outcome(tasks[i], recs[i], "group");
        if (code != 0 && code != WEFT_ECANCELLED) {
            failed++;
            int seen = 0;
            for (size_t k = 0; k < count; k++)
                if (errors[k].task == tasks[i]) {
                    seen++;
                    if (errors[k].code != code)
                        stress_fail("group error with a wrong code", errors[k].code);
                }
            if (seen != 1)
                stress_fail("failed child not listed exactly once", seen);
        }
    }
    size_t body_errors = 0;
    for (size_t k = 0; k < count; k++)
        if (errors[k].task == NULL) {
            body_errors++;
            if (errors[k].code != body || k != count - 1)
                stress_fail("body error misplaced", errors[k].code);
        }
    if ((size_t)failed + body_errors != count)
        stress_fail("group error list does not match the failed children", (long long)count);
    if ((count > 0) != (rc == WEFT_EGROUP))
        stress_fail("group returned EGROUP without errors, or errors without EGROUP", rc);
    if (rc != 0 && rc != WEFT_EGROUP && rc != WEFT_ECANCELLED)
        stress_fail("group returned an unexpected code", rc);
    weft_task_group_free(group);
    release_all(tasks, n);
    return rc;
}

static int op_wait(record *rec, unsigned *seed)
{
    weft_task *tasks[MAX_FANOUT];
    record *recs[MAX_FANOUT];
    int n = 0, want = 1 + (int)(rand_r(seed) % MAX_FANOUT);
    for (; n < want; n++)
        if ((tasks[n] = spawn_child(rec, false, seed, &recs[n])) == NULL)
            break;
    if (n == 0)
        return 0;
    weft_wait_when when = (weft_wait_when)(rand_r(seed) % 3);
    double timeout = rand_r(seed) % 2 ? WEFT_NO_TIMEOUT : 0.0001 * (rand_r(seed) % 20);
    bool done[MAX_FANOUT];
    int rc = weft_wait(tasks, (size_t)n, timeout, when, done);
    if (rc != 0 && rc != WEFT_ECANCELLED)
        stress_fail("wait returned an error", rc);
    if (rc == 0) {
        int done_count = 0;
        for (int i = 0; i < n; i++) {
            if (done[i] && !weft_task_done(tasks[i]))
                stress_fail("wait says done for a pending task", i);
            done_count += done[i];
        }
        if (timeout == WEFT_NO_TIMEOUT && when == WEFT_ALL_COMPLETED && done_count != n)
            stress_fail("ALL_COMPLETED returned with pending tasks", done_count);
        if (timeout == WEFT_NO_TIMEOUT && done_count == 0)
            stress_fail("wait returned with nothing done and no timeout", when);
    }
    join(tasks, recs, n, rc, "wait join");
    release_all(tasks, n);
    return rc;
}

static int op_wait_for(record *rec, unsigned *seed)
{
    record *crec;
    double timeout = rand_r(seed) % 4 == 0 ? 0 : 0.0001 * (1 + rand_r(seed) % 30);
    if (rand_r(seed) % 3 == 0) {
        /* A coroutine: inline with a positive timeout. */
        crec = new_record(rec, rand_r(seed), rec->depth - 1, true);
        if (crec == NULL)
            return 0;
        void *value = NULL;
        int rc = weft_wait_for_coro(weft_coro_new(node, crec), timeout, &value);
        if (rc != WEFT_ETIMEDOUT)
            check_outcome(crec, rc, value, "wait_for_coro");
        return rc;
    }
    weft_task *task = spawn_child(rec, true, seed, &crec);
    if (task == NULL)
        return 0;
    void *value = NULL;
    int rc = weft_wait_for(task, timeout, &value);
    if (rc == WEFT_ETIMEDOUT) {
        /* It ended cancelled, or finished as the deadline cancelled our
         * wait (S3); either way wait_for waited for its end. */
        if (!weft_task_done(task))
            stress_fail("wait_for timed out with the task still running", crec->id);
    } else if (rc != WEFT_ECANCELLED) {
        check_outcome(crec, rc, value, "wait_for");
    }
    join(&task, &crec, 1, rc, "wait_for join");
    weft_task_release(task);
    return rc;
}

static int op_shield(record *rec, unsigned *seed)
{
    record *crec;
    weft_task *task = spawn_child(rec, false, seed, &crec);
    if (task == NULL)
        return 0;
    void *value = NULL;
    int rc = weft_shield(task, &value);
    if (rc == WEFT_ECANCELLED && !weft_task_cancelled(task) &&
        weft_task_cancelling(weft_current_task()) == 0)
        stress_fail("shield cancelled while neither side was", crec->id);
    if (rc != WEFT_ECANCELLED)
        check_outcome(crec, rc, value, "shield");
    join(&task, &crec, 1, rc, "shield join");
    weft_task_release(task);
    return rc;
}

static int op_timeout(record *rec, unsigned *seed)
{
    weft_timeout *scope;
    int rc = weft_timeout_enter(&scope, 0.0001 * (rand_r(seed) % 30));
    if (rc != 0)
        stress_fail("weft_timeout_enter", rc);
    if (rand_r(seed) % 4 == 0)
        weft_timeout_reschedule(scope, weft_time(NULL) + 0.0001 * (rand_r(seed) % 30));
    /* Children below may block: the deadline ends them. */
    bool saved = rec->long_ok;
    rec->long_ok = true;
    int body = rand_r(seed) % 2 ? op_group(rec, seed) : op_gather(rec, seed, true);
    rec->long_ok = saved;
    rc = weft_timeout_exit(scope, body);
    if (rc == WEFT_ETIMEDOUT && !weft_timeout_expired(scope))
        stress_fail("timeout scope reported TimeoutError without expiring", 0);
    if (rc != WEFT_ETIMEDOUT && rc != body)
        stress_fail("timeout scope changed a code other than its cancel", rc);
    weft_timeout_free(scope);
    return rc;
}

static int op_as_completed(record *rec, unsigned *seed)
{
    weft_task *tasks[MAX_FANOUT];
    record *recs[MAX_FANOUT];
    int n = 0, want = 1 + (int)(rand_r(seed) % MAX_FANOUT);
    for (; n < want; n++)
        if ((tasks[n] = spawn_child(rec, false, seed, &recs[n])) == NULL)
            break;
    if (n == 0)
        return 0;
    double timeout = rand_r(seed) % 2 ? WEFT_NO_TIMEOUT : 0.0001 * (rand_r(seed) % 30);
    weft_as_completed *iterator = weft_as_completed_new(tasks, (size_t)n, timeout);
    if (iterator == NULL)
        stress_fail("weft_as_completed_new", weft_last_error());
    bool seen[MAX_FANOUT] = {false};
    int handed = 0, timeouts = 0, rc = 0;
    for (;;) {
        weft_task *task = NULL;
        void *value = NULL;
        int code = weft_as_completed_next(iterator, &task, &value);
        if (task == NULL) {
            if (code == 0)
                break;
            if (code == WEFT_ETIMEDOUT) {
                timeouts++;
                continue;
            }
            if (code != WEFT_ECANCELLED)
                stress_fail("as_completed_next returned an unexpected error", code);
            rc = code;
            break;
        }
        int i = 0;
        while (i < n && tasks[i] != task)
            i++;
        if (i == n || seen[i])
            stress_fail("as_completed handed out a stranger or a task twice", i);
        seen[i] = true;
        handed++;
        if (!weft_task_done(task))
            stress_fail("as_completed handed out a pending task", i);
        check_outcome(recs[i], code, value, "as_completed");
    }
    if (rc == 0 && handed + timeouts != n)
        stress_fail("as_completed lost tasks", handed + timeouts);
    if (timeouts > 0 && timeout == WEFT_NO_TIMEOUT)
        stress_fail("as_completed timed out without a timeout", timeouts);
    weft_as_completed_free(iterator);
    join(tasks, recs, n, rc, "as_completed join");
    release_all(tasks, n);
    return rc;
}

static int node(void *arg, void **result)
{
    record *rec = arg;
    if (atomic_fetch_add(&rec->started, 1) != 0)
        stress_fail("body started twice", rec->id);
    unsigned seed = rec->seed;
    int rc;
    if (rec->depth <= 0 || rand_r(&seed) % 5 == 0) {
        rc = leaf(rec, &seed);
    } else {
        enum op op = (enum op)(rand_r(&seed) % OP_COUNT);
        rec->op = (int)op;
        atomic_fetch_add(&ops[op], 1);
        switch (op) {
        case OP_GATHER: rc = op_gather(rec, &seed, false); break;
        case OP_GATHER_ERRORS: rc = op_gather(rec, &seed, true); break;
        case OP_GATHER_COROS: rc = op_gather_coros(rec, &seed); break;
        case OP_GROUP: rc = op_group(rec, &seed); break;
        case OP_WAIT: rc = op_wait(rec, &seed); break;
        case OP_WAIT_FOR: rc = op_wait_for(rec, &seed); break;
        case OP_SHIELD: rc = op_shield(rec, &seed); break;
        case OP_TIMEOUT: rc = op_timeout(rec, &seed); break;
        default: rc = op_as_completed(rec, &seed); break;
        }
    }
    /* The message of a code from below may have been replaced meanwhile. */
    if (rc != 0 && rc != WEFT_ECANCELLED && weft_last_error() != rc)
        weft_raise(rc, "node %u", rec->id);
    atomic_store(&rec->rc, rc);
    atomic_store_explicit(&rec->returned, 1, memory_order_release);
    if (rc == 0)
        *result = (void *)(uintptr_t)(rec->id + 1);
    return rc;
}

/* Cancels random published tasks, wherever they run, until told to stop. */
static int canceller(void *arg, void **result)
{
    (void)arg;
    (void)result;
    unsigned seed = 4242;
    while (!atomic_load(&stop_cancelling)) {
        weft_task *victim = atomic_exchange(&cancel_slots[rand_r(&seed) % CANCEL_SLOTS], NULL);
        if (victim != NULL && rand_r(&seed) % 2 == 0) {
            /* Sometimes twice: the second request meets the first one's
             * propagation on other workers. */
            weft_task_cancel(victim, "twice");
        }
        if (victim != NULL) {
            int r = weft_task_cancel(victim, rand_r(&seed) % 2 ? "stress" : NULL);
            if (r < 0 || (r == 0 && !weft_task_done(victim)))
                stress_fail("weft_task_cancel", r);
            atomic_fetch_add(&cancels_made, r);
            weft_task_release(victim);
        }
        if ((rand_r(&seed) % 4 == 0 ? weft_sleep(0.0001) : weft_yield()) != 0)
            stress_fail("canceller cancelled", 0);
    }
    return 0;
}

static int roots = DEFAULT_ROOTS;

static int stress_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_task *cancel_task = weft_spawn(canceller, NULL);
    unsigned seed = 9876;
    static weft_task *tasks[MAX_ROOTS];
    static record *recs[MAX_ROOTS];
    int n = 0;
    for (; n < roots; n++) {
        recs[n] = new_record(NULL, rand_r(&seed), 1 + (int)(rand_r(&seed) % MAX_DEPTH),
                             false);
        if (recs[n] == NULL)
            stress_fail("budget too small for the roots", n);
        tasks[n] = weft_spawn(node, recs[n]);
        watch(tasks[n], recs[n], &seed);
    }
    /* Every root, whatever it ended with. */
    int codes[MAX_ROOTS];
    void *values[MAX_ROOTS];
    if (weft_gather(tasks, (size_t)n, true, values, codes) != 0)
        stress_fail("gathering the roots", weft_last_error());
    for (int i = 0; i < n; i++)
        check_outcome(recs[i], codes[i], values[i], "root");
    atomic_store(&stop_cancelling, true);
    if (weft_await(cancel_task, NULL) != 0)
        stress_fail("canceller failed", 0);
    weft_task_release(cancel_task);
    for (int i = 0; i < CANCEL_SLOTS; i++)
        weft_task_release(atomic_exchange(&cancel_slots[i], NULL));
    release_all(tasks, n);
    return 0;
}

int main(int argc, char **argv)
{
    roots = (int)stress_arg(argc, argv, 1, "roots", DEFAULT_ROOTS, 1, MAX_ROOTS);
    weft_config config = stress_config(DEFAULT_WORKERS);
    config.exception_handler = handler;
    /* A hang (a lost wake-up, a child never accounted for) fails the test. */
    stress_run(&config, weft_coro_new(stress_main, NULL),
               (stress_watchdog_settings){.run_limit_s = LIMIT_S});
    unsigned total = atomic_load(&next_record);
    if (total > MAX_RECORDS)
        total = MAX_RECORDS;
    int started = 0;
    for (unsigned i = 0; i < total; i++) {
        record *rec = &records[i];
        int s = atomic_load(&rec->started), r = atomic_load(&rec->returned);
        if (s > 1 || s != r)
            stress_fail("a body started and never returned", i);
        if (rec->has_callback && atomic_load(&rec->callbacks) != 1) {
            fprintf(stderr, "%s: record %u: callbacks %d started %d returned %d rc %d:",
                    STRESS_PROGRAM, i, atomic_load(&rec->callbacks), s, r, atomic_load(&rec->rc));
            for (const record *p = rec; p != NULL; p = p->parent)
                fprintf(stderr, " <- %u (%s, returned %d)", p->id,
                        p->op >= 0 ? op_names[p->op] : "leaf", atomic_load(&p->returned));
            fprintf(stderr, "\n");
            stress_fail("a task's done callback did not run exactly once", i);
        }
        started += s;
    }
    if (atomic_load(&callbacks_run) != atomic_load(&with_callback))
        stress_fail("callbacks lost", atomic_load(&callbacks_run));
    if (atomic_load(&unretrieved) != 0 || atomic_load(&other_reports) != 0)
        stress_fail("errors reported to the handler", atomic_load(&unretrieved));
    printf("%s: %u workers, %u nodes, %d bodies ran, %d callbacks, %d cancels;", STRESS_PROGRAM,
           config.workers, total, started, atomic_load(&callbacks_run), atomic_load(&cancels_made));
    for (int i = 0; i < OP_COUNT; i++)
        printf(" %s %d", op_names[i], atomic_load(&ops[i]));
    printf("\n");
    return stress_pass();
}
