# asyncio conformance scenario 11_cancel_sleeping (CPython 3.11 reference; C twin: 11_cancel_sleeping.c).
# S2 S4 R3: cancelling a sleeping task wakes it one hop later with the message; a second cancel
# while it is suspended does not change the message.
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


async def sleeper():
    print("sleeper start")
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        print("sleeper caught", err(e), "cancelling", asyncio.current_task().cancelling())
        raise
    return 0


async def main():
    s = asyncio.create_task(sleeper())
    tk = asyncio.create_task(ticker(3))
    await asyncio.sleep(0)
    print("cancel 1", s.cancel("msg1"))
    print("cancel 2", s.cancel("msg2"))
    print("s", st(s), "cancelling", s.cancelling())
    await asyncio.sleep(0)
    print("s", st(s))
    try:
        await s
    except asyncio.CancelledError as e:
        print("main await s:", err(e))
    await tk
    return 0


run(main)
