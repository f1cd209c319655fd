/* A fiber: a stack, the context saved on it, and the sanitizer state that
 * must travel with it.  This is the only layer the scheduler uses.
 *
 * Rules for callers:
 *  - A weft_fiber must stay at one address from weft_fiber_start (or
 *    weft_fiber_thread_init) until weft_fiber_release (or _thread_fini).
 *    weft_fiber_start_in_stack keeps the record in the top bytes of the
 *    fiber's own stack instead, so it costs nothing until the fiber exists.
 *  - Each thread that runs fibers calls weft_fiber_thread_init first; its
 *    "native" fiber stands for the thread's own stack.  A switch to a native
 *    fiber must happen on that native fiber's own thread.
 *  - A fiber may be suspended on one thread and resumed on another.  Code
 *    that runs on a fiber must not keep a thread-local address across a
 *    switch; re-read thread state through a non-inlined call such as
 *    weft_fiber_current().  Beware errno: glibc's __errno_location() is
 *    declared const, so the compiler may reuse one thread's errno address
 *    after a switch.
 *  - A fiber's entry must never return; it ends with weft_fiber_exit_to.
 */
#ifndef WEFT_FIBER_H
#define WEFT_FIBER_H

#include "arch/context.h"
#include "stack.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct weft_fiber {
    weft_context context;
    weft_stack stack;             /* low == NULL for a thread's native stack */
    void *tsan_fiber;             /* TSan fiber handle, NULL without TSan */
    void *asan_fake_stack;        /* ASan fake-stack save slot */
    /* Stack bounds handed to ASan when switching to this fiber.  A native
     * fiber learns them from ASan itself the first time it is left. */
    const void *stack_bottom;
    size_t stack_size_for_asan;
    void (*entry)(void *arg);
    void *entry_arg;
    void *owner;                  /* scheduler's task, passed to on_overflow */
    const void *came_from_bottom; /* written by ASan's finish call on arrival */
    size_t came_from_size;
    struct weft_fiber *resumer;   /* the fiber that last switched to this one */
    void *altstack;               /* native fibers: our sigaltstack, if any */
    size_t altstack_size;
} weft_fiber;

/* Called on a stack overflow with the fiber's owner and stack size; must not
 * return.  May run on the signal stack of a guard-page fault.  Set once per
 * process; when NULL a generic message is written and the process aborts. */
extern void (*weft_fiber_overflow_handler)(void *owner, size_t stack_size);

/* Describe the calling thread's own stack as *native and make it the current
 * fiber.  With guard_pages, also install (once per process) a SIGSEGV/SIGBUS
 * handler that recognises guard-page hits of the current fiber, and give this
 * thread a signal stack unless it already has one. */
void weft_fiber_thread_init(weft_fiber *native, bool guard_pages);

/* Undo weft_fiber_thread_init for this thread: drop our signal stack. */
void weft_fiber_thread_fini(weft_fiber *native);

/* Take a stack from pool and prepare f so that the first switch into it runs
 * entry(arg).  owner is only passed back to the overflow handler.
 * 0, or -1 with errno set. */
int weft_fiber_start(weft_fiber *f, weft_stack_pool *pool, void (*entry)(void *), void *arg,
                     void *owner);

/* Like weft_fiber_start, with the fiber's record carved from the top of the
 * stack it takes (WEFT_FIBER_RECORD_BYTES; the code running on the fiber
 * gets the rest).  Returns the record, valid until weft_fiber_release gives
 * the stack back, or NULL with errno set. */
weft_fiber *weft_fiber_start_in_stack(weft_stack_pool *pool, void (*entry)(void *), void *arg,
                                      void *owner);

/* Stack bytes a record of weft_fiber_start_in_stack takes: whole cache
 * lines, which also keeps the usable top 16-byte aligned. */
#define WEFT_FIBER_RECORD_BYTES ((sizeof(weft_fiber) + 63) / 64 * 64)

/* Suspend from (the fiber running now) and resume to.  Checks from's canary
 * first.  Returns when something switches back to from, maybe on another
 * thread. */
void weft_fiber_switch(weft_fiber *from, weft_fiber *to);

/* Final switch off a fiber that will never be resumed. */
_Noreturn void weft_fiber_exit_to(weft_fiber *from, weft_fiber *to);

/* After f has exited: check its canary, return its stack to pool (which may
 * be another pool of the same executor), give back its TSan fiber.  Touches
 * f only before the stack goes back (f may live in that stack). */
void weft_fiber_release(weft_fiber *f, weft_stack_pool *pool);

/* The fiber running on the calling thread.  Deliberately not inline. */
weft_fiber *weft_fiber_current(void);

#endif
