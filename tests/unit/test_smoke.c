/* Placeholder replaced by the full unit suite. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "weft.h"

static int answer(void *arg, void **result)
{
    (void)arg;
    *result = (void *)42;
    return 0;
}

static void run_returns_result(void **state)
{
    (void)state;
    void *result = NULL;
    assert_int_equal(weft_run(weft_coro_new(answer, NULL), &result), 0);
    assert_ptr_equal(result, (void *)42);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(run_returns_result)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
