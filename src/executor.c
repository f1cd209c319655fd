/* The executor object: configuration, workers, inject queue, the registry
 * of pending tasks and never-awaited coroutines, the exception handler. */
#include "executor.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "debug.h"
#include "error.h"
#include "task.h"

/* Entries of the inject ring allocated with the executor. */
#define INJECT_INITIAL_CAPACITY 64

/* The live list: every executor from weft_executor_new until its memory is
 * freed. Only calls that get an executor from outside its own workers
 * consult it (submissions from other threads, shutdown, free, stats,
 * handlers), never a worker's fast path. Also keeps abandoned executors
 * reachable (see weft_executor_abandon). */
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static weft_executor *live_head;

static void live_add(weft_executor *executor)
{
    pthread_mutex_lock(&live_lock);
    executor->live_next = live_head;
    live_head = executor;
    pthread_mutex_unlock(&live_lock);
}

static void live_remove(weft_executor *executor)
{
    pthread_mutex_lock(&live_lock);
    for (weft_executor **at = &live_head; *at != NULL; at = &(*at)->live_next) {
        if (*at == executor) {
            *at = executor->live_next;
            break;
        }
    }
    pthread_mutex_unlock(&live_lock);
}

bool weft_executor_retain_live(weft_executor *executor)
{
    bool retained = false;
    pthread_mutex_lock(&live_lock);
    for (weft_executor *listed = live_head; listed != NULL; listed = listed->live_next) {
        if (listed != executor)
            continue;
        /* Only from a count above zero: the last release has already
         * decided to free it and is waiting for live_lock to unlist it. */
        int count = atomic_load_explicit(&executor->references, memory_order_relaxed);
        while (count > 0 &&
               !atomic_compare_exchange_weak_explicit(&executor->references, &count, count + 1,
                                                      memory_order_relaxed, memory_order_relaxed)) {
        }
        retained = count > 0;
        break;
    }
    pthread_mutex_unlock(&live_lock);
    return retained;
}

/* Whether executor is the one the calling thread works for: then it is
 * alive for the whole call and needs no registry look-up. */
static bool on_own_worker(const weft_executor *executor)
{
    weft_worker *worker = weft_worker_current();
    return worker != NULL && worker->executor == executor;
}

unsigned weft_default_workers(void)
{
    /* Like OMP_NUM_THREADS for OpenMP: the environment overrides. */
    const char *text = getenv("WEFT_WORKERS");
    /* Digits only: strtoul alone would take " 3", "+3", and "-3" as a huge
     * count; whatever is not a plain count falls back to the CPUs. */
    if (text != NULL && *text >= '0' && *text <= '9') {
        char *end;
        unsigned long value = strtoul(text, &end, 10);
        if (*end == '\0' && value > 0 && value <= WEFT_MAX_WORKERS)
            return (unsigned)value;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1)
        return 1;
    return cpus > WEFT_MAX_WORKERS ? WEFT_MAX_WORKERS : (unsigned)cpus;
}

void weft_config_init(weft_config *config)
{
    if (config == NULL)
        return;
    *config = (weft_config){
        .workers = 0,
        .order = WEFT_ORDER_DEFAULT,
        .stack_size = 0,
        .guard_pages = false,
        .exception_handler = NULL,
        .exception_handler_arg = NULL,
        .shutdown_grace = 0,
        .debug = false,
        .slow_step_duration = 0,
    };
}

weft_executor *weft_executor_new(const weft_config *config)
{
    weft_task_module_init();
    weft_config settings = *config;
    if (settings.workers == 0)
        settings.workers = weft_default_workers();
    if (settings.workers > WEFT_MAX_WORKERS) {
        weft_error_set(WEFT_EINVAL, "workers = %u: at most %u", settings.workers, WEFT_MAX_WORKERS);
        return NULL;
    }
    if (settings.order == WEFT_ORDER_DEFAULT)
        settings.order = settings.workers == 1 ? WEFT_ORDER_FIFO : WEFT_ORDER_LIFO;
    if (settings.order != WEFT_ORDER_FIFO && settings.order != WEFT_ORDER_LIFO) {
        weft_error_set(WEFT_EINVAL, "unknown order policy %d", (int)settings.order);
        return NULL;
    }
    int64_t slow_step_ns;
    if (weft_debug_settings(&settings, &settings.debug, &slow_step_ns) != 0)
        return NULL;

    if (isnan(settings.shutdown_grace) || settings.shutdown_grace < 0) {
        weft_error_set(WEFT_EINVAL, "shutdown_grace = %g: must be >= 0", settings.shutdown_grace);
        return NULL;
    }
    if (settings.shutdown_grace == 0)
        settings.shutdown_grace = WEFT_SHUTDOWN_GRACE_DEFAULT;

    weft_executor *executor = weft_calloc(1, sizeof(*executor));
    weft_worker *workers = weft_calloc(settings.workers, sizeof(*workers));
    unsigned *sleepers = weft_calloc(settings.workers, sizeof(*sleepers));
    /* The inject ring is there from the start, so that queueing from
     * another thread allocates only when the ring is full. */
    weft_runnable **inject = weft_malloc(INJECT_INITIAL_CAPACITY * sizeof(*inject));
    if (executor == NULL || workers == NULL || sleepers == NULL || inject == NULL) {
        weft_free(executor);
        weft_free(workers);
        weft_free(sleepers);
        weft_free(inject);
        weft_error_set(WEFT_ENOMEM, "out of memory creating an executor");
        return NULL;
    }
    weft_alloc_executor_created(); /* until the last weft_executor_release */
    atomic_init(&executor->references, 1);
    atomic_init(&executor->closed, false);
    atomic_init(&executor->inject_pending, 0);
    atomic_init(&executor->submit_gate, 0);
    executor->config = settings;
    executor->slow_step_ns = slow_step_ns;
    executor->handler = settings.exception_handler;
    executor->handler_arg = settings.exception_handler_arg;
    executor->workers = workers;
    executor->sleeper_stack = sleepers;
    executor->inject = inject;
    executor->inject_capacity = INJECT_INITIAL_CAPACITY;
    /* Stacks an idle executor keeps resident for the next burst. */
    weft_stack_depot_init(&executor->stack_depot, 256);
    atomic_init(&executor->searching, 0);
    atomic_init(&executor->sleepers, 0);
    atomic_init(&executor->stop_workers, false);
    atomic_init(&executor->main_done, false);
    pthread_mutex_init(&executor->idle_lock, NULL);

    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_mutex_init(&executor->lock, NULL);
    pthread_cond_init(&executor->work_available, &attributes);
    pthread_condattr_destroy(&attributes);

    for (unsigned i = 0; i < settings.workers; i++) {
        if (weft_worker_init(&workers[i], executor, i) != 0) {
            executor->worker_count = i;
            weft_executor_close(executor);
            weft_executor_release(executor);
            weft_error_set(WEFT_ENOMEM, "out of memory creating worker %u", i);
            return NULL;
        }
    }
    executor->worker_count = settings.workers;
    live_add(executor);
    return executor;
}

void weft_executor_retain(weft_executor *executor)
{
    atomic_fetch_add_explicit(&executor->references, 1, memory_order_relaxed);
}

void weft_executor_release(weft_executor *executor)
{
    /* acq_rel: the last releaser frees after every other use. */
    if (atomic_fetch_sub_explicit(&executor->references, 1, memory_order_acq_rel) != 1)
        return;
    live_remove(executor);
    pthread_mutex_destroy(&executor->lock);
    pthread_cond_destroy(&executor->work_available);
    pthread_mutex_destroy(&executor->idle_lock);
    weft_free(executor->inject);
    weft_free(executor->sleeper_stack);
    weft_free(executor);
    weft_alloc_executor_destroyed();
}

void weft_executor_close(weft_executor *executor)
{
    atomic_store_explicit(&executor->closed, true, memory_order_release);
    for (unsigned i = 0; i < executor->worker_count; i++)
        weft_worker_destroy(&executor->workers[i]);
    pthread_mutex_lock(&executor->lock);
    while (executor->inject_count > 0) {
        weft_runnable *runnable = executor->inject[executor->inject_head];
        executor->inject_head = (executor->inject_head + 1) % executor->inject_capacity;
        executor->inject_count--;
        pthread_mutex_unlock(&executor->lock);
        weft_runnable_discard(runnable);
        pthread_mutex_lock(&executor->lock);
    }
    pthread_mutex_unlock(&executor->lock);
    weft_free(executor->workers);
    executor->workers = NULL;
    executor->worker_count = 0;
    weft_stack_depot_destroy(&executor->stack_depot); /* its stacks went with the slabs */
}

/* ------------------------------------------------------------------ */
/* Inject queue: work arriving from threads that are not workers      */
/* ------------------------------------------------------------------ */

/* Whether a full inject ring can drain while the caller waits: some
 * other thread (a worker that is not the caller) polls it. */
static bool someone_else_drains(weft_executor *executor)
{
    weft_worker *caller = weft_worker_current();
    bool caller_is_worker = caller != NULL && caller->executor == executor;
    return !caller_is_worker || executor->worker_count > 1;
}

/* A ring that stays full this long while the caller waits is not being
 * drained at all: every worker is stuck (behind a lock the caller holds,
 * say, or waiting here too). */
#define INJECT_STALL_MS 10000

/* A full ring that cannot grow: waits (lock released) until a worker has
 * drained some of it, since dropping the runnable would lose a task or a
 * wake-up. Returns with the lock held and room in the ring, or aborts
 * with a message when no other thread could ever make room (a single loop
 * whose own queues are full and out of memory) or none has for
 * INJECT_STALL_MS: a deadlock would only hide the failure. */
static void wait_for_inject_room(weft_executor *executor)
{
    bool reported = false;
    size_t head = executor->inject_head;
    int stalled_ms = 0;
    while (executor->inject_count == executor->inject_capacity) {
        if (!someone_else_drains(executor)) {
            fprintf(stderr, "weft: out of memory queueing work on a single loop; aborting\n");
            abort();
        }
        if (executor->inject_head != head) {
            head = executor->inject_head; /* drained, and filled again meanwhile */
            stalled_ms = 0;
        } else if (stalled_ms++ == INJECT_STALL_MS) {
            fprintf(stderr, "weft: out of memory queueing work, and no worker has drained the "
                            "inject queue for %d s; aborting\n", INJECT_STALL_MS / 1000);
            abort();
        }
        if (!reported) {
            weft_log(WEFT_LOG_WARNING, "out of memory growing the inject queue; waiting for "
                                         "the workers to drain it");
            reported = true;
        }
        pthread_mutex_unlock(&executor->lock);
        weft_executor_notify_work(executor);
        struct timespec pause = {0, 1000000}; /* 1 ms: memory is short, not time */
        nanosleep(&pause, NULL);
        pthread_mutex_lock(&executor->lock);
    }
}

void weft_executor_inject(weft_executor *executor, weft_runnable *runnable)
{
    pthread_mutex_lock(&executor->lock);
    if (executor->inject_count == executor->inject_capacity) {
        size_t capacity = executor->inject_capacity * 2;
        weft_runnable **ring = weft_malloc(capacity * sizeof(*ring));
        if (ring == NULL) {
            wait_for_inject_room(executor);
            goto queue;
        }
        for (size_t i = 0; i < executor->inject_count; i++)
            ring[i] = executor->inject[(executor->inject_head + i) % executor->inject_capacity];
        weft_free(executor->inject);
        executor->inject = ring;
        executor->inject_head = 0;
        executor->inject_capacity = capacity;
    }
queue:
    executor->inject[(executor->inject_head + executor->inject_count) % executor->inject_capacity] =
        runnable;
    executor->inject_count++;
    atomic_store_explicit(&executor->inject_pending, executor->inject_count, memory_order_release);
    pthread_cond_signal(&executor->work_available); /* a single loop waits here */
    pthread_mutex_unlock(&executor->lock);
    if (executor->worker_count > 1)
        weft_executor_notify_work(executor);
}

void weft_executor_poll(weft_executor *executor, weft_worker *worker, bool wait, int64_t timeout_ns)
{
    if (!wait && atomic_load_explicit(&executor->inject_pending, memory_order_acquire) == 0)
        return;
    pthread_mutex_lock(&executor->lock);
    /* stop_workers is read under the lock that weft_executor_wake_all
     * takes to broadcast, so a stop cannot slip in before the wait. */
    if (wait && executor->inject_count == 0 &&
        !atomic_load_explicit(&executor->stop_workers, memory_order_acquire)) {
        if (timeout_ns < 0) {
            pthread_cond_wait(&executor->work_available, &executor->lock);
        } else {
            struct timespec deadline = weft_deadline_after(timeout_ns);
            pthread_cond_timedwait(&executor->work_available, &executor->lock, &deadline);
        }
    }
    /* A deque that cannot grow leaves the rest in the ring, for this
     * worker's next poll (once it has run what it holds) or another's. */
    while (executor->inject_count > 0 &&
           weft_deque_push(&worker->ready, executor->inject[executor->inject_head]) == 0) {
        executor->inject_head = (executor->inject_head + 1) % executor->inject_capacity;
        executor->inject_count--;
    }
    atomic_store_explicit(&executor->inject_pending, executor->inject_count, memory_order_relaxed);
    pthread_mutex_unlock(&executor->lock);
}

/* ------------------------------------------------------------------ */
/* Registries                                                         */
/* ------------------------------------------------------------------ */

void weft_executor_register_task(weft_executor *executor, weft_task *task)
{
    /* On the creating worker's list; from outside the pool, on worker 0's. */
    weft_worker *worker = weft_worker_current();
    if (worker == NULL || worker->executor != executor)
        worker = &executor->workers[0];
    task->registry = worker;
    weft_spinlock_lock(&worker->tasks_lock);
    task->all_prev = worker->tasks_tail;
    task->all_next = NULL;
    if (worker->tasks_tail != NULL)
        worker->tasks_tail->all_next = task;
    else
        worker->tasks_head = task;
    worker->tasks_tail = task;
    worker->task_count++;
    weft_spinlock_unlock(&worker->tasks_lock);
}

void weft_executor_unregister_task(weft_executor *executor, weft_task *task)
{
    (void)executor;
    weft_worker *worker = task->registry;
    weft_spinlock_lock(&worker->tasks_lock);
    if (task->all_prev != NULL)
        task->all_prev->all_next = task->all_next;
    else
        worker->tasks_head = task->all_next;
    if (task->all_next != NULL)
        task->all_next->all_prev = task->all_prev;
    else
        worker->tasks_tail = task->all_prev;
    task->all_prev = task->all_next = NULL;
    worker->task_count--;
    weft_spinlock_unlock(&worker->tasks_lock);
}

int weft_executor_snapshot_tasks(weft_executor *executor, weft_task ***tasks, size_t *count)
{
    weft_task **array = NULL;
    size_t n = 0, capacity = 0;
    for (unsigned i = 0; i < executor->worker_count; i++) {
        weft_worker *worker = &executor->workers[i];
        weft_spinlock_lock(&worker->tasks_lock);
        if (n + worker->task_count > capacity) {
            size_t wanted = n + worker->task_count + 16;
            weft_task **bigger = weft_realloc(array, wanted * sizeof(*bigger));
            if (bigger == NULL) {
                weft_spinlock_unlock(&worker->tasks_lock);
                weft_tasks_release(array, n);
                return weft_error_set(WEFT_ENOMEM, "out of memory listing tasks");
            }
            array = bigger;
            capacity = wanted;
        }
        for (weft_task *task = worker->tasks_head; task != NULL; task = task->all_next)
            array[n++] = weft_task_retain(task);
        weft_spinlock_unlock(&worker->tasks_lock);
    }
    if (array == NULL && (array = weft_malloc(sizeof(*array))) == NULL)
        return weft_error_set(WEFT_ENOMEM, "out of memory listing tasks");
    *tasks = array;
    *count = n;
    return 0;
}

void weft_executor_track_coro(weft_executor *executor, weft_coro *coro)
{
    weft_executor_retain(executor);
    pthread_mutex_lock(&executor->lock);
    coro->tracker = executor;
    coro->track_prev = NULL;
    coro->track_next = executor->fresh_coros;
    if (executor->fresh_coros != NULL)
        executor->fresh_coros->track_prev = coro;
    executor->fresh_coros = coro;
    pthread_mutex_unlock(&executor->lock);
}

weft_executor *weft_executor_running(void)
{
    weft_worker *worker = weft_worker_current();
    return worker != NULL ? worker->executor : NULL;
}

weft_executor *weft_executor_current(void)
{
    return weft_executor_running();
}

/* ------------------------------------------------------------------ */
/* Exception handler                                                  */
/* ------------------------------------------------------------------ */

int weft_set_exception_handler(weft_executor *executor, weft_exception_handler handler, void *arg)
{
    if (executor == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_set_exception_handler: executor is NULL");
    bool own = on_own_worker(executor);
    if (!own && !weft_executor_retain_live(executor))
        return weft_error_set(WEFT_EINVAL, "weft_set_exception_handler: not a live executor "
                                           "(freed, or never created)");
    executor->handler = handler;
    executor->handler_arg = arg;
    if (!own)
        weft_executor_release(executor);
    return 0;
}

void weft_default_exception_handler(weft_executor *executor, const weft_exception_context *context,
                                    void *arg)
{
    (void)executor;
    (void)arg;
    if (context == NULL)
        return;
    const char *message = context->message != NULL ? context->message : "(no message)";
    const char *source_open = context->source != NULL ? " [" : "";
    const char *source = context->source != NULL ? context->source : "";
    const char *source_close = context->source != NULL ? "]" : "";
    if (context->error == 0) {
        weft_log(WEFT_LOG_WARNING, "%s%s%s%s", message, source_open, source, source_close);
        return;
    }
    weft_log(WEFT_LOG_ERROR, "%s%s%s%s: %s: %s", message, source_open, source, source_close,
             weft_error_name(context->error),
             context->error_message != NULL ? context->error_message
                                            : weft_strerror(context->error));
}

void weft_call_exception_handler(weft_executor *executor, const weft_exception_context *context)
{
    /* From outside its workers the executor may be gone: then the default
     * handler reports it (with executor NULL) rather than read freed memory. */
    bool held = executor != NULL && !on_own_worker(executor);
    if (held && !weft_executor_retain_live(executor)) {
        weft_error_set(WEFT_EINVAL, "weft_call_exception_handler: not a live executor");
        weft_default_exception_handler(NULL, context, NULL);
        return;
    }
    if (executor != NULL && executor->handler != NULL)
        executor->handler(executor, context, executor->handler_arg);
    else
        weft_default_exception_handler(executor, context, NULL);
    if (held)
        weft_executor_release(executor);
}

/* ------------------------------------------------------------------ */
/* Worker threads and the explicit executor                           */
/* ------------------------------------------------------------------ */

int weft_executor_start_threads(weft_executor *executor, unsigned first)
{
    for (unsigned i = first; i < executor->worker_count; i++) {
        weft_worker *worker = &executor->workers[i];
        if (pthread_create(&worker->thread, NULL, weft_worker_thread_main, worker) != 0) {
            weft_executor_stop_threads(executor);
            return weft_error_set(WEFT_ESYSTEM, "cannot start worker thread %u", i);
        }
        worker->has_thread = true;
    }
    return 0;
}

void weft_executor_stop_threads(weft_executor *executor)
{
    atomic_store_explicit(&executor->stop_workers, true, memory_order_release);
    weft_executor_wake_all(executor);
    for (unsigned i = 0; i < executor->worker_count; i++) {
        weft_worker *worker = &executor->workers[i];
        if (worker->has_thread) {
            pthread_join(worker->thread, NULL);
            worker->has_thread = false;
        }
    }
}

int weft_executor_create(const weft_config *config, weft_executor **out)
{
    if (out == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_executor_create: executor is NULL");
    *out = NULL;
    if (weft_worker_current() != NULL)
        return weft_error_set(WEFT_ERUNNING, "weft_executor_create() called from a worker");
    weft_config defaults;
    if (config == NULL) {
        weft_config_init(&defaults);
        config = &defaults;
    }
    weft_executor *executor = weft_executor_new(config);
    if (executor == NULL)
        return weft_last_error();
    int code = weft_executor_start_threads(executor, 0);
    if (code != 0) {
        weft_executor_close(executor);
        weft_executor_release(executor);
        return code;
    }
    *out = executor;
    return 0;
}

int64_t weft_executor_grace_deadline(const weft_executor *executor)
{
    double grace = executor->config.shutdown_grace;
    if (grace >= 9e9) /* WEFT_NO_TIMEOUT, or beyond what int64 ns holds */
        return INT64_MAX;
    return weft_clock_ns() + (int64_t)(grace * 1e9);
}

size_t weft_executor_abandon(weft_executor *executor, weft_task **tasks, size_t count)
{
    size_t abandoned = 0;
    for (size_t i = 0; i < count; i++) {
        if (weft_task_done(tasks[i]))
            continue;
        char description[512];
        weft_task_describe_into(tasks[i], description, sizeof description, 0);
        char *text = weft_format("task abandoned at shutdown: still pending %g s after it was "
                                 "cancelled (it ignores cancellation)",
                                 executor->config.shutdown_grace);
        weft_exception_context context = {
            .message = text != NULL ? text : "task abandoned at shutdown",
            .error = WEFT_ETIMEDOUT,
            .task = tasks[i],
            .source = description,
        };
        weft_call_exception_handler(executor, &context);
        weft_free(text);
        abandoned++;
    }
    if (abandoned > 0)
        executor->abandoned = true;
    return abandoned;
}

/* Cancels whatever is pending and waits (from a foreign thread) until no
 * task is left; tasks created meanwhile are cancelled in later rounds. Each
 * task is cancelled once, as asyncio does; the grace period bounds the
 * whole drain, and the tasks still pending then are abandoned. Returns
 * how many were. */
static size_t cancel_and_drain(weft_executor *executor)
{
    int64_t deadline = weft_executor_grace_deadline(executor);
    for (;;) {
        weft_task **tasks = NULL;
        size_t count = 0;
        if (weft_executor_snapshot_tasks(executor, &tasks, &count) != 0) {
            nanosleep(&(struct timespec){0, 1000000}, NULL);
            continue;
        }
        if (count == 0) {
            weft_tasks_release(tasks, count);
            return 0;
        }
        if (executor->config.debug)
            weft_debug_report_pending(executor, tasks, count, "weft_executor_shutdown()");
        for (size_t i = 0; i < count; i++)
            weft_task_request_cancel(tasks[i], NULL);
        /* Wait for this round to finish (the workers do the work). */
        for (size_t i = 0; i < count; i++) {
            while (!weft_task_done(tasks[i])) {
                if (weft_clock_ns() >= deadline) {
                    size_t abandoned = weft_executor_abandon(executor, tasks, count);
                    weft_tasks_release(tasks, count);
                    return abandoned;
                }
                nanosleep(&(struct timespec){0, 200000}, NULL);
            }
        }
        weft_tasks_release(tasks, count);
    }
}

bool weft_executor_enter_submit(weft_executor *executor)
{
    if (atomic_fetch_add_explicit(&executor->submit_gate, 2, memory_order_acq_rel) & 1u) {
        atomic_fetch_sub_explicit(&executor->submit_gate, 2, memory_order_acq_rel);
        return false;
    }
    return true;
}

void weft_executor_leave_submit(weft_executor *executor)
{
    atomic_fetch_sub_explicit(&executor->submit_gate, 2, memory_order_acq_rel);
}

/* Closes the gate and waits for the submitters already inside. */
static void close_submit_gate(weft_executor *executor)
{
    atomic_fetch_or_explicit(&executor->submit_gate, 1u, memory_order_acq_rel);
    while (atomic_fetch_add_explicit(&executor->submit_gate, 0, memory_order_acq_rel) != 1u)
        nanosleep(&(struct timespec){0, 50000}, NULL);
}

/* Shutdown of an executor the caller holds a reference on. */
static int shutdown_held(weft_executor *executor)
{
    pthread_mutex_lock(&executor->lock);
    bool done = executor->shut_down;
    executor->shut_down = true;
    pthread_mutex_unlock(&executor->lock);
    if (done)
        return 0;
    atomic_store_explicit(&executor->closed, true, memory_order_release);
    close_submit_gate(executor);
    size_t abandoned = cancel_and_drain(executor);
    /* The workers finish the step they run and leave; an abandoned task
     * stays suspended in a queue that nobody runs again. */
    if (executor->config.debug)
        weft_debug_report_fresh_coros(executor);
    weft_executor_stop_threads(executor);
    if (abandoned == 0) {
        weft_executor_close(executor);
        return 0;
    }
    /* Never closed: closing would unmap the stacks those tasks sit on. */
    return weft_error_set(WEFT_ETIMEDOUT,
                          "weft_executor_shutdown: %zu task(s) still pending %g s after being "
                          "cancelled were abandoned",
                          abandoned, executor->config.shutdown_grace);
}

/* The checks shared by the calls that take an executor from a thread that
 * is not one of its workers: it must be live, not freed, not weft_run's. */
static int retain_for_owner_call(weft_executor *executor, const char *function)
{
    if (executor == NULL)
        return weft_error_set(WEFT_EINVAL, "%s: executor is NULL", function);
    if (weft_worker_current() != NULL)
        return weft_error_set(WEFT_ERUNNING, "%s() called from a worker", function);
    if (!weft_executor_retain_live(executor))
        return weft_error_set(WEFT_EINVAL, "%s: not a live executor (freed, or never created)",
                              function);
    if (atomic_load_explicit(&executor->owner_released, memory_order_acquire)) {
        weft_executor_release(executor);
        return weft_error_set(WEFT_EINVAL, "%s: the executor was freed", function);
    }
    if (executor->owned_by_run) {
        weft_executor_release(executor);
        return weft_error_set(WEFT_EINVAL, "%s: the executor belongs to weft_run", function);
    }
    return 0;
}

int weft_executor_shutdown(weft_executor *executor)
{
    int code = retain_for_owner_call(executor, "weft_executor_shutdown");
    if (code != 0)
        return code;
    code = shutdown_held(executor);
    weft_executor_release(executor);
    return code;
}

void weft_executor_free(weft_executor *executor)
{
    if (executor == NULL)
        return;
    if (retain_for_owner_call(executor, "weft_executor_free") != 0)
        return;
    /* One free per executor: a second would drop a reference it does not
     * own. acq_rel: orders the shutdown after the first free's view. */
    if (atomic_exchange_explicit(&executor->owner_released, true, memory_order_acq_rel)) {
        weft_executor_release(executor);
        weft_error_set(WEFT_EINVAL, "weft_executor_free: the executor was freed");
        return;
    }
    shutdown_held(executor);
    weft_executor_release(executor); /* retain_for_owner_call's */
    weft_executor_release(executor); /* the owner's */
}

/* weft_executor_wait: a done callback wakes the waiting thread. The waiter
 * record is shared by the waiting thread and the callback, so it is freed by
 * whichever of the two lets go last. */
typedef struct foreign_waiter {
    pthread_mutex_t lock;
    pthread_cond_t done;
    bool signalled;
    atomic_int holders;
} foreign_waiter;

static void foreign_waiter_release(foreign_waiter *waiter)
{
    if (atomic_fetch_sub_explicit(&waiter->holders, 1, memory_order_acq_rel) != 1)
        return;
    pthread_mutex_destroy(&waiter->lock);
    pthread_cond_destroy(&waiter->done);
    weft_free(waiter);
}

static int wake_foreign_waiter(weft_task *task, void *arg)
{
    (void)task;
    foreign_waiter *waiter = arg;
    pthread_mutex_lock(&waiter->lock);
    waiter->signalled = true;
    pthread_cond_signal(&waiter->done);
    pthread_mutex_unlock(&waiter->lock);
    foreign_waiter_release(waiter);
    return 0;
}

int weft_executor_wait(weft_task *task, void **result)
{
    if (task == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_executor_wait: task is NULL");
    if (weft_worker_current() != NULL)
        return weft_error_set(WEFT_ERUNNING,
                              "weft_executor_wait() would block a worker: use weft_await");
    if (!weft_task_done(task)) {
        foreign_waiter *waiter = weft_calloc(1, sizeof(*waiter));
        if (waiter == NULL)
            return weft_error_set(WEFT_ENOMEM, "out of memory waiting for a task");
        pthread_mutex_init(&waiter->lock, NULL);
        pthread_cond_init(&waiter->done, NULL);
        atomic_init(&waiter->holders, 2);
        if (weft_task_add_done_callback(task, wake_foreign_waiter, waiter) != 0) {
            weft_free(waiter);
            return weft_last_error();
        }
        /* Also poll: a callback queued on an executor that is stopping may
         * never run, and the task's state is the truth. */
        pthread_mutex_lock(&waiter->lock);
        while (!waiter->signalled && !weft_task_done(task)) {
            struct timespec deadline;
            clock_gettime(CLOCK_REALTIME, &deadline);
            deadline.tv_nsec += 10 * 1000000;
            if (deadline.tv_nsec >= 1000000000) {
                deadline.tv_sec++;
                deadline.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&waiter->done, &waiter->lock, &deadline);
        }
        pthread_mutex_unlock(&waiter->lock);
        foreign_waiter_release(waiter);
    }
    return weft_future_outcome(&task->future, result);
}

int weft_executor_get_stats(const weft_executor *executor, weft_executor_stats *stats)
{
    if (executor == NULL || stats == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_executor_get_stats: NULL argument");
    weft_executor *held = NULL;
    if (!on_own_worker(executor)) {
        held = (weft_executor *)executor;
        if (!weft_executor_retain_live(held))
            return weft_error_set(WEFT_EINVAL,
                                  "weft_executor_get_stats: not a live executor (freed, or "
                                  "never created)");
    }
    *stats = (weft_executor_stats){.workers = executor->config.workers};
    for (unsigned i = 0; i < executor->worker_count; i++) {
        const weft_worker *worker = &executor->workers[i];
        stats->tasks_run += atomic_load_explicit(&worker->tasks_run, memory_order_relaxed);
        stats->steals += atomic_load_explicit(&worker->steals, memory_order_relaxed);
        stats->parks += atomic_load_explicit(&worker->parks, memory_order_relaxed);
        stats->wakeups += atomic_load_explicit(&worker->wakeups, memory_order_relaxed);
    }
    if (held != NULL)
        weft_executor_release(held);
    return 0;
}
