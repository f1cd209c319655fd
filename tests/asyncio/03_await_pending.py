# asyncio conformance scenario 03_await_pending (CPython 3.11 reference; C twin: 03_await_pending.c).
# T4 T5 T6: awaiting a pending task suspends; the waiter resumes one hop after it completes.
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


async def child(n):
    print("child start")
    for i in range(n):
        await asyncio.sleep(0)
        print(f"child step {i}")
    print("child returns 42")
    return 42


async def main():
    c = asyncio.create_task(child(2))
    tk = asyncio.create_task(ticker(6))
    print("main awaits child")
    r = await c
    print("main got", r, "child", st(c))
    await tk
    print("main end")
    return 0


run(main)
