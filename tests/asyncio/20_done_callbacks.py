# asyncio conformance scenario 20_done_callbacks (CPython 3.11 reference; C twin: 20_done_callbacks.c).
# C1 C2 C4 N4: done callbacks are queued on completion in registration order (repeats run each
# time), never called synchronously; on a done task they are queued at once; current_task() is None.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def make_cb(tag):
    def cb(fut):
        print(f"done cb {tag} current={cur()} {st(fut)}")
    return cb


cb1 = make_cb("1")
cb2 = make_cb("2")
cb3 = make_cb("3")


def plain(tag):
    print(f"plain {tag} current={cur()}")


async def work():
    print("work runs")
    await asyncio.sleep(0)
    print("work returns")
    return 1


async def main():
    loop = asyncio.get_running_loop()
    w = asyncio.create_task(work())
    w.add_done_callback(cb1)
    w.add_done_callback(cb2)
    w.add_done_callback(cb1)
    loop.call_soon(plain, "p1")
    await asyncio.sleep(0)
    print("main after sleep0")
    loop.call_soon(plain, "p2")
    await w
    print("main resumed", st(w))
    loop.call_soon(plain, "p3")
    w.add_done_callback(cb3)
    w.add_done_callback(cb3)
    print("cb3 added twice, not called yet")
    await asyncio.sleep(0)
    print("main after sleep0")
    return 0


run(main)
