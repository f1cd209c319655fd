/* Where a weft_queue keeps its items: a ring (FIFO), a stack (LIFO) or a
 * binary heap (PRIORITY), growing on demand. Not thread-safe: queue.c
 * guards it with the queue's mutex. */
#ifndef WEFT_QUEUE_STORE_H
#define WEFT_QUEUE_STORE_H

#include <stddef.h>

#include "weft.h"

typedef struct weft_queue_store {
    weft_queue_kind kind;
    weft_compare_fn compare; /* PRIORITY only */
    void **items;
    size_t capacity;
    size_t head;  /* FIFO: index of the oldest item */
    size_t count;
} weft_queue_store;

void weft_queue_store_init(weft_queue_store *store, weft_queue_kind kind, weft_compare_fn compare);
void weft_queue_store_destroy(weft_queue_store *store);
/* Adds item: 0, or WEFT_ENOMEM with the last error set. */
int weft_queue_store_push(weft_queue_store *store, void *item);
/* Removes and returns the next item; the store must not be empty. */
void *weft_queue_store_pop(weft_queue_store *store);

#endif
