# asyncio conformance scenario 05_waiter_order (CPython 3.11 reference; C twin: 05_waiter_order.c).
# T6 C1: waiters and done callbacks of one task run in registration order.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def make_cb(tag):
    def cb(fut):
        print(f"done cb {tag} current={cur()}")
    return cb


async def leaf():
    print("leaf start")
    await asyncio.sleep(0.01)
    print("leaf end")
    return 5


async def waiter(name, t):
    print(f"{name} waits")
    r = await t
    print(f"{name} got {r}")
    return 0


async def main():
    lf = asyncio.create_task(leaf())
    w1 = asyncio.create_task(waiter("w1", lf))
    lf.add_done_callback(make_cb("a"))
    w2 = asyncio.create_task(waiter("w2", lf))
    await asyncio.sleep(0)
    print("main adds cb b")
    lf.add_done_callback(make_cb("b"))
    w3 = asyncio.create_task(waiter("w3", lf))
    print("main waits")
    r = await lf
    print("main got", r)
    await w1
    await w2
    await w3
    print("main end")
    return 0


run(main)
