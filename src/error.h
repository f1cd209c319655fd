/* The "last error" of a task or thread: weft's stand-in for the exception in
 * flight. A task's slot lives in the task so it follows it across workers. */
#ifndef WEFT_ERROR_H
#define WEFT_ERROR_H

#include <stdarg.h>

typedef struct weft_error_slot {
    int code;
    char *message; /* owned, may be NULL */
} weft_error_slot;

/* The calling task's slot, or the calling thread's outside tasks. */
weft_error_slot *weft_error_slot_current(void);

/* Record code + formatted message in the current slot; returns code. */
int weft_error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int weft_error_set_va(int code, const char *fmt, va_list args);
/* Record code with an already allocated message (ownership moves). */
int weft_error_set_owned(int code, char *message);
/* Record code with a copy of message (may be NULL). */
int weft_error_set_copy(int code, const char *message);

void weft_error_slot_clear(weft_error_slot *slot);
/* Takes the message out of slot if slot holds code, else NULL. */
char *weft_error_slot_take_message(weft_error_slot *slot, int code);

/* malloc'ed printf. NULL when out of memory. */
char *weft_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
