# asyncio conformance scenario 07_soon_later_sleep0 (CPython 3.11 reference; C twin: 07_soon_later_sleep0.c).
# L3 L2 L1: ready callbacks first, then due timers in deadline order; work added meanwhile waits.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def cb(tag):
    print("cb", tag)


def cb_chain(tag):
    print("cb", tag)
    asyncio.get_running_loop().call_soon(cb, tag + "-child")


async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(cb_chain, "A")
    loop.call_later(0, cb, "B")
    loop.call_later(-1, cb, "B-negative")
    loop.call_soon(cb, "C")
    await asyncio.sleep(0)
    print("main resumed")
    loop.call_later(0, cb, "D-later0")
    loop.call_soon(cb, "D-soon")
    await asyncio.sleep(0)
    print("main resumed again")
    await asyncio.sleep(0)
    print("main end")
    return 0


run(main)
