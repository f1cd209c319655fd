# asyncio conformance scenario 26_await_self (CPython 3.11 reference; C twin: 26_await_self.c).
# T3 section 7: a task awaiting itself gets RuntimeError('Task cannot await on itself') one hop
# later, after the work already queued, and may catch it.
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


def cb(tag):
    print("cb", tag)


async def main():
    loop = asyncio.get_running_loop()
    me = asyncio.current_task()
    loop.call_soon(cb, "queued before")
    tk = asyncio.create_task(ticker(3))
    try:
        await me
    except RuntimeError as e:
        print("await self:", type(e).__name__, str(e).split(":")[0])
    print("main continues", st(me))
    await tk
    return 0


run(main)
