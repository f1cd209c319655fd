# asyncio conformance scenario 05_waiter_order (CPython 3.11 reference; C twin: 05_waiter_order.c).
# T6 C1: waiters and done callbacks of one task run in registration order.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


class UserError(Exception):
    """A user error: args are (code, message), like weft_raise(code, message)."""


def err(e):
    if isinstance(e, asyncio.CancelledError):
        return " ".join(["CancelledError", *map(str, e.args)])
    if isinstance(e, UserError):
        return f"error {e.args[0]} {e.args[1]}"
    return f"{type(e).__name__} {e}"


def st(t):
    return f"done={t.done()} cancelled={t.cancelled()}"


def names(tasks):
    return " ".join(sorted(t.get_name() for t in tasks))


def cur():
    t = asyncio.current_task()
    return "None" if t is None else t.get_name()


def run(main):
    try:
        r = asyncio.run(main())
        print("run returned", r)
    except BaseException as e:
        print("run raised", err(e))


async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)
    return 0


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
