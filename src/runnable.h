/* A runnable is one entry of a ready queue, like a Handle in asyncio's
 * loop._ready: a task step, a scheduled callback, or a done callback. The
 * deques hold pointers to the runnable embedded at the start of each. */
#ifndef WEFT_RUNNABLE_H
#define WEFT_RUNNABLE_H

typedef enum weft_runnable_kind {
    WEFT_RUNNABLE_TASK_STEP,     /* embedded in weft_task */
    WEFT_RUNNABLE_HANDLE,        /* embedded in weft_handle (call_soon, timers) */
    WEFT_RUNNABLE_DONE_CALLBACK, /* embedded in weft_callback_entry */
} weft_runnable_kind;

typedef struct weft_runnable {
    weft_runnable_kind kind;
} weft_runnable;

#endif
