/* weft_event: asyncio.Event (CPython 3.11 Lib/asyncio/locks.py). */
#include "event.h"

#include "alloc.h"
#include "error.h"
#include "task.h"

struct weft_event {
    pthread_mutex_t mutex; /* guards core and users */
    weft_event_core core;
    size_t users; /* tasks and threads inside a wait: free must refuse */
};

void weft_event_core_init(weft_event_core *core, bool value)
{
    core->value = value;
    weft_waitlist_init(&core->waiters);
}

void weft_event_core_set(weft_event_core *core)
{
    if (core->value)
        return;
    core->value = true;
    /* Every waiter that is not done, in FIFO order; each unlinks itself
     * when it runs, so woken ones stay listed until then. */
    for (weft_waiter *waiter = core->waiters.head; waiter != NULL; waiter = waiter->next)
        weft_waiter_wake(waiter);
}

int weft_event_core_wait(weft_event_core *core, pthread_mutex_t *mutex, weft_waiter *waiter,
                         const struct timespec *deadline)
{
    if (core->value)
        return 0;
    weft_waitlist_append(&core->waiters, waiter);
    int code = weft_waiter_wait(waiter, mutex, deadline);
    weft_waitlist_remove(&core->waiters, waiter);
    return code;
}

int weft_event_new(weft_event **out)
{
    if (out == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_event_new: out is NULL");
    *out = NULL;
    weft_event *event = weft_calloc(1, sizeof(*event));
    if (event == NULL)
        return weft_error_set(WEFT_ENOMEM, "out of memory creating an event");
    if (weft_waiter_mutex_init(&event->mutex) != 0) {
        weft_free(event);
        return WEFT_ESYSTEM;
    }
    weft_event_core_init(&event->core, false);
    *out = event;
    return 0;
}

int weft_event_free(weft_event *event)
{
    if (event == NULL)
        return 0;
    pthread_mutex_lock(&event->mutex);
    size_t users = event->users;
    pthread_mutex_unlock(&event->mutex);
    if (users > 0)
        return weft_error_set(WEFT_EINVALSTATE, "weft_event_free: %zu waiter(s) still inside wait",
                              users);
    pthread_mutex_destroy(&event->mutex);
    weft_free(event);
    return 0;
}

int weft_event_set(weft_event *event)
{
    if (event == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_event_set: event is NULL");
    pthread_mutex_lock(&event->mutex);
    weft_event_core_set(&event->core);
    pthread_mutex_unlock(&event->mutex);
    return 0;
}

int weft_event_clear(weft_event *event)
{
    if (event == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_event_clear: event is NULL");
    pthread_mutex_lock(&event->mutex);
    event->core.value = false;
    pthread_mutex_unlock(&event->mutex);
    return 0;
}

bool weft_event_is_set(const weft_event *event)
{
    if (event == NULL)
        return false;
    weft_event *mutable_event = (weft_event *)event;
    pthread_mutex_lock(&mutable_event->mutex);
    bool value = event->core.value;
    pthread_mutex_unlock(&mutable_event->mutex);
    return value;
}

int weft_event_wait(weft_event *event)
{
    weft_task *self = weft_waiter_running_task("weft_event_wait");
    if (self == NULL)
        return weft_last_error();
    if (event == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_event_wait: event is NULL");
    pthread_mutex_lock(&event->mutex);
    if (event->core.value) {
        pthread_mutex_unlock(&event->mutex);
        return 0;
    }
    event->users++;
    weft_waiter waiter;
    weft_waiter_init_task(&waiter, self);
    int code = weft_event_core_wait(&event->core, &event->mutex, &waiter, NULL);
    event->users--;
    pthread_mutex_unlock(&event->mutex);
    weft_waiter_destroy(&waiter);
    return code;
}

int weft_event_wait_blocking(weft_event *event, double timeout)
{
    struct timespec storage;
    const struct timespec *deadline;
    int code = weft_waiter_blocking_prologue("weft_event_wait_blocking", event, "event", timeout,
                                             &storage, &deadline);
    if (code != 0)
        return code;
    weft_waiter waiter;
    if (weft_waiter_init_thread(&waiter) != 0)
        return WEFT_ESYSTEM;
    pthread_mutex_lock(&event->mutex);
    event->users++;
    code = weft_event_core_wait(&event->core, &event->mutex, &waiter, deadline);
    event->users--;
    pthread_mutex_unlock(&event->mutex);
    weft_waiter_destroy(&waiter);
    return code;
}
