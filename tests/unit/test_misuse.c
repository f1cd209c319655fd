/* The misuse matrix (issue 5, item 1): every public function of weft.h
 * called with NULL and invalid arguments, from the wrong place (outside any
 * loop, from a callback where a task is required, from a task where a
 * worker must not block) and in the wrong state. Each call must return its
 * documented error and record it as the last error with a message: no
 * abort, no crash, nothing leaked (this program runs under make check-asan).
 *
 * MISUSE_ROWS below is the matrix itself, one row per call: where it is
 * made, the code it must return, and the call. Calls with no error return
 * (void functions, bool and pointer getters) are in NULL_IS_HARMLESS: NULL
 * must be accepted and read as the documented neutral value. The calls that
 * need a particular state (a task still pending, a freed executor, a lock
 * with a waiter...) have a test each further down. */
#include "unit.h"

#include <math.h>

/* ------------------------------------------------------------------ */
/* Fixtures the rows use                                              */
/* ------------------------------------------------------------------ */

static int returns_arg(void *arg, void **result)
{
    *result = arg;
    return 0;
}

static int noop_callback(void *arg)
{
    (void)arg;
    return 0;
}

static int noop_done(weft_task *task, void *arg)
{
    (void)task;
    (void)arg;
    return 0;
}

static int compare_pointers(const void *a, const void *b)
{
    return (a > b) - (a < b);
}

/* A predicate that never holds: wait_for must wait (asyncio returns at once,
 * lock or not, when the predicate already holds). */
static bool never(void *arg)
{
    (void)arg;
    return false;
}

static struct {
    weft_task *done_task;       /* a finished task, from an earlier run */
    weft_coro *fresh_coro;      /* a coroutine nobody took over */
    weft_lock *lock;            /* never acquired */
    weft_semaphore *bounded;    /* bounded, at its initial value */
    weft_condition *condition;  /* its lock never acquired */
    weft_queue *full_queue;     /* maxsize 1, holding one item */
    weft_queue *empty_queue;    /* unbounded, empty, no unfinished item */
    weft_event *event;          /* cleared */
    weft_executor *other;       /* an executor of its own (1 worker) */
    weft_config bad_workers, bad_order, bad_grace;
} fx;

static double nan_value(void)
{
    return nan("");
}

/* A constructor's failure as a code: its last error if it returned NULL,
 * 0 (and the row fails) if it returned something. */
#define NULLCODE(expr) ((expr) == NULL ? weft_last_error() : 0)

static char buf[64];
static size_t count_out;
static weft_task **tasks_out;
static weft_task *task_out;
static void *item_out;
static weft_timeout *timeout_out;
static weft_handle *handle_out;
static weft_executor *executor_out;
static weft_executor_stats stats_out;
static weft_task *null_tasks[2];

/* Where a row is called. */
enum {
    PLAIN,    /* the main thread, no loop running anywhere in it */
    TASK,     /* inside a task of weft_run */
    CALLBACK, /* inside a call_soon callback: a loop, but no task */
};

/* The matrix: X(where, expected code, call). */
#define MISUSE_ROWS(X)                                                                             \
    /* Errors */                                                                                   \
    X(PLAIN, 42, weft_raise(42, "user error %d", 42))                                              \
    /* Coroutines */                                                                               \
    X(PLAIN, WEFT_ENOTCORO, NULLCODE(weft_coro_new_named(NULL, NULL, "f", "x.c", 1)))              \
    X(PLAIN, WEFT_EINVAL, weft_coro_free(NULL))                                                    \
    X(PLAIN, WEFT_EINVAL, weft_coro_describe(NULL, buf, sizeof buf))                               \
    X(PLAIN, WEFT_EINVAL, weft_coro_describe(fx.fresh_coro, NULL, 10))                             \
    X(PLAIN, WEFT_EINVALSTATE, weft_coro_free(weft_task_get_coro(fx.done_task)))                   \
    /* Task creation: no loop, no coroutine, a spent coroutine */                                  \
    X(PLAIN, WEFT_ENOLOOP, NULLCODE(weft_task_create(fx.fresh_coro, NULL)))                        \
    X(CALLBACK, WEFT_ENOTCORO, NULLCODE(weft_task_create(NULL, NULL)))                             \
    X(TASK, WEFT_ENOTCORO, NULLCODE(weft_task_create(NULL, "named")))                              \
    X(TASK, WEFT_EREUSED, NULLCODE(weft_task_create(weft_task_get_coro(fx.done_task), NULL)))      \
    X(PLAIN, WEFT_ENOLOOP, NULLCODE(weft_spawn(returns_arg, NULL)))                                \
    X(TASK, WEFT_ENOTCORO, NULLCODE(weft_spawn_named(NULL, NULL, "f", "x.c", 1)))                  \
    X(PLAIN, WEFT_EINVAL, NULLCODE(weft_executor_submit(NULL, fx.fresh_coro, NULL)))               \
    X(PLAIN, WEFT_ENOTCORO, NULLCODE(weft_executor_submit(fx.other, NULL, NULL)))                  \
    /* Awaiting: task-only calls */                                                                \
    X(PLAIN, WEFT_ENOLOOP, weft_await(fx.done_task, NULL))                                         \
    X(CALLBACK, WEFT_ENOTASK, weft_await(fx.done_task, NULL))                                      \
    X(TASK, WEFT_EINVAL, weft_await(NULL, NULL))                                                   \
    X(TASK, WEFT_EINVAL, weft_await(fx.done_task, NULL)) /* another executor's task */            \
    X(PLAIN, WEFT_ENOLOOP, weft_await_coro(fx.fresh_coro, NULL))                                   \
    X(CALLBACK, WEFT_ENOTASK, weft_await_coro(fx.fresh_coro, NULL))                                \
    X(TASK, WEFT_ENOTCORO, weft_await_coro(NULL, NULL))                                            \
    X(TASK, WEFT_EREUSED, weft_await_coro(weft_task_get_coro(fx.done_task), NULL))                 \
    X(PLAIN, WEFT_ENOLOOP, weft_yield())                                                           \
    X(CALLBACK, WEFT_ENOTASK, weft_yield())                                                        \
    X(PLAIN, WEFT_ENOLOOP, weft_sleep(0.001))                                                      \
    X(CALLBACK, WEFT_ENOTASK, weft_sleep(0.001))                                                   \
    X(TASK, WEFT_EINVAL, weft_sleep(nan_value()))                                                  \
    /* Task queries and changes */                                                                 \
    X(PLAIN, WEFT_EINVAL, weft_all_tasks(NULL, &count_out))                                        \
    X(PLAIN, WEFT_EINVAL, weft_all_tasks(&tasks_out, NULL))                                        \
    X(PLAIN, WEFT_ENOLOOP, weft_all_tasks(&tasks_out, &count_out))                                 \
    X(PLAIN, WEFT_EINVAL, weft_task_cancel(NULL, "msg"))                                           \
    X(PLAIN, WEFT_EINVAL, weft_task_cancelling(NULL))                                              \
    X(PLAIN, WEFT_EINVAL, weft_task_uncancel(NULL))                                                \
    X(PLAIN, WEFT_EINVAL, weft_task_result(NULL, NULL))                                            \
    X(PLAIN, WEFT_EINVAL, weft_task_exception(NULL, NULL))                                         \
    X(PLAIN, WEFT_EINVAL, weft_task_add_done_callback(NULL, noop_done, NULL))                      \
    X(PLAIN, WEFT_EINVAL, weft_task_add_done_callback(fx.done_task, NULL, NULL))                   \
    X(PLAIN, WEFT_EINVAL, weft_task_remove_done_callback(NULL, noop_done, NULL))                   \
    X(PLAIN, WEFT_EINVAL, weft_task_remove_done_callback(fx.done_task, NULL, NULL))                \
    X(PLAIN, WEFT_EINVAL, weft_task_set_name(NULL, "name"))                                        \
    X(PLAIN, WEFT_EINVAL, weft_task_set_name(fx.done_task, NULL))                                  \
    X(PLAIN, WEFT_EINVAL, weft_task_describe(NULL, buf, sizeof buf))                               \
    X(PLAIN, WEFT_EINVAL, weft_task_describe(fx.done_task, NULL, 10))                              \
    /* Composing */                                                                                \
    X(PLAIN, WEFT_ENOLOOP, weft_gather(null_tasks, 0, false, NULL, NULL))                          \
    X(CALLBACK, WEFT_ENOTASK, weft_gather(null_tasks, 0, false, NULL, NULL))                       \
    X(TASK, WEFT_EINVAL, weft_gather(NULL, 2, false, NULL, NULL))                                  \
    X(TASK, WEFT_EINVAL, weft_gather(null_tasks, 2, false, NULL, NULL))                            \
    X(TASK, WEFT_EINVAL, weft_gather(&fx.done_task, 1, false, NULL, NULL))                         \
    X(TASK, WEFT_EINVAL, weft_gather_coros(NULL, 2, false, NULL, NULL))                            \
    X(PLAIN, WEFT_ENOLOOP, weft_wait(&fx.done_task, 1, 1.0, WEFT_ALL_COMPLETED, NULL))             \
    X(TASK, WEFT_EINVAL, weft_wait(null_tasks, 0, 1.0, WEFT_ALL_COMPLETED, NULL))                  \
    X(TASK, WEFT_EINVAL, weft_wait(null_tasks, 1, 1.0, WEFT_ALL_COMPLETED, NULL))                  \
    X(TASK, WEFT_EINVAL, weft_wait(&fx.done_task, 1, 1.0, WEFT_ALL_COMPLETED, NULL))               \
    X(PLAIN, WEFT_ENOLOOP, NULLCODE(weft_as_completed_new(&fx.done_task, 1, 1.0)))                 \
    X(TASK, WEFT_EINVAL, NULLCODE(weft_as_completed_new(null_tasks, 1, 1.0)))                      \
    X(TASK, WEFT_EINVAL, NULLCODE(weft_as_completed_new(&fx.done_task, 1, 1.0)))                   \
    X(TASK, WEFT_EINVAL, weft_as_completed_next(NULL, &task_out, NULL))                            \
    X(PLAIN, WEFT_ENOLOOP, weft_wait_for(fx.done_task, 1.0, NULL))                                 \
    X(TASK, WEFT_EINVAL, weft_wait_for(NULL, 1.0, NULL))                                           \
    X(TASK, WEFT_EINVAL, weft_wait_for(fx.done_task, 1.0, NULL))                                   \
    X(TASK, WEFT_ENOTCORO, weft_wait_for_coro(NULL, 1.0, NULL))                                    \
    X(PLAIN, WEFT_ENOLOOP, weft_shield(fx.done_task, NULL))                                        \
    X(TASK, WEFT_EINVAL, weft_shield(NULL, NULL))                                                  \
    X(TASK, WEFT_EINVAL, weft_shield(weft_current_task(), NULL))                                   \
    X(TASK, WEFT_EINVAL, weft_shield(fx.done_task, NULL))                                          \
    X(PLAIN, WEFT_ENOLOOP, weft_timeout_enter(&timeout_out, 1.0))                                  \
    X(CALLBACK, WEFT_ENOTASK, weft_timeout_enter(&timeout_out, 1.0))                               \
    X(TASK, WEFT_EINVAL, weft_timeout_enter(NULL, 1.0))                                            \
    X(TASK, WEFT_EINVAL, weft_timeout_enter(&timeout_out, nan_value()))                            \
    X(TASK, WEFT_EINVAL, weft_timeout_enter_at(&timeout_out, nan_value()))                         \
    X(PLAIN, WEFT_EINVAL, weft_timeout_reschedule(NULL, 1.0))                                      \
    X(PLAIN, WEFT_EINVAL, weft_timeout_exit(NULL, 0))                                              \
    X(PLAIN, WEFT_ENOLOOP, NULLCODE(weft_task_group_new()))                                        \
    X(CALLBACK, WEFT_ENOTASK, NULLCODE(weft_task_group_new()))                                     \
    X(TASK, WEFT_EINVAL, NULLCODE(weft_task_group_create_task(NULL, fx.fresh_coro, NULL)))         \
    X(TASK, WEFT_EINVAL, weft_task_group_wait(NULL, 0))                                            \
    /* Running and executors */                                                                    \
    X(PLAIN, WEFT_ENOTCORO, weft_run(NULL, NULL))                                                  \
    X(TASK, WEFT_ERUNNING, weft_run(fx.fresh_coro, NULL))                                          \
    X(CALLBACK, WEFT_ERUNNING, weft_run(fx.fresh_coro, NULL))                                      \
    X(PLAIN, WEFT_EINVAL, weft_run_with(&fx.bad_workers, weft_coro_new(returns_arg, NULL), NULL))  \
    X(PLAIN, WEFT_EINVAL, weft_run_with(&fx.bad_order, weft_coro_new(returns_arg, NULL), NULL))    \
    X(PLAIN, WEFT_EINVAL, weft_run_with(&fx.bad_grace, weft_coro_new(returns_arg, NULL), NULL))    \
    X(PLAIN, WEFT_EINVAL, weft_executor_create(NULL, NULL))                                        \
    X(PLAIN, WEFT_EINVAL, weft_executor_create(&fx.bad_workers, &executor_out))                    \
    X(PLAIN, WEFT_EINVAL, weft_executor_create(&fx.bad_grace, &executor_out))                      \
    X(TASK, WEFT_ERUNNING, weft_executor_create(NULL, &executor_out))                              \
    X(PLAIN, WEFT_EINVAL, weft_executor_wait(NULL, NULL))                                          \
    X(TASK, WEFT_ERUNNING, weft_executor_wait(fx.done_task, NULL))                                 \
    X(CALLBACK, WEFT_ERUNNING, weft_executor_wait(fx.done_task, NULL))                             \
    X(PLAIN, WEFT_EINVAL, weft_executor_shutdown(NULL))                                            \
    X(TASK, WEFT_ERUNNING, weft_executor_shutdown(fx.other))                                       \
    X(PLAIN, WEFT_EINVAL, weft_executor_get_stats(NULL, &stats_out))                               \
    X(PLAIN, WEFT_EINVAL, weft_executor_get_stats(fx.other, NULL))                                 \
    /* Synchronization primitives */                                                               \
    X(PLAIN, WEFT_EINVAL, weft_event_new(NULL))                                                    \
    X(PLAIN, WEFT_EINVAL, weft_event_set(NULL))                                                    \
    X(PLAIN, WEFT_EINVAL, weft_event_clear(NULL))                                                  \
    X(PLAIN, WEFT_ENOLOOP, weft_event_wait(fx.event))                                              \
    X(CALLBACK, WEFT_ENOTASK, weft_event_wait(fx.event))                                           \
    X(TASK, WEFT_EINVAL, weft_event_wait(NULL))                                                    \
    X(PLAIN, WEFT_EINVAL, weft_event_wait_blocking(NULL, 0.001))                                   \
    X(PLAIN, WEFT_EINVAL, weft_event_wait_blocking(fx.event, nan_value()))                         \
    X(PLAIN, WEFT_ETIMEDOUT, weft_event_wait_blocking(fx.event, 0.001))                            \
    X(TASK, WEFT_ERUNNING, weft_event_wait_blocking(fx.event, 0.001))                              \
    X(PLAIN, WEFT_EINVAL, weft_lock_new(NULL))                                                     \
    X(PLAIN, WEFT_ENOLOOP, weft_lock_acquire(fx.lock))                                             \
    X(CALLBACK, WEFT_ENOTASK, weft_lock_acquire(fx.lock))                                          \
    X(TASK, WEFT_EINVAL, weft_lock_acquire(NULL))                                                  \
    X(PLAIN, WEFT_EINVAL, weft_lock_release(NULL))                                                 \
    X(PLAIN, WEFT_ENOTACQUIRED, weft_lock_release(fx.lock))                                        \
    X(TASK, WEFT_ENOTACQUIRED, weft_lock_release(fx.lock))                                         \
    X(PLAIN, WEFT_EINVAL, weft_lock_acquire_blocking(NULL, 0.001))                                 \
    X(PLAIN, WEFT_EINVAL, weft_lock_acquire_blocking(fx.lock, nan_value()))                        \
    X(TASK, WEFT_ERUNNING, weft_lock_acquire_blocking(fx.lock, 0.001))                             \
    X(CALLBACK, WEFT_ERUNNING, weft_lock_acquire_blocking(fx.lock, 0.001))                         \
    X(PLAIN, WEFT_EINVAL, weft_semaphore_new(-1, false, (weft_semaphore **)&item_out))             \
    X(PLAIN, WEFT_EINVAL, weft_semaphore_new(1, false, NULL))                                      \
    X(PLAIN, WEFT_ENOLOOP, weft_semaphore_acquire(fx.bounded))                                     \
    X(TASK, WEFT_EINVAL, weft_semaphore_acquire(NULL))                                             \
    X(PLAIN, WEFT_EINVAL, weft_semaphore_acquire_blocking(NULL, 0.001))                            \
    X(PLAIN, WEFT_EINVAL, weft_semaphore_acquire_blocking(fx.bounded, nan_value()))                \
    X(TASK, WEFT_ERUNNING, weft_semaphore_acquire_blocking(fx.bounded, 0.001))                     \
    X(CALLBACK, WEFT_ERUNNING, weft_semaphore_acquire_blocking(fx.bounded, 0.001))                 \
    X(PLAIN, WEFT_EINVAL, weft_semaphore_release(NULL))                                            \
    X(PLAIN, WEFT_EINVAL, weft_semaphore_release(fx.bounded)) /* above its initial value */       \
    X(PLAIN, WEFT_EINVAL, weft_condition_new(NULL, NULL))                                          \
    X(PLAIN, WEFT_ENOLOOP, weft_condition_acquire(fx.condition))                                   \
    X(PLAIN, WEFT_EINVAL, weft_condition_acquire_blocking(NULL, 0.001))                            \
    X(PLAIN, WEFT_EINVAL, weft_condition_acquire_blocking(fx.condition, nan_value()))              \
    X(TASK, WEFT_ERUNNING, weft_condition_acquire_blocking(fx.condition, 0.001))                   \
    X(PLAIN, WEFT_EINVAL, weft_condition_release(NULL))                                            \
    X(PLAIN, WEFT_ENOTACQUIRED, weft_condition_release(fx.condition))                              \
    X(PLAIN, WEFT_ENOLOOP, weft_condition_wait(fx.condition))                                      \
    X(CALLBACK, WEFT_ENOTASK, weft_condition_wait(fx.condition))                                   \
    X(TASK, WEFT_EINVAL, weft_condition_wait(NULL))                                                \
    X(TASK, WEFT_ENOTACQUIRED, weft_condition_wait(fx.condition))                                  \
    X(TASK, WEFT_ENOTACQUIRED, weft_condition_wait_for(fx.condition, never, NULL))                \
    X(PLAIN, WEFT_EINVAL, weft_condition_wait_blocking(NULL, 0.001))                               \
    X(PLAIN, WEFT_EINVAL, weft_condition_wait_blocking(fx.condition, nan_value()))                 \
    X(PLAIN, WEFT_ENOTACQUIRED, weft_condition_wait_blocking(fx.condition, 0.001))                 \
    X(TASK, WEFT_ERUNNING, weft_condition_wait_blocking(fx.condition, 0.001))                      \
    X(CALLBACK, WEFT_ERUNNING, weft_condition_wait_blocking(fx.condition, 0.001))                  \
    X(PLAIN, WEFT_EINVAL, weft_condition_notify(NULL, 1))                                          \
    X(PLAIN, WEFT_ENOTACQUIRED, weft_condition_notify(fx.condition, 1))                            \
    X(PLAIN, WEFT_ENOTACQUIRED, weft_condition_notify_all(fx.condition))                           \
    X(PLAIN, WEFT_EINVAL, weft_queue_new(0, WEFT_QUEUE_FIFO, NULL, NULL))                          \
    X(PLAIN, WEFT_EINVAL, weft_queue_new(0, WEFT_QUEUE_PRIORITY, NULL, (weft_queue **)&item_out))  \
    X(PLAIN, WEFT_EINVAL, weft_queue_new(0, (weft_queue_kind)99, compare_pointers,                \
                                         (weft_queue **)&item_out))                               \
    X(PLAIN, WEFT_EINVAL, weft_queue_put_nowait(NULL, NULL))                                       \
    X(PLAIN, WEFT_EINVAL, weft_queue_get_nowait(NULL, &item_out))                                  \
    X(PLAIN, WEFT_EQUEUEFULL, weft_queue_put_nowait(fx.full_queue, PV(2)))                         \
    X(PLAIN, WEFT_EQUEUEEMPTY, weft_queue_get_nowait(fx.empty_queue, &item_out))                   \
    X(PLAIN, WEFT_EINVAL, weft_queue_task_done(NULL))                                              \
    X(PLAIN, WEFT_EINVAL, weft_queue_task_done(fx.empty_queue)) /* too many times */              \
    X(PLAIN, WEFT_ENOLOOP, weft_queue_put(fx.full_queue, NULL))                                    \
    X(CALLBACK, WEFT_ENOTASK, weft_queue_get(fx.empty_queue, &item_out))                           \
    X(TASK, WEFT_EINVAL, weft_queue_put(NULL, NULL))                                               \
    X(TASK, WEFT_EINVAL, weft_queue_get(NULL, &item_out))                                          \
    X(TASK, WEFT_EINVAL, weft_queue_join(NULL))                                                    \
    X(PLAIN, WEFT_ENOLOOP, weft_queue_join(fx.full_queue))                                         \
    X(PLAIN, WEFT_ETIMEDOUT, weft_queue_put_blocking(fx.full_queue, NULL, 0.001))                  \
    X(PLAIN, WEFT_ETIMEDOUT, weft_queue_get_blocking(fx.empty_queue, &item_out, 0.001))            \
    X(PLAIN, WEFT_ETIMEDOUT, weft_queue_join_blocking(fx.full_queue, 0.001))                       \
    X(PLAIN, WEFT_EINVAL, weft_queue_get_blocking(NULL, &item_out, 0.001))                         \
    X(PLAIN, WEFT_EINVAL, weft_queue_put_blocking(fx.full_queue, NULL, nan_value()))               \
    X(TASK, WEFT_ERUNNING, weft_queue_get_blocking(fx.empty_queue, &item_out, 0.001))              \
    X(CALLBACK, WEFT_ERUNNING, weft_queue_put_blocking(fx.full_queue, NULL, 0.001))                \
    /* Low-level loop calls */                                                                     \
    X(PLAIN, WEFT_EINVAL, weft_call_soon(NULL, noop_callback, NULL, &handle_out))                  \
    X(TASK, WEFT_EINVAL, weft_call_soon(weft_executor_current(), NULL, NULL, &handle_out))         \
    X(PLAIN, WEFT_ENOLOOP, weft_call_soon(fx.other, noop_callback, NULL, &handle_out))             \
    X(TASK, WEFT_ENOLOOP, weft_call_soon(fx.other, noop_callback, NULL, &handle_out))              \
    X(TASK, WEFT_EINVAL, weft_call_later(weft_executor_current(), nan_value(), noop_callback,      \
                                         NULL, &handle_out))                                      \
    X(TASK, WEFT_EINVAL, weft_call_at(weft_executor_current(), nan_value(), noop_callback, NULL,  \
                                      &handle_out))                                               \
    X(PLAIN, WEFT_EINVAL, weft_handle_cancel(NULL))                                                \
    X(PLAIN, WEFT_EINVAL, weft_set_exception_handler(NULL, NULL, NULL))

/* The header's codes that carry no message (asyncio raises QueueEmpty and
 * QueueFull without one); every other failure must explain itself. */
static bool has_message(int code)
{
    return code != WEFT_EQUEUEEMPTY && code != WEFT_EQUEUEFULL && code != 42;
}

typedef struct misuse_row {
    int where;
    int expected;
    const char *call;
} misuse_row;

static const misuse_row rows[] = {
#define X(where, expected, call) {where, expected, #call},
    MISUSE_ROWS(X)
#undef X
};
#define ROW_COUNT (sizeof rows / sizeof rows[0])

/* Makes the call of row i. */
static int run_row(size_t i)
{
    size_t n = 0;
#define X(where, expected, call)                                                                   \
    if (i == n++)                                                                                  \
        return (call);
    MISUSE_ROWS(X)
#undef X
    return 0;
}

static const char *where_name(int where)
{
    return where == PLAIN ? "outside any loop" : where == TASK ? "in a task" : "in a callback";
}

/* Runs every row made where, checking its code, last error and message.
 * Failures are recorded (ufail): this runs on task stacks too. */
static void run_rows(int where)
{
    for (size_t i = 0; i < ROW_COUNT; i++) {
        if (rows[i].where != where)
            continue;
        weft_raise(0, NULL);
        int code = run_row(i);
        int last = weft_last_error();
        const char *message = weft_last_error_message();
        if (code != rows[i].expected || last != rows[i].expected)
            ufail(__FILE__, __LINE__, "%s %s returned %d (last error %d, '%s'), expected %d",
                  rows[i].call, where_name(where), code, last, message ? message : "NULL",
                  rows[i].expected);
        else if (has_message(code) && (message == NULL || message[0] == '\0'))
            ufail(__FILE__, __LINE__, "%s %s: no message with code %d", rows[i].call,
                  where_name(where), code);
    }
}

static weft_event *callback_done;

static int rows_callback(void *arg)
{
    (void)arg;
    run_rows(CALLBACK);
    weft_event_set(callback_done);
    return 0;
}

static int rows_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    run_rows(TASK);
    EXPECT_INT(weft_call_soon(weft_executor_current(), rows_callback, NULL, NULL), 0);
    EXPECT_INT(weft_event_wait(callback_done), 0);
    return 0;
}

static void fixtures_make(void)
{
    memset(&fx, 0, sizeof fx);
    assert_int_equal(weft_executor_create(NULL, &fx.other), 0);
    weft_task *task = weft_executor_submit(fx.other, weft_coro_new(returns_arg, PV(1)), NULL);
    assert_non_null(task);
    assert_int_equal(weft_executor_wait(task, NULL), 0);
    fx.done_task = task;
    fx.fresh_coro = weft_coro_new(returns_arg, NULL);
    assert_int_equal(weft_lock_new(&fx.lock), 0);
    assert_int_equal(weft_semaphore_new(1, true, &fx.bounded), 0);
    assert_int_equal(weft_condition_new(NULL, &fx.condition), 0);
    assert_int_equal(weft_queue_new(1, WEFT_QUEUE_FIFO, NULL, &fx.full_queue), 0);
    assert_int_equal(weft_queue_put_nowait(fx.full_queue, PV(1)), 0);
    assert_int_equal(weft_queue_new(0, WEFT_QUEUE_FIFO, NULL, &fx.empty_queue), 0);
    assert_int_equal(weft_event_new(&fx.event), 0);
    weft_config_init(&fx.bad_workers);
    fx.bad_workers.workers = 100000;
    weft_config_init(&fx.bad_order);
    fx.bad_order.order = (weft_order)42;
    weft_config_init(&fx.bad_grace);
    fx.bad_grace.shutdown_grace = -1;
}

static void fixtures_free(void)
{
    assert_int_equal(weft_coro_free(fx.fresh_coro), 0);
    weft_task_release(fx.done_task);
    weft_executor_free(fx.other);
    assert_int_equal(weft_lock_free(fx.lock), 0);
    assert_int_equal(weft_semaphore_free(fx.bounded), 0);
    assert_int_equal(weft_condition_free(fx.condition), 0);
    assert_int_equal(weft_queue_free(fx.full_queue), 0);
    assert_int_equal(weft_queue_free(fx.empty_queue), 0);
    assert_int_equal(weft_event_free(fx.event), 0);
}

/* The matrix, in its three places. The fresh coroutine given to calls that
 * fail stays the caller's each time (freed without a warning count check:
 * one "never awaited" report is expected, at fixtures_free). */
static void misuse_matrix(void **state)
{
    (void)state;
    fixtures_make();
    run_rows(PLAIN);
    ucheck_expectations();
    assert_int_equal(weft_event_new(&callback_done), 0);
    assert_int_equal(URUN(rows_main, NULL, NULL), 0);
    assert_int_equal(weft_event_free(callback_done), 0);
    fixtures_free();
    assert_int_equal(ureport_count, 0);
}

/* ------------------------------------------------------------------ */
/* NULL is harmless where there is no error return                    */
/* ------------------------------------------------------------------ */

/* Each documented neutral value for NULL (void calls just return). */
static void null_is_harmless(void **state)
{
    (void)state;
    assert_null(weft_coro_get_name(NULL));
    assert_null(weft_task_retain(NULL));
    weft_task_release(NULL);
    assert_null(weft_task_get_coro(NULL));
    assert_null(weft_current_task());
    assert_null(weft_executor_current());
    weft_tasks_release(NULL, 3);
    assert_false(weft_task_done(NULL));
    assert_false(weft_task_cancelled(NULL));
    assert_null(weft_task_get_name(NULL));
    weft_task_set_position("x.c", 1); /* outside a task: ignored */
    weft_as_completed_free(NULL);
    assert_true(weft_timeout_when(NULL) == WEFT_NO_TIMEOUT || isnan(weft_timeout_when(NULL)) ||
                weft_timeout_when(NULL) < 0);
    assert_false(weft_timeout_expired(NULL));
    weft_timeout_free(NULL);
    assert_int_equal(weft_task_group_errors(NULL, NULL), 0);
    weft_task_group_free(NULL);
    weft_config_init(NULL);
    weft_executor_free(NULL);
    assert_false(weft_event_is_set(NULL));
    assert_false(weft_lock_locked(NULL));
    assert_false(weft_semaphore_locked(NULL));
    assert_false(weft_condition_locked(NULL));
    assert_int_equal(weft_queue_qsize(NULL), 0);
    assert_int_equal(weft_queue_maxsize(NULL), 0);
    assert_true(weft_queue_empty(NULL));
    assert_false(weft_queue_full(NULL));
    assert_int_equal(weft_event_free(NULL), 0);
    assert_int_equal(weft_lock_free(NULL), 0);
    assert_int_equal(weft_semaphore_free(NULL), 0);
    assert_int_equal(weft_condition_free(NULL), 0);
    assert_int_equal(weft_queue_free(NULL), 0);
    assert_false(weft_handle_cancelled(NULL));
    assert_true(weft_handle_when(NULL) == -1.0);
    weft_handle_release(NULL);
    assert_true(weft_time(NULL) > 0);
    weft_default_exception_handler(NULL, NULL, NULL);
    assert_str(weft_strerror(12345), "unknown error");
    assert_str(weft_error_name(12345), "Error");
    assert_str(weft_error_name(WEFT_ESHUTDOWN), "RuntimeError");
}

/* ------------------------------------------------------------------ */
/* Wrong state                                                        */
/* ------------------------------------------------------------------ */

static int sleeps(void *arg, void **result)
{
    (void)result;
    return weft_sleep(*(double *)arg);
}

static int waits_event(void *arg, void **result)
{
    (void)result;
    return weft_event_wait(arg);
}

static int awaits_coro_twice_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    /* Result and exception before done: InvalidStateError. */
    double long_sleep = 3600;
    weft_task *pending = weft_task_create(weft_coro_new(sleeps, &long_sleep), "pending");
    EXPECT(pending != NULL);
    EXPECT_INT(weft_task_result(pending, NULL), WEFT_EINVALSTATE);
    EXPECT_ERR(WEFT_EINVALSTATE, "Result is not set.");
    const char *message = "unchanged";
    EXPECT_INT(weft_task_exception(pending, &message), WEFT_EINVALSTATE);
    EXPECT_ERR(WEFT_EINVALSTATE, "Exception is not set.");
    EXPECT_PTR(message, NULL);
    /* A coroutine is one-shot: a second await, or a task over it. */
    weft_coro *coro = weft_coro_new(returns_arg, PV(3));
    void *r = NULL;
    EXPECT_INT(weft_await_coro(coro, &r), 0);
    EXPECT_PTR(r, PV(3));
    weft_coro *running = weft_task_get_coro(pending);
    EXPECT_INT(weft_await_coro(running, NULL), WEFT_EAWAITED);
    EXPECT(weft_last_error_message() != NULL);
    EXPECT(weft_task_create(running, NULL) == NULL);
    EXPECT_INT(weft_last_error(), WEFT_EAWAITED);
    /* A task awaiting itself gets the error one hop later. */
    EXPECT_INT(weft_await(weft_current_task(), NULL), WEFT_EAWAITSELF);
    EXPECT(weft_last_error_message() != NULL);
    /* Awaiting a task twice is allowed (asyncio too): the same outcome. */
    weft_task *quick = weft_spawn(returns_arg, PV(5));
    EXPECT_INT(weft_await(quick, &r), 0);
    EXPECT_INT(weft_await(quick, &r), 0);
    EXPECT_PTR(r, PV(5));
    /* A coroutine owned by a task cannot be freed by hand. */
    EXPECT_INT(weft_coro_free(running), WEFT_EINVALSTATE);
    weft_task_release(quick);
    EXPECT_INT(weft_task_cancel(pending, NULL), 1);
    EXPECT_INT(weft_await(pending, NULL), WEFT_ECANCELLED);
    weft_task_release(pending);
    return 0;
}

static void wrong_state_in_a_task(void **state)
{
    (void)state;
    assert_int_equal(URUN(awaits_coro_twice_main, NULL, NULL), 0);
    assert_int_equal(ureport_count, 0);
}

/* A primitive with a waiter refuses to be freed and frees nothing; once
 * the waiter has returned it frees. */
static int primitive_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    weft_event *event = NULL;
    EXPECT_INT(weft_event_new(&event), 0);
    weft_task *waiter = weft_task_create(weft_coro_new(waits_event, event), NULL);
    while (ustarted_count == 0 && !weft_task_done(waiter)) {
        ustarted();
        EXPECT_INT(weft_sleep(0.01), 0);
    }
    EXPECT_INT(weft_event_free(event), WEFT_EINVALSTATE);
    EXPECT(weft_last_error_message() != NULL);
    EXPECT_INT(weft_event_set(event), 0);
    EXPECT_INT(weft_await(waiter, NULL), 0);
    EXPECT_INT(weft_event_free(event), 0);
    weft_task_release(waiter);

    /* Lock: released when not held. */
    weft_lock *lock = NULL;
    EXPECT_INT(weft_lock_new(&lock), 0);
    EXPECT_INT(weft_lock_acquire(lock), 0);
    EXPECT_INT(weft_lock_release(lock), 0);
    EXPECT_INT(weft_lock_release(lock), WEFT_ENOTACQUIRED);
    EXPECT_ERR(WEFT_ENOTACQUIRED, "Lock is not acquired.");
    EXPECT_INT(weft_lock_free(lock), 0);

    /* Timeout scope: left twice, rescheduled after leaving. */
    weft_timeout *scope = NULL;
    EXPECT_INT(weft_timeout_enter(&scope, 10), 0);
    EXPECT_INT(weft_timeout_exit(scope, 0), 0);
    EXPECT_INT(weft_timeout_exit(scope, 0), WEFT_EINVALSTATE);
    EXPECT_INT(weft_timeout_reschedule(scope, 1), WEFT_EINVALSTATE);
    weft_timeout_free(scope);

    /* Task group: waited twice. */
    weft_task_group *group = weft_task_group_new();
    EXPECT(group != NULL);
    EXPECT_INT(weft_task_group_wait(group, 0), 0);
    EXPECT_INT(weft_task_group_wait(group, 0), WEFT_EINVAL);
    EXPECT(weft_task_group_spawn(group, returns_arg, NULL) == NULL);
    EXPECT_INT(weft_last_error(), WEFT_ESHUTDOWN);
    weft_task_group_free(group);
    return 0;
}

static void wrong_state_of_primitives(void **state)
{
    (void)state;
    assert_int_equal(URUN(primitive_main, NULL, NULL), 0);
}

/* Submitting after shutdown, to a freed executor, freeing twice; the
 * executor's calls refuse a dangling pointer (checked against the list of
 * live executors, never read: ASan would report it). */
static void executor_after_shutdown_and_free(void **state)
{
    (void)state;
    weft_executor *executor = NULL;
    weft_config config;
    weft_config_init(&config);
    config.workers = 2;
    assert_int_equal(weft_executor_create(&config, &executor), 0);
    double long_sleep = 3600;
    weft_task *sleeper = weft_executor_submit(executor, weft_coro_new(sleeps, &long_sleep), NULL);
    assert_non_null(sleeper);
    assert_int_equal(weft_executor_shutdown(executor), 0);
    /* The sleeper was cancelled; waiting for it after shutdown returns. */
    assert_int_equal(weft_executor_wait(sleeper, NULL), WEFT_ECANCELLED);
    weft_coro *coro = weft_coro_new(returns_arg, NULL);
    assert_null(weft_executor_submit(executor, coro, NULL));
    assert_int_equal(weft_last_error(), WEFT_ESHUTDOWN);
    assert_non_null(weft_last_error_message());
    weft_executor_free(executor);
    /* Freed, but the sleeper still holds its memory: refused as freed. */
    assert_null(weft_executor_submit(executor, coro, NULL));
    assert_int_equal(weft_last_error(), WEFT_EINVAL);
    assert_non_null(strstr(weft_last_error_message(), "freed"));
    weft_executor_free(executor);
    assert_int_equal(weft_last_error(), WEFT_EINVAL);
    weft_task_release(sleeper);
    /* Now the memory is gone too. */
    assert_null(weft_executor_submit(executor, coro, NULL));
    assert_int_equal(weft_last_error(), WEFT_EINVAL);
    assert_int_equal(weft_executor_shutdown(executor), WEFT_EINVAL);
    assert_int_equal(weft_executor_get_stats(executor, &stats_out), WEFT_EINVAL);
    assert_int_equal(weft_call_soon(executor, noop_callback, NULL, NULL), WEFT_EINVAL);
    assert_int_equal(weft_set_exception_handler(executor, NULL, NULL), WEFT_EINVAL);
    weft_executor_free(executor);
    assert_int_equal(weft_last_error(), WEFT_EINVAL);
    /* The coroutine stayed the caller's through every refusal. */
    assert_int_equal(weft_run(coro, NULL), 0);
}

/* weft_run's executor belongs to weft_run: a plain thread cannot shut it
 * down or free it, and after the run a kept pointer is refused. */
static weft_executor *run_executor;
static _Atomic int thread_code;

static void *shuts_run_executor(void *arg)
{
    (void)arg;
    thread_code = weft_executor_shutdown(run_executor);
    return NULL;
}

static int keeps_run_executor(void *arg, void **result)
{
    (void)arg;
    (void)result;
    run_executor = weft_executor_current();
    pthread_t thread;
    EXPECT_INT(pthread_create(&thread, NULL, shuts_run_executor, NULL), 0);
    pthread_join(thread, NULL); /* blocks the loop briefly: a test only */
    EXPECT_INT(thread_code, WEFT_EINVAL);
    return 0;
}

static void run_executor_is_not_the_callers(void **state)
{
    (void)state;
    assert_int_equal(URUN(keeps_run_executor, NULL, NULL), 0);
    weft_coro *coro = weft_coro_new(returns_arg, NULL);
    assert_null(weft_executor_submit(run_executor, coro, NULL));
    assert_int_equal(weft_last_error(), WEFT_EINVAL);
    weft_executor_free(run_executor);
    assert_int_equal(weft_last_error(), WEFT_EINVAL);
    assert_int_equal(weft_run(coro, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        UTEST(misuse_matrix),
        UTEST_NO_LOOP(null_is_harmless),
        UTEST(wrong_state_in_a_task),
        UTEST(wrong_state_of_primitives),
        UTEST_NO_LOOP(executor_after_shutdown_and_free),
        UTEST(run_executor_is_not_the_callers),
    };
    return URUN_GROUPS("test_misuse", tests);
}
