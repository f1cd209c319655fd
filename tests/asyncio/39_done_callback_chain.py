# asyncio conformance scenario 39_done_callback_chain (CPython 3.11 reference; C twin: 39_done_callback_chain.c).
# C1 C2 S3: done callbacks of a task cancelled before its first step run one hop after it ends;
# a callback added from inside a done callback of the same (done) task is queued at the tail.
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


def late_cb(fut):
    print("late cb", st(fut))


def first_cb(fut):
    print("first cb", st(fut))
    fut.add_done_callback(late_cb)


def second_cb(fut):
    print("second cb")


async def body():
    print("body runs")
    return 0


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(body())
    t.add_done_callback(first_cb)
    t.add_done_callback(second_cb)
    print("cancel", t.cancel())
    loop.call_soon(print, "plain before")
    await asyncio.sleep(0)
    print("main 1", st(t))
    await asyncio.sleep(0)
    print("main 2")
    await asyncio.sleep(0)
    print("main 3")
    return 0


run(main)
