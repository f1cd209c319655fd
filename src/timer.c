#include "timer.h"

#include "alloc.h"

void weft_handle_release(weft_handle *handle);

static bool earlier(const weft_handle *a, const weft_handle *b)
{
    if (a->when_ns != b->when_ns)
        return a->when_ns < b->when_ns;
    return a->sequence < b->sequence;
}

static void swap(weft_handle **items, size_t i, size_t j)
{
    weft_handle *tmp = items[i];
    items[i] = items[j];
    items[j] = tmp;
}

static void sift_up(weft_handle **items, size_t index)
{
    while (index > 0) {
        size_t parent = (index - 1) / 2;
        if (!earlier(items[index], items[parent]))
            break;
        swap(items, index, parent);
        index = parent;
    }
}

static void sift_down(weft_handle **items, size_t count, size_t index)
{
    for (;;) {
        size_t smallest = index, left = 2 * index + 1, right = left + 1;
        if (left < count && earlier(items[left], items[smallest]))
            smallest = left;
        if (right < count && earlier(items[right], items[smallest]))
            smallest = right;
        if (smallest == index)
            return;
        swap(items, index, smallest);
        index = smallest;
    }
}

void weft_timer_heap_init(weft_timer_heap *heap)
{
    *heap = (weft_timer_heap){0};
}

void weft_timer_heap_destroy(weft_timer_heap *heap)
{
    for (size_t i = 0; i < heap->count; i++) {
        atomic_store_explicit(&heap->items[i]->heap, NULL, memory_order_relaxed);
        weft_handle_release(heap->items[i]);
    }
    weft_free(heap->items);
    *heap = (weft_timer_heap){0};
}

int weft_timer_heap_push(weft_timer_heap *heap, weft_handle *handle)
{
    if (heap->count == heap->capacity) {
        size_t capacity = heap->capacity ? heap->capacity * 2 : 16;
        weft_handle **items = weft_realloc(heap->items, capacity * sizeof(*items));
        if (items == NULL)
            return -1;
        heap->items = items;
        heap->capacity = capacity;
    }
    handle->sequence = heap->next_sequence++;
    atomic_store_explicit(&handle->heap, heap, memory_order_relaxed);
    heap->items[heap->count] = handle;
    sift_up(heap->items, heap->count++);
    return 0;
}

weft_handle *weft_timer_heap_peek(const weft_timer_heap *heap)
{
    return heap->count ? heap->items[0] : NULL;
}

weft_handle *weft_timer_heap_pop(weft_timer_heap *heap)
{
    if (heap->count == 0)
        return NULL;
    weft_handle *top = heap->items[0];
    heap->items[0] = heap->items[--heap->count];
    sift_down(heap->items, heap->count, 0);
    atomic_store_explicit(&top->heap, NULL, memory_order_relaxed);
    if (weft_handle_is_cancelled(top) && heap->cancelled > 0)
        heap->cancelled--;
    return top;
}

size_t weft_timer_heap_pop_due(weft_timer_heap *heap, int64_t end_ns, weft_handle ***due)
{
    size_t n = 0;
    while (heap->count > 0 && heap->items[0]->when_ns < end_ns) {
        weft_handle *top = weft_timer_heap_pop(heap);
        heap->items[heap->count] = top; /* the slot this pop freed */
        n++;
    }
    *due = heap->items + heap->count;
    return n;
}

void weft_timer_heap_note_cancelled(weft_timer_heap *heap)
{
    heap->cancelled++;
}

void weft_timer_heap_drop_cancelled(weft_timer_heap *heap)
{
    if (heap->count > 100 && heap->cancelled * 2 > heap->count) {
        size_t kept = 0;
        for (size_t i = 0; i < heap->count; i++) {
            if (weft_handle_is_cancelled(heap->items[i])) {
                atomic_store_explicit(&heap->items[i]->heap, NULL, memory_order_relaxed);
                weft_handle_release(heap->items[i]);
            }
            else
                heap->items[kept++] = heap->items[i];
        }
        heap->count = kept;
        heap->cancelled = 0;
        for (size_t i = heap->count / 2; i-- > 0;)
            sift_down(heap->items, heap->count, i);
        return;
    }
    weft_handle *head;
    while ((head = weft_timer_heap_peek(heap)) != NULL && weft_handle_is_cancelled(head))
        weft_handle_release(weft_timer_heap_pop(heap));
}
