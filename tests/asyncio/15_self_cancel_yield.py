# asyncio conformance scenario 15_self_cancel_yield (CPython 3.11 reference; C twin: 15_self_cancel_yield.c).
# S6 S3 T8: a task that cancels itself and then does sleep(0) gets CancelledError at its next step.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def selfc():
    me = asyncio.current_task()
    print("selfc cancel", me.cancel("y"))
    try:
        await asyncio.sleep(0)
        print("selfc not cancelled?")
    except asyncio.CancelledError as e:
        print("selfc caught at sleep0", err(e))
    print("selfc cancelling", me.cancelling())
    await asyncio.sleep(0)
    print("selfc continues")
    return 3


async def main():
    t = asyncio.create_task(selfc())
    tk = asyncio.create_task(ticker(4))
    r = await t
    print("main got", r, "t", st(t), "cancelling", t.cancelling())
    await tk
    return 0


run(main)
