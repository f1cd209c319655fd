/* One worker loop. In single-loop mode this is asyncio's BaseEventLoop:
 * _run_once moves due timers to the ready queue and runs exactly the
 * runnables that were ready when the iteration began (L2). */
#include "worker.h"
#include "sanitizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "alloc.h"
#include "debug.h"
#include "executor.h"
#include "future.h"
#include "handle.h"
#include "task.h"
#include "worker_cache.h"

/* initial-exec: one thread-pointer-relative load instead of a
 * __tls_get_addr call on every access (it is read on every spawn, await and
 * switch). The pointer fits in the static TLS surplus glibc keeps for
 * libraries, so a dlopen()ed libweft still loads. */
static _Thread_local weft_worker *current_worker __attribute__((tls_model("initial-exec")));

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

struct timespec weft_deadline_after(int64_t timeout_ns)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    int64_t ns = deadline.tv_nsec + timeout_ns % 1000000000;
    deadline.tv_sec += (time_t)(timeout_ns / 1000000000 + ns / 1000000000);
    deadline.tv_nsec = (long)(ns % 1000000000);
    return deadline;
}

int weft_worker_init(weft_worker *worker, weft_executor *executor, unsigned index)
{
    worker->executor = executor;
    worker->index = index;
    worker->current_task = NULL;
    worker->stopping = false;
    worker->slow_step_ns = executor->slow_step_ns;
    weft_spinlock_init(&worker->tasks_lock);
    worker->random_state = 0x9e3779b9u * (index + 1);
    pthread_mutex_init(&worker->park_lock, NULL);
    pthread_condattr_t attributes;
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&worker->park_signal, &attributes);
    pthread_condattr_destroy(&attributes);
    atomic_init(&worker->tasks_run, 0);
    atomic_init(&worker->steals, 0);
    atomic_init(&worker->parks, 0);
    atomic_init(&worker->wakeups, 0);
    weft_timer_heap_init(&worker->timers);
    if (weft_deque_init(&worker->ready, 256) != 0)
        return -1;
    if (weft_stack_pool_init(&worker->stacks, executor->config.stack_size,
                             executor->config.guard_pages) != 0) {
        weft_deque_destroy(&worker->ready);
        return -1;
    }
    worker->stacks.depot = &executor->stack_depot;
    return 0;
}

void weft_worker_destroy(weft_worker *worker)
{
    weft_runnable *runnable;
    while ((runnable = weft_deque_take_oldest(&worker->ready)) != NULL)
        weft_runnable_discard(runnable);
    weft_deque_destroy(&worker->ready);
    weft_worker_cache_flush(worker);
    weft_timer_heap_destroy(&worker->timers);
    weft_stack_pool_destroy(&worker->stacks);
    pthread_mutex_destroy(&worker->park_lock);
    pthread_cond_destroy(&worker->park_signal);
}

/* Work a worker pushes on its own deque is never lost: that worker stays
 * awake until its deque is empty. Waking a sleeper for it is only a bid for
 * parallelism, so relaxed loads decide, and the full protocol (RMWs on the
 * shared counters, see below) runs only when a sleeper seems to be there
 * and nobody searching. A fork-join run pushes into an empty deque on
 * almost every spawn; RMWs there made the counters' line bounce between
 * cores and two workers slower than one. */
static bool worth_waking_someone(weft_executor *executor)
{
    return atomic_load_explicit(&executor->sleepers, memory_order_relaxed) != 0 &&
           atomic_load_explicit(&executor->searching, memory_order_relaxed) == 0;
}

void weft_schedule(weft_executor *executor, weft_runnable *runnable)
{
    WEFT_TSAN_RELEASE(runnable);
    weft_worker *worker = weft_worker_current();
    if (worker != NULL && worker->executor == executor) {
        bool was_empty = weft_deque_size(&worker->ready) == 0;
        if (weft_deque_push(&worker->ready, runnable) == 0) {
            if (was_empty && executor->worker_count > 1 && worth_waking_someone(executor))
                weft_executor_notify_work(executor);
            return;
        }
    }
    /* From another thread, or the deque could not grow: the inject queue
     * takes it (and aborts with a message if even that has no memory:
     * dropping a runnable would lose a task). */
    weft_executor_inject(executor, runnable);
}

int weft_worker_add_timer(weft_worker *worker, weft_handle *handle)
{
    return weft_timer_heap_push(&worker->timers, handle);
}

static inline void dispatch(weft_worker *worker, weft_runnable *runnable)
{
    WEFT_TSAN_ACQUIRE(runnable);
    switch (runnable->kind) {
    case WEFT_RUNNABLE_TASK_STEP:
        atomic_store_explicit(&worker->tasks_run,
                              atomic_load_explicit(&worker->tasks_run, memory_order_relaxed) + 1,
                              memory_order_relaxed);
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

void weft_runnable_dispatch(weft_worker *worker, weft_runnable *runnable)
{
    dispatch(worker, runnable);
}

void weft_runnable_run(weft_worker *worker, weft_runnable *runnable)
{
    /* Debug mode's only hook on the hot path: one predictable branch. */
    if (__builtin_expect(worker->slow_step_ns != 0, 0))
        weft_debug_run_timed(worker, runnable);
    else
        dispatch(worker, runnable);
}

void weft_runnable_discard(weft_runnable *runnable)
{
    switch (runnable->kind) {
    case WEFT_RUNNABLE_TASK_STEP:
        /* Shutdown runs every task to completion, so only stale entries
         * are left at close (their claim's reference). */
        if (weft_task_entry_is_stale((weft_task *)runnable))
            weft_task_release((weft_task *)runnable);
        break;
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
        atomic_store_explicit(&task->state, WEFT_TASK_SCHEDULED, memory_order_release);
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
        atomic_store_explicit(&task->state, WEFT_TASK_SCHEDULED, memory_order_release);
        weft_schedule(worker->executor, &task->runnable);
        task = next;
    }
}

static void *take_next(weft_worker *worker)
{
    /* LIFO takes the newest: depth first, so a fork-join tree keeps only
     * one path of suspended tasks per worker. Fairness comes from elsewhere:
     * every iteration polls the inject queue, and a task that yields waits
     * on the FIFO lane. (Taking the local oldest now and then, as a
     * "fairness tick", would open a new subtree while the current path stays
     * suspended: live stacks then grow with the tree instead of its depth.) */
    if (worker->executor->config.order == WEFT_ORDER_LIFO)
        return weft_deque_take(&worker->ready);
    return weft_deque_take_oldest(&worker->ready);
}

#define DAY_NS (24LL * 3600 * 1000000000)

size_t weft_worker_run_once(weft_worker *worker)
{
    weft_executor *executor = worker->executor;
    weft_timer_heap *timers = &worker->timers;

    release_yielded(worker);

    /* L2.1: cancelled timers leave the heap head (or the heap is rebuilt). */
    weft_timer_heap_drop_cancelled(timers);

    /* L2.2: how long to wait for work from outside (single loop only: with
     * several workers an idle worker steals, then parks in weft_worker_turn). */
    int64_t timeout_ns = 0;
    if (executor->worker_count == 1 && weft_deque_size(&worker->ready) == 0 && !worker->stopping) {
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

    /* L2.4: due timers go to the tail, and this worker runs them in
     * (deadline, sequence) order: in FIFO order it takes the oldest, so the
     * earliest is pushed first; in LIFO order it takes the newest, so the
     * earliest is pushed last. The clock is read only when there are timers. */
    if (weft_timer_heap_peek(timers) != NULL) {
        weft_handle **due;
        /* asyncio's clock_resolution, 1 ns */
        size_t count = weft_timer_heap_pop_due(timers, weft_clock_ns() + 1, &due);
        bool latest_first = executor->config.order == WEFT_ORDER_LIFO;
        for (size_t i = 0; i < count; i++) {
            weft_handle *handle = latest_first ? due[i] : due[count - 1 - i];
            if (weft_handle_is_cancelled(handle))
                weft_handle_release(handle);
            else
                weft_schedule(executor, &handle->runnable);
        }
    }

    /* L2.5: run what was ready now; what they queue waits for the next
     * iteration. */
    int64_t todo = weft_deque_size(&worker->ready);
    size_t ran = 0;
    for (int64_t i = 0; i < todo; i++) {
        weft_runnable *runnable = take_next(worker);
        if (runnable == NULL)
            break;
        weft_runnable_run(worker, runnable);
        ran++;
    }
    return ran;
}

/* ------------------------------------------------------------------ */
/* Several workers: stealing, the idle protocol, parking              */
/* ------------------------------------------------------------------ */
/*
 * A worker without work becomes a *searcher* (executor->searching) and
 * steals from the others, with ck_backoff between rounds. If it finds
 * nothing it parks on its own condition variable, listed on the executor's
 * sleeper stack. Whoever publishes work calls weft_executor_notify_work:
 * it wakes one sleeper, and only when nobody is searching (a searcher will
 * find the work; the last searcher to find some wakes the next one), so new
 * work wakes at most one worker and there is no thundering herd.
 *
 * No lost wake-up: the publisher pushes, then reads `searching` and
 * `sleepers` with read-modify-writes (fetch_add 0, acq_rel); the parker
 * increments `sleepers` (an RMW on the same location) before it re-checks
 * every queue. RMWs on one location are totally ordered and each reads the
 * previous one, so either the publisher's RMW reads the parker's increment
 * (and wakes someone), or the parker's RMW reads from the publisher's and so
 * synchronizes with it: the parker's re-check then sees the pushed work.
 * The same holds for a searcher that gives up (its decrement of
 * `searching` is an RMW too). No standalone fences: ThreadSanitizer checks
 * the real argument.
 *
 * That argument is needed where the publisher does not run the work itself:
 * the inject queue. A worker's push onto its own deque checks the counters
 * with relaxed loads first (worth_waking_someone): a sleeper missed there
 * delays parallelism, never the work.
 *
 * Cost: only a push into an empty deque notifies. Work pushed behind it is
 * found by the worker that was woken, which, being the last searcher to
 * find work, hands the search on (end_search).
 */

#include <ck_backoff.h>

static uint32_t next_random(weft_worker *worker)
{
    /* xorshift32: victim selection only needs to be cheap and spread out. */
    uint32_t x = worker->random_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return worker->random_state = x;
}

static bool any_work_visible(weft_executor *executor)
{
    if (atomic_load_explicit(&executor->inject_pending, memory_order_acquire) != 0)
        return true;
    for (unsigned i = 0; i < executor->worker_count; i++)
        if (weft_deque_size(&executor->workers[i].ready) > 0)
            return true;
    return false;
}

void weft_executor_notify_work(weft_executor *executor)
{
    if (atomic_fetch_add_explicit(&executor->searching, 0, memory_order_acq_rel) != 0)
        return;
    if (atomic_fetch_add_explicit(&executor->sleepers, 0, memory_order_acq_rel) == 0)
        return;
    pthread_mutex_lock(&executor->idle_lock);
    if (executor->sleeper_count == 0) {
        pthread_mutex_unlock(&executor->idle_lock);
        return;
    }
    weft_worker *sleeper = &executor->workers[executor->sleeper_stack[--executor->sleeper_count]];
    atomic_fetch_sub_explicit(&executor->sleepers, 1, memory_order_acq_rel);
    /* It wakes up as a searcher: counted now, so other notifications do not
     * wake a second worker for the same work. */
    atomic_fetch_add_explicit(&executor->searching, 1, memory_order_acq_rel);
    /* Still under idle_lock (lock order: idle_lock, then park_lock): a
     * parker that finds itself no longer listed knows its flag is already
     * set and consumes it, so no stale flag outlives this notification. */
    pthread_mutex_lock(&sleeper->park_lock);
    sleeper->notified = true;
    pthread_cond_signal(&sleeper->park_signal);
    pthread_mutex_unlock(&sleeper->park_lock);
    pthread_mutex_unlock(&executor->idle_lock);
}

void weft_executor_wake_all(weft_executor *executor)
{
    /* A single loop waits for injected work in weft_executor_poll. */
    pthread_mutex_lock(&executor->lock);
    pthread_cond_broadcast(&executor->work_available);
    pthread_mutex_unlock(&executor->lock);
    for (unsigned i = 0; i < executor->worker_count; i++) {
        weft_worker *worker = &executor->workers[i];
        pthread_mutex_lock(&worker->park_lock);
        pthread_cond_signal(&worker->park_signal);
        pthread_mutex_unlock(&worker->park_lock);
    }
}

static void begin_search(weft_worker *worker)
{
    if (worker->searching)
        return;
    worker->searching = true;
    atomic_fetch_add_explicit(&worker->executor->searching, 1, memory_order_acq_rel);
}

/* found: this searcher found work; if it was the last searcher there may be
 * more, so it hands the search on to a sleeper. */
static void end_search(weft_worker *worker, bool found)
{
    if (!worker->searching)
        return;
    worker->searching = false;
    weft_executor *executor = worker->executor;
    if (atomic_fetch_sub_explicit(&executor->searching, 1, memory_order_acq_rel) == 1 && found)
        weft_executor_notify_work(executor);
}

/* One pass over the other workers' deques from a random start. */
static weft_runnable *steal_once(weft_worker *worker)
{
    weft_executor *executor = worker->executor;
    unsigned count = executor->worker_count;
    unsigned start = next_random(worker) % count;
    for (unsigned i = 0; i < count; i++) {
        weft_worker *victim = &executor->workers[(start + i) % count];
        if (victim == worker)
            continue;
        for (;;) {
            void *item = weft_deque_steal(&victim->ready);
            if (item == WEFT_DEQUE_ABORT) {
                ck_pr_stall();
                continue; /* lost a race with another thief: the deque is not empty */
            }
            if (item != NULL) {
                atomic_store_explicit(&worker->steals,
                                      atomic_load_explicit(&worker->steals, memory_order_relaxed) + 1,
                                      memory_order_relaxed);
                return item;
            }
            break;
        }
    }
    return NULL;
}

enum { STEAL_ROUNDS = 8 };

static weft_runnable *search(weft_worker *worker)
{
    ck_backoff_t backoff = CK_BACKOFF_INITIALIZER;
    for (int round = 0; round < STEAL_ROUNDS; round++) {
        weft_runnable *item = steal_once(worker);
        if (item != NULL)
            return item;
        if (atomic_load_explicit(&worker->executor->inject_pending, memory_order_acquire) != 0)
            return NULL; /* injected work: the next iteration polls it */
        ck_backoff_eb(&backoff);
    }
    return NULL;
}

static void remove_sleeper(weft_executor *executor, weft_worker *worker, bool *was_listed)
{
    *was_listed = false;
    pthread_mutex_lock(&executor->idle_lock);
    for (unsigned i = 0; i < executor->sleeper_count; i++) {
        if (executor->sleeper_stack[i] == worker->index) {
            executor->sleeper_stack[i] = executor->sleeper_stack[--executor->sleeper_count];
            atomic_fetch_sub_explicit(&executor->sleepers, 1, memory_order_acq_rel);
            *was_listed = true;
            break;
        }
    }
    pthread_mutex_unlock(&executor->idle_lock);
}

static bool should_leave(weft_worker *worker)
{
    weft_executor *executor = worker->executor;
    if (atomic_load_explicit(&executor->stop_workers, memory_order_acquire))
        return true;
    return worker->index == 0 && atomic_load_explicit(&executor->main_done, memory_order_acquire);
}

/* Sleeps until notified, the deadline, or shutdown. */
static void park(weft_worker *worker, int64_t timeout_ns)
{
    weft_executor *executor = worker->executor;
    pthread_mutex_lock(&executor->idle_lock);
    executor->sleeper_stack[executor->sleeper_count++] = worker->index;
    /* The RMW the publishers' RMWs pair with (see the comment above). */
    atomic_fetch_add_explicit(&executor->sleepers, 1, memory_order_acq_rel);
    pthread_mutex_unlock(&executor->idle_lock);

    bool listed;
    if (any_work_visible(executor) || should_leave(worker)) {
        remove_sleeper(executor, worker, &listed);
        if (!listed) /* a notifier took us off the list and counted us searching */
            worker->searching = true;
        pthread_mutex_lock(&worker->park_lock);
        worker->notified = false;
        pthread_mutex_unlock(&worker->park_lock);
        return;
    }

    atomic_store_explicit(&worker->parks, atomic_load_explicit(&worker->parks, memory_order_relaxed) + 1,
                          memory_order_relaxed);
    /* Idle: the moment to give back the pages of stacks a burst left. */
    weft_stack_depot_trim(&executor->stack_depot, worker->stacks.page_size);
    struct timespec deadline = weft_deadline_after(timeout_ns >= 0 ? timeout_ns : 0);
    pthread_mutex_lock(&worker->park_lock);
    while (!worker->notified && !should_leave(worker)) {
        if (timeout_ns < 0) {
            pthread_cond_wait(&worker->park_signal, &worker->park_lock);
        } else if (pthread_cond_timedwait(&worker->park_signal, &worker->park_lock, &deadline) != 0) {
            break;
        }
    }
    bool notified = worker->notified;
    worker->notified = false;
    pthread_mutex_unlock(&worker->park_lock);

    if (notified) {
        worker->searching = true; /* the notifier counted us */
        atomic_store_explicit(&worker->wakeups,
                              atomic_load_explicit(&worker->wakeups, memory_order_relaxed) + 1,
                              memory_order_relaxed);
        return;
    }
    remove_sleeper(executor, worker, &listed);
    if (!listed) {
        /* Notified between the timeout and the removal. */
        worker->searching = true;
        pthread_mutex_lock(&worker->park_lock);
        worker->notified = false;
        pthread_mutex_unlock(&worker->park_lock);
    }
}

void weft_worker_turn(weft_worker *worker, int64_t max_wait_ns)
{
    if (weft_worker_run_once(worker) > 0) {
        end_search(worker, true);
        return;
    }
    /* A single loop has nobody to steal from, and it already waited in
     * run_once for injected work or its next timer; parking here instead
     * would wait where injected work does not look. */
    if (worker->executor->worker_count == 1)
        return;
    begin_search(worker);
    weft_runnable *item = search(worker);
    if (item != NULL) {
        end_search(worker, true);
        weft_runnable_run(worker, item);
        return;
    }
    end_search(worker, false);
    if (should_leave(worker))
        return;
    /* Nothing anywhere: sleep, at most until this worker's next timer. */
    int64_t timeout_ns = max_wait_ns;
    weft_handle *head = weft_timer_heap_peek(&worker->timers);
    if (head != NULL) {
        int64_t until = head->when_ns - weft_clock_ns();
        if (until < 0)
            until = 0;
        if (timeout_ns < 0 || until < timeout_ns)
            timeout_ns = until;
    }
    if (timeout_ns == 0 || worker->yielded_head != NULL)
        return;
    park(worker, timeout_ns);
}

void *weft_worker_thread_main(void *arg)
{
    weft_worker *worker = arg;
    weft_executor *executor = worker->executor;
    weft_fiber_thread_init(&worker->fiber, executor->config.guard_pages);
    weft_worker_bind(worker);
    while (!atomic_load_explicit(&executor->stop_workers, memory_order_acquire))
        weft_worker_turn(worker, -1);
    end_search(worker, false);
    weft_worker_bind(NULL);
    weft_fiber_thread_fini(&worker->fiber);
    return NULL;
}
