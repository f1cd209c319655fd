/* Fiber stacks, carved from large anonymous mappings.
 *
 * One mmap per slab rather than per stack, because Linux caps a process at
 * vm.max_map_count (65530 by default) mappings.  Slabs are MAP_NORESERVE and
 * only touched pages become resident.  Guard pages are mprotect()ed holes,
 * and each one splits its slab's mapping: with guard_pages a process can have
 * roughly 32000 stacks at most; without them, one mapping per slab.
 *
 * A pool belongs to one thread and is not thread-safe.  A stack may be
 * released into a different pool of the same executor than the one that
 * mapped it (a task may finish on another worker); its memory stays valid
 * until all pools of the executor are destroyed together, and every pool of
 * an executor must use the same stack size.
 */
#ifndef WEFT_STACK_H
#define WEFT_STACK_H

#include "sanitizer.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WEFT_STACK_DEFAULT_SIZE ((size_t)64 * 1024)

/* Overflow canary: this word repeated over the WEFT_STACK_CANARY_BYTES just
 * below a stack's usable bytes, written at acquire and checked by the fiber
 * layer. Without guard pages the canary is the top of the slot below, whose
 * page a busy neighbour has resident anyway, so a task whose frames fit in
 * one page costs one resident page, not two; with guard pages it is the
 * lowest bytes of the stack itself (the guard page is below them). */
#define WEFT_STACK_CANARY_BYTES 64
#define WEFT_STACK_CANARY_WORD UINT64_C(0x5745465453544b21) /* "WEFTSTK!" */

/* Virtual size one slab aims for; at least one stack per slab. */
#define WEFT_STACK_SLAB_BYTES ((size_t)8 * 1024 * 1024)

/* Released stacks beyond this many per pool give their memory back to the
 * kernel (see weft_stack_release); the most recent ones stay warm. */
#define WEFT_STACK_HOT_MAX 64

typedef struct weft_stack {
    void *low;        /* lowest usable address, page aligned */
    size_t size;      /* usable bytes: the slot's, less its neighbour's canary */
    uint64_t *canary; /* WEFT_STACK_CANARY_BYTES just below low, or at low */
    unsigned valgrind_id; /* its registration while handed out (valgrind builds) */
} weft_stack;

struct weft_stack_slab;
struct weft_stack_free;

/* Stacks migrate: a task started on one worker may finish on another, so
 * one pool's free list grows while another's runs dry. The pools of an
 * executor share a depot and trade stacks with it in batches of half a hot
 * list (one lock per batch). Pages are never given back on that path
 * (madvise shoots down TLBs on every CPU the process runs on, which made
 * fork-join on two workers slower than on one); an idle worker trims the
 * depot to `keep` resident stacks before it parks. */
typedef struct weft_stack_depot {
    pthread_mutex_t lock;
    struct weft_stack_free *stacks; /* resident */
    struct weft_stack_free *cold;   /* pages given back */
    size_t count;                   /* resident ones */
    size_t keep;
} weft_stack_depot;

void weft_stack_depot_init(weft_stack_depot *depot, size_t keep);
void weft_stack_depot_destroy(weft_stack_depot *depot); /* the stacks go with their slabs */
/* Gives back the pages of the resident stacks beyond keep (idle workers). */
void weft_stack_depot_trim(weft_stack_depot *depot, size_t page_size);

typedef struct weft_stack_pool weft_stack_pool;
struct weft_stack_pool {
    size_t stack_size;            /* bytes per stack slot, page multiple */
    size_t guard_size;            /* 0, or one page below every stack */
    size_t page_size;
    size_t slab_stacks;           /* stacks per slab */
    struct weft_stack_slab *slabs; /* newest first; the newest is carved */
    size_t slab_count;
    size_t carved;                /* stacks handed out of the newest slab */
    struct weft_stack_free *hot;  /* released, still resident; LIFO */
    size_t hot_count;
    size_t hot_max;               /* WEFT_STACK_HOT_MAX; may be changed */
    struct weft_stack_free *cold; /* released, pages given back */
    weft_stack_depot *depot;      /* shared with the executor's other pools, or NULL */
    size_t cold_count;
    bool guard_pages;
};

/* stack_size: usable bytes, rounded up to whole pages; 0 means
 * WEFT_STACK_DEFAULT_SIZE.  Maps nothing yet.  0, or -1 with errno set. */
int weft_stack_pool_init(weft_stack_pool *pool, size_t stack_size, bool guard_pages);

/* Test hook (tests/faults): when set, called before every acquisition; true
 * makes that acquisition fail as if mmap had (errno ENOMEM). Set only while
 * no executor exists. Not part of the public API. */
extern bool (*weft_stack_fault_hook)(void);

/* 0, or -1 with errno set (ENOMEM when mmap or mprotect fail). */
int weft_stack_acquire(weft_stack_pool *pool, weft_stack *out);

/* Any stack of the same executor; *stack is cleared.  A NULL stack is ignored. */
void weft_stack_release(weft_stack_pool *pool, weft_stack *stack);

/* Unmaps every slab this pool mapped, including stacks now sitting in other
 * pools' free lists: destroy all pools of an executor together. */
void weft_stack_pool_destroy(weft_stack_pool *pool);

/* The size the stack was asked for (the pool's stack_size), as reports
 * should name it: a canary below low was taken from the slot's top. */
static inline size_t weft_stack_slot_size(const weft_stack *stack)
{
    bool canary_below = (const char *)stack->canary < (const char *)stack->low;
    return stack->size + (canary_below ? WEFT_STACK_CANARY_BYTES : 0);
}

/* Inline because the fiber layer runs it on every switch away from a fiber.
 * The bottom of a stack can hold ASan redzones that an overflowing frame
 * left there: they are cleared first (one branch without ASan), so the
 * check reports the overflow instead of tripping ASan. */
static inline bool weft_stack_canary_intact(const weft_stack *stack)
{
    weft_sanitizer_unpoison(stack->canary, WEFT_STACK_CANARY_BYTES);
    const uint64_t *word = stack->canary;
    uint64_t diff = 0;
    for (size_t i = 0; i < WEFT_STACK_CANARY_BYTES / sizeof(uint64_t); i++)
        diff |= word[i] ^ WEFT_STACK_CANARY_WORD;
    return diff == 0;
}

#endif
