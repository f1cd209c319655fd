# asyncio conformance scenario 36_cancel_handle_queued (CPython 3.11 reference; C twin: 36_cancel_handle_queued.c).
# L5: a handle cancelled after it was queued (ready or due timer) stays queued and is skipped;
# cancelling a handle that already ran does nothing.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


handles = {}


def cb(tag):
    print("cb", tag)


def canceller(tag):
    print("canceller cancels", tag)
    handles[tag].cancel()


async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(canceller, "b")
    handles["b"] = loop.call_soon(cb, "b")
    loop.call_soon(cb, "c")
    await asyncio.sleep(0)
    print("main 1")
    loop.call_later(0.01, canceller, "t2")
    handles["t2"] = loop.call_later(0.02, cb, "t2")
    loop.call_later(0.03, cb, "t3")
    time.sleep(0.04)
    await asyncio.sleep(0)
    print("main 2")
    h = loop.call_soon(cb, "ran")
    await asyncio.sleep(0)
    h.cancel()
    print("cancelled after it ran")
    return 0


run(main)
