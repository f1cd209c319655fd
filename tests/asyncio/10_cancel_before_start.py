# asyncio conformance scenario 10_cancel_before_start (CPython 3.11 reference; C twin: 10_cancel_before_start.c).
# S2 S3 S4: a task cancelled before its first step never runs its body and ends cancelled one hop
# later; cancelled twice before starting, the last message wins and cancelling() is 2.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def body(name):
    print(f"{name} body runs")
    return 1


async def main():
    t = asyncio.create_task(body("t"))
    print("cancel 1", t.cancel("first"))
    print("cancel 2", t.cancel("second"))
    print("t", st(t), "cancelling", t.cancelling())
    u = asyncio.create_task(body("u"))
    print("cancel u", u.cancel())
    tk = asyncio.create_task(ticker(2))
    await asyncio.sleep(0)
    print("t", st(t), "cancelling", t.cancelling())
    print("cancel t again", t.cancel("third"), "cancelling", t.cancelling())
    try:
        t.result()
    except asyncio.CancelledError as e:
        print("t.result:", err(e))
    try:
        await u
    except asyncio.CancelledError as e:
        print("await u:", err(e))
    await tk
    print("main end")
    return 0


run(main)
