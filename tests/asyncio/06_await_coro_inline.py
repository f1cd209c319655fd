# asyncio conformance scenario 06_await_coro_inline (CPython 3.11 reference; C twin: 06_await_coro_inline.c).
# T7 N4 N1: awaiting a bare coroutine runs it inline: no task, no number, no hop unless it suspends.
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


async def inner(tag, suspend):
    print(f"inner {tag} current={cur()}")
    if suspend:
        await asyncio.sleep(0)
        print(f"inner {tag} resumed current={cur()}")
    return 10


async def main():
    tk = asyncio.create_task(ticker(3))
    r = await inner("a", False)
    print("main got", r)
    r = await inner("b", True)
    print("main got", r)
    t = asyncio.create_task(inner("c", False))
    print("new task", t.get_name())
    print("all_tasks:", names(asyncio.all_tasks()))
    await t
    await tk
    return 0


run(main)
