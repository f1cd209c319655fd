# asyncio conformance scenario 28_no_loop (CPython 3.11 reference; C twin: 28_no_loop.c).
# T2 section 7: create_task and all_tasks without a running loop; asyncio.run inside a running loop.
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


async def c():
    return 1


async def main():
    co = c()
    try:
        asyncio.run(co)
    except RuntimeError as e:
        # weft's message names its own API: weft_run() for asyncio.run().
        print("run inside loop:", err(e).replace("asyncio.run()", "weft_run()"))
    co.close()
    print("main still fine, all_tasks:", names(asyncio.all_tasks()))
    return 0


co = c()
try:
    asyncio.create_task(co)
except RuntimeError as e:
    print("create_task outside:", err(e))
co.close()
try:
    asyncio.all_tasks()
except RuntimeError as e:
    print("all_tasks outside:", err(e))
run(main)
try:
    asyncio.all_tasks()
except RuntimeError as e:
    print("all_tasks after run:", err(e))
