# asyncio conformance scenario 62_gather_return_exceptions (CPython 3.11 reference; C twin: 62_gather_return_exceptions.c).
# gather(return_exceptions=True): errors and cancellations take their place in the results, in
# argument order; gather returns two hops after the last child finishes. A cancelled child's
# entry is printed without its message (CPython drops it there, weft keeps it: R3).
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def entry(r):
    if isinstance(r, asyncio.CancelledError):
        return "CancelledError"
    if isinstance(r, BaseException):
        return err(r)
    return str(r)


async def child(name, hops, value):
    print(f"{name} start")
    for _ in range(hops):
        await asyncio.sleep(0)
    print(f"{name} end")
    return value


async def fails(name, hops, code):
    print(f"{name} start")
    for _ in range(hops):
        await asyncio.sleep(0)
    print(f"{name} raises {code}")
    raise UserError(code, f"{name} failed")


async def sleeper(name):
    print(f"{name} start")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"{name} cancelled")
        raise
    return 0


async def main():
    tk = asyncio.create_task(ticker(10))
    a = asyncio.create_task(child("a", 3, 1))
    b = asyncio.create_task(fails("b", 1, 7))
    c = asyncio.create_task(sleeper("c"))
    d = asyncio.create_task(fails("d", 2, 8))

    async def canceller():
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        print("cancel c", c.cancel())

    k = asyncio.create_task(canceller())
    r = await asyncio.gather(a, b, c, d, return_exceptions=True)
    print("gather returned", " | ".join(entry(x) for x in r))
    print("states", st(a), st(b), st(c), st(d))
    print("cancelling", asyncio.current_task().cancelling())
    await k
    await tk
    return 0


run(main)
