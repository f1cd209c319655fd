/* timeout: asyncio.timeout / timeout_at (timeouts.Timeout, Python 3.11).
 * A timer cancels the task that entered the scope; leaving the scope
 * withdraws that cancel (uncancel) and reports TimeoutError when the body
 * ended with the CancelledError it caused. */
#include <math.h>
#include <stdatomic.h>

#include "alloc.h"
#include "compose.h"
#include "error.h"

typedef enum timeout_state {
    TIMEOUT_ENTERED,  /* "active" */
    TIMEOUT_EXPIRING, /* the timer fired: the task was cancelled */
    TIMEOUT_EXPIRED,  /* left after it fired */
    TIMEOUT_EXITED,   /* left before it fired: "finished" */
} timeout_state;

struct weft_timeout {
    /* The timer moves ENTERED -> EXPIRING (compare-and-swap, on the worker
     * holding the timer); every other change is made by the entering task
     * after it stopped the timer (weft_handle_cancel_and_wait), so the two
     * never race. acq_rel/acquire: readers see the cancel made before. */
    atomic_int state;
    /* Read by weft_timeout_when on any thread, written by the task. */
    _Atomic double when;
    weft_task *task;  /* a reference while entered */
    int cancelling;   /* task's cancelling() at the enter */
    weft_handle *handle; /* the timer (our reference), NULL if none */
};

static const char *state_name(int state)
{
    switch (state) {
    case TIMEOUT_ENTERED: return "active";
    case TIMEOUT_EXPIRING: return "expiring";
    case TIMEOUT_EXPIRED: return "expired";
    default: return "finished";
    }
}

/* Timeout._on_timeout. */
static int on_timeout(void *arg)
{
    weft_timeout *timeout = arg;
    int expected = TIMEOUT_ENTERED;
    if (atomic_compare_exchange_strong_explicit(&timeout->state, &expected, TIMEOUT_EXPIRING,
                                                memory_order_acq_rel, memory_order_acquire))
        weft_task_request_cancel(timeout->task, NULL);
    return 0;
}

/* Stops the timer: afterwards on_timeout has run to its end or never will. */
static void stop_timer(weft_timeout *timeout)
{
    if (timeout->handle != NULL) {
        weft_handle_cancel_and_wait(timeout->handle);
        weft_handle_release(timeout->handle);
        timeout->handle = NULL;
    }
}

/* Arms the timer for when; the scope is entered and has no timer. */
static int arm(weft_timeout *timeout, double when)
{
    atomic_store_explicit(&timeout->when, when, memory_order_relaxed);
    if (weft_compose_forever(when))
        return 0;
    weft_executor *executor = timeout->task->executor;
    /* A deadline already passed fires at the tail of the ready queue
     * (call_soon), a later one through the timer heap (call_at). */
    int64_t when_ns =
        when <= weft_time(NULL) ? WEFT_HANDLE_SOON : weft_compose_time_ns(when);
    timeout->handle = weft_compose_timer(executor, when_ns, on_timeout, timeout, "_on_timeout");
    return timeout->handle != NULL ? 0 : WEFT_ENOMEM;
}

int weft_timeout_enter_at(weft_timeout **timeout, double when)
{
    if (timeout != NULL)
        *timeout = NULL;
    weft_task *self = weft_compose_self("weft_timeout_enter");
    if (self == NULL)
        return weft_last_error();
    if (timeout == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_timeout_enter: timeout is NULL");
    if (isnan(when))
        return weft_error_set(WEFT_EINVAL, "weft_timeout_enter: the deadline is NaN");
    weft_timeout *scope = weft_calloc(1, sizeof(*scope));
    if (scope == NULL)
        return weft_error_set(WEFT_ENOMEM, "out of memory for a timeout");
    atomic_init(&scope->state, TIMEOUT_ENTERED);
    atomic_init(&scope->when, when);
    scope->task = weft_task_retain(self);
    scope->cancelling = weft_task_cancelling(self);
    if (arm(scope, when) != 0) {
        weft_task_release(scope->task);
        weft_free(scope);
        return WEFT_ENOMEM;
    }
    *timeout = scope;
    return 0;
}

int weft_timeout_enter(weft_timeout **timeout, double delay)
{
    /* timeout(delay): the deadline is taken now, loop.time() + delay. */
    if (isnan(delay)) {
        if (timeout != NULL)
            *timeout = NULL;
        return weft_error_set(WEFT_EINVAL, "weft_timeout_enter: delay is NaN");
    }
    return weft_timeout_enter_at(timeout, weft_compose_forever(delay)
                                              ? WEFT_NO_TIMEOUT
                                              : weft_time(NULL) + delay);
}

/* The scope may only be driven by the task that entered it. */
static int check_owner(const weft_timeout *timeout, const char *function)
{
    if (timeout == NULL)
        return weft_error_set(WEFT_EINVAL, "%s: timeout is NULL", function);
    int state = atomic_load_explicit(&timeout->state, memory_order_acquire);
    if (state != TIMEOUT_ENTERED && state != TIMEOUT_EXPIRING)
        return weft_error_set(WEFT_EINVALSTATE, "Cannot change state of %s Timeout",
                              state_name(state));
    if (weft_task_current_internal() != timeout->task)
        return weft_error_set(WEFT_EINVAL, "%s: not called by the task that entered it",
                              function);
    return 0;
}

int weft_timeout_reschedule(weft_timeout *timeout, double when)
{
    int code = check_owner(timeout, "weft_timeout_reschedule");
    if (code != 0)
        return code;
    if (isnan(when))
        return weft_error_set(WEFT_EINVAL, "weft_timeout_reschedule: the deadline is NaN");
    /* Stopped first: the timer may be firing on another worker right now. */
    if (timeout->handle != NULL)
        weft_handle_cancel_and_wait(timeout->handle);
    int state = atomic_load_explicit(&timeout->state, memory_order_acquire);
    if (state != TIMEOUT_ENTERED)
        return weft_error_set(WEFT_EINVALSTATE, "Cannot change state of %s Timeout",
                              state_name(state));
    stop_timer(timeout);
    return arm(timeout, when);
}

double weft_timeout_when(const weft_timeout *timeout)
{
    return timeout != NULL ? atomic_load_explicit(&timeout->when, memory_order_relaxed)
                           : WEFT_NO_TIMEOUT;
}

bool weft_timeout_expired(const weft_timeout *timeout)
{
    if (timeout == NULL)
        return false;
    int state = atomic_load_explicit(&timeout->state, memory_order_acquire);
    return state == TIMEOUT_EXPIRING || state == TIMEOUT_EXPIRED;
}

int weft_timeout_exit(weft_timeout *timeout, int code)
{
    int check = check_owner(timeout, "weft_timeout_exit");
    if (check != 0)
        return check;
    stop_timer(timeout);
    if (atomic_load_explicit(&timeout->state, memory_order_acquire) == TIMEOUT_EXPIRING) {
        atomic_store_explicit(&timeout->state, TIMEOUT_EXPIRED, memory_order_release);
        /* Only the cancel this scope made is withdrawn; if another one is
         * outstanding, the CancelledError is that one's. */
        if (weft_task_uncancel(timeout->task) <= timeout->cancelling && code == WEFT_ECANCELLED)
            code = weft_error_set_copy(WEFT_ETIMEDOUT, NULL);
    } else {
        atomic_store_explicit(&timeout->state, TIMEOUT_EXITED, memory_order_release);
    }
    weft_task_release(timeout->task);
    timeout->task = NULL;
    return code;
}

void weft_timeout_free(weft_timeout *timeout)
{
    if (timeout == NULL)
        return;
    stop_timer(timeout);
    weft_task_release(timeout->task);
    weft_free(timeout);
}
