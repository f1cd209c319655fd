# asyncio conformance scenario 02_sleep0_roundrobin (CPython 3.11 reference; C twin: 02_sleep0_roundrobin.c).
# T8 (delay 0) L1 L2: sleep(0) requeues at the tail; steps and call_soon callbacks share one FIFO.
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


async def worker(name, n):
    for i in range(n):
        print(f"{name} step {i}")
        await asyncio.sleep(0)
    print(f"{name} done")
    return 0


def cb(tag):
    print(f"cb {tag}")


async def main():
    loop = asyncio.get_running_loop()
    a = asyncio.create_task(worker("A", 3))
    loop.call_soon(cb, "x")
    b = asyncio.create_task(worker("B", 2))
    await asyncio.sleep(0)
    print("main 1")
    loop.call_soon(cb, "y")
    await asyncio.sleep(0)
    print("main 2")
    await a
    print("main after A")
    await b
    print("main end")
    return 0


run(main)
