# asyncio conformance scenario 66_as_completed (CPython 3.11 reference; C twin: 66_as_completed.c).
# as_completed hands out the tasks in completion order, each two hops after it completed (its
# done callback, then the getter's wake-up) or at once when it is already queued; an error comes
# out where the task comes out; on timeout each task left gives TimeoutError.
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
    tk = asyncio.create_task(ticker(20))
    a = asyncio.create_task(child("a", 4, 1))
    b = asyncio.create_task(fails("b", 1, 7))
    c = asyncio.create_task(child("c", 2, 3))
    d = asyncio.create_task(child("d", 2, 4))
    for step in asyncio.as_completed([a, b, c, d, a]):
        try:
            print("next returned", await step)
        except UserError as e:
            print("next raised", err(e))
        for _ in range(3):
            await asyncio.sleep(0)

    e = asyncio.create_task(child("e", 1, 5))
    f = asyncio.get_running_loop().create_task(asyncio.sleep(10), name="f")
    g = asyncio.create_task(child("g", 0, 6))
    for step in asyncio.as_completed([e, f, g], timeout=0.05):
        try:
            print("next returned", await step)
        except TimeoutError as ex:
            print("next raised", err(ex))
    print("f", st(f))
    f.cancel()
    await tk
    return 0


run(main)
