# asyncio conformance scenario 61_gather_first_error (CPython 3.11 reference; C twin: 61_gather_first_error.c).
# gather without return_exceptions: the first error reaches the caller two hops after the child
# failed, while the other children keep running (a later error is retrieved by gather, not
# reported); a cancelled child makes gather raise CancelledError without cancelling the caller.
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


async def fails(name, hops, code):
    print(f"{name} start")
    for _ in range(hops):
        await asyncio.sleep(0)
    print(f"{name} raises {code}")
    raise UserError(code, f"{name} failed")


async def main():
    tk = asyncio.create_task(ticker(14))
    a = asyncio.create_task(child("a", 1, 1))
    b = asyncio.create_task(fails("b", 2, 7))
    c = asyncio.create_task(child("c", 5, 3))
    d = asyncio.create_task(fails("d", 3, 8))
    try:
        r = await asyncio.gather(a, b, c, d)
        print("gather returned", *r)
    except UserError as e:
        print("gather raised", err(e))
    print("states", st(a), st(b), st(c), st(d))
    print("c result", await c)
    print("states", st(c), st(d), "cancelling", asyncio.current_task().cancelling())

    e = asyncio.create_task(child("e", 4, 5))
    f = asyncio.create_task(child("f", 1, 6))

    async def canceller():
        await asyncio.sleep(0)
        print("cancel e", e.cancel("stop e"))

    k = asyncio.create_task(canceller())
    try:
        r = await asyncio.gather(e, f)
        print("gather returned", *r)
    except asyncio.CancelledError as ex:
        print("gather raised", err(ex))
    print("states", st(e), st(f), "cancelling", asyncio.current_task().cancelling())
    await k
    await tk
    return 0


run(main)
