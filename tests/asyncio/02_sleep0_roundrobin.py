# asyncio conformance scenario 02_sleep0_roundrobin (CPython 3.11 reference; C twin: 02_sleep0_roundrobin.c).
# T8 (delay 0) L1 L2: sleep(0) requeues at the tail; steps and call_soon callbacks share one FIFO.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def worker(name, n):
    for i in range(n):
        print(f"{name} step {i}")
        await asyncio.sleep(0)
    print(f"{name} done")
    return 0


def cb(tag):
    print(f"cb {tag}")


async def main():
    loop = asyncio.get_running_loop()
    a = asyncio.create_task(worker("A", 3))
    loop.call_soon(cb, "x")
    b = asyncio.create_task(worker("B", 2))
    await asyncio.sleep(0)
    print("main 1")
    loop.call_soon(cb, "y")
    await asyncio.sleep(0)
    print("main 2")
    await a
    print("main after A")
    await b
    print("main end")
    return 0


run(main)
