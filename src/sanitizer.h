/* Telling AddressSanitizer and ThreadSanitizer about stack switches.
 *
 * The runtimes' entry points are declared weak here instead of including
 * <sanitizer/...> headers: the runtime may be linked into the user's program
 * while libweft itself is built without sanitizers, so whether one is present
 * is decided at run time by the symbol's address.  Without a runtime each
 * hook costs one load and one well-predicted branch.
 *
 * Semantics (compiler-rt common_interface_defs.h and tsan_interface.h):
 *  - ASan: __sanitizer_start_switch_fiber(save, bottom, size) right before
 *    switching, with the bounds of the *target* stack; save receives the
 *    current fake stack, or is NULL when the current fiber will never run
 *    again, which frees its fake stack.  __sanitizer_finish_switch_fiber(fake,
 *    &old_bottom, &old_size) first thing on arrival, with what start saved
 *    when this fiber last left (NULL on a fiber's first run); it reports the
 *    bounds of the stack that was left.
 *  - TSan: __tsan_switch_to_fiber(fiber, 0) immediately before the switch;
 *    flags 0 makes the switch a happens-before edge.
 */
#ifndef WEFT_SANITIZER_H
#define WEFT_SANITIZER_H

#include <stddef.h>

void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom,
                                    size_t size) __attribute__((weak));
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old,
                                     size_t *size_old) __attribute__((weak));
void __tsan_switch_to_fiber(void *fiber, unsigned flags) __attribute__((weak));
void __tsan_acquire(void *addr) __attribute__((weak));
void __tsan_release(void *addr) __attribute__((weak));

/* Happens-before edges for a user's instrumented code around weft's own
 * synchronization, which TSan cannot see in an uninstrumented libweft:
 * release where work or an outcome is published, acquire where it is taken.
 * When libweft itself is built with TSan (the stress programs) TSan sees the
 * real atomics, and these edges would only hide an ordering bug: off. */
#if defined(__SANITIZE_THREAD__)
#define WEFT_BUILT_WITH_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WEFT_BUILT_WITH_TSAN 1
#endif
#endif
#if defined(WEFT_BUILT_WITH_TSAN)
#define WEFT_TSAN_RELEASE(addr) ((void)(addr))
#define WEFT_TSAN_ACQUIRE(addr) ((void)(addr))
#else
#define WEFT_TSAN_RELEASE(addr)             \
    do {                                    \
        if (__tsan_release)                 \
            __tsan_release((void *)(addr)); \
    } while (0)
#define WEFT_TSAN_ACQUIRE(addr)             \
    do {                                    \
        if (__tsan_acquire)                 \
            __tsan_acquire((void *)(addr)); \
    } while (0)
#endif

void *weft_sanitizer_fiber_create(void);        /* __tsan_create_fiber(0) or NULL */
void weft_sanitizer_fiber_destroy(void *fiber); /* NULL is ignored */
void *weft_sanitizer_current_fiber(void);       /* __tsan_get_current_fiber() or NULL */

/* Clears ASan poisoning over [low, low + size); no-op without ASan. */
void weft_sanitizer_unpoison(void *low, size_t size);

/* The calls made on every switch are macros rather than functions, so that
 * a build without sanitizers pays only the test of the symbol's address, and
 * so that no call frame can come between TSan's switch and the context
 * switch: under TSan an instrumented frame there would be entered on one
 * fiber's shadow stack and left on the other's (a compiler is free not to
 * inline a static inline function, and clang does not on cold paths). */
#define WEFT_ASAN_START_SWITCH(fake_stack_save, bottom, size)                  \
    do {                                                                       \
        if (__sanitizer_start_switch_fiber)                                    \
            __sanitizer_start_switch_fiber((fake_stack_save), (bottom), (size)); \
    } while (0)

#define WEFT_ASAN_FINISH_SWITCH(fake_stack_save, bottom_old, size_old)                  \
    do {                                                                                \
        if (__sanitizer_finish_switch_fiber)                                            \
            __sanitizer_finish_switch_fiber((fake_stack_save), (bottom_old), (size_old)); \
    } while (0)

#define WEFT_TSAN_SWITCH_TO(tsan_fiber)                   \
    do {                                                  \
        if (__tsan_switch_to_fiber)                       \
            __tsan_switch_to_fiber((tsan_fiber), 0);      \
    } while (0)

#endif
