/* Stack pools; see stack.h for the model. */
#include "stack.h"

#include "sanitizer.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(HAVE_CONFIG_H)
#include "config.h"
#endif
#if defined(HAVE_VALGRIND_VALGRIND_H)
#include <valgrind/valgrind.h>
/* A stack is registered while it is handed out, so valgrind takes a switch
 * between two stacks for a switch, not for one frame of a huge size. */
#define REGISTER_WITH_VALGRIND(stack)                                                     \
    ((stack)->valgrind_id =                                                               \
         VALGRIND_STACK_REGISTER((stack)->low, (char *)(stack)->low + (stack)->size))
#define DEREGISTER_FROM_VALGRIND(stack) VALGRIND_STACK_DEREGISTER((stack)->valgrind_id)
#else
#define REGISTER_WITH_VALGRIND(stack) ((void)(stack))
#define DEREGISTER_FROM_VALGRIND(stack) ((void)(stack))
#endif

/* Bookkeeping kept inside the slab, in its first page, below the canary
 * of the lowest stack: an overflow of that stack hits the canary (or its
 * guard page) before it reaches this. */
struct weft_stack_slab {
    struct weft_stack_slab *next;
    void *base;
    size_t length;
};

/* A released stack links itself through its own top bytes, which its fiber
 * touched first and are certainly resident already. */
struct weft_stack_free {
    struct weft_stack_free *next;
    weft_stack stack;
};

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

int weft_stack_pool_init(weft_stack_pool *pool, size_t stack_size, bool guard_pages)
{
    memset(pool, 0, sizeof *pool);
    long page = sysconf(_SC_PAGESIZE);
    pool->page_size = page > 0 ? (size_t)page : 4096;
    if (stack_size == 0)
        stack_size = WEFT_STACK_DEFAULT_SIZE;
    /* Keeps every size computation below far from overflowing. */
    if (stack_size > SIZE_MAX / 4) {
        errno = EINVAL;
        return -1;
    }
    pool->stack_size = round_up(stack_size, pool->page_size);
    pool->guard_pages = guard_pages;
    pool->guard_size = guard_pages ? pool->page_size : 0;
    pool->slab_stacks = WEFT_STACK_SLAB_BYTES / (pool->stack_size + pool->guard_size);
    if (pool->slab_stacks == 0)
        pool->slab_stacks = 1;
    pool->hot_max = WEFT_STACK_HOT_MAX;
    return 0;
}

static int map_slab(weft_stack_pool *pool)
{
    size_t stride = pool->stack_size + pool->guard_size;
    size_t length = pool->slab_stacks * stride + pool->page_size;
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
#ifdef MAP_STACK
    flags |= MAP_STACK;
#endif
    void *base = mmap(NULL, length, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (base == MAP_FAILED)
        return -1;
#ifdef MADV_NOHUGEPAGE
    /* With transparent huge pages set to "always", one touched byte could
     * make 2 MiB of a slab resident.  Failure only means no THP support. */
    (void)madvise(base, length, MADV_NOHUGEPAGE);
#endif
    struct weft_stack_slab *slab = base;
    slab->next = pool->slabs;
    slab->base = base;
    slab->length = length;
    pool->slabs = slab;
    pool->slab_count++;
    pool->carved = 0;
    return 0;
}

/* Guard pages are installed when a stack is first handed out, not when the
 * slab is mapped, so slabs that are never filled are never split. */
static int carve(weft_stack_pool *pool, weft_stack *out)
{
    if (pool->slabs == NULL || pool->carved == pool->slab_stacks) {
        if (map_slab(pool) != 0)
            return -1;
    }
    /* The first page holds the slab record and the lowest stack's canary. */
    char *slot = (char *)pool->slabs->base + pool->page_size +
                 pool->carved * (pool->stack_size + pool->guard_size);
    if (pool->guard_size != 0 && mprotect(slot, pool->guard_size, PROT_NONE) != 0)
        return -1; /* ENOMEM here usually means vm.max_map_count was reached */
    pool->carved++;
    out->low = slot + pool->guard_size;
    if (pool->guard_size != 0) {
        out->size = pool->stack_size;
        out->canary = out->low;
    } else {
        /* The top of each slot is the canary of the slot above. */
        out->size = pool->stack_size - WEFT_STACK_CANARY_BYTES;
        out->canary = (uint64_t *)((char *)out->low - WEFT_STACK_CANARY_BYTES);
    }
    return 0;
}

static void write_canary(const weft_stack *stack)
{
    weft_sanitizer_unpoison(stack->canary, WEFT_STACK_CANARY_BYTES); /* see weft_stack_canary_intact */
    uint64_t *word = stack->canary;
    for (size_t i = 0; i < WEFT_STACK_CANARY_BYTES / sizeof(uint64_t); i++)
        word[i] = WEFT_STACK_CANARY_WORD;
}

void weft_stack_depot_init(weft_stack_depot *depot, size_t keep)
{
    pthread_mutex_init(&depot->lock, NULL);
    depot->stacks = depot->cold = NULL;
    depot->count = 0;
    depot->keep = keep;
}

void weft_stack_depot_destroy(weft_stack_depot *depot)
{
    pthread_mutex_destroy(&depot->lock);
    depot->stacks = depot->cold = NULL;
    depot->count = 0;
}

void weft_stack_depot_trim(weft_stack_depot *depot, size_t page_size)
{
    for (;;) {
        pthread_mutex_lock(&depot->lock);
        struct weft_stack_free *node = NULL;
        if (depot->count > depot->keep) {
            node = depot->stacks;
            depot->stacks = node->next;
            depot->count--;
        }
        pthread_mutex_unlock(&depot->lock);
        if (node == NULL)
            return;
        /* All pages but the top one, which holds the free-list node. */
        if (node->stack.size > page_size)
            (void)madvise(node->stack.low, node->stack.size - page_size, MADV_DONTNEED);
        pthread_mutex_lock(&depot->lock);
        node->next = depot->cold;
        depot->cold = node;
        pthread_mutex_unlock(&depot->lock);
    }
}

/* Refills an empty hot list with up to half a hot list from the depot,
 * resident stacks first. */
static void take_from_depot(weft_stack_pool *pool)
{
    weft_stack_depot *depot = pool->depot;
    if (depot == NULL)
        return;
    size_t want = pool->hot_max / 2 > 0 ? pool->hot_max / 2 : 1;
    pthread_mutex_lock(&depot->lock);
    while (want > 0 && (depot->stacks != NULL || depot->cold != NULL)) {
        struct weft_stack_free *node;
        if (depot->stacks != NULL) {
            node = depot->stacks;
            depot->stacks = node->next;
            depot->count--;
        } else {
            node = depot->cold;
            depot->cold = node->next;
        }
        node->next = pool->hot;
        pool->hot = node;
        pool->hot_count++;
        want--;
    }
    pthread_mutex_unlock(&depot->lock);
}

/* Moves half of a full hot list, plus node, to the depot. Returns false
 * without a depot (the caller gives node's pages back instead). */
static bool give_to_depot(weft_stack_pool *pool, struct weft_stack_free *node)
{
    weft_stack_depot *depot = pool->depot;
    if (depot == NULL)
        return false;
    size_t batch = pool->hot_max / 2;
    struct weft_stack_free *first = node, *last = node;
    size_t moved = 1;
    while (moved <= batch && pool->hot != NULL) {
        struct weft_stack_free *next = pool->hot->next;
        last->next = pool->hot;
        last = pool->hot;
        pool->hot = next;
        pool->hot_count--;
        moved++;
    }
    pthread_mutex_lock(&depot->lock);
    last->next = depot->stacks;
    depot->stacks = first;
    depot->count += moved;
    pthread_mutex_unlock(&depot->lock);
    return true;
}

bool (*weft_stack_fault_hook)(void);

int weft_stack_acquire(weft_stack_pool *pool, weft_stack *out)
{
    if (__builtin_expect(weft_stack_fault_hook != NULL, 0) && weft_stack_fault_hook()) {
        errno = ENOMEM;
        return -1;
    }
    if (pool->hot == NULL)
        take_from_depot(pool);
    struct weft_stack_free *node = pool->hot;
    if (node != NULL) {
        pool->hot = node->next;
        pool->hot_count--;
    } else if ((node = pool->cold) != NULL) {
        pool->cold = node->next;
        pool->cold_count--;
    }
    if (node != NULL) {
        *out = node->stack;
    } else if (carve(pool, out) != 0) {
        return -1;
    }
    write_canary(out);
    REGISTER_WITH_VALGRIND(out);
    return 0;
}

void weft_stack_release(weft_stack_pool *pool, weft_stack *stack)
{
    if (stack->low == NULL)
        return;
    DEREGISTER_FROM_VALGRIND(stack);
    /* A fiber that left frames behind leaves their ASan redzones poisoned;
     * the next owner of this memory must start from clean shadow. */
    weft_sanitizer_unpoison(stack->low, stack->size);

    struct weft_stack_free *node =
        (struct weft_stack_free *)((char *)stack->low + stack->size - sizeof *node);
    node->stack = *stack;
    if (pool->hot_count < pool->hot_max) {
        node->next = pool->hot;
        pool->hot = node;
        pool->hot_count++;
    } else if (!give_to_depot(pool, node)) {
        /* A burst of fibers has ended and this pool holds more stacks than it
         * is likely to need soon: give back all pages but the top one (which
         * holds the free-list node).  Steady churn stays on the hot list and
         * never pays for this system call. */
        if (stack->size > pool->page_size)
            (void)madvise(stack->low, stack->size - pool->page_size, MADV_DONTNEED);
        node->next = pool->cold;
        pool->cold = node;
        pool->cold_count++;
    }
    stack->low = NULL;
    stack->size = 0;
    stack->canary = NULL;
}

void weft_stack_pool_destroy(weft_stack_pool *pool)
{
    struct weft_stack_slab *slab = pool->slabs;
    while (slab != NULL) {
        struct weft_stack_slab *next = slab->next; /* munmap frees slab itself */
        munmap(slab->base, slab->length);
        slab = next;
    }
    pool->slabs = NULL;
    pool->slab_count = 0;
    pool->carved = 0;
    pool->hot = pool->cold = NULL;
    pool->hot_count = pool->cold_count = 0;
}
