# asyncio conformance scenario 19_cancelling_counts (CPython 3.11 reference; C twin: 19_cancelling_counts.c).
# S2 S5 S7: cancelling() counts cancel() calls, uncancel() decrements, cancel() of a done task
# returns False; a coroutine raising CancelledError itself ends cancelled with cancelling() == 0.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def catcher():
    me = asyncio.current_task()
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        print("catcher caught", err(e), "cancelling", me.cancelling())
    print("uncancel", me.uncancel())
    print("uncancel", me.uncancel())
    print("uncancel", me.uncancel())
    print("uncancel", me.uncancel())
    await asyncio.sleep(0)
    print("catcher returns")
    return 8


async def own():
    print("own raises CancelledError")
    raise asyncio.CancelledError()


async def main():
    c = asyncio.create_task(catcher())
    await asyncio.sleep(0)
    print("cancelling", c.cancelling())
    print("cancel", c.cancel("one"), c.cancel("two"), c.cancel("three"))
    print("cancelling", c.cancelling())
    r = await c
    print("main got", r, "c", st(c), "cancelling", c.cancelling())
    print("cancel done", c.cancel(), "cancelling", c.cancelling())
    o = asyncio.create_task(own())
    await asyncio.sleep(0)
    print("own", st(o), "cancelling", o.cancelling())
    try:
        o.result()
    except asyncio.CancelledError as e:
        print("own.result:", err(e))
    return 0


run(main)
