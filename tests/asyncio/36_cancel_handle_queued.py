# asyncio conformance scenario 36_cancel_handle_queued (CPython 3.11 reference; C twin: 36_cancel_handle_queued.c).
# L5: a handle cancelled after it was queued (ready or due timer) stays queued and is skipped;
# cancelling a handle that already ran does nothing.
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
