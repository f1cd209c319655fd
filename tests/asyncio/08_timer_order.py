# asyncio conformance scenario 08_timer_order (CPython 3.11 reference; C twin: 08_timer_order.c).
# L2 L4 L5: due timers move to the ready queue in deadline order (2 equal deadlines: FIFO);
# cancelled handles are skipped.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def cb(tag):
    print("cb", tag)


async def main():
    loop = asyncio.get_running_loop()
    now = loop.time()
    loop.call_later(0.03, cb, "t30")
    loop.call_later(0.01, cb, "t10")
    loop.call_at(now + 0.02, cb, "at20a")
    loop.call_at(now + 0.02, cb, "at20b")
    h = loop.call_later(0.015, cb, "cancelled timer")
    h2 = loop.call_soon(cb, "cancelled soon")
    loop.call_soon(cb, "soon")
    print("before cancel", h.cancelled(), h2.cancelled())
    h.cancel()
    h2.cancel()
    print("after cancel", h.cancelled(), h2.cancelled())
    time.sleep(0.04)
    await asyncio.sleep(0)
    print("main resumed")
    await asyncio.sleep(0)
    print("main resumed again")
    loop.call_later(0.02, cb, "late20")
    loop.call_later(0.01, cb, "late10")
    h3 = loop.call_later(0.005, cb, "cancelled late5")
    h3.cancel()
    await asyncio.sleep(0.03)
    print("main end")
    return 0


run(main)
