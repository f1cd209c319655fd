# asyncio conformance scenario 30_shutdown_order (CPython 3.11 reference; C twin: 30_shutdown_order.c).
# A3 A4: at shutdown, tasks that had a step queued are hit at that step in queue order; a task that
# ends with an error during shutdown goes to the handler.
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


def handler(loop, ctx):
    e = ctx.get("exception")
    # weft's message names its own API: weft_run() for asyncio.run().
    print("handler:", ctx["message"].replace("asyncio.run()", "weft_run()"), err(e) if e else "")


async def yielder(name, mode):
    i = 0
    try:
        while True:
            print(f"{name} step {i}")
            i += 1
            await asyncio.sleep(0)
    except asyncio.CancelledError as e:
        print(f"{name} cancelled", err(e))
        if mode == "fail":
            raise UserError(9, "cleanup failed")
        if mode == "more":
            await asyncio.sleep(0)
            print(f"{name} cleanup step")
        return 0


async def main():
    asyncio.get_running_loop().set_exception_handler(handler)
    asyncio.create_task(yielder("y1", "more"))
    asyncio.create_task(yielder("y2", "fail"))
    asyncio.create_task(yielder("y3", "return"))
    await asyncio.sleep(0)
    print("main returns")
    return 0


run(main)
