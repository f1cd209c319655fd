# asyncio conformance scenario 13_swallow_cancel (CPython 3.11 reference; C twin: 13_swallow_cancel.c).
# S5 S8: a task that catches the cancellation and returns finishes normally, keeps cancelling() >= 1
# and is not cancelled again; an outer task resumes normally when the inner one swallows it.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def stubborn():
    print("stubborn start")
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        print("stubborn caught", err(e))
    print("stubborn cancelling", asyncio.current_task().cancelling())
    await asyncio.sleep(0.01)
    print("stubborn slept again")
    return 99


async def inner():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        print("inner swallows", err(e))
        return 5
    return 0


async def outer(i):
    print("outer awaits inner")
    r = await i
    print("outer got", r, "cancelling", asyncio.current_task().cancelling())
    return r + 1


async def main():
    s = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    print("cancel", s.cancel())
    r = await s
    print("main got", r, "s", st(s), "cancelling", s.cancelling())
    print("uncancel", s.uncancel(), "cancelling", s.cancelling())
    i = asyncio.create_task(inner())
    o = asyncio.create_task(outer(i))
    await asyncio.sleep(0)
    print("cancel outer", o.cancel("x"))
    r = await o
    print("main got", r, "outer", st(o), "inner", st(i))
    print("cancelling", o.cancelling(), i.cancelling())
    return 0


run(main)
