# asyncio conformance scenario 14_self_cancel_return (CPython 3.11 reference; C twin: 14_self_cancel_return.c).
# S6 R3: a task that cancels itself and returns without awaiting ends cancelled with the message;
# this path keeps the message on every retrieval.
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
    print("selfc cancel", me.cancel("bye"))
    print("selfc cancelling", me.cancelling(), "cancelled", me.cancelled())
    print("selfc returns 5")
    return 5


async def main():
    t = asyncio.create_task(selfc())
    tk = asyncio.create_task(ticker(2))
    await asyncio.sleep(0)
    print("t", st(t), "cancelling", t.cancelling())
    for _ in range(2):
        try:
            t.result()
        except asyncio.CancelledError as e:
            print("t.result:", err(e))
    try:
        t.exception()
    except asyncio.CancelledError as e:
        print("t.exception:", err(e))
    try:
        await t
    except asyncio.CancelledError as e:
        print("await t:", err(e))
    await tk
    return 0


run(main)
