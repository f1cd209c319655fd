/* 08: a coroutine awaiting another coroutine directly (await custom_coro(...)):
 * weft_await_coro() runs it inline, in the caller's task. */
#include <stdio.h>
#include <weft.h>

static int custom_coro(void *arg, void **result)
{
    (void)result;
    const char *message = arg;
    printf("%s\n", message);
    return 0;
}

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    printf("Hi from coroutine within a coroutine\n");
    return weft_await_coro(weft_coro_new(custom_coro, "Hi from a coroutine"), NULL);
}

int main(void)
{
    int rc = weft_run(weft_coro_new(main_coroutine, NULL), NULL);
    if (rc != 0) {
        const char *msg = weft_last_error_message();
        printf("%s: %s\n", weft_error_name(rc), msg ? msg : weft_strerror(rc));
        return 1;
    }
    return 0;
}
