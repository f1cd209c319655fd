# asyncio conformance scenario 06_await_coro_inline (CPython 3.11 reference; C twin: 06_await_coro_inline.c).
# T7 N4 N1: awaiting a bare coroutine runs it inline: no task, no number, no hop unless it suspends.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def inner(tag, suspend):
    print(f"inner {tag} current={cur()}")
    if suspend:
        await asyncio.sleep(0)
        print(f"inner {tag} resumed current={cur()}")
    return 10


async def main():
    tk = asyncio.create_task(ticker(3))
    r = await inner("a", False)
    print("main got", r)
    r = await inner("b", True)
    print("main got", r)
    t = asyncio.create_task(inner("c", False))
    print("new task", t.get_name())
    print("all_tasks:", names(asyncio.all_tasks()))
    await t
    await tk
    return 0


run(main)
