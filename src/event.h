/* The state of an asyncio.Event without a mutex of its own, so that a
 * queue can keep its join() event under the queue's mutex (queue.c) while
 * weft_event wraps it with one (event.c). */
#ifndef WEFT_EVENT_H
#define WEFT_EVENT_H

#include <pthread.h>
#include <stdbool.h>

#include "waiter.h"

typedef struct weft_event_core {
    bool value;
    weft_waitlist waiters;
} weft_event_core;

void weft_event_core_init(weft_event_core *core, bool value);
/* Event.set: with the guarding mutex held. */
void weft_event_core_set(weft_event_core *core);
/* Event.wait for an initialised waiter (task or thread), with mutex held
 * (released while suspended, held again on return). 0 at once when set;
 * else weft_waiter_wait's outcome. */
int weft_event_core_wait(weft_event_core *core, pthread_mutex_t *mutex, weft_waiter *waiter,
                         const struct timespec *deadline);

#endif
