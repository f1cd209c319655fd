# asyncio conformance scenario 35_callbacks_in_callbacks (CPython 3.11 reference; C twin: 35_callbacks_in_callbacks.c).
# L2 L3 L1: callbacks scheduled by due timers and by ready callbacks: call_soon lands behind the
# current iteration, call_later(0) one iteration later still.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def cb(tag):
    print("cb", tag)


def timer1():
    print("timer1")
    loop = asyncio.get_running_loop()
    loop.call_soon(cb, "soon-from-timer1")
    loop.call_later(0, cb, "later0-from-timer1")


def ready1():
    print("ready1")
    loop = asyncio.get_running_loop()
    loop.call_later(0, cb, "later0-from-ready1")
    loop.call_soon(cb, "soon-from-ready1")


async def main():
    loop = asyncio.get_running_loop()
    loop.call_later(0.01, timer1)
    loop.call_later(0.02, cb, "timer2")
    time.sleep(0.03)
    loop.call_soon(ready1)
    await asyncio.sleep(0)
    print("main 1")
    await asyncio.sleep(0)
    print("main 2")
    await asyncio.sleep(0)
    print("main 3")
    await asyncio.sleep(0)
    print("main 4")
    return 0


run(main)
