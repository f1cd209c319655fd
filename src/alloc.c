#include "alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "weft.h"

/* The user's allocator, copied by weft_set_allocator; `hooked` says whether
 * it is in use. Both change only while no executor exists (enforced) and no
 * weft object is alive (documented), so no allocation can race with the
 * change: the release store publishes the copy to the acquire loads. The
 * default path stays one predictable branch before the libc call. */
static weft_allocator user_allocator;
static atomic_bool hooked;

/* Executors alive: weft_set_allocator refuses to run while any is. */
static atomic_uint live_executors;

void weft_alloc_executor_created(void)
{
    atomic_fetch_add_explicit(&live_executors, 1, memory_order_relaxed);
}

void weft_alloc_executor_destroyed(void)
{
    atomic_fetch_sub_explicit(&live_executors, 1, memory_order_relaxed);
}

int weft_set_allocator(const weft_allocator *allocator)
{
    if (allocator != NULL &&
        (allocator->malloc == NULL || allocator->realloc == NULL || allocator->free == NULL))
        return weft_error_set(WEFT_EINVAL, "weft_set_allocator: malloc, realloc and free are all required");
    if (atomic_load_explicit(&live_executors, memory_order_relaxed) != 0)
        return weft_error_set(WEFT_EBUSY,
                              "weft_set_allocator: an executor exists; set the allocator before "
                              "creating one and after freeing them all");
    if (allocator == NULL) {
        atomic_store_explicit(&hooked, false, memory_order_release);
        return 0;
    }
    atomic_store_explicit(&hooked, false, memory_order_relaxed);
    user_allocator = *allocator;
    atomic_store_explicit(&hooked, true, memory_order_release);
    return 0;
}

void *weft_malloc(size_t size)
{
    if (__builtin_expect(atomic_load_explicit(&hooked, memory_order_acquire), 0))
        return user_allocator.malloc(size != 0 ? size : 1, user_allocator.ctx);
    return malloc(size);
}

void *weft_calloc(size_t count, size_t size)
{
    if (__builtin_expect(atomic_load_explicit(&hooked, memory_order_acquire), 0)) {
        if (size != 0 && count > SIZE_MAX / size)
            return NULL;
        size_t bytes = count * size;
        void *pointer = user_allocator.malloc(bytes != 0 ? bytes : 1, user_allocator.ctx);
        if (pointer != NULL)
            memset(pointer, 0, bytes);
        return pointer;
    }
    return calloc(count, size);
}

void *weft_realloc(void *pointer, size_t size)
{
    if (__builtin_expect(atomic_load_explicit(&hooked, memory_order_acquire), 0))
        return user_allocator.realloc(pointer, size != 0 ? size : 1, user_allocator.ctx);
    return realloc(pointer, size);
}

void weft_free(void *pointer)
{
    if (pointer == NULL) /* most optional strings are NULL: skip the call */
        return;
    if (__builtin_expect(atomic_load_explicit(&hooked, memory_order_acquire), 0))
        user_allocator.free(pointer, user_allocator.ctx);
    else
        free(pointer);
}

char *weft_strdup(const char *text)
{
    if (text == NULL)
        return NULL;
    size_t length = strlen(text) + 1;
    char *copy = weft_malloc(length);
    if (copy != NULL)
        memcpy(copy, text, length);
    return copy;
}
