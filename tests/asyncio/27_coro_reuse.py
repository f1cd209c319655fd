# asyncio conformance scenario 27_coro_reuse (CPython 3.11 reference; C twin: 27_coro_reuse.c).
# Section 7: awaiting a coroutine that is suspended in another await, and one that is exhausted.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def c(tag):
    print(f"coro {tag} runs")
    await asyncio.sleep(0.01)
    print(f"coro {tag} returns")
    return 1


async def main():
    co = c("x")
    t = asyncio.create_task(co)
    await asyncio.sleep(0)
    try:
        await co
    except RuntimeError as e:
        print("await running coro:", err(e))
    r = await t
    print("task got", r)
    try:
        await t.get_coro()
    except RuntimeError as e:
        print("await exhausted coro:", err(e))
    return 0


run(main)
