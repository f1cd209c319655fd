#include "deque.h"

#include "alloc.h"

static weft_deque_buffer *buffer_new(int64_t capacity)
{
    weft_deque_buffer *buffer =
        weft_malloc(sizeof(*buffer) + (size_t)capacity * sizeof(buffer->slots[0]));
    if (buffer == NULL)
        return NULL;
    buffer->capacity = capacity;
    buffer->retired_next = NULL;
    for (int64_t i = 0; i < capacity; i++)
        atomic_init(&buffer->slots[i], NULL);
    return buffer;
}

static inline _Atomic(void *) *slot(weft_deque_buffer *buffer, int64_t index)
{
    return &buffer->slots[index & (buffer->capacity - 1)];
}

/* Far beyond any real ready queue, and small enough that capacity * slot
 * size cannot overflow. */
#define MAX_CAPACITY ((int64_t)1 << 40)

int weft_deque_init(weft_deque *deque, int64_t capacity)
{
    if (capacity > MAX_CAPACITY)
        return -1;
    int64_t rounded = 16;
    while (rounded < capacity)
        rounded *= 2;
    weft_deque_buffer *buffer = buffer_new(rounded);
    if (buffer == NULL)
        return -1;
    atomic_init(&deque->top, 0);
    atomic_init(&deque->bottom, 0);
    atomic_init(&deque->buffer, buffer);
    deque->retired = NULL;
    return 0;
}

void weft_deque_destroy(weft_deque *deque)
{
    weft_free(atomic_load_explicit(&deque->buffer, memory_order_relaxed));
    while (deque->retired != NULL) {
        weft_deque_buffer *next = deque->retired->retired_next;
        weft_free(deque->retired);
        deque->retired = next;
    }
}

/* Owner only: copy live items into a buffer twice as large. The old buffer
 * is retired, not freed: a thief that loaded it may still read a slot. */
static weft_deque_buffer *grow(weft_deque *deque, weft_deque_buffer *old, int64_t top, int64_t bottom)
{
    if (old->capacity >= MAX_CAPACITY)
        return NULL;
    weft_deque_buffer *bigger = buffer_new(old->capacity * 2);
    if (bigger == NULL)
        return NULL;
    for (int64_t i = top; i < bottom; i++)
        atomic_store_explicit(slot(bigger, i),
                              atomic_load_explicit(slot(old, i), memory_order_relaxed),
                              memory_order_relaxed);
    /* Release: a thief that acquires the new buffer sees the copied slots. */
    atomic_store_explicit(&deque->buffer, bigger, memory_order_release);
    old->retired_next = deque->retired;
    deque->retired = old;
    return bigger;
}

int weft_deque_push(weft_deque *deque, void *item)
{
    int64_t bottom = atomic_load_explicit(&deque->bottom, memory_order_relaxed);
    int64_t top = atomic_load_explicit(&deque->top, memory_order_acquire);
    weft_deque_buffer *buffer = atomic_load_explicit(&deque->buffer, memory_order_relaxed);
    if (bottom - top > buffer->capacity - 1) {
        buffer = grow(deque, buffer, top, bottom);
        if (buffer == NULL)
            return -1;
    }
    atomic_store_explicit(slot(buffer, bottom), item, memory_order_relaxed);
    /* Release publishes the slot (and the item's contents) to a thief that
     * reads bottom with acquire. */
    atomic_store_explicit(&deque->bottom, bottom + 1, memory_order_release);
    return 0;
}

void *weft_deque_take(weft_deque *deque)
{
    int64_t bottom = atomic_load_explicit(&deque->bottom, memory_order_relaxed) - 1;
    weft_deque_buffer *buffer = atomic_load_explicit(&deque->buffer, memory_order_relaxed);
    /* seq_cst store then seq_cst load: the reservation of the last slot must
     * be globally ordered before reading top (the paper's full fence), so a
     * thief and the owner cannot both take the last item. */
    atomic_store_explicit(&deque->bottom, bottom, memory_order_seq_cst);
    int64_t top = atomic_load_explicit(&deque->top, memory_order_seq_cst);
    void *item = NULL;
    if (top <= bottom) {
        item = atomic_load_explicit(slot(buffer, bottom), memory_order_relaxed);
        if (top == bottom) {
            /* Last item: race the thieves for it on top. */
            if (!atomic_compare_exchange_strong_explicit(&deque->top, &top, top + 1,
                                                         memory_order_seq_cst,
                                                         memory_order_relaxed))
                item = NULL;
            atomic_store_explicit(&deque->bottom, bottom + 1, memory_order_relaxed);
        }
    } else {
        atomic_store_explicit(&deque->bottom, bottom + 1, memory_order_relaxed);
    }
    return item;
}

void *weft_deque_steal(weft_deque *deque)
{
    /* seq_cst loads of top then bottom: pairs with the seq_cst store of
     * bottom in take (the paper's fence between the two loads). */
    int64_t top = atomic_load_explicit(&deque->top, memory_order_seq_cst);
    int64_t bottom = atomic_load_explicit(&deque->bottom, memory_order_seq_cst);
    if (top >= bottom)
        return NULL;
    weft_deque_buffer *buffer = atomic_load_explicit(&deque->buffer, memory_order_acquire);
    void *item = atomic_load_explicit(slot(buffer, top), memory_order_relaxed);
    if (!atomic_compare_exchange_strong_explicit(&deque->top, &top, top + 1,
                                                 memory_order_seq_cst, memory_order_relaxed))
        return WEFT_DEQUE_ABORT;
    return item;
}

void *weft_deque_take_oldest(weft_deque *deque)
{
    for (;;) {
        void *item = weft_deque_steal(deque);
        if (item != WEFT_DEQUE_ABORT)
            return item;
    }
}

void *weft_deque_take_oldest_unshared(weft_deque *deque)
{
    /* Only the owner touches this deque (other threads at most read its
     * size, relaxed), so top moves with a plain store: no CAS per item. */
    int64_t top = atomic_load_explicit(&deque->top, memory_order_relaxed);
    int64_t bottom = atomic_load_explicit(&deque->bottom, memory_order_relaxed);
    if (top >= bottom)
        return NULL;
    weft_deque_buffer *buffer = atomic_load_explicit(&deque->buffer, memory_order_relaxed);
    void *item = atomic_load_explicit(slot(buffer, top), memory_order_relaxed);
    atomic_store_explicit(&deque->top, top + 1, memory_order_relaxed);
    return item;
}

void *weft_deque_peek_newest(const weft_deque *deque)
{
    /* Relaxed is enough: the owner wrote bottom and the slot itself, and a
     * stale top only lets the caller try a take() that then finds nothing. */
    int64_t bottom = atomic_load_explicit(&deque->bottom, memory_order_relaxed);
    int64_t top = atomic_load_explicit(&deque->top, memory_order_relaxed);
    if (bottom <= top)
        return NULL;
    weft_deque_buffer *buffer = atomic_load_explicit(&deque->buffer, memory_order_relaxed);
    return atomic_load_explicit(slot(buffer, bottom - 1), memory_order_relaxed);
}

int64_t weft_deque_size(const weft_deque *deque)
{
    int64_t bottom = atomic_load_explicit(&deque->bottom, memory_order_relaxed);
    int64_t top = atomic_load_explicit(&deque->top, memory_order_relaxed);
    return bottom > top ? bottom - top : 0;
}
