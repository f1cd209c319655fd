# asyncio conformance scenario 17_cancel_after_complete (CPython 3.11 reference; C twin: 17_cancel_after_complete.c).
# S3 (second bullet): a task cancelled after the task it awaits has completed, but before its wakeup
# runs, gets CancelledError instead of the result.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


holder = []


def cancel_a():
    print("cb cancels A:", holder[0].cancel("late"))


async def b_body():
    print("B start")
    await asyncio.sleep(0)
    asyncio.get_running_loop().call_soon(cancel_a)
    print("B returns 42")
    return 42


async def a_body(b):
    print("A awaits B")
    try:
        r = await b
        print("A got", r)
    except asyncio.CancelledError as e:
        print("A caught", err(e), "B", st(b), "B result", b.result())
    print("A cancelling", asyncio.current_task().cancelling())
    return 1


async def main():
    b = asyncio.create_task(b_body())
    a = asyncio.create_task(a_body(b))
    holder.append(a)
    r = await a
    print("main got", r, "A", st(a))
    return 0


run(main)
