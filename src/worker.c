/* One worker loop. In single-loop mode this is asyncio's BaseEventLoop:
 * _run_once moves due timers to the ready queue and runs exactly the
 * runnables that were ready when the iteration began (L2). */
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "alloc.h"
#include "executor.h"
#include "future.h"
#include "handle.h"
#include "task.h"

static _Thread_local weft_worker *current_worker;

/* Not inlined, with a compiler barrier: code on a task's stack calls this
 * after every switch, and the task may have moved to another thread, so the
 * thread-local address must be computed afresh each time. */
__attribute__((noinline)) weft_worker *weft_worker_current(void)
{
    weft_worker *worker = current_worker;
    __asm__ volatile("" ::: "memory");
    return worker;
}

void weft_worker_bind(weft_worker *worker)
{
    current_worker = worker;
}

int64_t weft_clock_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

int weft_worker_init(weft_worker *worker, weft_executor *executor, unsigned index)
{
    worker->executor = executor;
    worker->index = index;
    worker->current_task = NULL;
    worker->stopping = false;
    weft_timer_heap_init(&worker->timers);
    if (weft_deque_init(&worker->ready, 256) != 0)
        return -1;
    if (weft_stack_pool_init(&worker->stacks, executor->config.stack_size,
                             executor->config.guard_pages) != 0) {
        weft_deque_destroy(&worker->ready);
        return -1;
    }
    return 0;
}

void weft_worker_destroy(weft_worker *worker)
{
    weft_runnable *runnable;
    while ((runnable = weft_deque_take_oldest(&worker->ready)) != NULL)
        weft_runnable_discard(runnable);
    weft_deque_destroy(&worker->ready);
    weft_timer_heap_destroy(&worker->timers);
    weft_stack_pool_destroy(&worker->stacks);
}

void weft_schedule(weft_executor *executor, weft_runnable *runnable)
{
    weft_worker *worker = weft_worker_current();
    if (worker != NULL && worker->executor == executor &&
        weft_deque_push(&worker->ready, runnable) == 0)
        return;
    /* From another thread, or the deque could not grow: the inject queue
     * takes it (and aborts with a message if even that has no memory:
     * dropping a runnable would lose a task). */
    weft_executor_inject(executor, runnable);
}

int weft_worker_add_timer(weft_worker *worker, weft_handle *handle)
{
    return weft_timer_heap_push(&worker->timers, handle);
}

void weft_runnable_run(weft_worker *worker, weft_runnable *runnable)
{
    switch (runnable->kind) {
    case WEFT_RUNNABLE_TASK_STEP:
        weft_task_step(worker, (weft_task *)runnable);
        break;
    case WEFT_RUNNABLE_HANDLE: {
        weft_handle *handle = (weft_handle *)runnable;
        weft_handle_run(handle);
        weft_handle_release(handle); /* the loop's reference */
        break;
    }
    case WEFT_RUNNABLE_DONE_CALLBACK:
        weft_callback_entry_run((weft_callback_entry *)runnable);
        break;
    }
}

void weft_runnable_discard(weft_runnable *runnable)
{
    switch (runnable->kind) {
    case WEFT_RUNNABLE_TASK_STEP:
        break; /* never at close: shutdown runs every task to completion */
    case WEFT_RUNNABLE_HANDLE:
        weft_handle_release((weft_handle *)runnable);
        break;
    case WEFT_RUNNABLE_DONE_CALLBACK: {
        weft_callback_entry *entry = (weft_callback_entry *)runnable;
        weft_task_release(entry->task);
        weft_free(entry);
        break;
    }
    }
}

void weft_worker_requeue_yielded(weft_worker *worker, weft_task *task)
{
    if (worker->executor->config.order != WEFT_ORDER_LIFO) {
        weft_schedule(worker->executor, &task->runnable);
        return;
    }
    task->yield_next = NULL;
    if (worker->yielded_tail != NULL)
        worker->yielded_tail->yield_next = task;
    else
        worker->yielded_head = task;
    worker->yielded_tail = task;
}

/* LIFO mode: the tasks that yielded during the last iteration go back into
 * the deque before this one counts its work, so each yield costs the task
 * at least one turn of the others. */
static void release_yielded(weft_worker *worker)
{
    weft_task *task = worker->yielded_head;
    worker->yielded_head = worker->yielded_tail = NULL;
    while (task != NULL) {
        weft_task *next = task->yield_next;
        weft_schedule(worker->executor, &task->runnable);
        task = next;
    }
}

static void *take_next(weft_worker *worker)
{
    if (worker->executor->config.order == WEFT_ORDER_LIFO)
        return weft_deque_take(&worker->ready);
    return weft_deque_take_oldest(&worker->ready);
}

#define DAY_NS (24LL * 3600 * 1000000000)

void weft_worker_run_once(weft_worker *worker)
{
    weft_executor *executor = worker->executor;
    weft_timer_heap *timers = &worker->timers;

    release_yielded(worker);

    /* L2.1: cancelled timers leave the heap head (or the heap is rebuilt). */
    weft_timer_heap_drop_cancelled(timers);

    /* L2.2: how long to wait for work from outside. */
    int64_t timeout_ns = 0;
    if (weft_deque_size(&worker->ready) == 0 && !worker->stopping) {
        weft_handle *head = weft_timer_heap_peek(timers);
        if (head == NULL) {
            timeout_ns = -1;
        } else {
            timeout_ns = head->when_ns - weft_clock_ns();
            if (timeout_ns < 0)
                timeout_ns = 0;
            if (timeout_ns > DAY_NS)
                timeout_ns = DAY_NS;
        }
    }
    /* L2.3: the "selector": work injected from other threads. */
    weft_executor_poll(executor, worker, timeout_ns != 0, timeout_ns);

    /* L2.4: due timers go to the tail, in (deadline, sequence) order. The
     * clock is read only when there are timers. */
    weft_handle *head = weft_timer_heap_peek(timers);
    if (head != NULL) {
        int64_t end = weft_clock_ns() + 1; /* asyncio's clock_resolution, 1 ns */
        while ((head = weft_timer_heap_peek(timers)) != NULL && head->when_ns < end) {
            weft_timer_heap_pop(timers);
            if (weft_handle_is_cancelled(head))
                weft_handle_release(head);
            else
                weft_schedule(executor, &head->runnable);
        }
    }

    /* L2.5: run what was ready now; what they queue waits for the next
     * iteration. */
    int64_t todo = weft_deque_size(&worker->ready);
    for (int64_t i = 0; i < todo; i++) {
        weft_runnable *runnable = take_next(worker);
        if (runnable == NULL)
            break;
        weft_runnable_run(worker, runnable);
    }
}
