/* asyncio conformance scenario 33_main_self_cancel: the C twin of 33_main_self_cancel.py, whose CPython 3.11
 * output is expected/33_main_self_cancel.txt.
 * S6 A5 R3: main cancels itself and returns; run() raises CancelledError with the message.
 */

#include "scenario.h"

static int amain(void *arg, void **result)
{
    (void)arg;
    printf("main cancels itself %s\n", TF(weft_task_cancel(weft_current_task(), "main bye")));
    printf("main returns 1\n");
    *result = PV(1);
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    run(weft_coro_new(amain, NULL));
    return 0;
}
