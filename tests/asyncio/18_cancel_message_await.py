# asyncio conformance scenario 18_cancel_message_await (CPython 3.11 reference; C twin: 18_cancel_message_await.c).
# R3 S4 S8: the waiter of a cancelled task gets its CancelledError with the message (first
# retrieval) and may catch it without being cancelled itself.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def sleeper(tag):
    print(f"{tag} sleeps")
    await asyncio.sleep(1)
    return 0


async def waiter(t):
    print("waiter awaits")
    try:
        await t
    except asyncio.CancelledError as e:
        print("waiter caught", err(e), "cancelling", asyncio.current_task().cancelling())
        return 1
    return 0


async def main():
    b = asyncio.create_task(sleeper("b"))
    w = asyncio.create_task(waiter(b))
    await asyncio.sleep(0)
    print("cancel b", b.cancel("stop"))
    r = await w
    print("main got", r, "w", st(w), "b", st(b))
    c = asyncio.create_task(sleeper("c"))
    w2 = asyncio.create_task(waiter(c))
    await asyncio.sleep(0)
    print("cancel c", c.cancel())
    r = await w2
    print("main got", r, "w2", st(w2), "c", st(c))
    return 0


run(main)
