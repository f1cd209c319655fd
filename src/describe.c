/* Task descriptions in the format of asyncio's Task repr (base_tasks.py
 * _task_repr_info and base_futures._future_repr_info):
 *   <Task STATE name='NAME' coro=<CORO> [wait_for=<...>] [result=|exception=] [cb=[...]]> */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"
#include "executor.h"
#include "task.h"

#undef weft_task_describe

typedef struct text {
    char *buf;
    size_t size;
    size_t length; /* needed so far, may exceed size */
} text;

__attribute__((format(printf, 2, 3))) static void append(text *t, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    size_t room = t->length < t->size ? t->size - t->length : 0;
    int n = vsnprintf(room ? t->buf + t->length : NULL, room, fmt, args);
    va_end(args);
    if (n > 0)
        t->length += (size_t)n;
}

static void append_callback(text *t, weft_callback_link *link)
{
    if (link->waiter != NULL) {
        append(t, "Task.task_wakeup()");
    } else {
        const weft_callback_entry *entry = weft_callback_entry_of(link);
        append(t, "%s() at %s:%d", entry->name, entry->file, entry->line);
    }
}

/* base_futures._format_callbacks: one, two, or "first, <N more>, last". */
static void append_callbacks(text *t, weft_future *future)
{
    weft_spinlock_lock(&future->lock);
    size_t count = 0;
    weft_callback_link *last = NULL;
    for (weft_callback_link *e = future->callbacks; e != NULL; e = e->next) {
        count++;
        last = e;
    }
    if (count > 0) {
        weft_callback_link *first = future->callbacks;
        append(t, " cb=[");
        append_callback(t, first);
        if (count == 2) {
            append(t, ", ");
            append_callback(t, last);
        } else if (count > 2) {
            append(t, ", <%zu more>, ", count - 2);
            append_callback(t, last);
        }
        append(t, "]");
    }
    weft_spinlock_unlock(&future->lock);
}

static void append_outcome(text *t, const weft_future *future)
{
    if (weft_future_state_of(future) != WEFT_FUTURE_FINISHED)
        return;
    if (future->error == 0) {
        if (future->result == NULL)
            append(t, " result=None");
        else
            append(t, " result=%p", future->result);
        return;
    }
    const char *name = weft_error_name(future->error);
    const char *message = future->error_message;
    if (future->error <= WEFT_EINVAL && future->error >= WEFT_ENOTACQUIRED)
        append(t, " exception=%s('%s')", name, message ? message : weft_strerror(future->error));
    else if (message != NULL)
        append(t, " exception=%s(%d, '%s')", name, future->error, message);
    else
        append(t, " exception=%s(%d)", name, future->error);
}

static const char *state_word(weft_task *task)
{
    switch (weft_future_state_of(&task->future)) {
    case WEFT_FUTURE_FINISHED: return "finished";
    case WEFT_FUTURE_CANCELLED: return "cancelled";
    default: return weft_task_cancelling(task) > 0 ? "cancelling" : "pending";
    }
}

static void describe(text *t, weft_task *task, int depth)
{
    const weft_coro *coro = task->coro;
    append(t, "<Task %s name='%s' coro=<%s() ", state_word(task), weft_task_get_name(task),
           coro->name);
    if (weft_future_done(&task->future)) {
        append(t, "done, defined at %s:%d>", coro->file, coro->line);
    } else {
        const char *file;
        int line;
        weft_task_position(task, &file, &line);
        append(t, "running at %s:%d>", file, line);
    }

    /* waiting_on is read, and a plain future (weft_sleep's, on the task's
     * stack) formatted, under the task's lock: the task clears waiting_on
     * under it before that future goes away. An awaited task is held by a
     * reference instead, since describing it takes its own lock. */
    weft_task *awaited = NULL;
    weft_spinlock_lock(&task->future.lock);
    weft_future *waiting_on = task->waiting_on;
    if (waiting_on != NULL && !weft_future_done(&task->future)) {
        if (waiting_on->task != NULL) {
            awaited = weft_task_retain(waiting_on->task);
        } else {
            weft_future_state state = weft_future_state_of(waiting_on);
            append(t, " wait_for=<Future %s", state == WEFT_FUTURE_PENDING     ? "pending"
                                              : state == WEFT_FUTURE_CANCELLED ? "cancelled"
                                                                               : "finished");
            if (state == WEFT_FUTURE_FINISHED)
                append(t, " result=None");
            append_callbacks(t, waiting_on);
            append(t, ">");
        }
    }
    weft_spinlock_unlock(&task->future.lock);
    if (awaited != NULL) {
        append(t, " wait_for=");
        if (depth < 4)
            describe(t, awaited, depth + 1);
        else
            append(t, "<Task ...>");
        weft_task_release(awaited);
    }
    append_outcome(t, &task->future);
    append_callbacks(t, &task->future);
    /* Debug mode, as asyncio's _future_repr_info with a source traceback. */
    if (task->executor->config.debug)
        append(t, " created at %s:%d", coro->file, coro->line);
    append(t, ">");
}

int weft_task_describe_into(weft_task *task, char *buf, size_t size, int depth)
{
    text t = {buf, size, 0};
    if (size > 0)
        buf[0] = '\0';
    describe(&t, task, depth);
    return (int)t.length;
}

int weft_task_describe(weft_task *task, char *buf, size_t size)
{
    if (task == NULL || (buf == NULL && size > 0))
        return weft_error_set(WEFT_EINVAL, "weft_task_describe: NULL argument");
    return weft_task_describe_into(task, buf, size, 0);
}
