/* Portable context backend on getcontext/makecontext/swapcontext, selected by
 * WEFT_CONTEXT_UCONTEXT.  Slow (swapcontext saves and restores the signal
 * mask with a system call) but independent of the architecture. */
/* Under autoconf, --with-context=ucontext defines WEFT_CONTEXT_UCONTEXT only
 * in config.h; every file that tests the macro must see it. */
#if defined(HAVE_CONFIG_H)
#include "config.h"
#endif

#if defined(WEFT_CONTEXT_UCONTEXT)

#include "arch/context.h"

#include <stdint.h>
#include <stdlib.h>

/* makecontext passes only int arguments (POSIX), so each pointer travels as
 * two 32-bit halves. */
static uintptr_t join(int hi, int lo)
{
    return (uintptr_t)(((uint64_t)(uint32_t)hi << 32) | (uint32_t)lo);
}

static void trampoline(int entry_hi, int entry_lo, int arg_hi, int arg_lo)
{
    weft_context_entry entry = (weft_context_entry)join(entry_hi, entry_lo);
    entry((void *)join(arg_hi, arg_lo));
    abort(); /* entry must not return; uc_link is NULL anyway */
}

void weft_context_make(weft_context *ctx, void *stack_low, size_t size,
                       weft_context_entry entry, void *arg)
{
    /* getcontext also captures the caller's floating-point control state,
     * which the new context starts with, as in the assembly backends. */
    if (getcontext(&ctx->uc) != 0)
        abort();
    ctx->uc.uc_stack.ss_sp = stack_low;
    ctx->uc.uc_stack.ss_size = size;
    ctx->uc.uc_stack.ss_flags = 0;
    ctx->uc.uc_link = NULL;
    uint64_t e = (uint64_t)(uintptr_t)entry;
    uint64_t a = (uint64_t)(uintptr_t)arg;
    /* void (*)(void) is the one function-pointer type that casts silently. */
    makecontext(&ctx->uc, (void (*)(void))trampoline, 4, (int)(uint32_t)(e >> 32),
                (int)(uint32_t)e, (int)(uint32_t)(a >> 32), (int)(uint32_t)a);
}

void weft_context_switch(weft_context *from, weft_context *to)
{
    if (swapcontext(&from->uc, &to->uc) != 0)
        abort();
}

#else

/* ISO C wants at least one declaration in a translation unit. */
typedef int weft_context_ucontext_unused;

#endif
