# asyncio conformance scenario 31_shutdown_main_error (CPython 3.11 reference; C twin: 31_shutdown_main_error.c).
# A3 A5: when main fails, pending tasks are still cancelled and finished first; run() then raises
# main's error.
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


async def bg():
    print("bg start")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print("bg cancelled", err(e))
        raise
    return 0


async def main():
    asyncio.create_task(bg())
    await asyncio.sleep(0)
    print("main raises")
    raise UserError(5, "main failed")


run(main)
