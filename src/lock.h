/* The lock's waiting acquire without the public entry checks, so that
 * condition.c can take a condition's lock back for a task or for a thread
 * with one code path (lock.c). */
#ifndef WEFT_LOCK_H
#define WEFT_LOCK_H

#include <time.h>

#include "weft.h"

/* Lock.acquire for the running task self, or, when self is NULL, for the
 * calling thread (not a worker), which gives up at deadline
 * (CLOCK_MONOTONIC; NULL: never). Both wait in the one FIFO. lock is not
 * NULL. Returns 0 (held), WEFT_ECANCELLED (task), WEFT_ETIMEDOUT or
 * WEFT_ESYSTEM (thread); the lock is not held on an error. */
int weft_lock_acquire_as(weft_lock *lock, weft_task *self, const struct timespec *deadline);

#endif
