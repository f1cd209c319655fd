# asyncio conformance scenario 14_self_cancel_return (CPython 3.11 reference; C twin: 14_self_cancel_return.c).
# S6 R3: a task that cancels itself and returns without awaiting ends cancelled with the message;
# this path keeps the message on every retrieval.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def selfc():
    me = asyncio.current_task()
    print("selfc cancel", me.cancel("bye"))
    print("selfc cancelling", me.cancelling(), "cancelled", me.cancelled())
    print("selfc returns 5")
    return 5


async def main():
    t = asyncio.create_task(selfc())
    tk = asyncio.create_task(ticker(2))
    await asyncio.sleep(0)
    print("t", st(t), "cancelling", t.cancelling())
    for _ in range(2):
        try:
            t.result()
        except asyncio.CancelledError as e:
            print("t.result:", err(e))
    try:
        t.exception()
    except asyncio.CancelledError as e:
        print("t.exception:", err(e))
    try:
        await t
    except asyncio.CancelledError as e:
        print("await t:", err(e))
    await tk
    return 0


run(main)
