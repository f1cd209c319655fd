# asyncio conformance scenario 09_sleep_two_hops (CPython 3.11 reference; C twin: 09_sleep_two_hops.c).
# T8 L4: sleep(d) wakes two hops after its deadline; wakeups follow deadlines; equal delays wake
# in call order.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def cb(tag):
    print("cb", tag)


async def sleeper(name, d):
    print(f"{name} sleeps {d}")
    await asyncio.sleep(d)
    print(f"{name} woke")
    return 0


async def main():
    loop = asyncio.get_running_loop()
    a = asyncio.create_task(sleeper("A", 0.01))
    b = asyncio.create_task(sleeper("B", 0.02))
    c = asyncio.create_task(sleeper("C", 0.01))
    await asyncio.sleep(0)
    loop.call_later(0.005, cb, "timer5")
    loop.call_later(0.015, cb, "timer15")
    time.sleep(0.03)
    print("main blocked past every deadline")
    await asyncio.sleep(0)
    print("main resumed")
    await a
    print("main: A done")
    await b
    await c
    d = asyncio.create_task(sleeper("D", 0.02))
    e = asyncio.create_task(sleeper("E", 0.01))
    await d
    print("main: D done", "E", st(e))
    return 0


run(main)
