# asyncio conformance scenario 20_done_callbacks (CPython 3.11 reference; C twin: 20_done_callbacks.c).
# C1 C2 C4 N4: done callbacks are queued on completion in registration order (repeats run each
# time), never called synchronously; on a done task they are queued at once; current_task() is None.
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


def make_cb(tag):
    def cb(fut):
        print(f"done cb {tag} current={cur()} {st(fut)}")
    return cb


cb1 = make_cb("1")
cb2 = make_cb("2")
cb3 = make_cb("3")


def plain(tag):
    print(f"plain {tag} current={cur()}")


async def work():
    print("work runs")
    await asyncio.sleep(0)
    print("work returns")
    return 1


async def main():
    loop = asyncio.get_running_loop()
    w = asyncio.create_task(work())
    w.add_done_callback(cb1)
    w.add_done_callback(cb2)
    w.add_done_callback(cb1)
    loop.call_soon(plain, "p1")
    await asyncio.sleep(0)
    print("main after sleep0")
    loop.call_soon(plain, "p2")
    await w
    print("main resumed", st(w))
    loop.call_soon(plain, "p3")
    w.add_done_callback(cb3)
    w.add_done_callback(cb3)
    print("cb3 added twice, not called yet")
    await asyncio.sleep(0)
    print("main after sleep0")
    return 0


run(main)
