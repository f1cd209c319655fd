# asyncio conformance scenario 01_create_order (CPython 3.11 reference; C twin: 01_create_order.c).
# T1 N1 N5 L1 A1: first steps run one hop later, in creation order; the creator keeps running.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def child(name):
    print(f"{name} step 1 current={cur()}")
    await asyncio.sleep(0)
    print(f"{name} step 2")
    return 0


async def main():
    print("main start", cur())
    t1 = asyncio.create_task(child("c1"))
    t2 = asyncio.create_task(child("c2"))
    t3 = asyncio.create_task(child("c3"))
    print("created", t1.get_name(), t2.get_name(), t3.get_name())
    print("all_tasks:", names(asyncio.all_tasks()))
    print("c1", st(t1))
    print("main still running")
    await asyncio.sleep(0)
    print("main after sleep0")
    await asyncio.sleep(0)
    print("main after second sleep0")
    print("c1", st(t1), "c3", st(t3))
    print("all_tasks:", names(asyncio.all_tasks()))
    return 0


run(main)
