/* call_soon / call_later / call_at and the handles they return. */
#include "handle.h"

#include <math.h>
#include <stdio.h>

#include <ck_pr.h>

#include "alloc.h"
#include "error.h"
#include "executor.h"
#include "worker.h"

weft_handle *weft_handle_new(weft_executor *executor, int64_t when_ns, weft_callback_fn fn,
                             void *arg, const char *name, const char *file, int line)
{
    weft_handle *handle = weft_malloc(sizeof(*handle));
    if (handle == NULL)
        return NULL;
    handle->runnable.kind = WEFT_RUNNABLE_HANDLE;
    atomic_init(&handle->references, 1);
    atomic_init(&handle->flags, 0);
    handle->when_ns = when_ns;
    handle->sequence = 0;
    atomic_init(&handle->heap, NULL);
    handle->executor = executor;
    handle->fn = fn;
    handle->arg = arg;
    handle->name = name != NULL ? name : "callback";
    handle->file = file != NULL ? file : "?";
    handle->line = line;
    return handle;
}

void weft_handle_retain_internal(weft_handle *handle)
{
    atomic_fetch_add_explicit(&handle->references, 1, memory_order_relaxed);
}

void weft_handle_release(weft_handle *handle)
{
    if (handle == NULL)
        return;
    /* acq_rel: the last releaser frees after every other use. */
    if (atomic_fetch_sub_explicit(&handle->references, 1, memory_order_acq_rel) == 1)
        weft_free(handle);
}

void weft_handle_run(weft_handle *handle)
{
    unsigned before = atomic_fetch_or_explicit(&handle->flags, WEFT_HANDLE_RUNNING,
                                               memory_order_acq_rel);
    if (before & WEFT_HANDLE_CANCELLED) {
        atomic_fetch_and_explicit(&handle->flags, ~WEFT_HANDLE_RUNNING, memory_order_acq_rel);
        return; /* L5: cancelled handles stay queued and are skipped */
    }
    int code = handle->fn(handle->arg);
    atomic_fetch_and_explicit(&handle->flags, ~WEFT_HANDLE_RUNNING, memory_order_acq_rel);
    if (code != 0) {
        /* L6: the error goes to the exception handler; the loop goes on. */
        char source[256];
        snprintf(source, sizeof source, "%s() at %s:%d", handle->name, handle->file, handle->line);
        char *text = weft_format("Exception in callback %s", source);
        weft_error_slot *slot = weft_error_slot_current();
        weft_exception_context context = {
            .message = text != NULL ? text : "Exception in callback",
            .error = code,
            .error_message = slot->code == code ? slot->message : NULL,
            .source = source,
        };
        weft_call_exception_handler(handle->executor, &context);
        weft_free(text);
    }
}

int weft_handle_cancel(weft_handle *handle)
{
    if (handle == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_handle_cancel: handle is NULL");
    if (atomic_fetch_or_explicit(&handle->flags, WEFT_HANDLE_CANCELLED, memory_order_acq_rel) &
        WEFT_HANDLE_CANCELLED)
        return 0;
    /* The heap counts its cancelled timers for the rebuild rule; only the
     * worker owning the heap touches it. */
    weft_worker *worker = weft_worker_current();
    if (worker != NULL &&
        atomic_load_explicit(&handle->heap, memory_order_relaxed) == &worker->timers)
        weft_timer_heap_note_cancelled(&worker->timers);
    return 0;
}

void weft_handle_cancel_and_wait(weft_handle *handle)
{
    weft_handle_cancel(handle);
    while (atomic_load_explicit(&handle->flags, memory_order_acquire) & WEFT_HANDLE_RUNNING)
        ck_pr_stall();
}

bool weft_handle_cancelled(const weft_handle *handle)
{
    return handle != NULL && weft_handle_is_cancelled(handle);
}

double weft_handle_when(const weft_handle *handle)
{
    if (handle == NULL || handle->when_ns == WEFT_HANDLE_SOON)
        return -1.0;
    return (double)handle->when_ns / 1e9;
}

double weft_time(const weft_executor *executor)
{
    (void)executor; /* one clock for every loop */
    return (double)weft_clock_ns() / 1e9;
}

static int schedule_call(weft_executor *executor, int64_t when_ns, weft_callback_fn fn, void *arg,
                         weft_handle **handle_out, const char *name, const char *file, int line)
{
    if (handle_out != NULL)
        *handle_out = NULL;
    if (executor == NULL || fn == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_call_%s: %s is NULL",
                              when_ns == WEFT_HANDLE_SOON ? "soon" : "at",
                              executor == NULL ? "executor" : "fn");
    weft_worker *worker = weft_worker_current();
    if (worker == NULL || worker->executor != executor) {
        /* From another thread executor may be freed memory: read it only
         * while holding it through the live list. */
        if (!weft_executor_retain_live(executor))
            return weft_error_set(WEFT_EINVAL, "weft_call_%s: not a live executor (freed, or "
                                               "never created)",
                                  when_ns == WEFT_HANDLE_SOON ? "soon" : "at");
        bool closed = atomic_load_explicit(&executor->closed, memory_order_acquire);
        weft_executor_release(executor);
        if (closed)
            return weft_error_set(WEFT_ESHUTDOWN,
                                  "cannot schedule a callback: the executor is shut down");
        return weft_error_set(WEFT_ENOLOOP, "callbacks must be scheduled from the executor's loop");
    }
    if (atomic_load_explicit(&executor->closed, memory_order_acquire))
        return weft_error_set(WEFT_ESHUTDOWN, "cannot schedule a callback: the executor is shut down");
    weft_handle *handle = weft_handle_new(executor, when_ns, fn, arg, name, file, line);
    if (handle == NULL)
        return weft_error_set(WEFT_ENOMEM, "out of memory scheduling a callback");
    if (handle_out != NULL)
        weft_handle_retain_internal(handle);
    if (when_ns == WEFT_HANDLE_SOON) {
        weft_schedule(executor, &handle->runnable);
    } else if (weft_worker_add_timer(worker, handle) != 0) {
        if (handle_out != NULL)
            weft_handle_release(handle);
        weft_handle_release(handle);
        return weft_error_set(WEFT_ENOMEM, "out of memory scheduling a timer");
    }
    if (handle_out != NULL)
        *handle_out = handle;
    return 0;
}

int weft_call_soon_named(weft_executor *executor, weft_callback_fn fn, void *arg,
                         weft_handle **handle, const char *name, const char *file, int line)
{
    return schedule_call(executor, WEFT_HANDLE_SOON, fn, arg, handle, name, file, line);
}

/* Loop time in seconds to nanoseconds, clamped to the range the heap uses
 * (0 is earlier than any CLOCK_MONOTONIC reading, so still "due now"). */
static int64_t seconds_to_ns(double seconds)
{
    if (seconds <= 0)
        return 0;
    if (seconds > 9.2e9)
        return INT64_MAX / 2;
    return (int64_t)(seconds * 1e9 + 0.5); /* no libm needed */
}

int weft_call_at_named(weft_executor *executor, double when, weft_callback_fn fn, void *arg,
                       weft_handle **handle, const char *name, const char *file, int line)
{
    if (isnan(when)) {
        if (handle != NULL)
            *handle = NULL;
        return weft_error_set(WEFT_EINVAL, "weft_call_at: when is NaN");
    }
    return schedule_call(executor, seconds_to_ns(when), fn, arg, handle, name, file, line);
}

int weft_call_later_named(weft_executor *executor, double delay, weft_callback_fn fn, void *arg,
                          weft_handle **handle, const char *name, const char *file, int line)
{
    if (isnan(delay)) {
        if (handle != NULL)
            *handle = NULL;
        return weft_error_set(WEFT_EINVAL, "weft_call_later: delay is NaN");
    }
    /* L3: a zero or negative delay is due at the next iteration; like
     * asyncio (when = time() + delay) a negative delay keeps its earlier
     * deadline, so it runs before a call_later(0) made before it. */
    return schedule_call(executor, seconds_to_ns(weft_time(executor) + delay), fn, arg, handle,
                         name, file, line);
}
