# asyncio conformance scenario 03_await_pending (CPython 3.11 reference; C twin: 03_await_pending.c).
# T4 T5 T6: awaiting a pending task suspends; the waiter resumes one hop after it completes.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def child(n):
    print("child start")
    for i in range(n):
        await asyncio.sleep(0)
        print(f"child step {i}")
    print("child returns 42")
    return 42


async def main():
    c = asyncio.create_task(child(2))
    tk = asyncio.create_task(ticker(6))
    print("main awaits child")
    r = await c
    print("main got", r, "child", st(c))
    await tk
    print("main end")
    return 0


run(main)
