# asyncio conformance scenario 16_self_cancel_await (CPython 3.11 reference; C twin: 16_self_cancel_await.c).
# S6 T3 S8: a task that cancels itself and then awaits a pending task cancels that task in the same
# step; the CancelledError comes back one hop after the awaited task ends.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def victim():
    print("victim start")
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        print("victim caught", err(e))
        raise
    return 0


async def selfc(v):
    me = asyncio.current_task()
    print("selfc cancel", me.cancel("z"))
    try:
        await v
        print("selfc not cancelled?")
    except asyncio.CancelledError as e:
        print("selfc caught", err(e), "victim", st(v))
    print("selfc cancelling", me.cancelling())
    return 4


async def main():
    v = asyncio.create_task(victim())
    tk = asyncio.create_task(ticker(5))
    await asyncio.sleep(0)
    s = asyncio.create_task(selfc(v))
    r = await s
    print("main got", r, "selfc", st(s), "victim", st(v), "cancelling", v.cancelling())
    await tk
    return 0


run(main)
