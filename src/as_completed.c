/* as_completed: asyncio.as_completed (Python 3.11). Each task's done
 * callback puts it on a queue (asyncio uses a Queue) and wakes the caller
 * waiting in weft_as_completed_next, which resumes one hop later, two after
 * the completion; a task already queued is handed out without suspending.
 * On timeout every task not yet completed becomes a TimeoutError. */
#include <math.h>
#include <stdint.h>

#include "alloc.h"
#include "compose.h"
#include "error.h"
#include "spinlock.h"

#undef weft_as_completed_next

struct weft_as_completed {
    /* The owner's plus one per registered done callback; acq_rel on release
     * so the freeing thread sees every other use. */
    atomic_int references;
    weft_executor *executor;
    /* Guards everything below. The callbacks, the timer and the caller meet
     * here, possibly on three threads. */
    weft_spinlock lock;
    size_t count;            /* distinct tasks */
    weft_task **tasks;       /* one reference each */
    struct slot *slots;      /* the done callbacks' arguments */
    bool *completed;         /* tasks[i] went through the queue (or timed out) */
    size_t todo;             /* tasks neither completed nor timed out */
    /* The `done` queue: tasks in completion order, NULL for a timeout
     * marker. At most count entries ever go in, so it never wraps. */
    weft_task **queue;
    size_t queue_head, queue_tail;
    size_t handed_out;
    /* The caller's getter future while it waits (on its stack): completed
     * under the lock, and the caller clears it under the lock before it
     * leaves, so the future is alive whenever it is reached from here. */
    weft_future *getter;
    weft_handle *timer; /* our reference, or NULL */
};

/* What task i's done callback gets: the iterator and i, so that finding
 * the task takes no search. */
struct slot {
    weft_as_completed *iterator;
    size_t index;
};

static void iterator_release(weft_as_completed *iterator)
{
    if (atomic_fetch_sub_explicit(&iterator->references, 1, memory_order_acq_rel) != 1)
        return;
    for (size_t i = 0; i < iterator->count; i++)
        weft_task_release(iterator->tasks[i]);
    if (iterator->timer != NULL)
        weft_handle_release(iterator->timer);
    weft_free(iterator->tasks);
    weft_free(iterator->slots);
    weft_free(iterator->completed);
    weft_free(iterator->queue);
    weft_free(iterator);
}

/* Queue.put_nowait's wake-up of the getter; under the lock. */
static void wake_getter(weft_as_completed *iterator)
{
    if (iterator->getter != NULL) {
        weft_future_complete(iterator->getter, WEFT_FUTURE_FINISHED, 0, NULL, NULL);
        iterator->getter = NULL;
    }
}

/* as_completed's _on_completion. */
static int on_completion(weft_task *task, void *arg)
{
    const struct slot *slot = arg;
    weft_as_completed *iterator = slot->iterator;
    size_t i = slot->index;
    weft_spinlock_lock(&iterator->lock);
    if (!iterator->completed[i]) { /* else the timeout was here first */
        iterator->completed[i] = true;
        iterator->todo--;
        iterator->queue[iterator->queue_tail++] = task;
        if (iterator->todo == 0 && iterator->timer != NULL)
            weft_handle_cancel(iterator->timer);
        wake_getter(iterator);
    }
    weft_spinlock_unlock(&iterator->lock);
    iterator_release(iterator);
    return 0;
}

/* as_completed's _on_timeout: one TimeoutError per task left. The owner
 * keeps the iterator alive until this timer is over. */
static int on_timeout(void *arg)
{
    weft_as_completed *iterator = arg;
    int dropped = 0;
    weft_spinlock_lock(&iterator->lock);
    for (size_t i = 0; i < iterator->count; i++) {
        if (iterator->completed[i])
            continue;
        if (weft_compose_entry_remove(iterator->tasks[i], on_completion, &iterator->slots[i]))
            dropped++;
        iterator->completed[i] = true;
        iterator->queue[iterator->queue_tail++] = NULL;
    }
    iterator->todo = 0;
    wake_getter(iterator);
    weft_spinlock_unlock(&iterator->lock);
    /* Never the last references: the owner holds one. */
    atomic_fetch_sub_explicit(&iterator->references, dropped, memory_order_acq_rel);
    return 0;
}

weft_as_completed *weft_as_completed_new(weft_task *const *tasks, size_t count, double timeout)
{
    weft_executor *executor = weft_executor_current();
    weft_task *self = weft_current_task();
    if (executor == NULL || (self != NULL && self->executor != executor)) {
        weft_error_set(WEFT_ENOLOOP, "no running event loop");
        return NULL;
    }
    if (weft_compose_check_tasks("weft_as_completed_new", tasks, count, executor) != 0)
        return NULL;
    if (isnan(timeout)) {
        weft_error_set(WEFT_EINVAL, "weft_as_completed_new: timeout is NaN");
        return NULL;
    }
    weft_as_completed *iterator = weft_calloc(1, sizeof(*iterator));
    size_t slots = count > 0 ? count : 1;
    weft_task **unique = weft_malloc(slots * sizeof(*unique));
    weft_callback_entry **entries = weft_calloc(slots, sizeof(*entries));
    size_t unique_count = unique != NULL ? weft_compose_unique(tasks, count, unique) : SIZE_MAX;
    bool ok = iterator != NULL && entries != NULL && unique_count != SIZE_MAX;
    if (ok) {
        iterator->completed = weft_calloc(slots, sizeof(bool));
        iterator->queue = weft_malloc(slots * sizeof(weft_task *));
        iterator->slots = weft_malloc(slots * sizeof(struct slot));
        ok = iterator->completed != NULL && iterator->queue != NULL && iterator->slots != NULL;
    }
    for (size_t i = 0; ok && i < unique_count; i++) {
        iterator->slots[i] = (struct slot){iterator, i};
        entries[i] = weft_compose_entry_new(executor, on_completion, &iterator->slots[i],
                                            "_on_completion");
        ok = entries[i] != NULL;
    }
    if (ok && unique_count > 0 && !weft_compose_forever(timeout)) {
        iterator->timer = weft_compose_timer(executor,
                                             weft_compose_time_ns(weft_time(NULL) + timeout),
                                             on_timeout, iterator, "_on_timeout");
        ok = iterator->timer != NULL;
    }
    if (!ok) {
        for (size_t i = 0; entries != NULL && i < slots; i++)
            weft_free(entries[i]);
        weft_free(entries);
        weft_free(unique);
        if (iterator != NULL) {
            weft_free(iterator->completed);
            weft_free(iterator->queue);
            weft_free(iterator->slots);
        }
        weft_free(iterator);
        weft_error_set(WEFT_ENOMEM, "out of memory in weft_as_completed_new");
        return NULL;
    }
    atomic_init(&iterator->references, (int)(1 + unique_count));
    iterator->executor = executor;
    weft_spinlock_init(&iterator->lock);
    iterator->count = unique_count;
    iterator->tasks = unique;
    iterator->todo = unique_count;
    for (size_t i = 0; i < unique_count; i++)
        weft_task_retain(unique[i]);
    /* Registered last: from here on callbacks may run on other workers. */
    for (size_t i = 0; i < unique_count; i++)
        weft_compose_entry_add(unique[i], entries[i]);
    weft_free(entries);
    return iterator;
}

int weft_as_completed_next(weft_as_completed *iterator, weft_task **task, void **result)
{
    if (task != NULL)
        *task = NULL;
    weft_task *self = weft_compose_self("weft_as_completed_next");
    if (self == NULL)
        return weft_last_error();
    if (iterator == NULL || task == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_as_completed_next: %s is NULL",
                              iterator == NULL ? "iterator" : "task");
    if (iterator->executor != self->executor)
        return weft_error_set(WEFT_EINVAL,
                              "weft_as_completed_next: the iterator belongs to another executor");
    /* _wait_for_one: `await done.get()`, whose loop waits while the queue
     * is empty. */
    for (;;) {
        weft_spinlock_lock(&iterator->lock);
        if (iterator->handed_out == iterator->count) {
            weft_spinlock_unlock(&iterator->lock);
            return 0;
        }
        if (iterator->queue_head < iterator->queue_tail) {
            weft_task *next = iterator->queue[iterator->queue_head++];
            iterator->handed_out++;
            weft_spinlock_unlock(&iterator->lock);
            if (next == NULL)
                return weft_error_set_copy(WEFT_ETIMEDOUT, NULL);
            *task = next;
            return weft_future_outcome(&next->future, result); /* f.result() */
        }
        if (iterator->getter != NULL) {
            weft_spinlock_unlock(&iterator->lock);
            return weft_error_set(WEFT_EINVALSTATE,
                                  "weft_as_completed_next: another task is waiting");
        }
        weft_future getter;
        weft_future_init(&getter, NULL);
        iterator->getter = &getter;
        weft_spinlock_unlock(&iterator->lock);

        int code = weft_compose_await(self, &getter, NULL);

        weft_spinlock_lock(&iterator->lock);
        if (iterator->getter == &getter)
            iterator->getter = NULL;
        weft_spinlock_unlock(&iterator->lock);
        weft_future_destroy(&getter);
        if (code != 0)
            return code;
    }
}

void weft_as_completed_free(weft_as_completed *iterator)
{
    if (iterator == NULL)
        return;
    /* After this the timer cannot run any more, so it may not use the
     * iterator; callbacks hold their own references. */
    if (iterator->timer != NULL)
        weft_handle_cancel_and_wait(iterator->timer);
    iterator_release(iterator);
}
