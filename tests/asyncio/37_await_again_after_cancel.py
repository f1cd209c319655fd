# asyncio conformance scenario 37_await_again_after_cancel (CPython 3.11 reference; C twin: 37_await_again_after_cancel.c).
# S5 T5 S8: a task that caught the CancelledError coming from the task it awaited may await that
# (now cancelled) task again: it is done, so no suspension, and CancelledError again.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def inner():
    await asyncio.sleep(1)
    return 0


async def outer(i):
    try:
        await i
    except asyncio.CancelledError as e:
        print("outer caught", err(e))
    print("outer awaits inner again", st(i))
    try:
        await i
    except asyncio.CancelledError as e:
        print("outer caught again", err(e))
    print("outer still running, cancelling", asyncio.current_task().cancelling())
    await asyncio.sleep(0)
    print("outer returns")
    return 2


async def main():
    i = asyncio.create_task(inner())
    o = asyncio.create_task(outer(i))
    tk = asyncio.create_task(ticker(5))
    await asyncio.sleep(0)
    print("cancel outer", o.cancel())
    r = await o
    print("main got", r, "outer", st(o), "inner", st(i))
    await tk
    return 0


run(main)
