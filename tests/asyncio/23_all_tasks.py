# asyncio conformance scenario 23_all_tasks (CPython 3.11 reference; C twin: 23_all_tasks.c).
# N5 N4: all_tasks() lists the tasks not done (created-but-not-started ones included, the current
# task included); a task drops out as soon as it is done, before its callbacks run.
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


def in_cb(tag):
    print(f"{tag}: current={cur()} all_tasks:", names(asyncio.all_tasks()))


def done_cb(fut):
    print(f"done cb of {fut.get_name()}: all_tasks:", names(asyncio.all_tasks()))


async def child(tag, d):
    print(f"{tag} current={cur()} all_tasks:", names(asyncio.all_tasks()))
    await asyncio.sleep(d)
    return 0


async def main():
    loop = asyncio.get_running_loop()
    print("main start all_tasks:", names(asyncio.all_tasks()))
    a = asyncio.create_task(child("a", 0))
    b = asyncio.create_task(child("b", 0.01))
    print("after create all_tasks:", names(asyncio.all_tasks()))
    a.add_done_callback(done_cb)
    loop.call_soon(in_cb, "plain cb")
    await a
    print("after a all_tasks:", names(asyncio.all_tasks()))
    print("cancel b", b.cancel())
    print("after cancel all_tasks:", names(asyncio.all_tasks()))
    try:
        await b
    except asyncio.CancelledError as e:
        print("await b:", err(e))
    print("end all_tasks:", names(asyncio.all_tasks()))
    return 0


run(main)
