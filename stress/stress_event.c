/* Broadcasts across workers under ThreadSanitizer: no lost wake-up.
 * Every round:
 *   - Event: WAITERS tasks and a plain thread (wait_blocking) wait on a
 *     fresh event; a task on another worker (even rounds) or a plain
 *     thread (odd rounds) sets it while they register. Every waiter must
 *     return 0, then the event frees cleanly.
 *   - Condition broadcast: WAITERS tasks wait_for(generation >= round) and
 *     a task bumps the generation and notify_all()s while they register;
 *     every waiter must return with the lock held.
 *   - Condition relay: CONSUMERS tasks wait_for(tokens > 0); a producer
 *     adds one token at a time with notify(1), cancels a random consumer
 *     (often the one just notified; a cancelled consumer ends and is
 *     replaced), and waits for the token to be taken before the next. A
 *     notification lost with a cancelled waiter leaves a token and every
 *     consumer asleep.
 * A lost wake-up is a hang: a watchdog fails a round after ROUND_LIMIT_S.
 * Usage: stress_event [rounds]   (STRESS_WORKERS: 4) */
#include "weft.h"

#define STRESS_PROGRAM "stress_event"
#include "stress.h"

enum { DEFAULT_ROUNDS = 40, WAITERS = 24, CONSUMERS = 6, TOKENS = 40, DEFAULT_WORKERS = 4,
       ROUND_LIMIT_S = 30,
       /* bound of the argument: rounds * TOKENS and the like fit an int */
       MAX_ROUNDS = 1000000 };

static int rounds = DEFAULT_ROUNDS;
static atomic_int phase; /* for the watchdog's message */
static atomic_int event_woken, broadcast_woken, consumer_cancels;

static weft_condition *condition;
static int generation;         /* under condition's lock */
static int tokens, taken;      /* under condition's lock */
static bool relay_done;        /* under condition's lock */

/* Where a hung round stood (the watchdog prints it). */
static void progress(FILE *out)
{
    static const char *const phases[] = {"event", "condition broadcast", "condition relay"};
    fprintf(out, "in the %s phase", phases[atomic_load(&phase)]);
}

/* A lost wake-up is a hang: a round over the limit fails with its number and
 * where it stood. */
static const stress_watchdog_settings watchdog = {
    .round_limit_s = ROUND_LIMIT_S, .suspect = "lost wake-up?", .progress = progress};

/* ---------------------------------------------------------------- Event */

static int event_waiter(void *arg, void **result)
{
    (void)result;
    int code = weft_event_wait(arg);
    if (code != 0)
        stress_fail("event wait failed", code);
    atomic_fetch_add(&event_woken, 1);
    return 0;
}

static void *event_thread_waiter(void *arg)
{
    int code = weft_event_wait_blocking(arg, -1);
    if (code != 0)
        stress_fail("event wait_blocking failed", code);
    atomic_fetch_add(&event_woken, 1);
    return NULL;
}

static void *event_thread_setter(void *arg)
{
    stress_nap_ns(50 * 1000);
    if (weft_event_set(arg) != 0)
        stress_fail("event set from a thread failed", weft_last_error());
    return NULL;
}

static int event_setter(void *arg, void **result)
{
    (void)result;
    if (weft_yield() != 0)
        stress_fail("setter yield failed", 0);
    if (weft_event_set(arg) != 0)
        stress_fail("event set failed", weft_last_error());
    return 0;
}

static void event_phase(int r)
{
    weft_event *event;
    if (weft_event_new(&event) != 0)
        stress_fail("weft_event_new", weft_last_error());
    atomic_store(&event_woken, 0);
    pthread_t thread_waiter, thread_setter;
    if (pthread_create(&thread_waiter, NULL, event_thread_waiter, event) != 0)
        stress_fail("pthread_create", 0);
    weft_task *waiters[WAITERS];
    weft_task *setter = NULL;
    for (int i = 0; i < WAITERS; i++) {
        if ((waiters[i] = weft_spawn(event_waiter, event)) == NULL)
            stress_fail("spawn waiter", weft_last_error());
        /* Set somewhere in the middle of the registrations. */
        if (i == WAITERS / 2) {
            if (r % 2 == 0) {
                if ((setter = weft_spawn(event_setter, event)) == NULL)
                    stress_fail("spawn setter", weft_last_error());
            } else if (pthread_create(&thread_setter, NULL, event_thread_setter, event) != 0) {
                stress_fail("pthread_create", 0);
            }
        }
    }
    for (int i = 0; i < WAITERS; i++) {
        if (weft_await(waiters[i], NULL) != 0)
            stress_fail("waiter failed", weft_last_error());
        weft_task_release(waiters[i]);
    }
    if (setter != NULL) {
        if (weft_await(setter, NULL) != 0)
            stress_fail("setter failed", weft_last_error());
        weft_task_release(setter);
    } else {
        pthread_join(thread_setter, NULL);
    }
    pthread_join(thread_waiter, NULL);
    if (atomic_load(&event_woken) != WAITERS + 1)
        stress_fail("event waiters lost", atomic_load(&event_woken));
    if (weft_event_free(event) != 0)
        stress_fail("event free refused after every waiter returned", weft_last_error());
}

/* ---------------------------------------------------- Condition broadcast */

static bool generation_reached(void *arg)
{
    return generation >= (int)(intptr_t)arg;
}

static int broadcast_waiter(void *arg, void **result)
{
    (void)result;
    if (weft_condition_acquire(condition) != 0)
        stress_fail("acquire failed", weft_last_error());
    int code = weft_condition_wait_for(condition, generation_reached, arg);
    if (code != 0)
        stress_fail("wait_for failed", code);
    if (!weft_condition_locked(condition) || generation < (int)(intptr_t)arg)
        stress_fail("woke without the lock or too early", generation);
    atomic_fetch_add(&broadcast_woken, 1);
    if (weft_condition_release(condition) != 0)
        stress_fail("release failed", weft_last_error());
    return 0;
}

static int broadcaster(void *arg, void **result)
{
    (void)result;
    if (weft_yield() != 0 || weft_condition_acquire(condition) != 0)
        stress_fail("broadcaster could not take the lock", weft_last_error());
    generation = (int)(intptr_t)arg;
    if (weft_condition_notify_all(condition) != 0)
        stress_fail("notify_all failed", weft_last_error());
    if (weft_condition_release(condition) != 0)
        stress_fail("release failed", weft_last_error());
    return 0;
}

static void broadcast_phase(int r)
{
    atomic_store(&broadcast_woken, 0);
    void *target = (void *)(intptr_t)(r + 1);
    weft_task *tasks[WAITERS + 1];
    for (int i = 0; i < WAITERS; i++) {
        if ((tasks[i] = weft_spawn(broadcast_waiter, target)) == NULL)
            stress_fail("spawn waiter", weft_last_error());
        if (i == WAITERS / 2 && (tasks[WAITERS] = weft_spawn(broadcaster, target)) == NULL)
            stress_fail("spawn broadcaster", weft_last_error());
    }
    for (int i = 0; i <= WAITERS; i++) {
        if (weft_await(tasks[i], NULL) != 0)
            stress_fail("broadcast task failed", weft_last_error());
        weft_task_release(tasks[i]);
    }
    if (atomic_load(&broadcast_woken) != WAITERS)
        stress_fail("broadcast waiters lost", atomic_load(&broadcast_woken));
}

/* ------------------------------------------------------- Condition relay */

static bool token_or_done(void *arg)
{
    (void)arg;
    return tokens > 0 || relay_done;
}

static int relay_consumer(void *arg, void **result)
{
    (void)arg;
    (void)result;
    for (;;) {
        int code = weft_condition_acquire(condition);
        if (code == WEFT_ECANCELLED) {
            atomic_fetch_add(&consumer_cancels, 1);
            return code; /* not holding the lock */
        }
        if (code != 0)
            stress_fail("relay acquire failed", code);
        code = weft_condition_wait_for(condition, token_or_done, NULL);
        if (code == WEFT_ECANCELLED) {
            atomic_fetch_add(&consumer_cancels, 1);
            weft_condition_release(condition); /* wait() gave the lock back */
            return code;
        }
        if (code != 0)
            stress_fail("relay wait_for failed", code);
        if (tokens > 0) {
            tokens--;
            taken++;
        }
        bool done = relay_done && tokens == 0;
        weft_condition_release(condition);
        if (done)
            return 0;
    }
}

static void relay_phase(int r)
{
    if (weft_condition_acquire(condition) != 0)
        stress_fail("acquire failed", weft_last_error());
    tokens = taken = 0;
    relay_done = false; /* before any consumer of this round can look */
    weft_condition_release(condition);
    weft_task *consumers[CONSUMERS];
    for (int c = 0; c < CONSUMERS; c++)
        if ((consumers[c] = weft_spawn(relay_consumer, NULL)) == NULL)
            stress_fail("spawn consumer", weft_last_error());
    unsigned seed = (unsigned)r * 2654435761u + 1;
    for (int t = 1; t <= TOKENS; t++) {
        if (weft_condition_acquire(condition) != 0)
            stress_fail("acquire failed", weft_last_error());
        tokens++;
        weft_condition_notify(condition, 1);
        weft_condition_release(condition);
        stress_cancel_random(consumers, CONSUMERS, &seed, "relay");
        /* The token must be taken with no further notify. */
        for (;;) {
            if (weft_condition_acquire(condition) != 0)
                stress_fail("acquire failed", weft_last_error());
            bool gone = taken == t;
            weft_condition_release(condition);
            if (gone)
                break;
            if (weft_sleep(0.00005) != 0)
                stress_fail("producer sleep failed", 0);
        }
        stress_respawn_done(consumers, CONSUMERS, relay_consumer, NULL, "respawn consumer");
    }
    if (weft_condition_acquire(condition) != 0)
        stress_fail("acquire failed", weft_last_error());
    relay_done = true;
    weft_condition_notify_all(condition);
    weft_condition_release(condition);
    for (int c = 0; c < CONSUMERS; c++) {
        int code = weft_await(consumers[c], NULL);
        if (code != 0 && code != WEFT_ECANCELLED)
            stress_fail("consumer failed", code);
        weft_task_release(consumers[c]);
    }
    if (taken != TOKENS || tokens != 0)
        stress_fail("tokens lost or doubled", taken);
}

static void event_round(int r)
{
    atomic_store(&phase, 0);
    event_phase(r);
    atomic_store(&phase, 1);
    broadcast_phase(r);
    atomic_store(&phase, 2);
    relay_phase(r);
}

int main(int argc, char **argv)
{
    rounds = (int)stress_arg(argc, argv, 1, "rounds", DEFAULT_ROUNDS, 1, MAX_ROUNDS);
    weft_config config = stress_config(DEFAULT_WORKERS);
    if (weft_condition_new(NULL, &condition) != 0)
        stress_fail("weft_condition_new", weft_last_error());
    double seconds = stress_run_rounds(&config, rounds, event_round, watchdog);
    if (weft_condition_free(condition) != 0)
        stress_fail("condition free refused", weft_last_error());
    printf("stress_event: %u workers, %d rounds in %.1f s: %d event waiters (tasks and a "
           "thread), %d condition broadcast waiters, %d relayed tokens; %d consumers cancelled\n",
           config.workers, rounds, seconds, rounds * (WAITERS + 1),
           rounds * WAITERS, rounds * TOKENS, atomic_load(&consumer_cancels));
    if (atomic_load(&consumer_cancels) == 0)
        stress_fail("no consumer was ever cancelled", 0);
    return stress_pass();
}
