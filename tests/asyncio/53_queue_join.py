# asyncio conformance scenario 53_queue_join (CPython 3.11 reference; C twin: 53_queue_join.c).
# Queue.join() returns at once when every put was matched by task_done(); otherwise joiners
# wait and resume in order one hop after the last task_done(); task_done() once too often is
# a ValueError; a later put makes join() wait again.
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def worker(q):
    while True:
        item = await q.get()
        if item is None:
            q.task_done()
            print("worker stops")
            return 0
        print("worker handles", item)
        await asyncio.sleep(0)
        q.task_done()
        print("worker done with", item)


async def joiner(name, q):
    print(f"{name} joins")
    await q.join()
    print(f"{name} joined")
    return 0


async def main():
    q = asyncio.Queue()
    await q.join()
    print("join on a fresh queue: no wait")
    try:
        q.task_done()
    except ValueError as e:
        print("task_done on a fresh queue:", err(e))
    for i in range(3):
        q.put_nowait(i)
    js = [asyncio.create_task(joiner(f"j{i}", q)) for i in range(2)]
    w = asyncio.create_task(worker(q))
    tk = asyncio.create_task(ticker(10))
    for j in js:
        await j
    print("main: all joined, qsize", q.qsize())
    q.put_nowait(None)
    j2 = asyncio.create_task(joiner("j2", q))
    await j2
    await w
    try:
        q.task_done()
    except ValueError as e:
        print("task_done too many times:", err(e))
    await tk
    print("main end")
    return 0


run(main)
