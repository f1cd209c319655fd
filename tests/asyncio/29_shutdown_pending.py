# asyncio conformance scenario 29_shutdown_pending (CPython 3.11 reference; C twin: 29_shutdown_pending.c).
# A2 A3 A4 A5: after main returns, the stop runs one hop later (a task created in main's last step
# still gets its first step); pending tasks are then cancelled and run to completion, taking any
# number of further steps; run() returns main's result last.
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


async def stubborn():
    print("stubborn start")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print("stubborn cancelled", err(e), "cancelling", asyncio.current_task().cancelling())
        await asyncio.sleep(0)
        print("stubborn cleanup 1")
        await asyncio.sleep(0.01)
        print("stubborn cleanup 2")
        return 7
    return 0


async def late():
    print("late first step")
    try:
        while True:
            await asyncio.sleep(0)
            print("late loops")
    except asyncio.CancelledError as e:
        print("late cancelled", err(e))
        raise


async def main():
    asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    asyncio.create_task(late())
    print("main returns 5")
    return 5


run(main)
