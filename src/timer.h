/* A worker's timers: a binary min-heap of handles ordered by (deadline,
 * sequence). The sequence makes equal deadlines FIFO, which is what asyncio
 * users see from sleep() in practice (see README, "Differences"). */
#ifndef WEFT_TIMER_H
#define WEFT_TIMER_H

#include <stddef.h>
#include <stdint.h>

#include "handle.h"

typedef struct weft_timer_heap {
    weft_handle **items;
    size_t count;
    size_t capacity;
    size_t cancelled; /* cancelled handles still in the heap */
    uint64_t next_sequence;
} weft_timer_heap;

void weft_timer_heap_init(weft_timer_heap *heap);
/* Releases the loop's reference on every handle still in the heap. */
void weft_timer_heap_destroy(weft_timer_heap *heap);
int weft_timer_heap_push(weft_timer_heap *heap, weft_handle *handle); /* 0 or -1 */
weft_handle *weft_timer_heap_peek(const weft_timer_heap *heap);
weft_handle *weft_timer_heap_pop(weft_timer_heap *heap);
/* Pops every handle due before end_ns and returns how many, n. They are
 * left in the slots the pops freed at the end of the heap's array (as in
 * heapsort): (*due)[n - 1] is the earliest, (*due)[0] the latest, in
 * (deadline, sequence) order. Valid until the next push. */
size_t weft_timer_heap_pop_due(weft_timer_heap *heap, int64_t end_ns, weft_handle ***due);
/* A handle in the heap was cancelled (counted for the rebuild rule). */
void weft_timer_heap_note_cancelled(weft_timer_heap *heap);
/* asyncio L2.1: drop cancelled handles at the head, or rebuild the whole
 * heap when it holds more than 100 timers and over half are cancelled. */
void weft_timer_heap_drop_cancelled(weft_timer_heap *heap);

#endif
