# asyncio conformance scenario 34_cancel_chain_twice (CPython 3.11 reference; C twin: 34_cancel_chain_twice.c).
# S4 S2 S8: cancelling twice a task that awaits another task: both cancels pass down; the first
# message wins, both tasks count 2 cancel requests.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def inner():
    print("inner sleeps")
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        print("inner caught", err(e), "cancelling", asyncio.current_task().cancelling())
        raise
    return 0


async def outer(i):
    print("outer awaits inner")
    try:
        await i
    except asyncio.CancelledError as e:
        print("outer caught", err(e), "cancelling", asyncio.current_task().cancelling())
        raise
    return 0


async def main():
    i = asyncio.create_task(inner())
    o = asyncio.create_task(outer(i))
    await asyncio.sleep(0)
    print("cancel 1", o.cancel("m1"))
    print("cancel 2", o.cancel("m2"))
    print("cancelling", o.cancelling(), i.cancelling())
    try:
        await o
    except asyncio.CancelledError as e:
        print("main await outer:", err(e))
    print("outer", st(o), "inner", st(i))
    return 0


run(main)
