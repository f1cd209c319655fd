# asyncio conformance scenario 07_soon_later_sleep0 (CPython 3.11 reference; C twin: 07_soon_later_sleep0.c).
# L3 L2 L1: ready callbacks first, then due timers in deadline order; work added meanwhile waits.
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
