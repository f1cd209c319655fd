# asyncio conformance scenario 55_queue_rewait (CPython 3.11 reference; C twin: 55_queue_rewait.c).
# Queue: a woken getter is not guaranteed the item: get_nowait() (or a get() that finds an
# item) may take it before the getter runs; the getter then waits again at the back of the
# getters, behind those that came after it (asyncio's rule, kept by weft).
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def getter(name, q):
    print(f"{name} gets")
    item = await q.get()
    print(f"{name} got {item}")
    return 0


async def main():
    q = asyncio.Queue()
    g1 = asyncio.create_task(getter("g1", q))
    await asyncio.sleep(0)
    g2 = asyncio.create_task(getter("g2", q))
    await asyncio.sleep(0)
    q.put_nowait("x")
    print("main takes", q.get_nowait(), "before g1 runs")
    await asyncio.sleep(0)
    print("main after one hop")
    q.put_nowait("y")
    await asyncio.sleep(0)
    q.put_nowait("z")
    await g1
    await g2
    print("main end")
    return 0


run(main)
