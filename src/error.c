#include "error.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "task.h"
#include "weft.h"

/* Outside tasks each thread has its own slot. A thread-specific key whose
 * destructor frees the message is attached the first time the slot is
 * used, so a thread that exits leaks nothing. */
static _Thread_local weft_error_slot thread_slot;
static _Thread_local bool thread_slot_registered;
static pthread_key_t thread_slot_key;
static pthread_once_t thread_slot_once = PTHREAD_ONCE_INIT;

static void free_thread_slot(void *slot)
{
    weft_error_slot_clear(slot);
}

static void create_thread_slot_key(void)
{
    pthread_key_create(&thread_slot_key, free_thread_slot);
}

weft_error_slot *weft_error_slot_current(void)
{
    weft_task *task = weft_task_current_internal();
    if (task != NULL)
        return &task->error;
    if (!thread_slot_registered) {
        pthread_once(&thread_slot_once, create_thread_slot_key);
        pthread_setspecific(thread_slot_key, &thread_slot);
        thread_slot_registered = true;
    }
    return &thread_slot;
}

void weft_error_slot_clear(weft_error_slot *slot)
{
    weft_free(slot->message);
    slot->message = NULL;
    slot->code = 0;
}

char *weft_error_slot_take_message(weft_error_slot *slot, int code)
{
    if (slot->code != code)
        return NULL;
    char *message = slot->message;
    slot->message = NULL;
    return message;
}

int weft_error_set_owned(int code, char *message)
{
    weft_error_slot *slot = weft_error_slot_current();
    weft_free(slot->message);
    slot->code = code;
    slot->message = message;
    return code;
}

int weft_error_set_copy(int code, const char *message)
{
    return weft_error_set_owned(code, weft_strdup(message));
}

static char *format_va(const char *fmt, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    int length = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (length < 0)
        return NULL;
    char *text = weft_malloc((size_t)length + 1);
    if (text != NULL)
        vsnprintf(text, (size_t)length + 1, fmt, args);
    return text;
}

char *weft_format(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *text = format_va(fmt, args);
    va_end(args);
    return text;
}

int weft_error_set_va(int code, const char *fmt, va_list args)
{
    return weft_error_set_owned(code, fmt != NULL ? format_va(fmt, args) : NULL);
}

int weft_error_set(int code, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    weft_error_set_va(code, fmt, args);
    va_end(args);
    return code;
}

int weft_raise(int code, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    weft_error_set_va(code, fmt, args);
    va_end(args);
    return code;
}

int weft_last_error(void)
{
    return weft_error_slot_current()->code;
}

const char *weft_last_error_message(void)
{
    return weft_error_slot_current()->message;
}

const char *weft_strerror(int code)
{
    switch (code) {
    case WEFT_OK: return "success";
    case WEFT_EINVAL: return "invalid argument";
    case WEFT_ENOMEM: return "out of memory";
    case WEFT_ENOLOOP: return "no running event loop";
    case WEFT_ENOTCORO: return "a coroutine was expected, got None";
    case WEFT_EAWAITSELF: return "Task cannot await on itself";
    case WEFT_EAWAITED: return "coroutine is being awaited already";
    case WEFT_EREUSED: return "cannot reuse already awaited coroutine";
    case WEFT_ECANCELLED: return "task was cancelled";
    case WEFT_EINVALSTATE: return "Result is not set.";
    case WEFT_ERUNNING: return "weft_run() cannot be called from a running event loop";
    case WEFT_ENOTASK: return "not called from a task";
    case WEFT_ESHUTDOWN: return "executor is shut down";
    case WEFT_ETIMEDOUT: return "deadline exceeded";
    case WEFT_ESYSTEM: return "the operating system refused a resource";
    case WEFT_EQUEUEEMPTY: return "the queue is empty";
    case WEFT_EQUEUEFULL: return "the queue is full";
    case WEFT_EGROUP: return "unhandled errors in a TaskGroup";
    case WEFT_ENOTACQUIRED: return "Lock is not acquired.";
    case WEFT_EBUSY: return "a process-wide setting cannot change while weft is in use";
    default: return "unknown error";
    }
}

const char *weft_error_name(int code)
{
    switch (code) {
    case WEFT_EINVAL: return "ValueError";
    case WEFT_ENOMEM: return "MemoryError";
    case WEFT_ENOTCORO: return "TypeError";
    case WEFT_ENOLOOP:
    case WEFT_EAWAITSELF:
    case WEFT_EAWAITED:
    case WEFT_EREUSED:
    case WEFT_ERUNNING:
    case WEFT_ENOTASK:
    case WEFT_ESHUTDOWN:
    case WEFT_EBUSY:
    case WEFT_ENOTACQUIRED: return "RuntimeError";
    case WEFT_ECANCELLED: return "CancelledError";
    case WEFT_EINVALSTATE: return "InvalidStateError";
    case WEFT_ETIMEDOUT: return "TimeoutError";
    case WEFT_ESYSTEM: return "OSError";
    case WEFT_EQUEUEEMPTY: return "QueueEmpty";
    case WEFT_EQUEUEFULL: return "QueueFull";
    case WEFT_EGROUP: return "ExceptionGroup";
    default: return "Error";
    }
}
