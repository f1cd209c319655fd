# asyncio conformance scenario 69_shield (CPython 3.11 reference; C twin: 69_shield.c).
# shield: cancelling the task that awaits a shielded task wakes it one hop later with the
# CancelledError while the inner task runs on to its end; an inner task that is cancelled
# cancels the shield; the result comes two hops after the inner task finishes; a done task is
# returned as it is (no hop).
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def child(name, hops, value):
    print(f"{name} start")
    for _ in range(hops):
        await asyncio.sleep(0)
    print(f"{name} end")
    return value


async def shielder(label, t):
    try:
        r = await asyncio.shield(t)
        print(label, "returned", r)
    except asyncio.CancelledError as e:
        print(label, "raised", err(e), "cancelling", asyncio.current_task().cancelling())
        raise
    return 0


async def main():
    tk = asyncio.create_task(ticker(16))
    a = asyncio.create_task(child("a", 4, 1))
    s = asyncio.create_task(shielder("shield a", a))
    await asyncio.sleep(0)
    print("cancel", s.cancel("stop"))
    try:
        await s
    except asyncio.CancelledError as e:
        print("main: shielder raised", err(e))
    print("a", st(a))
    print("a result", await a)

    b = asyncio.create_task(child("b", 3, 2))
    s = asyncio.create_task(shielder("shield b", b))
    await asyncio.sleep(0)
    print("cancel b", b.cancel("inner"))
    try:
        await s
    except asyncio.CancelledError as e:
        print("main: shielder raised", err(e))

    c = asyncio.create_task(child("c", 2, 3))
    await shielder("shield c", c)
    await shielder("shield done c", c)
    await tk
    return 0


run(main)
