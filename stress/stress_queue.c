/* Bounded weft_queue across workers under ThreadSanitizer: in every round,
 * PRODUCERS producer tasks and one plain producer thread (put_blocking) feed
 * a queue of QUEUE_SIZE slots, CONSUMERS consumer tasks and one plain
 * consumer thread (get_blocking with a short timeout, so timed-out thread
 * waiters come and go) drain it, and a chaos task cancels random producers
 * and consumers while they wait; then the main task puts one item at a
 * time, cancels a consumer right after each put (the consumer then ends and
 * is replaced), and joins after each item. A cancelled put or get must add or remove
 * nothing: the task swallows the cancel and tries again. Checked: every item
 * is delivered exactly once; join() returns only once every item was
 * marked done; the queue ends empty; sentinels stop every consumer. A
 * watchdog fails a round that takes more than ROUND_LIMIT_S (a lost
 * wake-up is a hang).
 * Usage: stress_queue [rounds [items_per_producer]]   (STRESS_WORKERS: 4) */
#include "weft.h"

#define STRESS_PROGRAM "stress_queue"
#include "stress.h"

enum { DEFAULT_ROUNDS = 10, DEFAULT_ITEMS = 1500, PRODUCERS = 6, CONSUMERS = 6, QUEUE_SIZE = 16,
       BURSTS = 300, BURST_SIZE = 1, DEFAULT_WORKERS = 4, ROUND_LIMIT_S = 30,
       /* bounds of the arguments: item ids and counts stay well inside int */
       MAX_ROUNDS = 1000000, MAX_ITEMS = 10000000 };

static int rounds = DEFAULT_ROUNDS;
static int items_per_producer = DEFAULT_ITEMS;
static int stream_items; /* phase 1: (PRODUCERS + 1) * items_per_producer */
static int total_items;  /* per round: stream_items + BURSTS * BURST_SIZE */
static atomic_int *seen; /* per item id: deliveries this round */
static atomic_int delivered, cancels_taken, thread_timeouts;
static atomic_bool thread_polls; /* the consumer thread uses short timeouts */
static atomic_bool quit_on_cancel; /* consumer tasks end when cancelled */
static atomic_int sentinels_taken;
/* Tasks whose body has begun: chaos waits for all of them, since a task
 * cancelled before its first step never runs its body at all (S3). */
static atomic_int started;
static weft_queue *queue;

#define SENTINEL ((void *)(intptr_t)-1)

/* Where a hung round stood (the watchdog prints it). */
static void progress(FILE *out)
{
    fprintf(out, "%d of %d items delivered, qsize %zu", atomic_load(&delivered), total_items,
            weft_queue_qsize(queue));
}

/* A lost wake-up is a hang: a round over the limit fails with its number and
 * where it stood. */
static const stress_watchdog_settings watchdog = {
    .round_limit_s = ROUND_LIMIT_S, .suspect = "lost wake-up?", .progress = progress};

static void record(void *item)
{
    intptr_t id = (intptr_t)item;
    if (id < 1 || id > total_items)
        stress_fail("an item that was never put", (long long)id);
    if (atomic_fetch_add(&seen[id - 1], 1) != 0)
        stress_fail("an item delivered twice", (long long)id);
    atomic_fetch_add(&delivered, 1);
}

/* What a consumer (task or thread) does with an item it got: accounts for
 * it and marks it done. Returns true for a sentinel: the consumer stops. */
static bool consume(void *item)
{
    if (item != SENTINEL)
        record(item);
    if (weft_queue_task_done(queue) != 0)
        stress_fail("task_done failed", weft_last_error());
    if (item != SENTINEL)
        return false;
    atomic_fetch_add(&sentinels_taken, 1);
    return true;
}

/* Item ids: producer p (0..PRODUCERS, the thread being PRODUCERS) puts
 * p * items_per_producer + 1 ... (p + 1) * items_per_producer. */
static int producer(void *arg, void **result)
{
    (void)result;
    atomic_fetch_add(&started, 1);
    intptr_t base = (intptr_t)arg * items_per_producer;
    for (int i = 1; i <= items_per_producer; i++) {
        int code;
        while ((code = weft_queue_put(queue, (void *)(base + i))) == WEFT_ECANCELLED) {
            atomic_fetch_add(&cancels_taken, 1);
            weft_task_uncancel(weft_current_task());
        }
        if (code != 0)
            stress_fail("put failed", code);
        if (i % 64 == 0 && weft_yield() == WEFT_ECANCELLED) {
            atomic_fetch_add(&cancels_taken, 1);
            weft_task_uncancel(weft_current_task());
        }
    }
    return 0;
}

static int consumer(void *arg, void **result)
{
    (void)arg;
    (void)result;
    atomic_fetch_add(&started, 1);
    for (;;) {
        void *item = NULL;
        int code = weft_queue_get(queue, &item);
        if (code == WEFT_ECANCELLED) {
            atomic_fetch_add(&cancels_taken, 1);
            if (atomic_load(&quit_on_cancel))
                return code; /* phase 2: leave, as most asyncio consumers do */
            weft_task_uncancel(weft_current_task());
            continue;
        }
        if (code != 0)
            stress_fail("get failed", code);
        if (consume(item))
            return 0;
    }
}

static void *thread_producer(void *arg)
{
    (void)arg;
    intptr_t base = (intptr_t)PRODUCERS * items_per_producer;
    for (int i = 1; i <= items_per_producer; i++) {
        int code = weft_queue_put_blocking(queue, (void *)(base + i), -1);
        if (code != 0)
            stress_fail("put_blocking failed", code);
    }
    return NULL;
}

static void *thread_consumer(void *arg)
{
    (void)arg;
    for (;;) {
        void *item = NULL;
        int code = weft_queue_get_blocking(queue, &item, atomic_load(&thread_polls) ? 0.0005 : -1);
        if (code == WEFT_ETIMEDOUT) {
            atomic_fetch_add(&thread_timeouts, 1);
            continue;
        }
        if (code != 0)
            stress_fail("get_blocking failed", code);
        if (consume(item))
            return NULL;
    }
}

static void queue_round(int r)
{
    atomic_store(&delivered, 0);
    atomic_store(&started, 0);
    atomic_store(&thread_polls, true);
    atomic_store(&sentinels_taken, 0);
    for (int i = 0; i < total_items; i++)
        atomic_store(&seen[i], 0);

    pthread_t thread_in, thread_out;
    if (pthread_create(&thread_in, NULL, thread_producer, NULL) != 0 ||
        pthread_create(&thread_out, NULL, thread_consumer, NULL) != 0)
        stress_fail("pthread_create", 0);
    weft_task *tasks[PRODUCERS + CONSUMERS];
    for (int p = 0; p < PRODUCERS; p++)
        if ((tasks[p] = weft_spawn(producer, (void *)(intptr_t)p)) == NULL)
            stress_fail("spawn producer", weft_last_error());
    for (int c = 0; c < CONSUMERS; c++)
        if ((tasks[PRODUCERS + c] = weft_spawn(consumer, NULL)) == NULL)
            stress_fail("spawn consumer", weft_last_error());
    stress_chaos chaos = {.targets = tasks, .count = PRODUCERS + CONSUMERS,
                          .seed = (unsigned)r * 7919u + 1, .period_s = 0.0002,
                          .started = &started};
    stress_chaos_start(&chaos);

    for (int p = 0; p < PRODUCERS; p++) {
        int code = weft_await(tasks[p], NULL);
        /* A cancel that arrived after the last put ends it cancelled:
         * its items were all put (checked below). */
        if (code != 0 && code != WEFT_ECANCELLED)
            stress_fail("producer failed", code);
    }
    /* The thread producer is done once it returns; join waits for the
     * consumers to have handled every item. */
    pthread_join(thread_in, NULL);
    int code;
    while ((code = weft_queue_join(queue)) == WEFT_ECANCELLED)
        weft_task_uncancel(weft_current_task());
    if (code != 0)
        stress_fail("join failed", code);
    if (atomic_load(&delivered) != stream_items)
        stress_fail("join returned before every item was delivered", atomic_load(&delivered));

    stress_chaos_stop(&chaos);

    /* Phase 2: one item at a time into an idle queue, then a consumer
     * cancelled (often the one the put just woke, before it ran); a
     * cancelled consumer task ends. Its wake-up must pass to the next
     * waiter: lost, the item stays queued with every consumer asleep,
     * join hangs and the watchdog fails the round. Ended consumers are
     * replaced between items. */
    atomic_store(&thread_polls, false);
    atomic_store(&quit_on_cancel, true);
    int next_id = stream_items;
    for (int b = 0; b < BURSTS; b++) {
        for (int k = 0; k < BURST_SIZE; k++) {
            if ((code = weft_queue_put_nowait(queue, (void *)(intptr_t)++next_id)) != 0)
                stress_fail("burst put failed", code);
            stress_cancel_random(tasks + PRODUCERS, CONSUMERS, &chaos.seed, "burst");
        }
        if ((code = weft_queue_join(queue)) != 0)
            stress_fail("burst join failed", code);
        if (atomic_load(&delivered) != next_id)
            stress_fail("burst join returned early", atomic_load(&delivered));
        stress_respawn_done(tasks + PRODUCERS, CONSUMERS, consumer, NULL, "respawn consumer");
    }
    atomic_store(&quit_on_cancel, false);
    for (int c = 0; c < CONSUMERS + 1; c++)
        if ((code = weft_queue_put(queue, SENTINEL)) != 0)
            stress_fail("sentinel put failed", code);
    for (int c = 0; c < CONSUMERS; c++) {
        code = weft_await(tasks[PRODUCERS + c], NULL);
        if (code != 0 && code != WEFT_ECANCELLED)
            stress_fail("consumer failed", code);
    }
    pthread_join(thread_out, NULL);
    for (int t = 0; t < PRODUCERS + CONSUMERS; t++)
        weft_task_release(tasks[t]);
    /* A consumer cancelled in the last moments of phase 2 may have
     * ended without its sentinel: fresh consumers take what is left. */
    while (atomic_load(&sentinels_taken) < CONSUMERS + 1) {
        weft_task *extra = weft_spawn(consumer, NULL);
        if (extra == NULL || weft_await(extra, NULL) != 0)
            stress_fail("extra consumer failed", weft_last_error());
        weft_task_release(extra);
    }
    if ((code = weft_queue_join(queue)) != 0)
        stress_fail("final join failed", code);
    if (weft_queue_qsize(queue) != 0)
        stress_fail("queue not empty at the end of a round",
                    (long long)weft_queue_qsize(queue));
    for (int i = 0; i < total_items; i++)
        if (atomic_load(&seen[i]) != 1)
            stress_fail("item not delivered exactly once", i + 1);
}

int main(int argc, char **argv)
{
    rounds = (int)stress_arg(argc, argv, 1, "rounds", DEFAULT_ROUNDS, 1, MAX_ROUNDS);
    items_per_producer = (int)stress_arg(argc, argv, 2, "items_per_producer", DEFAULT_ITEMS, 1,
                                         MAX_ITEMS);
    weft_config config = stress_config(DEFAULT_WORKERS);
    stream_items = (PRODUCERS + 1) * items_per_producer;
    total_items = stream_items + BURSTS * BURST_SIZE;
    seen = calloc((size_t)total_items, sizeof *seen);
    if (seen == NULL)
        stress_fail("out of memory", 0);
    if (weft_queue_new(QUEUE_SIZE, WEFT_QUEUE_FIFO, NULL, &queue) != 0)
        stress_fail("weft_queue_new", weft_last_error());
    double seconds = stress_run_rounds(&config, rounds, queue_round, watchdog);
    if (weft_queue_free(queue) != 0)
        stress_fail("weft_queue_free refused", weft_last_error());
    free(seen);
    printf("stress_queue: %u workers, %d rounds in %.1f s: %d items each through a queue of %d "
           "(%d producer and %d consumer tasks, a producer and a consumer thread); %d cancels "
           "taken, %d thread get timeouts\n",
           config.workers, rounds, seconds, total_items, QUEUE_SIZE,
           PRODUCERS, CONSUMERS, atomic_load(&cancels_taken), atomic_load(&thread_timeouts));
    if (atomic_load(&cancels_taken) == 0)
        stress_fail("no cancel ever hit a waiting put or get", 0);
    return stress_pass();
}
