/* 07: run a coroutine with weft_run(), like asyncio.run(custom_coro(msg)). */
#include <stdio.h>
#include <weft.h>

/* async def custom_coro(message): */
static int custom_coro(void *arg, void **result)
{
    (void)result;
    const char *message = arg;
    printf("%s\n", message);
    return 0;
}

int main(void)
{
    int rc = weft_run(weft_coro_new(custom_coro, "Hi from a coroutine"), NULL);
    if (rc != 0) {
        const char *msg = weft_last_error_message();
        printf("%s: %s\n", weft_error_name(rc), msg ? msg : weft_strerror(rc));
        return 1;
    }
    return 0;
}
