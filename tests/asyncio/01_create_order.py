# asyncio conformance scenario 01_create_order (CPython 3.11 reference; C twin: 01_create_order.c).
# T1 N1 N5 L1 A1: first steps run one hop later, in creation order; the creator keeps running.
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


async def child(name):
    print(f"{name} step 1 current={cur()}")
    await asyncio.sleep(0)
    print(f"{name} step 2")
    return 0


async def main():
    print("main start", cur())
    t1 = asyncio.create_task(child("c1"))
    t2 = asyncio.create_task(child("c2"))
    t3 = asyncio.create_task(child("c3"))
    print("created", t1.get_name(), t2.get_name(), t3.get_name())
    print("all_tasks:", names(asyncio.all_tasks()))
    print("c1", st(t1))
    print("main still running")
    await asyncio.sleep(0)
    print("main after sleep0")
    await asyncio.sleep(0)
    print("main after second sleep0")
    print("c1", st(t1), "c3", st(t3))
    print("all_tasks:", names(asyncio.all_tasks()))
    return 0


run(main)
