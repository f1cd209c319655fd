/* weft_queue: asyncio.Queue, LifoQueue and PriorityQueue (CPython 3.11
 * Lib/asyncio/queues.py): getters and putters wait in FIFOs; a put wakes
 * the first getter still waiting, a get the first putter; a woken waiter
 * re-checks and, finding the item gone, waits again at the back. join()
 * waits on an event kept under the queue's own mutex. */
#include <pthread.h>

#include "alloc.h"
#include "error.h"
#include "event.h"
#include "queue_store.h"
#include "task.h"
#include "waiter.h"

struct weft_queue {
    pthread_mutex_t mutex; /* guards everything below */
    size_t maxsize;        /* 0: unbounded */
    weft_queue_store store;
    weft_waitlist getters, putters;
    size_t unfinished;        /* puts not yet matched by task_done */
    weft_event_core finished; /* set while unfinished == 0 */
    size_t users;             /* tasks and threads inside a waiting call */
};

int weft_queue_new(size_t maxsize, weft_queue_kind kind, weft_compare_fn compare,
                   weft_queue **out)
{
    if (out == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_queue_new: out is NULL");
    *out = NULL;
    if (kind != WEFT_QUEUE_FIFO && kind != WEFT_QUEUE_LIFO && kind != WEFT_QUEUE_PRIORITY)
        return weft_error_set(WEFT_EINVAL, "weft_queue_new: unknown queue kind %d", (int)kind);
    if (kind == WEFT_QUEUE_PRIORITY && compare == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_queue_new: a priority queue needs compare");
    weft_queue *queue = weft_calloc(1, sizeof(*queue));
    if (queue == NULL)
        return weft_error_set(WEFT_ENOMEM, "out of memory creating a queue");
    if (weft_waiter_mutex_init(&queue->mutex) != 0) {
        weft_free(queue);
        return WEFT_ESYSTEM;
    }
    queue->maxsize = maxsize;
    weft_queue_store_init(&queue->store, kind, kind == WEFT_QUEUE_PRIORITY ? compare : NULL);
    weft_waitlist_init(&queue->getters);
    weft_waitlist_init(&queue->putters);
    weft_event_core_init(&queue->finished, true);
    *out = queue;
    return 0;
}

int weft_queue_free(weft_queue *queue)
{
    if (queue == NULL)
        return 0;
    pthread_mutex_lock(&queue->mutex);
    size_t users = queue->users;
    pthread_mutex_unlock(&queue->mutex);
    if (users > 0)
        return weft_error_set(WEFT_EINVALSTATE,
                              "weft_queue_free: %zu waiter(s) still inside put, get or join",
                              users);
    weft_queue_store_destroy(&queue->store);
    pthread_mutex_destroy(&queue->mutex);
    weft_free(queue);
    return 0;
}

static bool is_full(const weft_queue *queue)
{
    return queue->maxsize > 0 && queue->store.count >= queue->maxsize;
}

static bool is_empty(const weft_queue *queue)
{
    return queue->store.count == 0;
}

/* Queue._wakeup_next: pops waiters until one that was not done yet is
 * woken (cancelled ones are dropped on the way). */
static void wakeup_next(weft_waitlist *waiters)
{
    weft_waiter *waiter;
    while ((waiter = weft_waitlist_pop_front(waiters)) != NULL)
        if (weft_waiter_wake(waiter))
            return;
}

static int put_locked(weft_queue *queue, void *item)
{
    if (is_full(queue))
        return weft_error_set_owned(WEFT_EQUEUEFULL, NULL);
    if (weft_queue_store_push(&queue->store, item) != 0)
        return WEFT_ENOMEM;
    queue->unfinished++;
    queue->finished.value = false;
    wakeup_next(&queue->getters);
    return 0;
}

static int get_locked(weft_queue *queue, void **item)
{
    if (is_empty(queue))
        return weft_error_set_owned(WEFT_EQUEUEEMPTY, NULL);
    void *value = weft_queue_store_pop(&queue->store);
    if (item != NULL)
        *item = value;
    wakeup_next(&queue->putters);
    return 0;
}

/* The waiting loop of put and get, for a task (self) or a thread (self
 * NULL): while blocked(queue), wait at the back of waiters; a waiter that
 * gives up after being woken passes the wake-up on if it could have used
 * it. Returns with the mutex held: 0 when no longer blocked, else the
 * waiter's error. */
static int wait_while(weft_queue *queue, bool (*blocked)(const weft_queue *),
                      weft_waitlist *waiters, weft_task *self, const struct timespec *deadline)
{
    while (blocked(queue)) {
        weft_waiter waiter;
        if (weft_waiter_init(&waiter, self) != 0)
            return WEFT_ESYSTEM;
        weft_waitlist_append(waiters, &waiter);
        int code = weft_waiter_wait(&waiter, &queue->mutex, deadline);
        if (code != 0) {
            /* The waker may already have popped us. */
            weft_waitlist_remove(waiters, &waiter);
            if (!blocked(queue) && !weft_waiter_cancelled(&waiter))
                wakeup_next(waiters);
            weft_waiter_destroy(&waiter);
            return code;
        }
        weft_waiter_destroy(&waiter);
    }
    return 0;
}

int weft_queue_put(weft_queue *queue, void *item)
{
    weft_task *self = weft_waiter_running_task("weft_queue_put");
    if (self == NULL)
        return weft_last_error();
    if (queue == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_queue_put: queue is NULL");
    pthread_mutex_lock(&queue->mutex);
    queue->users++;
    int code = wait_while(queue, is_full, &queue->putters, self, NULL);
    if (code == 0)
        code = put_locked(queue, item);
    queue->users--;
    pthread_mutex_unlock(&queue->mutex);
    return code;
}

int weft_queue_get(weft_queue *queue, void **item)
{
    weft_task *self = weft_waiter_running_task("weft_queue_get");
    if (self == NULL)
        return weft_last_error();
    if (queue == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_queue_get: queue is NULL");
    pthread_mutex_lock(&queue->mutex);
    queue->users++;
    int code = wait_while(queue, is_empty, &queue->getters, self, NULL);
    if (code == 0)
        code = get_locked(queue, item);
    queue->users--;
    pthread_mutex_unlock(&queue->mutex);
    return code;
}

int weft_queue_put_nowait(weft_queue *queue, void *item)
{
    if (queue == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_queue_put_nowait: queue is NULL");
    pthread_mutex_lock(&queue->mutex);
    int code = put_locked(queue, item);
    pthread_mutex_unlock(&queue->mutex);
    return code;
}

int weft_queue_get_nowait(weft_queue *queue, void **item)
{
    if (queue == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_queue_get_nowait: queue is NULL");
    pthread_mutex_lock(&queue->mutex);
    int code = get_locked(queue, item);
    pthread_mutex_unlock(&queue->mutex);
    return code;
}

int weft_queue_task_done(weft_queue *queue)
{
    if (queue == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_queue_task_done: queue is NULL");
    pthread_mutex_lock(&queue->mutex);
    if (queue->unfinished == 0) {
        pthread_mutex_unlock(&queue->mutex);
        return weft_error_set(WEFT_EINVAL, "task_done() called too many times");
    }
    if (--queue->unfinished == 0)
        weft_event_core_set(&queue->finished);
    pthread_mutex_unlock(&queue->mutex);
    return 0;
}

int weft_queue_join(weft_queue *queue)
{
    weft_task *self = weft_waiter_running_task("weft_queue_join");
    if (self == NULL)
        return weft_last_error();
    if (queue == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_queue_join: queue is NULL");
    pthread_mutex_lock(&queue->mutex);
    int code = 0;
    if (queue->unfinished > 0) {
        queue->users++;
        weft_waiter waiter;
        weft_waiter_init_task(&waiter, self);
        code = weft_event_core_wait(&queue->finished, &queue->mutex, &waiter, NULL);
        weft_waiter_destroy(&waiter);
        queue->users--;
    }
    pthread_mutex_unlock(&queue->mutex);
    return code;
}

int weft_queue_put_blocking(weft_queue *queue, void *item, double timeout)
{
    struct timespec storage;
    const struct timespec *deadline;
    int code = weft_waiter_blocking_prologue("weft_queue_put_blocking", queue, "queue", timeout,
                                             &storage, &deadline);
    if (code != 0)
        return code;
    pthread_mutex_lock(&queue->mutex);
    queue->users++;
    code = wait_while(queue, is_full, &queue->putters, NULL, deadline);
    if (code == 0)
        code = put_locked(queue, item);
    queue->users--;
    pthread_mutex_unlock(&queue->mutex);
    return code;
}

int weft_queue_get_blocking(weft_queue *queue, void **item, double timeout)
{
    struct timespec storage;
    const struct timespec *deadline;
    int code = weft_waiter_blocking_prologue("weft_queue_get_blocking", queue, "queue", timeout,
                                             &storage, &deadline);
    if (code != 0)
        return code;
    pthread_mutex_lock(&queue->mutex);
    queue->users++;
    code = wait_while(queue, is_empty, &queue->getters, NULL, deadline);
    if (code == 0)
        code = get_locked(queue, item);
    queue->users--;
    pthread_mutex_unlock(&queue->mutex);
    return code;
}

int weft_queue_join_blocking(weft_queue *queue, double timeout)
{
    struct timespec storage;
    const struct timespec *deadline;
    int code = weft_waiter_blocking_prologue("weft_queue_join_blocking", queue, "queue", timeout,
                                             &storage, &deadline);
    if (code != 0)
        return code;
    pthread_mutex_lock(&queue->mutex);
    if (queue->unfinished > 0) {
        weft_waiter waiter;
        if (weft_waiter_init_thread(&waiter) != 0) {
            pthread_mutex_unlock(&queue->mutex);
            return WEFT_ESYSTEM;
        }
        queue->users++;
        code = weft_event_core_wait(&queue->finished, &queue->mutex, &waiter,
                                    deadline);
        queue->users--;
        weft_waiter_destroy(&waiter);
    }
    pthread_mutex_unlock(&queue->mutex);
    return code;
}

/* The queries lock too: a snapshot, but never a torn read. */
size_t weft_queue_qsize(const weft_queue *queue)
{
    if (queue == NULL)
        return 0;
    weft_queue *mutable_queue = (weft_queue *)queue;
    pthread_mutex_lock(&mutable_queue->mutex);
    size_t count = queue->store.count;
    pthread_mutex_unlock(&mutable_queue->mutex);
    return count;
}

size_t weft_queue_maxsize(const weft_queue *queue)
{
    return queue != NULL ? queue->maxsize : 0;
}

bool weft_queue_empty(const weft_queue *queue)
{
    return weft_queue_qsize(queue) == 0;
}

bool weft_queue_full(const weft_queue *queue)
{
    if (queue == NULL)
        return false;
    weft_queue *mutable_queue = (weft_queue *)queue;
    pthread_mutex_lock(&mutable_queue->mutex);
    bool full = is_full(queue);
    pthread_mutex_unlock(&mutable_queue->mutex);
    return full;
}
