/* Chase-Lev work-stealing deque of pointers, in the C11 formulation of
 * Le, Pop, Cohen and Zappa Nardelli, "Correct and Efficient Work-Stealing for
 * Weak Memory Models" (PPoPP 2013), with the standalone fences replaced by
 * seq_cst/release/acquire operations so ThreadSanitizer checks the real
 * algorithm (it ignores atomic_thread_fence).
 *
 * One owner thread pushes and takes at the bottom (LIFO) or takes at the top
 * (FIFO, like a thief); any thread may steal at the top. Buffers grow by
 * doubling; a replaced buffer is kept on a retired list until destroy, since a
 * thief may still be reading it. */
#ifndef WEFT_DEQUE_H
#define WEFT_DEQUE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef struct weft_deque_buffer {
    int64_t capacity; /* a power of two */
    struct weft_deque_buffer *retired_next;
    _Atomic(void *) slots[];
} weft_deque_buffer;

typedef struct weft_deque {
    /* top: next index to steal; bottom: next index to push. Items live in
     * [top, bottom). Only the owner writes bottom; top only grows, by CAS. */
    _Alignas(64) atomic_int_fast64_t top;
    _Alignas(64) atomic_int_fast64_t bottom;
    _Atomic(weft_deque_buffer *) buffer;
    weft_deque_buffer *retired; /* owner only */
} weft_deque;

/* A steal that lost a race: the caller may retry. */
#define WEFT_DEQUE_ABORT ((void *)1)

int weft_deque_init(weft_deque *deque, int64_t capacity); /* 0 or -1 (no memory) */
void weft_deque_destroy(weft_deque *deque);

int weft_deque_push(weft_deque *deque, void *item);     /* owner; 0 or -1 (no memory) */
void *weft_deque_take(weft_deque *deque);               /* owner, bottom; NULL if empty */
void *weft_deque_take_oldest(weft_deque *deque);        /* owner, top; NULL if empty */
/* The same when no thief can exist (a single worker): no CAS. */
void *weft_deque_take_oldest_unshared(weft_deque *deque);
/* Owner: the item take() would return, or NULL if the deque looks empty. A
 * thief may steal it meanwhile, so only take() decides who gets it. */
void *weft_deque_peek_newest(const weft_deque *deque);
void *weft_deque_steal(weft_deque *deque);              /* any; NULL, WEFT_DEQUE_ABORT or item */
int64_t weft_deque_size(const weft_deque *deque);       /* exact for the owner when nobody steals */

#endif
