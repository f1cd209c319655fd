# asyncio conformance scenario 54_queue_cancel (CPython 3.11 reference; C twin: 54_queue_cancel.c).
# Queue: a getter cancelled while waiting loses nothing (the next put goes to the next
# getter); a getter woken by put_nowait() and cancelled before it runs wakes the next getter,
# which takes the item; the same for putters of a full queue.
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def getter(name, q):
    print(f"{name} gets")
    try:
        item = await q.get()
    except asyncio.CancelledError as e:
        print(f"{name} caught {err(e)} qsize={q.qsize()}")
        raise
    print(f"{name} got {item}")
    return 0


async def putter(name, q, item):
    print(f"{name} puts {item}")
    try:
        await q.put(item)
    except asyncio.CancelledError as e:
        print(f"{name} caught {err(e)} qsize={q.qsize()}")
        raise
    print(f"{name} put {item}")
    return 0


async def finish(tasks):
    for name, t in tasks:
        try:
            await t
        except asyncio.CancelledError:
            pass
        print(f"{name} {st(t)}")


async def main():
    q = asyncio.Queue()
    tk = asyncio.create_task(ticker(12))
    gs = [asyncio.create_task(getter(f"g{i}", q)) for i in range(4)]
    await asyncio.sleep(0)
    print("cancel g0:", gs[0].cancel("stop g0"))
    await asyncio.sleep(0)
    q.put_nowait("A")
    print("put A, cancel g1 (just woken):", gs[1].cancel("stop g1"))
    await asyncio.sleep(0)
    print("main after one hop, qsize", q.qsize())
    await asyncio.sleep(0)
    q.put_nowait("B")
    await finish([(f"g{i}", g) for i, g in enumerate(gs)])
    print("qsize", q.qsize())
    print("-- putters")
    q2 = asyncio.Queue(maxsize=1)
    q2.put_nowait("full")
    ps = [asyncio.create_task(putter(f"p{i}", q2, f"P{i}")) for i in range(3)]
    await asyncio.sleep(0)
    print("got", q2.get_nowait())
    print("cancel p0 (just woken):", ps[0].cancel("stop p0"))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print("got", q2.get_nowait())
    await finish([(f"p{i}", p) for i, p in enumerate(ps)])
    print("got", q2.get_nowait(), "qsize", q2.qsize())
    await tk
    print("main end")
    return 0


run(main)
