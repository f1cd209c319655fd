/* Fibers: stack + context + sanitizer bookkeeping; see fiber.h. */
#include "fiber.h"

#include <pthread.h>

#include "sanitizer.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define WEFT_ALTSTACK_SIZE ((size_t)64 * 1024)

/* Code between the raw context switch and the ASan "finish" call runs while
 * ASan still believes it is on the old stack, so the functions on that path
 * keep no addressable locals (nothing for ASan to put redzones or fake
 * frames around): what the finish call reports goes into the fiber itself. */

void (*weft_fiber_overflow_handler)(void *owner, size_t stack_size);

/* Written before every switch by the switching side, on the thread the
 * target will run on, so nothing needs to re-read it after the switch. */
static _Thread_local weft_fiber *current __attribute__((tls_model("initial-exec")));

static size_t guard_size;                 /* page size, set with the handler */
static struct sigaction previous_segv, previous_bus;
static atomic_flag handler_installed = ATOMIC_FLAG_INIT;

__attribute__((noinline)) weft_fiber *weft_fiber_current(void)
{
    /* Makes the function opaque even to interprocedural analysis, so no
     * caller can treat it as pure and reuse one thread's answer after a
     * switch has moved it to another thread. */
    __asm__ volatile("");
    return current;
}

static void write_all(const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* May run in a signal handler on a dead stack: write(2) only, no stdio. */
_Noreturn static void report_overflow(weft_fiber *f)
{
    void (*handler)(void *, size_t) = weft_fiber_overflow_handler;
    if (handler != NULL)
        handler(f->owner, weft_stack_slot_size(&f->stack));

    char digits[24];
    size_t i = sizeof digits;
    size_t n = weft_stack_slot_size(&f->stack);
    do {
        digits[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n != 0 && i > 0);
    static const char head[] = "weft: fiber stack overflow (stack of ";
    static const char tail[] = " bytes); aborting\n";
    write_all(head, sizeof head - 1);
    write_all(digits + i, sizeof digits - i);
    write_all(tail, sizeof tail - 1);
    abort();
}

static void fault_handler(int sig, siginfo_t *info, void *ucontext)
{
    weft_fiber *f = current;
    if (f != NULL && f->stack.low != NULL) {
        uintptr_t addr = (uintptr_t)info->si_addr;
        uintptr_t low = (uintptr_t)f->stack.low;
        if (addr < low && addr >= low - guard_size)
            report_overflow(f);
    }
    /* Not a guard-page hit: hand the fault to whoever had it before us.  For
     * the default action, reinstate it and return; the faulting instruction
     * runs again and the kernel applies it. */
    const struct sigaction *prev = sig == SIGBUS ? &previous_bus : &previous_segv;
    if (prev->sa_flags & SA_SIGINFO) {
        prev->sa_sigaction(sig, info, ucontext);
    } else if (prev->sa_handler != SIG_DFL && prev->sa_handler != SIG_IGN) {
        prev->sa_handler(sig);
    } else {
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(sig, &dfl, NULL);
    }
}

static void install_handler_once(void)
{
    if (atomic_flag_test_and_set(&handler_installed))
        return;
    long page = sysconf(_SC_PAGESIZE);
    guard_size = page > 0 ? (size_t)page : 4096;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    /* Read the old dispositions first so the handler never sees them unset. */
    sigaction(SIGSEGV, NULL, &previous_segv);
    sigaction(SIGBUS, NULL, &previous_bus);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}

/* Without a signal stack a guard-page fault could not run any handler: the
 * faulting stack is the one that is full. */
static void install_altstack(weft_fiber *native)
{
    stack_t old;
    /* Keep a signal stack someone else installed (sanitizer runtimes do);
     * replacing it would leave them unmapping our memory later. */
    if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
        return;
    size_t size = WEFT_ALTSTACK_SIZE;
    if ((size_t)SIGSTKSZ > size)
        size = (size_t)SIGSTKSZ;
    void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return; /* faults will still kill the process, just without a message */
    stack_t ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_sp = mem;
    ss.ss_size = size;
    if (sigaltstack(&ss, NULL) != 0) {
        munmap(mem, size);
        return;
    }
    native->altstack = mem;
    native->altstack_size = size;
}

void weft_fiber_thread_init(weft_fiber *native, bool guard_pages)
{
    /* Zeroing matters for the ucontext backend too: ASan's swapcontext
     * interceptor reads uc_stack of the target and must find it empty. */
    memset(native, 0, sizeof *native);
    native->tsan_fiber = weft_sanitizer_current_fiber();
    current = native;
    if (guard_pages) {
        install_handler_once();
        install_altstack(native);
    }
}

/* ThreadSanitizer builds a whole thread context for every fiber it is told
 * about (milliseconds each, and a process may hold only ~8000), so released
 * fiber handles are kept and reused. The cache is process-wide because
 * fibers migrate: a per-thread cache fills on the worker where tasks end and
 * runs dry where they start. Reuse hides nothing: every switch between
 * fibers already synchronizes in TSan's eyes. Only built-in TSan runs take
 * the lock (without TSan there are no handles). */
enum { TSAN_FIBER_CACHE = 4096 };
static void *tsan_fiber_cache[TSAN_FIBER_CACHE];
static unsigned tsan_fiber_cached;
static pthread_mutex_t tsan_fiber_lock = PTHREAD_MUTEX_INITIALIZER;

static void *tsan_fiber_take(void)
{
    if (weft_sanitizer_current_fiber() == NULL)
        return NULL; /* no TSan runtime */
    pthread_mutex_lock(&tsan_fiber_lock);
    void *fiber = tsan_fiber_cached > 0 ? tsan_fiber_cache[--tsan_fiber_cached] : NULL;
    pthread_mutex_unlock(&tsan_fiber_lock);
    return fiber != NULL ? fiber : weft_sanitizer_fiber_create();
}

static void tsan_fiber_give_back(void *fiber)
{
    if (fiber == NULL)
        return;
    pthread_mutex_lock(&tsan_fiber_lock);
    bool kept = tsan_fiber_cached < TSAN_FIBER_CACHE;
    if (kept)
        tsan_fiber_cache[tsan_fiber_cached++] = fiber;
    pthread_mutex_unlock(&tsan_fiber_lock);
    if (!kept)
        weft_sanitizer_fiber_destroy(fiber);
}

void weft_fiber_thread_fini(weft_fiber *native)
{
    if (native->altstack != NULL) {
        stack_t cur;
        if (sigaltstack(NULL, &cur) == 0 && cur.ss_sp == native->altstack) {
            stack_t off;
            memset(&off, 0, sizeof off);
            off.ss_flags = SS_DISABLE;
            sigaltstack(&off, NULL);
        }
        munmap(native->altstack, native->altstack_size);
        native->altstack = NULL;
        native->altstack_size = 0;
    }
    if (current == native)
        current = NULL;
}

/* Runs on self's stack right after a switch into it.  ASan needs its finish
 * call before anything else; it also tells us the bounds of the stack we came
 * from, which is how native fibers learn theirs. */
static void arrived(weft_fiber *self)
{
    self->came_from_bottom = NULL;
    self->came_from_size = 0;
    WEFT_ASAN_FINISH_SWITCH(self->asan_fake_stack, &self->came_from_bottom, &self->came_from_size);
    weft_fiber *from = self->resumer;
    if (from != NULL && from->stack_bottom == NULL) {
        from->stack_bottom = self->came_from_bottom;
        from->stack_size_for_asan = self->came_from_size;
    }
}

_Noreturn static void fiber_main(void *arg)
{
    weft_fiber *self = arg;
    arrived(self); /* asan_fake_stack is still NULL: a first run has none */
    self->entry(self->entry_arg);
    static const char msg[] = "weft: fiber entry returned; it must end with weft_fiber_exit_to\n";
    write_all(msg, sizeof msg - 1);
    abort();
}

/* usable: the bytes from stack.low up that the fiber's code may use (all of
 * them, or all but the record on top). */
static void prepare(weft_fiber *f, weft_stack stack, size_t usable, void (*entry)(void *),
                    void *arg, void *owner)
{
    memset(f, 0, sizeof *f);
    f->stack = stack;
    f->stack_bottom = stack.low;
    f->stack_size_for_asan = usable;
    f->entry = entry;
    f->entry_arg = arg;
    f->owner = owner;
    f->tsan_fiber = tsan_fiber_take();
    weft_context_make(&f->context, stack.low, usable, fiber_main, f);
}

int weft_fiber_start(weft_fiber *f, weft_stack_pool *pool, void (*entry)(void *), void *arg,
                     void *owner)
{
    memset(f, 0, sizeof *f);
    weft_stack stack;
    if (weft_stack_acquire(pool, &stack) != 0)
        return -1;
    prepare(f, stack, stack.size, entry, arg, owner);
    return 0;
}

weft_fiber *weft_fiber_start_in_stack(weft_stack_pool *pool, void (*entry)(void *), void *arg,
                                      void *owner)
{
    weft_stack stack;
    if (weft_stack_acquire(pool, &stack) != 0)
        return NULL;
    /* Stacks are whole pages, far larger than a record plus the canary. */
    size_t usable = stack.size - WEFT_FIBER_RECORD_BYTES;
    weft_fiber *f = (weft_fiber *)((char *)stack.low + usable);
    prepare(f, stack, usable, entry, arg, owner);
    return f;
}

static inline void check_canary(weft_fiber *f)
{
    if (f->stack.low != NULL && !weft_stack_canary_intact(&f->stack))
        report_overflow(f);
}

/* The ASan variant must run code after the raw switch (the finish call).
 * No TSan call here: the two runtimes are never linked together. */
static __attribute__((noinline)) void switch_with_asan(weft_fiber *from,
                                                                    weft_fiber *to)
{
    WEFT_ASAN_START_SWITCH(&from->asan_fake_stack, to->stack_bottom, to->stack_size_for_asan);
    weft_context_switch(&from->context, &to->context);
    arrived(from);
}

/* Small, with no addressable locals (see above).  Without ASan nothing
 * follows the raw switch, so it compiles to a tail call: the resumed fiber
 * returns straight to its caller, one return-address misprediction fewer.
 * TSan's call is the last thing before the switch, as TSan requires. */
__attribute__((noinline)) void weft_fiber_switch(weft_fiber *from, weft_fiber *to)
{
    check_canary(from);
    current = to;
    to->resumer = from;
    if (__sanitizer_start_switch_fiber) {
        switch_with_asan(from, to);
        return;
    }
    WEFT_TSAN_SWITCH_TO(to->tsan_fiber);
    weft_context_switch(&from->context, &to->context);
}

#if defined(WEFT_BUILT_WITH_TSAN)
void __tsan_func_exit(void);
#endif

__attribute__((noinline)) void weft_fiber_exit_to(weft_fiber *from, weft_fiber *to)
{
    check_canary(from);
    current = to;
    to->resumer = from;
#if defined(WEFT_BUILT_WITH_TSAN)
    /* A fiber ends here without unwinding, and its TSan fiber handle is
     * reused (see tsan_fiber_take). When libweft itself is instrumented the
     * handle's shadow stack still holds the frames entered on this stack:
     * fiber_main, the entry (a task's task_fiber_main) and this function,
     * none of them inlinable (called through pointers, or noinline). Pop
     * them, or every reuse adds three and TSan's time and memory grow with
     * the number of tasks. An uninstrumented libweft pushes no frames. */
    __tsan_func_exit();
    __tsan_func_exit();
    __tsan_func_exit();
#endif
    /* NULL save slot: ASan frees this fiber's fake stack. */
    WEFT_ASAN_START_SWITCH(NULL, to->stack_bottom, to->stack_size_for_asan);
    WEFT_TSAN_SWITCH_TO(to->tsan_fiber);
    weft_context_switch(&from->context, &to->context);
    abort(); /* nothing ever switches back to an exited fiber */
}

void weft_fiber_release(weft_fiber *f, weft_stack_pool *pool)
{
    check_canary(f);
    /* Everything needed is copied out and f cleared first: a record of
     * weft_fiber_start_in_stack goes back to the pool with its stack (whose
     * free-list node then overwrites it). */
    weft_stack stack = f->stack;
    void *tsan_fiber = f->tsan_fiber;
    f->stack.low = NULL;
    f->stack.size = 0;
    f->stack.canary = NULL;
    f->tsan_fiber = NULL;
    f->stack_bottom = NULL;
    f->stack_size_for_asan = 0;
    weft_stack_release(pool, &stack);
    tsan_fiber_give_back(tsan_fiber);
}
