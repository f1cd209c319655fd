# asyncio conformance scenario 27_coro_reuse (CPython 3.11 reference; C twin: 27_coro_reuse.c).
# Section 7: awaiting a coroutine that is suspended in another await, and one that is exhausted.
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


async def c(tag):
    print(f"coro {tag} runs")
    await asyncio.sleep(0.01)
    print(f"coro {tag} returns")
    return 1


async def main():
    co = c("x")
    t = asyncio.create_task(co)
    await asyncio.sleep(0)
    try:
        await co
    except RuntimeError as e:
        print("await running coro:", err(e))
    r = await t
    print("task got", r)
    try:
        await t.get_coro()
    except RuntimeError as e:
        print("await exhausted coro:", err(e))
    return 0


run(main)
