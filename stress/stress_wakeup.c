/* Lost wake-up hammer under ThreadSanitizer (DESIGN.md section 5): on 4
 * workers, each round runs at the same time
 *   - await chains: task k spawns task k+1 and awaits it (CHAIN long); the
 *     last task yields until it runs on a thread other than its parent's
 *     (thieves take it) and returns, so every wake-up up the chain can race
 *     the waiter's switch (SUSPENDING -> WOKEN_EARLY);
 *   - a fan-in: FAN tasks await one gate task that completes on another
 *     worker after they registered (a sleep, then yields until it moved);
 * and checks every result. A lost wake-up is a hang: a watchdog thread fails
 * the test with the round number if a round takes more than 10 s.
 * Usage: stress_wakeup [rounds]   (STRESS_WORKERS overrides the 4 workers) */
#include "weft.h"

#define STRESS_PROGRAM "stress_wakeup"
#include "stress.h"

enum { DEFAULT_ROUNDS = 250, CHAINS = 4, CHAIN = 24, FAN = 48, MOVE_TRIES = 8, BAITS = 4,
       DEFAULT_WORKERS = 4, ROUND_LIMIT_S = 10 };

static int rounds = DEFAULT_ROUNDS;
static atomic_int chain_bodies, fan_bodies, gate_bodies;
static atomic_int ends_moved, gates_moved; /* completed on another thread */

static void progress(FILE *out)
{
    fprintf(out, "%d chain bodies, %d fan bodies, %d gates", atomic_load(&chain_bodies),
            atomic_load(&fan_bodies), atomic_load(&gate_bodies));
}

/* pthread_self() is declared const: the compiler may reuse its value across
 * a suspension, after which the task may be on another thread. Ask afresh. */
static __attribute__((noinline)) pthread_t current_thread(void)
{
    pthread_t self = pthread_self();
    __asm__ volatile("" ::: "memory");
    return self;
}

static int bait(void *arg, void **result)
{
    (void)arg;
    if (weft_yield() != 0)
        stress_fail("bait yield failed", 0);
    *result = (void *)(uintptr_t)7;
    return 0;
}

/* Moves the calling task to a thread other than `from` (bounded tries): it
 * spawns a few bait tasks, which idle workers steal, and awaits them; a
 * wake-up from another worker resumes the task on that worker. */
static bool move_off(pthread_t from)
{
    for (int i = 0; i < MOVE_TRIES && pthread_equal(current_thread(), from); i++) {
        weft_task *baits[BAITS];
        for (int k = 0; k < BAITS; k++)
            if ((baits[k] = weft_spawn(bait, NULL)) == NULL)
                stress_fail("spawn bait", weft_last_error());
        for (int k = 0; k < BAITS; k++) {
            void *value = NULL;
            if (weft_await(baits[k], &value) != 0 || value != (void *)(uintptr_t)7)
                stress_fail("bait failed", k);
            weft_task_release(baits[k]);
        }
    }
    return !pthread_equal(current_thread(), from);
}

typedef struct link_arg {
    int remaining;
    pthread_t parent; /* the thread the parent spawned us from */
    unsigned seed;
} link_arg;

/* Returns the chain length below it, counting itself. */
static int chain_link(void *arg, void **result)
{
    link_arg *me = arg;
    atomic_fetch_add(&chain_bodies, 1);
    if (me->remaining == 0) {
        if (move_off(me->parent))
            atomic_fetch_add(&ends_moved, 1);
        *result = (void *)(uintptr_t)1;
        return 0;
    }
    link_arg next = {me->remaining - 1, current_thread(), me->seed * 1103515245u + 12345u};
    weft_task *child = weft_spawn(chain_link, &next);
    if (child == NULL)
        stress_fail("spawn chain link", weft_last_error());
    /* Vary when we start waiting: before the child started (it may run
     * inline), after it started elsewhere, or while it is sleeping. */
    switch (next.seed >> 16 & 3) {
    case 0: break;
    case 1: weft_yield(); break;
    case 2: weft_sleep(0.00005); break;
    default: weft_yield(); weft_yield(); break;
    }
    void *value = NULL;
    int code = weft_await(child, &value);
    weft_task_release(child);
    if (code != 0)
        stress_fail("chain link failed", code);
    if ((uintptr_t)value != (uintptr_t)me->remaining)
        stress_fail("chain returned a wrong length", (long long)(uintptr_t)value);
    *result = (void *)((uintptr_t)value + 1);
    return 0;
}

typedef struct gate_arg {
    pthread_t spawner;
    atomic_int *registered; /* fan tasks that are about to await */
} gate_arg;

static int gate(void *arg, void **result)
{
    gate_arg *g = arg;
    atomic_fetch_add(&gate_bodies, 1);
    /* Let the waiters register, then finish from another thread if we can. */
    for (int i = 0; i < 1000 && atomic_load(g->registered) < FAN; i++)
        weft_sleep(0.00002);
    if (move_off(g->spawner))
        atomic_fetch_add(&gates_moved, 1);
    *result = (void *)(uintptr_t)0xFA;
    return 0;
}

typedef struct fan_arg {
    weft_task *gate;
    atomic_int *registered;
} fan_arg;

static int fan_waiter(void *arg, void **result)
{
    fan_arg *f = arg;
    atomic_fetch_add(&fan_bodies, 1);
    atomic_fetch_add(f->registered, 1);
    void *value = NULL;
    int code = weft_await(f->gate, &value);
    if (code != 0 || value != (void *)(uintptr_t)0xFA)
        stress_fail("fan waiter got a wrong outcome", code);
    *result = (void *)(uintptr_t)2;
    return 0;
}

static int wakeup_main(void *arg, void **result)
{
    (void)arg;
    (void)result;
    for (int r = 0; r < rounds; r++) {
        stress_round_begin(r);
        int chains_before = atomic_load(&chain_bodies);

        link_arg heads[CHAINS];
        weft_task *chains[CHAINS];
        for (int c = 0; c < CHAINS; c++) {
            heads[c] = (link_arg){CHAIN - 1, current_thread(), (unsigned)(r * CHAINS + c)};
            chains[c] = weft_spawn(chain_link, &heads[c]);
            if (chains[c] == NULL)
                stress_fail("spawn chain", weft_last_error());
        }

        atomic_int registered = 0;
        gate_arg g = {current_thread(), &registered};
        weft_task *gate_task = weft_spawn(gate, &g);
        if (gate_task == NULL)
            stress_fail("spawn gate", weft_last_error());
        fan_arg f = {gate_task, &registered};
        weft_task *fans[FAN];
        for (int i = 0; i < FAN; i++) {
            fans[i] = weft_spawn(fan_waiter, &f);
            if (fans[i] == NULL)
                stress_fail("spawn fan waiter", weft_last_error());
        }

        for (int i = 0; i < FAN; i++) {
            void *value = NULL;
            int code = weft_await(fans[i], &value);
            if (code != 0 || value != (void *)(uintptr_t)2)
                stress_fail("fan waiter failed", code);
            weft_task_release(fans[i]);
        }
        void *value = NULL;
        if (weft_await(gate_task, &value) != 0 || value != (void *)(uintptr_t)0xFA)
            stress_fail("gate failed", 0);
        weft_task_release(gate_task);
        for (int c = 0; c < CHAINS; c++) {
            value = NULL;
            int code = weft_await(chains[c], &value);
            if (code != 0 || (uintptr_t)value != CHAIN)
                stress_fail("chain failed", code);
            weft_task_release(chains[c]);
        }
        if (atomic_load(&chain_bodies) - chains_before != CHAINS * CHAIN)
            stress_fail("chain bodies lost or doubled", atomic_load(&chain_bodies) - chains_before);
    }
    return 0;
}

int main(int argc, char **argv)
{
    rounds = (int)stress_arg(argc, argv, 1, "rounds", DEFAULT_ROUNDS, 1, 1000000);
    weft_config config;
    weft_config_init(&config);
    config.workers = stress_workers(DEFAULT_WORKERS);
    /* A lost wake-up is a hang: a round over the limit fails with its number. */
    stress_watchdog_start((stress_watchdog_settings){
        .round_limit_s = ROUND_LIMIT_S, .suspect = "lost wake-up?", .progress = progress});
    long long start = stress_now_ns();
    int code = weft_run_with(&config, weft_coro_new(wakeup_main, NULL), NULL);
    stress_watchdog_stop();
    if (code != 0)
        stress_fail("weft_run_with failed", code);
    if (atomic_load(&chain_bodies) != rounds * CHAINS * CHAIN ||
        atomic_load(&fan_bodies) != rounds * FAN || atomic_load(&gate_bodies) != rounds)
        stress_fail("bodies lost or doubled", atomic_load(&chain_bodies));
    printf("stress_wakeup: %u workers, %d rounds in %.1f s: %d chain links (%d chain ends and %d "
           "of %d gates completed on another thread), %d fan-in waiters\n",
           config.workers, rounds, (stress_now_ns() - start) / 1e9, atomic_load(&chain_bodies),
           atomic_load(&ends_moved), atomic_load(&gates_moved), rounds,
           atomic_load(&fan_bodies));
    if (config.workers > 1 && atomic_load(&ends_moved) + atomic_load(&gates_moved) == 0)
        stress_fail("nothing ever completed on another thread", 0);
    return stress_pass();
}
