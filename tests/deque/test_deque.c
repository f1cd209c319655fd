/* The Chase-Lev deque (src/deque.c) on its own, single-threaded: empty
 * results, LIFO take, FIFO take_oldest and steal, growth by doubling with
 * every item kept in order, random operation sequences checked against an
 * array model, exact size(), capacity rounding, and destroy freeing the
 * retired buffers (checked by LeakSanitizer when built with ASan).
 * The concurrent behaviour is checked by stress/stress_deque.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "deque.h"

/* Items are non-NULL pointers that are never WEFT_DEQUE_ABORT ((void *)1). */
#define ITEM(i) ((void *)(uintptr_t)((uint64_t)(i) + 2))
#define INDEX(p) ((int64_t)(uintptr_t)(p) - 2)

/* LeakSanitizer's explicit check, present only in sanitized builds: 0 when
 * nothing leaked (or when there is no LeakSanitizer). */
#if defined(__GNUC__)
int __lsan_do_recoverable_leak_check(void) __attribute__((weak));
static int leak_check(void)
{
    return __lsan_do_recoverable_leak_check != NULL ? __lsan_do_recoverable_leak_check() : 0;
}
#else
static int leak_check(void) { return 0; }
#endif

static int64_t capacity_of(weft_deque *deque)
{
    return atomic_load_explicit(&deque->buffer, memory_order_relaxed)->capacity;
}

static int64_t retired_count(weft_deque *deque)
{
    int64_t count = 0;
    for (weft_deque_buffer *b = deque->retired; b != NULL; b = b->retired_next)
        count++;
    return count;
}

static void empty_returns_null(void **state)
{
    (void)state;
    weft_deque deque;
    assert_int_equal(weft_deque_init(&deque, 16), 0);
    assert_int_equal(weft_deque_size(&deque), 0);
    assert_null(weft_deque_take(&deque));
    assert_null(weft_deque_take_oldest(&deque));
    assert_null(weft_deque_steal(&deque));
    /* The failed take must leave the deque consistent (bottom restored). */
    assert_int_equal(weft_deque_size(&deque), 0);
    assert_int_equal(weft_deque_push(&deque, ITEM(7)), 0);
    assert_int_equal(weft_deque_size(&deque), 1);
    assert_ptr_equal(weft_deque_take(&deque), ITEM(7));
    /* Emptied by take (last-item CAS), by take_oldest and by steal: still empty. */
    assert_null(weft_deque_take(&deque));
    assert_null(weft_deque_steal(&deque));
    assert_int_equal(weft_deque_push(&deque, ITEM(8)), 0);
    assert_ptr_equal(weft_deque_take_oldest(&deque), ITEM(8));
    assert_null(weft_deque_take(&deque));
    assert_null(weft_deque_take_oldest(&deque));
    assert_int_equal(weft_deque_push(&deque, ITEM(9)), 0);
    assert_ptr_equal(weft_deque_steal(&deque), ITEM(9));
    assert_null(weft_deque_steal(&deque));
    assert_null(weft_deque_take(&deque));
    assert_int_equal(weft_deque_size(&deque), 0);
    weft_deque_destroy(&deque);
}

static void push_take_is_lifo(void **state)
{
    (void)state;
    weft_deque deque;
    assert_int_equal(weft_deque_init(&deque, 16), 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(weft_deque_push(&deque, ITEM(i)), 0);
    for (int i = 9; i >= 0; i--) {
        assert_ptr_equal(weft_deque_take(&deque), ITEM(i));
        assert_int_equal(weft_deque_size(&deque), i);
    }
    assert_null(weft_deque_take(&deque));
    weft_deque_destroy(&deque);
}

static void take_oldest_and_steal_are_fifo(void **state)
{
    (void)state;
    weft_deque deque;
    assert_int_equal(weft_deque_init(&deque, 16), 0);
    for (int i = 0; i < 12; i++)
        assert_int_equal(weft_deque_push(&deque, ITEM(i)), 0);
    for (int i = 0; i < 12; i++) {
        void *item = (i % 2 == 0) ? weft_deque_take_oldest(&deque) : weft_deque_steal(&deque);
        assert_ptr_equal(item, ITEM(i));
        assert_int_equal(weft_deque_size(&deque), 11 - i);
    }
    assert_null(weft_deque_steal(&deque));
    assert_null(weft_deque_take_oldest(&deque));
    weft_deque_destroy(&deque);
}

/* Both ends at once: take from the bottom, steal from the top. */
static void both_ends_meet(void **state)
{
    (void)state;
    weft_deque deque;
    assert_int_equal(weft_deque_init(&deque, 16), 0);
    for (int i = 0; i < 9; i++)
        assert_int_equal(weft_deque_push(&deque, ITEM(i)), 0);
    int low = 0, high = 8;
    while (low <= high) {
        assert_ptr_equal(weft_deque_steal(&deque), ITEM(low));
        low++;
        if (low > high)
            break;
        assert_ptr_equal(weft_deque_take(&deque), ITEM(high));
        high--;
    }
    assert_null(weft_deque_take(&deque));
    assert_null(weft_deque_steal(&deque));
    weft_deque_destroy(&deque);
}

/* Indices run far past the capacity without growth: the slot mask wraps. */
static void wraparound_without_growth(void **state)
{
    (void)state;
    weft_deque deque;
    assert_int_equal(weft_deque_init(&deque, 16), 0);
    int64_t next = 0, oldest = 0;
    for (int round = 0; round < 1000; round++) {
        while (next - oldest < 16)
            assert_int_equal(weft_deque_push(&deque, ITEM(next++)), 0);
        assert_int_equal(weft_deque_size(&deque), 16);
        for (int k = 0; k < 5; k++)
            assert_ptr_equal(weft_deque_take_oldest(&deque), ITEM(oldest++));
    }
    assert_int_equal(capacity_of(&deque), 16);
    assert_null(deque.retired);
    while (oldest < next)
        assert_ptr_equal(weft_deque_steal(&deque), ITEM(oldest++));
    assert_null(weft_deque_steal(&deque));
    weft_deque_destroy(&deque);
}

#define MANY 100000

static void growth_keeps_lifo_order(void **state)
{
    (void)state;
    weft_deque deque;
    assert_int_equal(weft_deque_init(&deque, 16), 0);
    for (int64_t i = 0; i < MANY; i++) {
        assert_int_equal(weft_deque_push(&deque, ITEM(i)), 0);
        assert_int_equal(weft_deque_size(&deque), i + 1);
    }
    /* 16 -> 131072: 13 doublings, each retiring the previous buffer. */
    assert_int_equal(capacity_of(&deque), 131072);
    assert_int_equal(retired_count(&deque), 13);
    for (int64_t i = MANY - 1; i >= 0; i--)
        assert_ptr_equal(weft_deque_take(&deque), ITEM(i));
    assert_null(weft_deque_take(&deque));
    assert_int_equal(weft_deque_size(&deque), 0);
    weft_deque_destroy(&deque);
}

static void growth_keeps_fifo_order(void **state)
{
    (void)state;
    weft_deque deque;
    assert_int_equal(weft_deque_init(&deque, 16), 0);
    for (int64_t i = 0; i < MANY; i++)
        assert_int_equal(weft_deque_push(&deque, ITEM(i)), 0);
    for (int64_t i = 0; i < MANY; i++) {
        void *item = (i % 3 == 0) ? weft_deque_steal(&deque) : weft_deque_take_oldest(&deque);
        assert_ptr_equal(item, ITEM(i));
    }
    assert_null(weft_deque_steal(&deque));
    assert_null(weft_deque_take(&deque));
    weft_deque_destroy(&deque);
}

/* Growth while the live range does not start at index 0 or slot 0: the copy
 * must move [top, bottom) by index, not by slot. */
static void growth_with_offset_top(void **state)
{
    (void)state;
    weft_deque deque;
    assert_int_equal(weft_deque_init(&deque, 16), 0);
    int64_t next = 0, oldest = 0;
    for (int k = 0; k < 11; k++)
        assert_int_equal(weft_deque_push(&deque, ITEM(next++)), 0);
    for (int k = 0; k < 7; k++)
        assert_ptr_equal(weft_deque_steal(&deque), ITEM(oldest++));
    /* top = 7; fill to 16 live items, wrapping the slots, then grow. */
    while (next - oldest < 16)
        assert_int_equal(weft_deque_push(&deque, ITEM(next++)), 0);
    assert_int_equal(capacity_of(&deque), 16);
    assert_int_equal(weft_deque_push(&deque, ITEM(next++)), 0);
    assert_int_equal(capacity_of(&deque), 32);
    assert_int_equal(weft_deque_size(&deque), 17);
    assert_ptr_equal(weft_deque_take(&deque), ITEM(--next));
    while (oldest < next)
        assert_ptr_equal(weft_deque_take_oldest(&deque), ITEM(oldest++));
    assert_null(weft_deque_take(&deque));
    weft_deque_destroy(&deque);
}

/* Real addresses work as items too. */
static void real_pointers(void **state)
{
    (void)state;
    static int cells[40];
    weft_deque deque;
    assert_int_equal(weft_deque_init(&deque, 0), 0);
    for (int i = 0; i < 40; i++)
        assert_int_equal(weft_deque_push(&deque, &cells[i]), 0);
    assert_ptr_equal(weft_deque_take(&deque), &cells[39]);
    assert_ptr_equal(weft_deque_steal(&deque), &cells[0]);
    assert_ptr_equal(weft_deque_take_oldest(&deque), &cells[1]);
    assert_int_equal(weft_deque_size(&deque), 37);
    for (int i = 38; i >= 2; i--)
        assert_ptr_equal(weft_deque_take(&deque), &cells[i]);
    assert_null(weft_deque_take(&deque));
    weft_deque_destroy(&deque);
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Random push/take/take_oldest/steal against an array model [head, tail). */
#define MODEL_OPS 20000
static void random_sequences_match_model(void **state)
{
    (void)state;
    int64_t *model = malloc(sizeof(int64_t) * MODEL_OPS);
    assert_non_null(model);
    for (uint64_t seed = 1; seed <= 200; seed++) {
        uint64_t rng = seed * 0x9E3779B97F4A7C15ull;
        weft_deque deque;
        int64_t capacity = (int64_t)(xorshift(&rng) % 70); /* 0..69: 16, 32, 64, 128 */
        assert_int_equal(weft_deque_init(&deque, capacity), 0);
        int64_t head = 0, tail = 0, next = 0;
        /* Phases that favour pushing or removing, so the size swings widely. */
        unsigned push_bias = 50;
        for (int op = 0; op < MODEL_OPS; op++) {
            if (op % 500 == 0)
                push_bias = 20 + (unsigned)(xorshift(&rng) % 61); /* 20..80 % */
            unsigned r = (unsigned)(xorshift(&rng) % 100);
            if (r < push_bias) {
                assert_int_equal(weft_deque_push(&deque, ITEM(next)), 0);
                model[tail++] = next++;
            } else {
                void *got;
                int64_t want;
                switch (r % 3) {
                case 0: /* take: newest */
                    got = weft_deque_take(&deque);
                    want = head < tail ? model[--tail] : -1;
                    break;
                case 1: /* take_oldest */
                    got = weft_deque_take_oldest(&deque);
                    want = head < tail ? model[head++] : -1;
                    break;
                default: /* steal: never aborts without contention */
                    got = weft_deque_steal(&deque);
                    want = head < tail ? model[head++] : -1;
                    break;
                }
                if (want < 0)
                    assert_null(got);
                else
                    assert_ptr_equal(got, ITEM(want));
            }
            if (head == tail)
                head = tail = 0;
            assert_int_equal(weft_deque_size(&deque), tail - head);
        }
        int64_t cap = capacity_of(&deque);
        assert_true(cap >= 16 && (cap & (cap - 1)) == 0);
        while (head < tail)
            assert_ptr_equal(weft_deque_take(&deque), ITEM(model[--tail]));
        assert_null(weft_deque_take(&deque));
        assert_null(weft_deque_steal(&deque));
        weft_deque_destroy(&deque);
    }
    free(model);
}

static void init_rounds_capacity(void **state)
{
    (void)state;
    static const struct {
        int64_t asked, got;
    } cases[] = {
        {-5, 16},  {0, 16},     {1, 16},     {15, 16},     {16, 16},   {17, 32},
        {31, 32},  {32, 32},    {33, 64},    {100, 128},   {256, 256}, {1000, 1024},
        {1024, 1024}, {1025, 2048}, {65537, 131072},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        weft_deque deque;
        assert_int_equal(weft_deque_init(&deque, cases[i].asked), 0);
        assert_int_equal(capacity_of(&deque), cases[i].got);
        assert_int_equal(weft_deque_size(&deque), 0);
        assert_null(deque.retired);
        /* Exactly `got` items fit without growing; one more doubles. */
        for (int64_t k = 0; k < cases[i].got; k++)
            assert_int_equal(weft_deque_push(&deque, ITEM(k)), 0);
        assert_int_equal(capacity_of(&deque), cases[i].got);
        assert_null(deque.retired);
        assert_int_equal(weft_deque_push(&deque, ITEM(cases[i].got)), 0);
        assert_int_equal(capacity_of(&deque), 2 * cases[i].got);
        assert_int_equal(retired_count(&deque), 1);
        assert_int_equal(weft_deque_size(&deque), cases[i].got + 1);
        for (int64_t k = 0; k <= cases[i].got; k++)
            assert_ptr_equal(weft_deque_take_oldest(&deque), ITEM(k));
        weft_deque_destroy(&deque);
    }
}

/* destroy frees the current buffer and every retired one. Under ASan,
 * LeakSanitizer checks it here explicitly (and again at exit). */
static void destroy_frees_retired_buffers(void **state)
{
    (void)state;
    assert_int_equal(leak_check(), 0);
    for (int round = 0; round < 4; round++) {
        weft_deque deque;
        assert_int_equal(weft_deque_init(&deque, 16), 0);
        for (int64_t i = 0; i < 5000; i++)
            assert_int_equal(weft_deque_push(&deque, ITEM(i)), 0);
        assert_int_equal(retired_count(&deque), 9); /* 16 -> 8192 */
        /* Destroy with items still inside (round 0) or after draining. */
        if (round > 0)
            while (weft_deque_take(&deque) != NULL) {
            }
        weft_deque_destroy(&deque);
    }
    assert_int_equal(leak_check(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_returns_null),
        cmocka_unit_test(push_take_is_lifo),
        cmocka_unit_test(take_oldest_and_steal_are_fifo),
        cmocka_unit_test(both_ends_meet),
        cmocka_unit_test(wraparound_without_growth),
        cmocka_unit_test(growth_keeps_lifo_order),
        cmocka_unit_test(growth_keeps_fifo_order),
        cmocka_unit_test(growth_with_offset_top),
        cmocka_unit_test(real_pointers),
        cmocka_unit_test(random_sequences_match_model),
        cmocka_unit_test(init_rounds_capacity),
        cmocka_unit_test(destroy_frees_retired_buffers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
