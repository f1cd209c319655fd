# asyncio conformance scenario 52_queue_lifo_priority (CPython 3.11 reference; C twin: 52_queue_lifo_priority.c).
# LifoQueue returns the newest item first; PriorityQueue the smallest, and items that
# compare equal leave in heapq's order (not insertion order); getters of both wait FIFO.
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


class Job:
    def __init__(self, prio, name):
        self.prio = prio
        self.name = name

    def __lt__(self, other):
        return self.prio < other.prio

    def __str__(self):
        return f"{self.name}:{self.prio}"


async def getter(name, q):
    item = await q.get()
    print(f"{name} got {item}")
    return 0


async def main():
    lq = asyncio.LifoQueue()
    for i in range(4):
        lq.put_nowait(i)
    print("lifo:", " ".join(str(lq.get_nowait()) for _ in range(4)))
    pq = asyncio.PriorityQueue()
    jobs = [(3, "a"), (1, "b"), (2, "c"), (1, "d"), (0, "e"), (1, "f"), (2, "g"), (1, "h"),
            (3, "i"), (1, "j")]
    for p, n in jobs:
        pq.put_nowait(Job(p, n))
    print("priority:", " ".join(str(pq.get_nowait()) for _ in range(len(jobs))))
    pq.put_nowait(Job(5, "x"))
    pq.put_nowait(Job(4, "y"))
    print("interleaved:", pq.get_nowait())
    pq.put_nowait(Job(4, "z"))
    pq.put_nowait(Job(1, "w"))
    print("interleaved:", " ".join(str(pq.get_nowait()) for _ in range(3)))
    gl = [asyncio.create_task(getter(f"l{i}", lq)) for i in range(2)]
    gp = [asyncio.create_task(getter(f"p{i}", pq)) for i in range(2)]
    await asyncio.sleep(0)
    lq.put_nowait(7)
    pq.put_nowait(Job(9, "k"))
    lq.put_nowait(8)
    pq.put_nowait(Job(8, "m"))
    for t in gl + gp:
        await t
    print("main end")
    return 0


run(main)
