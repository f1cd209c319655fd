# asyncio conformance scenario 35_callbacks_in_callbacks (CPython 3.11 reference; C twin: 35_callbacks_in_callbacks.c).
# L2 L3 L1: callbacks scheduled by due timers and by ready callbacks: call_soon lands behind the
# current iteration, call_later(0) one iteration later still.
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
