/* Linearizability stress of the Chase-Lev deque (src/deque.c), meant to run
 * under ThreadSanitizer.
 *
 * One owner thread pushes N items in bursts, mixing take (LIFO) and
 * take_oldest (FIFO) while pushing; three thieves steal continuously,
 * retrying on WEFT_DEQUE_ABORT. The run is split into rounds, each on a fresh
 * deque of capacity 16, so the buffer grows many times while thieves steal.
 * At the end of each round the owner drains the deque against the thieves
 * (the last-item race); a round's deque is destroyed only once every thief
 * has acknowledged the next round.
 *
 * Checks:
 *  - every item is taken exactly once (per-item atomic counter == 1) and
 *    the totals add up to N;
 *  - each thief's steals, and the owner's take_oldest results, come in
 *    increasing push order (both take from the top);
 *  - the owner's take returns exactly the newest item it has not yet seen
 *    removed (a private model of its own pushes), or NULL only when the
 *    deque is empty;
 *  - items are pointers to plain (non-atomic) records written before the
 *    push and read/written by whoever takes them, so a missing
 *    release/acquire, or an item taken twice, is a ThreadSanitizer data race.
 * Every check runs to the end of the run (the first 20 failures are
 * printed), then the verdict: `1 passed, 0 failed` (exit 0), or what failed
 * (exit 1); a ThreadSanitizer report fails the run too, and a watchdog fails
 * it after 120 s. Options: [N] [seed]. */
#include <inttypes.h>
#include <sched.h>

#include "deque.h"

#define STRESS_PROGRAM "stress_deque"
#include "stress.h"

#define THIEVES 3
#define DEFAULT_ITEMS 2000000
#define ROUND_ITEMS 50000 /* items per round (fresh deque of capacity 16) */
#define LIMIT_S 120

typedef struct item {
    int64_t id;     /* written by the owner before the push */
    int64_t taker;  /* written by whoever takes it: 0 owner, 1.. thief */
} item;

static item *items;
static _Atomic(uint8_t) *counts;
static int64_t total_items;

static weft_deque deques[2];         /* round r uses deques[r & 1] */
static atomic_int_fast64_t round_no; /* published with release after init */
static atomic_int_fast64_t acked[THIEVES]; /* round each thief is now in */
static atomic_bool done;

typedef struct thief_stats {
    int64_t stolen, aborts, empties;
    int64_t order_errors;
} thief_stats;
static thief_stats thief_result[THIEVES];

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* A broken check: noted (the run goes on), judged by stress_pass(). */
static void fail(const char *what, int64_t a, int64_t b)
{
    stress_note_failure("%s (%" PRId64 ", %" PRId64 ")", what, a, b);
}

static void progress(FILE *out)
{
    fprintf(out, "round %" PRId64 " of %" PRId64 " started",
            (int64_t)atomic_load_explicit(&round_no, memory_order_relaxed),
            (total_items + ROUND_ITEMS - 1) / ROUND_ITEMS);
}

/* Record that `who` took item p; returns its id. */
static int64_t claim(void *p, int64_t who)
{
    item *it = p;
    if (it < items || it >= items + total_items) {
        fail("taken pointer is not an item", (int64_t)(intptr_t)p, who);
        return -1;
    }
    int64_t id = it->id; /* plain read: needs the push's release */
    if (id != it - items)
        fail("item record corrupt (id, index)", id, it - items);
    it->taker = who; /* plain write: two takers race here */
    atomic_fetch_add_explicit(&counts[it - items], 1, memory_order_relaxed);
    return id;
}

static void *thief_main(void *arg)
{
    int index = (int)(intptr_t)arg;
    thief_stats *st = &thief_result[index];
    int64_t last = -1;
    int64_t r = atomic_load_explicit(&round_no, memory_order_acquire);
    atomic_store_explicit(&acked[index], r, memory_order_release);
    unsigned idle = 0;
    for (;;) {
        void *p = weft_deque_steal(&deques[r & 1]);
        if (p == WEFT_DEQUE_ABORT) {
            st->aborts++;
            continue;
        }
        if (p != NULL) {
            int64_t id = claim(p, index + 1);
            if (id <= last) {
                st->order_errors++;
                fail("thief stole out of push order (previous, now)", last, id);
            }
            last = id;
            st->stolen++;
            idle = 0;
            continue;
        }
        st->empties++;
        if (atomic_load_explicit(&done, memory_order_acquire))
            break;
        int64_t now = atomic_load_explicit(&round_no, memory_order_acquire);
        if (now != r) {
            r = now;
            /* Everything done on the old deque happens before this store. */
            atomic_store_explicit(&acked[index], r, memory_order_release);
        }
        /* Two cores, four threads: let the owner run when there is nothing. */
        if (++idle % 32 == 0)
            sched_yield();
    }
    return NULL;
}

/* The owner's view of its deque: the ids it pushed and has not seen
 * removed, oldest first; thieves remove from the front only. */
typedef struct model {
    int64_t *ids;
    int64_t head, tail;
} model;

typedef struct owner_stats {
    int64_t taken, oldest, growths, max_size;
} owner_stats;

static void owner_take(weft_deque *d, model *m, owner_stats *st)
{
    void *p = weft_deque_take(d);
    if (p == NULL) {
        /* Empty: the thieves took everything the model still held. */
        m->head = m->tail = 0;
        return;
    }
    int64_t id = claim(p, 0);
    if (m->head >= m->tail || id != m->ids[m->tail - 1])
        fail("take did not return the newest item (got, expected)", id,
             m->head < m->tail ? m->ids[m->tail - 1] : -1);
    else
        m->tail--;
    st->taken++;
}

static void owner_take_oldest(weft_deque *d, model *m, owner_stats *st, int64_t *last_oldest)
{
    void *p = weft_deque_take_oldest(d);
    if (p == NULL) {
        m->head = m->tail = 0;
        return;
    }
    int64_t id = claim(p, 0);
    if (id <= *last_oldest)
        fail("take_oldest out of push order (previous, now)", *last_oldest, id);
    *last_oldest = id;
    /* Thieves may have taken the ones before it. */
    while (m->head < m->tail && m->ids[m->head] != id)
        m->head++;
    if (m->head == m->tail)
        fail("take_oldest returned an item not in the deque", id, -1);
    else
        m->head++;
    st->oldest++;
}

static int64_t retired_count(weft_deque *d)
{
    int64_t n = 0;
    for (weft_deque_buffer *b = d->retired; b != NULL; b = b->retired_next)
        n++;
    return n;
}

static void wait_for_thieves(int64_t r)
{
    for (int i = 0; i < THIEVES; i++)
        while (atomic_load_explicit(&acked[i], memory_order_acquire) < r)
            sched_yield();
}

static void owner_run(uint64_t seed, owner_stats *st)
{
    uint64_t rng = seed;
    model m = {malloc(sizeof(int64_t) * ROUND_ITEMS), 0, 0};
    if (m.ids == NULL) {
        fail("out of memory", 0, 0);
        return;
    }
    int64_t last_oldest = -1;
    int64_t next = 0;
    for (int64_t r = 0; next < total_items; r++) {
        weft_deque *d = &deques[r & 1];
        if (r >= 1) { /* round 0's deque was made before the thieves started */
            if (r >= 2) {
                /* Nobody is on round r-2's deque once all have acked r-1. */
                wait_for_thieves(r - 1);
                st->growths += retired_count(d);
                weft_deque_destroy(d);
            }
            if (weft_deque_init(d, 16) != 0) {
                fail("weft_deque_init failed", r, 0);
                break;
            }
            atomic_store_explicit(&round_no, r, memory_order_release);
        }
        m.head = m.tail = 0;
        int64_t end = next + ROUND_ITEMS < total_items ? next + ROUND_ITEMS : total_items;
        while (next < end) {
            uint64_t kind = xorshift(&rng) % 100;
            if (kind < 30) {
                /* A few items, then take them back to empty: the owner's
                 * take races the thieves for the last ones. */
                int64_t few = 1 + (int64_t)(xorshift(&rng) % 3);
                if (few > end - next)
                    few = end - next;
                for (int64_t k = 0; k < few; k++) {
                    items[next].id = next;
                    items[next].taker = -1;
                    if (weft_deque_push(d, &items[next]) != 0) {
                        fail("weft_deque_push failed", next, 0);
                        return;
                    }
                    if (m.head == m.tail)
                        m.head = m.tail = 0;
                    m.ids[m.tail++] = next++;
                }
                int64_t before;
                do {
                    before = st->taken;
                    owner_take(d, &m, st);
                } while (st->taken != before);
                continue;
            }
            /* A burst: mostly short, sometimes long enough to force growth. */
            int64_t burst = kind < 75 ? 1 + (int64_t)(xorshift(&rng) % 32)
                          : kind < 95 ? 1 + (int64_t)(xorshift(&rng) % 1024)
                                      : 1 + (int64_t)(xorshift(&rng) % 16384);
            if (burst > end - next)
                burst = end - next;
            for (int64_t k = 0; k < burst; k++) {
                items[next].id = next;
                items[next].taker = -1;
                if (weft_deque_push(d, &items[next]) != 0) {
                    fail("weft_deque_push failed", next, 0);
                    return;
                }
                if (m.head == m.tail)
                    m.head = m.tail = 0;
                m.ids[m.tail++] = next++;
                /* Occasionally take while pushing. */
                uint64_t x = xorshift(&rng) % 16;
                if (x == 0)
                    owner_take(d, &m, st);
                else if (x == 1)
                    owner_take_oldest(d, &m, st, &last_oldest);
            }
            int64_t size = weft_deque_size(d);
            if (size > st->max_size)
                st->max_size = size;
            /* After the burst, take back up to half of it, mixing both ends. */
            int64_t removals = (int64_t)(xorshift(&rng) % (uint64_t)(burst / 2 + 1));
            for (int64_t k = 0; k < removals; k++) {
                if (xorshift(&rng) % 4 == 0)
                    owner_take_oldest(d, &m, st, &last_oldest);
                else
                    owner_take(d, &m, st);
            }
        }
        /* End of round: drain against the thieves, from both ends. */
        for (;;) {
            int64_t before = st->taken + st->oldest;
            if (xorshift(&rng) % 2)
                owner_take(d, &m, st);
            else
                owner_take_oldest(d, &m, st, &last_oldest);
            if (st->taken + st->oldest == before)
                break; /* NULL: empty, and nothing more is pushed this round */
        }
        if (weft_deque_size(d) != 0)
            fail("deque not empty after the owner's take returned NULL", weft_deque_size(d), r);
    }
    free(m.ids);
}

int main(int argc, char **argv)
{
    total_items = stress_arg(argc, argv, 1, "items", DEFAULT_ITEMS, 1, INT32_MAX);
    uint64_t seed = (uint64_t)stress_arg(argc, argv, 2, "seed", 0x5eed5eedLL, 1, INT64_MAX);
    items = calloc((size_t)total_items, sizeof(item));
    counts = calloc((size_t)total_items, sizeof(*counts));
    if (items == NULL || counts == NULL)
        stress_fail("out of memory for the items", total_items);
    for (int i = 0; i < THIEVES; i++)
        atomic_init(&acked[i], -1);
    atomic_init(&round_no, 0);
    /* Round 0's deque exists before the thieves start. */
    if (weft_deque_init(&deques[0], 16) != 0)
        stress_fail("out of memory for the first deque", 0);
    /* A hang (an owner or a thief spinning on a state that never comes)
     * fails the run instead of blocking make check. */
    stress_watchdog_start((stress_watchdog_settings){
        .run_limit_s = LIMIT_S, .suspect = "owner or thief stuck?", .progress = progress});
    long long t0 = stress_now_ns();
    pthread_t threads[THIEVES];
    for (int i = 0; i < THIEVES; i++)
        if (pthread_create(&threads[i], NULL, thief_main, (void *)(intptr_t)i) != 0)
            stress_fail("pthread_create", i);
    owner_stats st = {0, 0, 0, 0};
    owner_run(seed, &st);
    atomic_store_explicit(&done, true, memory_order_release);
    for (int i = 0; i < THIEVES; i++)
        pthread_join(threads[i], NULL);
    long long t1 = stress_now_ns();
    stress_watchdog_stop();
    int64_t rounds = (total_items + ROUND_ITEMS - 1) / ROUND_ITEMS;
    for (int64_t r = rounds - 2; r < rounds; r++)
        if (r >= 0) {
            st.growths += retired_count(&deques[r & 1]);
            weft_deque_destroy(&deques[r & 1]);
        }

    /* Every item exactly once; totals add up. */
    int64_t missing = 0, duplicated = 0;
    for (int64_t i = 0; i < total_items; i++) {
        uint8_t c = atomic_load_explicit(&counts[i], memory_order_relaxed);
        if (c == 0) {
            if (missing++ < 5)
                fail("item never taken (item, count)", i, c);
        } else if (c > 1) {
            if (duplicated++ < 5)
                fail("item taken more than once (item, count)", i, c);
        }
    }
    int64_t stolen = 0, aborts = 0;
    for (int i = 0; i < THIEVES; i++) {
        stolen += thief_result[i].stolen;
        aborts += thief_result[i].aborts;
    }
    int64_t sum = st.taken + st.oldest + stolen;
    if (sum != total_items)
        fail("owner + thieves != items (sum, items)", sum, total_items);

    printf("stress_deque: %" PRId64 " items, %" PRId64 " rounds, seed %" PRIu64 ", %.2f s\n",
           total_items, rounds, seed, (t1 - t0) / 1e9);
    printf("  owner: take %" PRId64 ", take_oldest %" PRId64 ", growths %" PRId64
           ", max size %" PRId64 "\n", st.taken, st.oldest, st.growths, st.max_size);
    for (int i = 0; i < THIEVES; i++)
        printf("  thief %d: stolen %" PRId64 ", aborts %" PRId64 ", empty %" PRId64 "\n", i + 1,
               thief_result[i].stolen, thief_result[i].aborts, thief_result[i].empties);
    printf("  total: %" PRId64 " (missing %" PRId64 ", duplicated %" PRId64 "), aborts %" PRId64
           "\n", sum, missing, duplicated, aborts);
    free(items);
    free((void *)counts);
    return stress_pass();
}
