/* weft_run: asyncio.run() (runners.py). Runs main on a new loop in the
 * calling thread, stops one hop after main completes (A2, L7), cancels and
 * finishes the tasks left (A3), reports coroutines never awaited, frees
 * everything, and returns main's outcome (A5). */
#include "alloc.h"
#include "debug.h"
#include "error.h"
#include "executor.h"
#include "handle.h"
#include "spinlock.h"
#include "task.h"
#include "worker.h"

/* asyncio's _run_until_complete_cb: the loop stops after the iteration in
 * which this runs, one hop after main finished. Named as in asyncio, since
 * it appears in main's description. */
static int _run_until_complete_cb(weft_task *task, void *arg)
{
    (void)task;
    weft_worker *worker = arg;
    weft_executor *executor = worker->executor;
    if (executor->worker_count == 1) {
        worker->stopping = true; /* L7: this iteration ends, then the loop */
    } else {
        /* Several workers: this may run on any of them; worker 0 (the
         * caller of weft_run) leaves its loop and starts the shutdown. */
        atomic_store_explicit(&executor->main_done, true, memory_order_release);
        weft_executor_wake_all(executor);
    }
    return 0;
}

/* One step of progress for the caller's worker: an iteration of the loop,
 * or with several workers a scheduler turn that may steal or briefly park. */
static void make_progress(weft_worker *worker)
{
    if (worker->executor->worker_count == 1)
        weft_worker_run_once(worker);
    else
        weft_worker_turn(worker, 1000000);
}

static void run_until_stopped(weft_worker *worker)
{
    weft_executor *executor = worker->executor;
    if (executor->worker_count == 1) {
        while (!worker->stopping)
            weft_worker_run_once(worker);
        worker->stopping = false;
        return;
    }
    while (!atomic_load_explicit(&executor->main_done, memory_order_acquire))
        weft_worker_turn(worker, -1);
    /* From here worker 0 keeps working through the shutdown. */
    atomic_store_explicit(&executor->main_done, false, memory_order_relaxed);
}

/* Whether runnables may still be queued or running. With several workers
 * empty queues are not enough: another worker may be running a runnable
 * that queues more (a callback's call_soon, the done callbacks a task
 * queues after its state reads done), so the others must also all be
 * parked. A parked worker found its own deque empty when it listed itself,
 * and only its owner pushes to a deque, so sleepers (read first) plus the
 * queues (read after) tell that nothing is left. */
static bool work_left(weft_worker *worker)
{
    weft_executor *executor = worker->executor;
    if (atomic_load_explicit(&executor->sleepers, memory_order_acquire) <
        executor->worker_count - 1)
        return true;
    for (unsigned i = 0; i < executor->worker_count; i++)
        if (weft_deque_size(&executor->workers[i].ready) > 0)
            return true;
    return atomic_load_explicit(&executor->inject_pending, memory_order_acquire) != 0;
}

static bool all_done(weft_task **tasks, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (!weft_task_done(tasks[i]))
            return false;
    return true;
}

/* A task that ended with an error other than a cancel during the shutdown
 * is reported, as asyncio's _cancel_all_tasks does. */
static void report_shutdown_error(weft_executor *executor, weft_task *task)
{
    weft_future *future = &task->future;
    if (weft_future_state_of(future) != WEFT_FUTURE_FINISHED || future->error == 0)
        return;
    atomic_store_explicit(&future->retrieved, true, memory_order_relaxed);
    char description[512];
    weft_task_describe_into(task, description, sizeof description, 0);
    weft_exception_context context = {
        .message = "unhandled exception during weft_run() shutdown",
        .error = future->error,
        .error_message = future->error_message,
        .task = task,
        .source = description,
    };
    weft_call_exception_handler(executor, &context);
}

/* The first task still registered on a worker, retained, or NULL: what
 * the shutdown falls back on when a snapshot cannot be allocated. */
static weft_task *first_pending_task(weft_executor *executor)
{
    for (unsigned i = 0; i < executor->worker_count; i++) {
        weft_worker *registry = &executor->workers[i];
        weft_spinlock_lock(&registry->tasks_lock);
        weft_task *task = registry->tasks_head != NULL ? weft_task_retain(registry->tasks_head) : NULL;
        weft_spinlock_unlock(&registry->tasks_lock);
        if (task != NULL)
            return task;
    }
    return NULL;
}

/* A3 (_cancel_all_tasks): cancel what is left without a message and run
 * until it is all done; a task that ends with an error other than a cancel
 * is reported. Unlike asyncio, tasks created during this shutdown are
 * cancelled too (in further rounds) instead of being left pending, and the
 * tasks still pending at deadline (weft_clock_ns time) are abandoned, as
 * weft_executor_shutdown does. Without memory for a snapshot the tasks are
 * cancelled one at a time: waiting for memory instead could wait forever,
 * with nothing left to run. Returns how many tasks were abandoned. */
static size_t cancel_remaining_tasks(weft_executor *executor, weft_worker *worker,
                                     int64_t deadline)
{
    for (;;) {
        weft_task **tasks;
        size_t count;
        if (weft_all_tasks(&tasks, &count) != 0) {
            weft_task *task = first_pending_task(executor);
            if (task == NULL)
                return 0;
            weft_task_request_cancel(task, NULL);
            while (!weft_task_done(task)) {
                if (weft_clock_ns() >= deadline) {
                    size_t abandoned = weft_executor_abandon(executor, &task, 1);
                    weft_task_release(task);
                    return abandoned;
                }
                make_progress(worker);
            }
            report_shutdown_error(executor, task);
            weft_task_release(task);
            continue;
        }
        if (count == 0) {
            weft_tasks_release(tasks, count);
            return 0;
        }
        if (executor->config.debug)
            weft_debug_report_pending(executor, tasks, count, "weft_run()");
        for (size_t i = 0; i < count; i++)
            weft_task_request_cancel(tasks[i], NULL);
        while (!all_done(tasks, count)) {
            if (weft_clock_ns() >= deadline) {
                size_t abandoned = weft_executor_abandon(executor, tasks, count);
                weft_tasks_release(tasks, count);
                return abandoned;
            }
            make_progress(worker);
        }
        for (size_t i = 0; i < count; i++)
            report_shutdown_error(executor, tasks[i]);
        weft_tasks_release(tasks, count);
    }
}

/* Callbacks still queued when the last task is done (done callbacks of the
 * tasks just cancelled, calls they scheduled) run, as asyncio's shutdown
 * steps let them; tasks they create are cancelled in turn. A callback that
 * keeps queueing itself gets a bounded number of iterations, then is
 * dropped with the loop. */
enum { SHUTDOWN_DRAIN_ITERATIONS = 100 };

static int grace_timer_fired(void *arg)
{
    (void)arg; /* its only job was to end the loop's wait */
    return 0;
}

/* Returns how many tasks were abandoned (0: everything finished). */
static size_t finish_remaining_work(weft_executor *executor, weft_worker *worker)
{
    int64_t deadline = weft_executor_grace_deadline(executor);
    /* A single loop blocks in run_once until a timer or injected work: a
     * timer at the deadline makes sure it wakes up to give up on tasks
     * that ignore their cancellation and wait on something nobody sets. */
    weft_handle *grace_timer = NULL;
    if (deadline != INT64_MAX && executor->worker_count == 1) {
        grace_timer = weft_handle_new(executor, deadline, grace_timer_fired, NULL,
                                      "grace_timer_fired", __FILE__, __LINE__);
        if (grace_timer != NULL) {
            weft_handle_retain_internal(grace_timer); /* ours, to cancel it */
            if (weft_worker_add_timer(worker, grace_timer) != 0) {
                weft_handle_release(grace_timer);
                weft_handle_release(grace_timer);
                grace_timer = NULL;
            }
        }
    }
    size_t abandoned = 0;
    for (int i = 0; i < SHUTDOWN_DRAIN_ITERATIONS && abandoned == 0; i++) {
        abandoned = cancel_remaining_tasks(executor, worker, deadline);
        if (abandoned != 0 || !work_left(worker))
            break;
        make_progress(worker);
    }
    if (abandoned == 0)
        abandoned = cancel_remaining_tasks(executor, worker, deadline);
    if (grace_timer != NULL) {
        weft_handle_cancel(grace_timer);
        weft_handle_release(grace_timer);
    }
    return abandoned;
}

static void report_never_awaited(weft_executor *executor)
{
    for (;;) {
        pthread_mutex_lock(&executor->lock);
        weft_coro *coro = executor->fresh_coros;
        pthread_mutex_unlock(&executor->lock);
        if (coro == NULL)
            return;
        weft_coro_warn_never_awaited(executor, coro);
        weft_coro_destroy(coro);
    }
}

int weft_run_with(const weft_config *config, weft_coro *main, void **result)
{
    if (weft_executor_running() != NULL)
        return weft_error_set(WEFT_ERUNNING,
                              "weft_run() cannot be called from a running event loop");
    if (main == NULL)
        return weft_error_set(WEFT_ENOTCORO, "a coroutine was expected, got None");
    weft_config defaults;
    if (config == NULL) {
        /* weft_run() is asyncio.run(): a single loop. */
        weft_config_init(&defaults);
        defaults.workers = 1;
        config = &defaults;
    }
    weft_executor *executor = weft_executor_new(config);
    if (executor == NULL) {
        int code = weft_last_error();
        if (weft_coro_state_of(main) == WEFT_CORO_FRESH)
            weft_coro_destroy(main);
        return code;
    }
    executor->owned_by_run = true;
    double executor_grace = executor->config.shutdown_grace;
    weft_worker *worker = &executor->workers[0];
    weft_fiber_thread_init(&worker->fiber, executor->config.guard_pages);
    weft_worker_bind(worker);
    if (weft_executor_start_threads(executor, 1) != 0) {
        int code = weft_last_error();
        char *message = weft_error_slot_take_message(weft_error_slot_current(), code);
        weft_fiber_thread_fini(&worker->fiber);
        weft_worker_bind(NULL);
        weft_executor_close(executor);
        weft_executor_release(executor);
        weft_coro_destroy(main);
        return weft_error_set_owned(code, message);
    }

    /* A1: main is an ordinary task: Task-1 in a fresh process. */
    weft_task *main_task = weft_executor_submit(executor, main, NULL);
    int code;
    char *message = NULL;
    void *value = NULL;
    size_t abandoned = 0;
    if (main_task == NULL) {
        code = weft_last_error();
        message = weft_error_slot_take_message(weft_error_slot_current(), code);
        if (weft_coro_state_of(main) == WEFT_CORO_FRESH) /* taken over also on failure */
            weft_coro_destroy(main);
    } else if (weft_task_add_done_callback(main_task, _run_until_complete_cb, worker) != 0) {
        code = weft_last_error();
        message = weft_error_slot_take_message(weft_error_slot_current(), code);
        weft_task_request_cancel(main_task, NULL);
        abandoned = finish_remaining_work(executor, worker);
    } else {
        run_until_stopped(worker);
        abandoned = finish_remaining_work(executor, worker);
        code = weft_future_outcome(&main_task->future, &value);
        message = weft_error_slot_take_message(weft_error_slot_current(), code);
    }
    report_never_awaited(executor);
    weft_executor_stop_threads(executor);

    /* Unbind before closing: the worker's memory goes with the close. */
    weft_fiber_thread_fini(&worker->fiber);
    weft_worker_bind(NULL);
    /* Abandoned tasks sit on the executor's stacks: it is never closed. */
    if (abandoned == 0)
        weft_executor_close(executor);
    weft_task_release(main_task);
    weft_executor_release(executor);
    if (abandoned != 0 && code == 0) {
        code = WEFT_ETIMEDOUT;
        weft_free(message);
        message = weft_format("weft_run: %zu task(s) still pending %g s after being cancelled "
                              "were abandoned",
                              abandoned, executor_grace);
    }

    /* The caller sees main's outcome as its own last error (A5). */
    if (code != 0)
        weft_error_set_owned(code, message);
    else
        weft_free(message);
    if (code == 0 && result != NULL)
        *result = value;
    return code;
}

int weft_run(weft_coro *main, void **result)
{
    return weft_run_with(NULL, main, result);
}
