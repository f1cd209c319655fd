/* A fuzz target for the single loop: the input bytes are a program of API
 * calls, checked against a small model of asyncio's rules.
 *
 * The main task reads one opcode at a time: spawn a task (whose own body is
 * the next few bytes), yield, sleep(0), await / cancel / uncancel / name /
 * query a task, add or remove a done callback. A spawned task's body is a
 * short program of its own: yield, await another task, cancel one, fail,
 * or return a value. The model checks, for every input:
 *   - T1 (ASYNCIO_ORDERING.md): tasks take their first step in creation
 *     order (FIFO ready queue), unless cancelled before it;
 *   - every body that starts ends at most once, and a task is done after;
 *   - an outcome read back (await, result) is the one the body produced:
 *     its value, its error, or WEFT_ECANCELLED for a cancelled task;
 *   - states only move forward: a done task stays done, a cancelled one
 *     stays cancelled;
 *   - done callbacks run exactly once per registration still registered at
 *     completion, in registration order, and never before the task is done.
 * A mismatch aborts with a message (the fuzzer keeps the input). Leaks are
 * LeakSanitizer's (libFuzzer build) or valgrind's (replay build) to find.
 *
 * Built twice: with clang -fsanitize=fuzzer by `make fuzz`, and as a plain
 * program (fuzz_replay.c) that replays the committed corpus in make check. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "weft.h"

enum { MAX_TASKS = 24, MAX_CALLBACKS = 64, BODY_BYTES = 6 };

typedef enum outcome { PENDING, RETURNED, FAILED, CANCELLED } outcome;

typedef struct model_task {
    weft_task *task;
    const uint8_t *body; /* its program */
    size_t body_size;
    long created;        /* creation index */
    int started;         /* times its body began */
    int ended;           /* times its body ended */
    outcome outcome;     /* what the body did (CANCELLED: it returned the cancel) */
    int code;
    long value;
    bool seen_done, seen_cancelled;
    int callbacks_registered; /* registrations still in place */
    int callbacks_run;
} model_task;

typedef struct callback_record {
    int task;
    int order; /* registration rank for that task */
    int runs;
} callback_record;

static struct {
    const uint8_t *data;
    size_t size, at;
    model_task tasks[MAX_TASKS];
    int count;
    long next_start; /* creation index expected to start next */
    callback_record callbacks[MAX_CALLBACKS];
    int callback_count;
} fz;

#define CHECK(cond, ...)                                                                      \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "fuzz_api: model mismatch: " __VA_ARGS__);                         \
            fprintf(stderr, " (%s:%d)\n", __FILE__, __LINE__);                                \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

static int next_byte(void)
{
    return fz.at < fz.size ? fz.data[fz.at++] : -1;
}

static void *as_ptr(long v) { return (void *)(intptr_t)v; }
static long as_long(void *p) { return (long)(intptr_t)p; }

/* Checks a task's observable state against the model, at any time. */
static void check_states(void)
{
    for (int i = 0; i < fz.count; i++) {
        model_task *m = &fz.tasks[i];
        bool done = weft_task_done(m->task), cancelled = weft_task_cancelled(m->task);
        CHECK(!m->seen_done || done, "task %d was done and is pending again", i);
        CHECK(!m->seen_cancelled || cancelled, "task %d was cancelled and is not any more", i);
        CHECK(!cancelled || done, "task %d cancelled but not done", i);
        CHECK(m->ended <= 1 && m->started <= 1, "task %d body ran %d times", i, m->started);
        CHECK(m->ended == 0 || done || m->outcome == PENDING,
              "task %d body ended but the task is pending", i);
        m->seen_done = done;
        m->seen_cancelled = cancelled;
    }
}

/* What an await or a result must give for a done task. */
static void check_outcome(int index, int code, long value)
{
    model_task *m = &fz.tasks[index];
    if (weft_task_cancelled(m->task)) {
        CHECK(code == WEFT_ECANCELLED, "task %d cancelled, read back %d", index, code);
        return;
    }
    CHECK(m->ended == 1, "task %d finished without its body ending", index);
    if (m->outcome == RETURNED)
        CHECK(code == 0 && value == m->value, "task %d returned %ld, read back %d/%ld", index,
              m->value, code, value);
    else if (m->outcome == FAILED)
        CHECK(code == m->code, "task %d failed with %d, read back %d", index, m->code, code);
}

static int task_body(void *arg, void **result)
{
    int index = (int)as_long(arg);
    model_task *m = &fz.tasks[index];
    CHECK(m->started == 0, "task %d started twice", index);
    CHECK(m->created == fz.next_start || m->created > fz.next_start,
          "task %d (created %ld) started before task created %ld", index, m->created,
          fz.next_start);
    /* T1: first steps in creation order. Tasks skipped were cancelled before
     * their first step (their bodies never run). */
    for (long c = fz.next_start; c < m->created; c++)
        for (int j = 0; j < fz.count; j++)
            if (fz.tasks[j].created == c)
                CHECK(fz.tasks[j].started == 0 && weft_task_cancelled(fz.tasks[j].task),
                      "task %d started before task %d, created earlier", index, j);
    fz.next_start = m->created + 1;
    m->started = 1;
    for (size_t pc = 0; pc < m->body_size; pc++) {
        uint8_t op = m->body[pc];
        int code = 0;
        switch (op % 6) {
        case 0:
            code = weft_yield();
            break;
        case 1: { /* await a task created earlier: awaits form no cycle */
            int other = index > 0 ? (op / 6) % index : -1;
            if (other >= 0) {
                void *value = NULL;
                code = weft_await(fz.tasks[other].task, &value);
                /* A cancel of this task while it waits also ends the await
                 * with WEFT_ECANCELLED (and cancels the other): only other
                 * outcomes are the other task's own. */
                if (code != WEFT_ECANCELLED)
                    check_outcome(other, code, as_long(value));
                if (code != 0 && code != WEFT_ECANCELLED)
                    code = 0; /* the other's failure is not ours */
            }
            break;
        }
        case 2: { /* cancel another task */
            int other = (op / 6) % (fz.count > 0 ? fz.count : 1);
            if (other < fz.count && other != index)
                weft_task_cancel(fz.tasks[other].task, "by a task");
            break;
        }
        case 3:
            m->outcome = FAILED;
            m->code = 1 + op % 50;
            m->ended = 1;
            return weft_raise(m->code, "failed at %zu", pc);
        case 4:
            m->outcome = RETURNED;
            m->value = op;
            m->ended = 1;
            *result = as_ptr(op);
            return 0;
        default:
            code = weft_sleep(0);
            break;
        }
        if (code == WEFT_ECANCELLED) {
            m->outcome = CANCELLED;
            m->ended = 1;
            return code;
        }
    }
    m->outcome = RETURNED;
    m->value = -1;
    m->ended = 1;
    *result = as_ptr(-1);
    return 0;
}

static int count_callback(weft_task *task, void *arg)
{
    callback_record *record = &fz.callbacks[(int)as_long(arg)];
    model_task *m = &fz.tasks[record->task];
    CHECK(task == m->task, "callback got the wrong task");
    CHECK(weft_task_done(task), "callback before the task was done");
    CHECK(record->runs == 0, "callback ran twice");
    CHECK(record->order == m->callbacks_run, "callbacks out of registration order");
    record->runs++;
    m->callbacks_run++;
    return 0;
}

static int pick_task(void)
{
    int b = next_byte();
    return b < 0 || fz.count == 0 ? -1 : b % fz.count;
}

static int fuzz_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    long created = 0;
    int op;
    while ((op = next_byte()) >= 0) {
        check_states();
        int i;
        switch (op % 10) {
        case 0: /* spawn: the next BODY_BYTES bytes are its body */
            if (fz.count < MAX_TASKS) {
                model_task *m = &fz.tasks[fz.count];
                m->body = fz.data + fz.at;
                m->body_size = fz.size - fz.at < BODY_BYTES ? fz.size - fz.at : BODY_BYTES;
                fz.at += m->body_size;
                m->created = created++;
                m->task = weft_spawn(task_body, as_ptr(fz.count));
                CHECK(m->task != NULL, "spawn failed: %s", weft_last_error_message());
                fz.count++;
            }
            break;
        case 1:
            CHECK(weft_yield() == 0, "main was cancelled");
            break;
        case 2:
            CHECK(weft_sleep(0) == 0, "main was cancelled");
            break;
        case 3: /* await */
            if ((i = pick_task()) >= 0) {
                void *value = NULL;
                int code = weft_await(fz.tasks[i].task, &value);
                CHECK(weft_task_done(fz.tasks[i].task), "await returned, task %d pending", i);
                check_outcome(i, code, as_long(value));
            }
            break;
        case 4:
            if ((i = pick_task()) >= 0) {
                bool was_done = weft_task_done(fz.tasks[i].task);
                int rc = weft_task_cancel(fz.tasks[i].task, "by main");
                CHECK(rc == (was_done ? 0 : 1), "cancel of task %d (done: %d) returned %d", i,
                      was_done, rc);
            }
            break;
        case 5:
            if ((i = pick_task()) >= 0)
                CHECK(weft_task_uncancel(fz.tasks[i].task) >= 0, "uncancel failed");
            break;
        case 6: /* result of a done task, or EINVALSTATE while pending */
            if ((i = pick_task()) >= 0) {
                void *value = NULL;
                int code = weft_task_result(fz.tasks[i].task, &value);
                if (weft_task_done(fz.tasks[i].task))
                    check_outcome(i, code, as_long(value));
                else
                    CHECK(code == WEFT_EINVALSTATE, "result of pending task %d: %d", i, code);
            }
            break;
        case 7: /* add a done callback */
            if ((i = pick_task()) >= 0 && fz.callback_count < MAX_CALLBACKS &&
                !weft_task_done(fz.tasks[i].task)) {
                callback_record *record = &fz.callbacks[fz.callback_count];
                record->task = i;
                record->order = fz.tasks[i].callbacks_registered++;
                CHECK(weft_task_add_done_callback(fz.tasks[i].task, count_callback,
                                                  as_ptr(fz.callback_count)) == 0,
                      "add_done_callback failed");
                fz.callback_count++;
            }
            break;
        case 8:
            if ((i = pick_task()) >= 0) {
                char name[16];
                snprintf(name, sizeof name, "t%d", i);
                CHECK(weft_task_set_name(fz.tasks[i].task, name) == 0, "set_name failed");
                CHECK(strcmp(weft_task_get_name(fz.tasks[i].task), name) == 0, "name lost");
            }
            break;
        default: {
            weft_task **tasks = NULL;
            size_t n = 0;
            CHECK(weft_all_tasks(&tasks, &n) == 0, "all_tasks failed");
            for (size_t k = 0; k < n; k++)
                CHECK(!weft_task_done(tasks[k]), "all_tasks listed a done task");
            weft_tasks_release(tasks, n);
            break;
        }
        }
    }
    /* Let every task finish so the callbacks can be counted. */
    for (int i = 0; i < fz.count; i++)
        if (!weft_task_done(fz.tasks[i].task))
            (void)weft_await(fz.tasks[i].task, NULL);
    for (int k = 0; k < 4; k++)
        weft_yield(); /* done callbacks take their own hops */
    return 0;
}

static void quiet(weft_executor *executor, const weft_exception_context *context, void *arg)
{
    (void)executor;
    (void)context;
    (void)arg; /* unretrieved failures are expected here */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memset(&fz, 0, sizeof fz);
    fz.data = data;
    fz.size = size;
    weft_config config;
    weft_config_init(&config);
    config.workers = 1; /* the single loop: asyncio's order */
    config.exception_handler = quiet;
    int rc = weft_run_with(&config, weft_coro_new(fuzz_main, NULL), NULL);
    CHECK(rc == 0, "weft_run returned %d: %s", rc, weft_last_error_message());
    check_states();
    for (int i = 0; i < fz.count; i++) {
        model_task *m = &fz.tasks[i];
        CHECK(weft_task_done(m->task), "task %d pending after weft_run", i);
        CHECK(m->started == m->ended, "task %d body started but never ended", i);
        CHECK(m->callbacks_run == m->callbacks_registered, "task %d: %d of %d callbacks ran", i,
              m->callbacks_run, m->callbacks_registered);
        weft_task_release(m->task);
    }
    return 0;
}
