/* The executor object: configuration, workers, inject queue, the registry
 * of pending tasks and never-awaited coroutines, the exception handler. */
#include "executor.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "alloc.h"
#include "error.h"
#include "task.h"

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
    };
}

weft_executor *weft_executor_new(const weft_config *config)
{
    weft_task_module_init();
    weft_config settings = *config;
    if (settings.workers == 0)
        settings.workers = 1;
    if (settings.workers != 1) {
        weft_error_set(WEFT_EINVAL, "this release runs exactly one worker (workers = %u)",
                       settings.workers);
        return NULL;
    }
    if (settings.order == WEFT_ORDER_DEFAULT)
        settings.order = settings.workers == 1 ? WEFT_ORDER_FIFO : WEFT_ORDER_LIFO;
    if (settings.order != WEFT_ORDER_FIFO && settings.order != WEFT_ORDER_LIFO) {
        weft_error_set(WEFT_EINVAL, "unknown order policy %d", (int)settings.order);
        return NULL;
    }

    weft_executor *executor = weft_calloc(1, sizeof(*executor));
    weft_worker *workers = weft_calloc(settings.workers, sizeof(*workers));
    if (executor == NULL || workers == NULL) {
        weft_free(executor);
        weft_free(workers);
        weft_error_set(WEFT_ENOMEM, "out of memory creating an executor");
        return NULL;
    }
    atomic_init(&executor->references, 1);
    atomic_init(&executor->closed, false);
    atomic_init(&executor->inject_pending, 0);
    executor->config = settings;
    executor->handler = settings.exception_handler;
    executor->handler_arg = settings.exception_handler_arg;
    executor->workers = workers;

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
    pthread_mutex_destroy(&executor->lock);
    pthread_cond_destroy(&executor->work_available);
    weft_free(executor->inject);
    weft_free(executor);
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
}

/* ------------------------------------------------------------------ */
/* Inject queue: work arriving from threads that are not workers      */
/* ------------------------------------------------------------------ */

void weft_executor_inject(weft_executor *executor, weft_runnable *runnable)
{
    pthread_mutex_lock(&executor->lock);
    if (executor->inject_count == executor->inject_capacity) {
        size_t capacity = executor->inject_capacity ? executor->inject_capacity * 2 : 64;
        weft_runnable **ring = weft_malloc(capacity * sizeof(*ring));
        if (ring == NULL) {
            /* Dropping the runnable would lose a task or a wake-up. */
            fprintf(stderr, "weft: out of memory queueing work; aborting\n");
            abort();
        }
        for (size_t i = 0; i < executor->inject_count; i++)
            ring[i] = executor->inject[(executor->inject_head + i) % executor->inject_capacity];
        weft_free(executor->inject);
        executor->inject = ring;
        executor->inject_head = 0;
        executor->inject_capacity = capacity;
    }
    executor->inject[(executor->inject_head + executor->inject_count) % executor->inject_capacity] =
        runnable;
    executor->inject_count++;
    atomic_store_explicit(&executor->inject_pending, executor->inject_count, memory_order_release);
    pthread_cond_signal(&executor->work_available);
    pthread_mutex_unlock(&executor->lock);
}

void weft_executor_poll(weft_executor *executor, weft_worker *worker, bool wait, int64_t timeout_ns)
{
    if (!wait && atomic_load_explicit(&executor->inject_pending, memory_order_acquire) == 0)
        return;
    pthread_mutex_lock(&executor->lock);
    if (wait && executor->inject_count == 0) {
        if (timeout_ns < 0) {
            pthread_cond_wait(&executor->work_available, &executor->lock);
        } else {
            struct timespec deadline;
            clock_gettime(CLOCK_MONOTONIC, &deadline);
            int64_t ns = deadline.tv_nsec + timeout_ns % 1000000000;
            deadline.tv_sec += (time_t)(timeout_ns / 1000000000 + ns / 1000000000);
            deadline.tv_nsec = (long)(ns % 1000000000);
            pthread_cond_timedwait(&executor->work_available, &executor->lock, &deadline);
        }
    }
    while (executor->inject_count > 0) {
        weft_runnable *runnable = executor->inject[executor->inject_head];
        executor->inject_head = (executor->inject_head + 1) % executor->inject_capacity;
        executor->inject_count--;
        if (weft_deque_push(&worker->ready, runnable) != 0) {
            fprintf(stderr, "weft: out of memory moving work to a worker; aborting\n");
            abort();
        }
    }
    atomic_store_explicit(&executor->inject_pending, 0, memory_order_relaxed);
    pthread_mutex_unlock(&executor->lock);
}

/* ------------------------------------------------------------------ */
/* Registries                                                         */
/* ------------------------------------------------------------------ */

void weft_executor_register_task(weft_executor *executor, weft_task *task)
{
    pthread_mutex_lock(&executor->lock);
    task->all_prev = executor->tasks_tail;
    task->all_next = NULL;
    if (executor->tasks_tail != NULL)
        executor->tasks_tail->all_next = task;
    else
        executor->tasks_head = task;
    executor->tasks_tail = task;
    executor->task_count++;
    pthread_mutex_unlock(&executor->lock);
}

void weft_executor_unregister_task(weft_executor *executor, weft_task *task)
{
    pthread_mutex_lock(&executor->lock);
    if (task->all_prev != NULL)
        task->all_prev->all_next = task->all_next;
    else
        executor->tasks_head = task->all_next;
    if (task->all_next != NULL)
        task->all_next->all_prev = task->all_prev;
    else
        executor->tasks_tail = task->all_prev;
    task->all_prev = task->all_next = NULL;
    executor->task_count--;
    pthread_mutex_unlock(&executor->lock);
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
    executor->handler = handler;
    executor->handler_arg = arg;
    return 0;
}

void weft_default_exception_handler(weft_executor *executor, const weft_exception_context *context,
                                    void *arg)
{
    (void)executor;
    (void)arg;
    if (context == NULL)
        return;
    flockfile(stderr);
    fprintf(stderr, "weft: %s", context->message != NULL ? context->message : "(no message)");
    if (context->source != NULL)
        fprintf(stderr, " [%s]", context->source);
    if (context->error != 0)
        fprintf(stderr, ": %s: %s", weft_error_name(context->error),
                context->error_message != NULL ? context->error_message
                                               : weft_strerror(context->error));
    fputc('\n', stderr);
    funlockfile(stderr);
}

void weft_call_exception_handler(weft_executor *executor, const weft_exception_context *context)
{
    if (executor != NULL && executor->handler != NULL)
        executor->handler(executor, context, executor->handler_arg);
    else
        weft_default_exception_handler(executor, context, NULL);
}
