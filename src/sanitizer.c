/* Rarely called sanitizer hooks; the per-switch ones are inline in the header. */
#include "sanitizer.h"

void *__tsan_get_current_fiber(void) __attribute__((weak));
void *__tsan_create_fiber(unsigned flags) __attribute__((weak));
void __tsan_destroy_fiber(void *fiber) __attribute__((weak));
void __asan_unpoison_memory_region(void const volatile *addr, size_t size) __attribute__((weak));

void *weft_sanitizer_fiber_create(void)
{
    return __tsan_create_fiber ? __tsan_create_fiber(0) : NULL;
}

void weft_sanitizer_fiber_destroy(void *fiber)
{
    if (fiber != NULL && __tsan_destroy_fiber)
        __tsan_destroy_fiber(fiber);
}

void *weft_sanitizer_current_fiber(void)
{
    return __tsan_get_current_fiber ? __tsan_get_current_fiber() : NULL;
}

void weft_sanitizer_unpoison(void *low, size_t size)
{
    if (__asan_unpoison_memory_region)
        __asan_unpoison_memory_region(low, size);
}
