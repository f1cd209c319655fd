# asyncio conformance scenario 63_gather_cancel (CPython 3.11 reference; C twin: 63_gather_cancel.c).
# Cancelling a task that awaits gather cancels every child still running (_GatheringFuture.cancel
# with the message). Without return_exceptions the caller gets the first cancelled child's
# CancelledError while the others finish; with it, gather waits for every child and raises
# CancelledError even if a child swallowed the cancel. Children already done are left alone.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def sleeper(name, hops_after):
    print(f"{name} start")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print(f"{name} caught", err(e))
        for _ in range(hops_after):
            await asyncio.sleep(0)
        print(f"{name} re-raises")
        raise
    return 0


async def swallower(name, value):
    print(f"{name} start")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print(f"{name} swallows", err(e))
    return value


async def quick(name):
    print(f"{name} runs")
    return 7


async def gatherer(tasks, return_exceptions):
    try:
        r = await asyncio.gather(*tasks, return_exceptions=return_exceptions)
        print("gather returned", r)
    except asyncio.CancelledError as e:
        print("gatherer caught", err(e), "cancelling", asyncio.current_task().cancelling())
        raise
    return 0


async def main():
    tk = asyncio.create_task(ticker(16))
    q = asyncio.create_task(quick("q"))
    a = asyncio.create_task(sleeper("a", 2))
    b = asyncio.create_task(swallower("b", 5))
    c = asyncio.create_task(sleeper("c", 0))
    g = asyncio.create_task(gatherer([q, a, b, c], False))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print("cancel g", g.cancel("stop"))
    print("cancelling", g.cancelling(), q.cancelling(), a.cancelling(), b.cancelling(), c.cancelling())
    try:
        await g
    except asyncio.CancelledError as e:
        print("main: g raised", err(e))
    print("states", st(q), st(a), st(b), st(c), "b result", b.result())

    d = asyncio.create_task(sleeper("d", 1))
    e = asyncio.create_task(swallower("e", 6))
    g = asyncio.create_task(gatherer([d, e], True))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print("cancel g", g.cancel("halt"))
    try:
        await g
    except asyncio.CancelledError as ex:
        print("main: g raised", err(ex))
    print("states", st(d), st(e), "e result", e.result())
    await tk
    return 0


run(main)
