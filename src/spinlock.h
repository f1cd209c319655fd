/* A tiny test-and-test-and-set lock for short critical sections (a task's
 * callback list and cancel fields). C11 atomics, so ThreadSanitizer sees the
 * acquire/release pairs; ck_pr_stall only relaxes the spin. */
#ifndef WEFT_SPINLOCK_H
#define WEFT_SPINLOCK_H

#include <ck_pr.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef struct weft_spinlock {
    atomic_bool locked;
} weft_spinlock;

#define WEFT_SPINLOCK_INIT { false }

static inline void weft_spinlock_init(weft_spinlock *lock)
{
    atomic_init(&lock->locked, false);
}

static inline void weft_spinlock_lock(weft_spinlock *lock)
{
    /* Acquire pairs with the release in unlock: the previous holder's
     * writes are visible to the next holder. */
    while (atomic_exchange_explicit(&lock->locked, true, memory_order_acquire)) {
        while (atomic_load_explicit(&lock->locked, memory_order_relaxed))
            ck_pr_stall();
    }
}

static inline void weft_spinlock_unlock(weft_spinlock *lock)
{
    atomic_store_explicit(&lock->locked, false, memory_order_release);
}

#endif
