/* Lowest layer of weft: saving one execution context and resuming another.
 *
 * Two backends share this interface.  The default is a small assembly routine
 * per architecture (switch_x86_64.S, switch_aarch64.S) that keeps only the
 * callee-saved state on the suspended stack, so a context is one pointer.
 * Configuring with WEFT_CONTEXT_UCONTEXT selects getcontext/makecontext/
 * swapcontext instead (context_ucontext.c): much slower, because swapcontext
 * saves the signal mask with a system call, but it works on any POSIX libc and
 * serves as a reference when the assembly is in doubt.
 */
#ifndef WEFT_ARCH_CONTEXT_H
#define WEFT_ARCH_CONTEXT_H

/* Under autoconf, --with-context=ucontext defines WEFT_CONTEXT_UCONTEXT only
 * in config.h; every file that tests the macro must see it. */
#if defined(HAVE_CONFIG_H)
#include "config.h"
#endif

#include <stddef.h>

#if defined(WEFT_CONTEXT_UCONTEXT)
#include <ucontext.h>

/* glibc's ucontext_t points into itself (uc_mcontext.fpregs), so a context
 * must not be moved or copied between weft_context_make and its last use. */
typedef struct weft_context {
    ucontext_t uc;
} weft_context;

#define WEFT_CONTEXT_BACKEND "ucontext"

#else

#if defined(__x86_64__)
#define WEFT_CONTEXT_BACKEND "asm-x86_64"
#elif defined(__aarch64__)
#define WEFT_CONTEXT_BACKEND "asm-aarch64"
#else
#error "weft has no assembly context switch for this architecture; configure with the ucontext backend (WEFT_CONTEXT_UCONTEXT)"
#endif

/* Everything else lives on the suspended stack itself, below this pointer. */
typedef struct weft_context {
    void *stack_pointer;
} weft_context;

#endif

/* Must never return: there is no frame to return into. */
typedef void (*weft_context_entry)(void *arg);

/* Prepare ctx so that the first weft_context_switch into it calls entry(arg)
 * on the stack [stack_low, stack_low + size).  The top is rounded down to 16
 * bytes, and entry sees the stack alignment the ABI promises to a callee.
 * The new context starts with the floating-point control state (rounding
 * mode, exception masks) of the thread calling weft_context_make. */
void weft_context_make(weft_context *ctx, void *stack_low, size_t size,
                       weft_context_entry entry, void *arg);

/* Save the current callee-saved registers into *from and resume *to.  Returns
 * when something switches back to *from, possibly on another thread.  The
 * signal mask is per thread with the assembly backends and per context with
 * the ucontext backend. */
void weft_context_switch(weft_context *from, weft_context *to);

#endif
