# asyncio conformance scenario 51_queue_fifo (CPython 3.11 reference; C twin: 51_queue_fifo.c).
# Queue (FIFO, bounded): qsize/empty/full/maxsize; get() on an empty queue suspends and
# put_nowait() wakes the first getter (one hop); put_nowait() on a full queue is QueueFull,
# get_nowait() on an empty one QueueEmpty; put() on a full queue suspends, FIFO, until a get
# frees a slot; a queue item put while nobody waits is taken without suspending.
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def getter(name, q):
    print(f"{name} gets")
    item = await q.get()
    print(f"{name} got {item} qsize={q.qsize()}")
    return 0


async def putter(name, q, item):
    print(f"{name} puts {item} full={q.full()}")
    await q.put(item)
    print(f"{name} put {item} qsize={q.qsize()}")
    return 0


async def main():
    q = asyncio.Queue(maxsize=2)
    print("qsize", q.qsize(), "empty", q.empty(), "full", q.full(), "maxsize", q.maxsize)
    gs = [asyncio.create_task(getter(f"g{i}", q)) for i in range(2)]
    tk = asyncio.create_task(ticker(8))
    await asyncio.sleep(0)
    q.put_nowait(1)
    q.put_nowait(2)
    print("qsize", q.qsize(), "empty", q.empty(), "full", q.full())
    try:
        q.put_nowait(3)
    except asyncio.QueueFull as e:
        print("put_nowait on a full queue:", type(e).__name__)
    await asyncio.sleep(0)
    print("main after one hop, qsize", q.qsize())
    try:
        q.get_nowait()
    except asyncio.QueueEmpty as e:
        print("get_nowait on an empty queue:", type(e).__name__)
    await q.put(10)
    await q.put(11)
    print("main put 10 and 11 (same step), full", q.full())
    ps = [asyncio.create_task(putter(f"p{i}", q, 20 + i)) for i in range(3)]
    await asyncio.sleep(0)
    for _ in range(5):
        item = await q.get()
        print("main got", item)
        await asyncio.sleep(0)
    for t in gs + ps:
        await t
    await tk
    print("qsize", q.qsize(), "empty", q.empty())
    print("main end")
    return 0


run(main)
