# asyncio conformance scenario 09_sleep_two_hops (CPython 3.11 reference; C twin: 09_sleep_two_hops.c).
# T8 L4: sleep(d) wakes two hops after its deadline; wakeups follow deadlines; equal delays wake
# in call order.
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
