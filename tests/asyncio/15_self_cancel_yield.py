# asyncio conformance scenario 15_self_cancel_yield (CPython 3.11 reference; C twin: 15_self_cancel_yield.c).
# S6 S3 T8: a task that cancels itself and then does sleep(0) gets CancelledError at its next step.
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


async def selfc():
    me = asyncio.current_task()
    print("selfc cancel", me.cancel("y"))
    try:
        await asyncio.sleep(0)
        print("selfc not cancelled?")
    except asyncio.CancelledError as e:
        print("selfc caught at sleep0", err(e))
    print("selfc cancelling", me.cancelling())
    await asyncio.sleep(0)
    print("selfc continues")
    return 3


async def main():
    t = asyncio.create_task(selfc())
    tk = asyncio.create_task(ticker(4))
    r = await t
    print("main got", r, "t", st(t), "cancelling", t.cancelling())
    await tk
    return 0


run(main)
