# asyncio conformance scenario 34_cancel_chain_twice (CPython 3.11 reference; C twin: 34_cancel_chain_twice.c).
# S4 S2 S8: cancelling twice a task that awaits another task: both cancels pass down; the first
# message wins, both tasks count 2 cancel requests.
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


async def inner():
    print("inner sleeps")
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        print("inner caught", err(e), "cancelling", asyncio.current_task().cancelling())
        raise
    return 0


async def outer(i):
    print("outer awaits inner")
    try:
        await i
    except asyncio.CancelledError as e:
        print("outer caught", err(e), "cancelling", asyncio.current_task().cancelling())
        raise
    return 0


async def main():
    i = asyncio.create_task(inner())
    o = asyncio.create_task(outer(i))
    await asyncio.sleep(0)
    print("cancel 1", o.cancel("m1"))
    print("cancel 2", o.cancel("m2"))
    print("cancelling", o.cancelling(), i.cancelling())
    try:
        await o
    except asyncio.CancelledError as e:
        print("main await outer:", err(e))
    print("outer", st(o), "inner", st(i))
    return 0


run(main)
