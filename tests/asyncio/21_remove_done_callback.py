# asyncio conformance scenario 21_remove_done_callback (CPython 3.11 reference; C twin: 21_remove_done_callback.c).
# C3: remove_done_callback removes every pending registration and returns the count; after
# completion it returns 0 and cannot stop calls already scheduled.
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
        print(f"done cb {tag}")
    return cb


cb1 = make_cb("1")
cb2 = make_cb("2")
cb3 = make_cb("3")


def remover(fut):
    print("remover: removed cb2", fut.remove_done_callback(cb2))


async def work():
    print("work runs")
    await asyncio.sleep(0)
    return 1


async def main():
    t = asyncio.create_task(work())
    t.add_done_callback(remover)
    t.add_done_callback(cb1)
    t.add_done_callback(cb1)
    t.add_done_callback(cb2)
    t.add_done_callback(cb1)
    t.add_done_callback(cb3)
    print("removed cb1", t.remove_done_callback(cb1))
    print("removed cb1 again", t.remove_done_callback(cb1))
    print("removed never added", t.remove_done_callback(make_cb("x")))
    await t
    print("main resumed")
    print("removed cb3 after done", t.remove_done_callback(cb3))
    return 0


run(main)
