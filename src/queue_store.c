/* Item storage of weft_queue. The priority heap is CPython's heapq
 * algorithm (Lib/heapq.py: heappush = append + _siftdown, heappop = move
 * the last item to the root + _siftup, which walks the smaller child down
 * to a leaf and then sifts back up), so items that compare equal leave in
 * exactly the order asyncio.PriorityQueue gives them. */
#include "queue_store.h"

#include <stdint.h>

#include "alloc.h"
#include "error.h"

enum { INITIAL_CAPACITY = 16 };

void weft_queue_store_init(weft_queue_store *store, weft_queue_kind kind, weft_compare_fn compare)
{
    store->kind = kind;
    store->compare = compare;
    store->items = NULL;
    store->capacity = 0;
    store->head = 0;
    store->count = 0;
}

void weft_queue_store_destroy(weft_queue_store *store)
{
    weft_free(store->items);
    store->items = NULL;
    store->capacity = store->count = store->head = 0;
}

static int grow(weft_queue_store *store)
{
    size_t capacity = store->capacity == 0 ? INITIAL_CAPACITY : store->capacity * 2;
    if (capacity < store->capacity || capacity > SIZE_MAX / sizeof(void *))
        return weft_error_set(WEFT_ENOMEM, "queue too large");
    void **items = weft_malloc(capacity * sizeof(void *));
    if (items == NULL)
        return weft_error_set(WEFT_ENOMEM, "out of memory growing a queue");
    /* Unwrap the ring (a no-op shape for the stack and the heap, whose
     * head stays 0). */
    for (size_t i = 0; i < store->count; i++)
        items[i] = store->items[(store->head + i) % store->capacity];
    weft_free(store->items);
    store->items = items;
    store->capacity = capacity;
    store->head = 0;
    return 0;
}

static bool less(const weft_queue_store *store, const void *a, const void *b)
{
    return store->compare(a, b) < 0;
}

/* heapq._siftdown: the item at pos moves up while it is less than its
 * parent. */
static void sift_down(weft_queue_store *store, size_t start, size_t pos)
{
    void **heap = store->items;
    void *item = heap[pos];
    while (pos > start) {
        size_t parent = (pos - 1) / 2;
        if (!less(store, item, heap[parent]))
            break;
        heap[pos] = heap[parent];
        pos = parent;
    }
    heap[pos] = item;
}

/* heapq._siftup: the hole at pos goes down along the smaller children to a
 * leaf, the item fills it and sifts back up. */
static void sift_up(weft_queue_store *store, size_t pos)
{
    void **heap = store->items;
    size_t end = store->count, start = pos;
    void *item = heap[pos];
    size_t child = 2 * pos + 1;
    while (child < end) {
        size_t right = child + 1;
        if (right < end && !less(store, heap[child], heap[right]))
            child = right;
        heap[pos] = heap[child];
        pos = child;
        child = 2 * pos + 1;
    }
    heap[pos] = item;
    sift_down(store, start, pos);
}

int weft_queue_store_push(weft_queue_store *store, void *item)
{
    if (store->count == store->capacity && grow(store) != 0)
        return WEFT_ENOMEM;
    switch (store->kind) {
    case WEFT_QUEUE_FIFO:
        store->items[(store->head + store->count) % store->capacity] = item;
        store->count++;
        break;
    case WEFT_QUEUE_LIFO:
        store->items[store->count++] = item;
        break;
    case WEFT_QUEUE_PRIORITY:
        store->items[store->count++] = item;
        sift_down(store, 0, store->count - 1);
        break;
    }
    return 0;
}

void *weft_queue_store_pop(weft_queue_store *store)
{
    void *item = NULL;
    switch (store->kind) {
    case WEFT_QUEUE_FIFO:
        item = store->items[store->head];
        store->head = (store->head + 1) % store->capacity;
        store->count--;
        break;
    case WEFT_QUEUE_LIFO:
        item = store->items[--store->count];
        break;
    case WEFT_QUEUE_PRIORITY: {
        void *last = store->items[--store->count];
        if (store->count == 0)
            return last;
        item = store->items[0];
        store->items[0] = last;
        sift_up(store, 0);
        break;
    }
    }
    return item;
}
