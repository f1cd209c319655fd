# asyncio conformance scenario 60_gather_order (CPython 3.11 reference; C twin: 60_gather_order.c).
# gather: coroutines are wrapped in tasks in argument order (Task-N numbers), a repeated argument
# is waited for once, results come in argument order; the caller resumes two hops after the last
# child finishes (its done callback, then the wake-up), also for children already done (3.11);
# gather() with no argument does not suspend.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def child(name, hops, value):
    print(f"{name} start in {cur()}")
    for _ in range(hops):
        await asyncio.sleep(0)
    print(f"{name} end")
    return value


async def main():
    tk = asyncio.create_task(ticker(12))
    a = asyncio.create_task(child("a", 3, 10))
    b = child("b", 0, 20)
    r = await asyncio.gather(a, b, child("c", 1, 30), a, b)
    print("gather returned", *r)
    print("a", st(a))
    r = await asyncio.gather()
    print("empty gather returned", len(r))
    r = await asyncio.gather(a, a)
    print("gather of a done task returned", *r)
    r = await asyncio.gather(child("d", 0, 40))
    print("gather of one coroutine returned", *r)
    await tk
    return 0


run(main)
