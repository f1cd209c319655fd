# asyncio conformance scenario 29_shutdown_pending (CPython 3.11 reference; C twin: 29_shutdown_pending.c).
# A2 A3 A4 A5: after main returns, the stop runs one hop later (a task created in main's last step
# still gets its first step); pending tasks are then cancelled and run to completion, taking any
# number of further steps; run() returns main's result last.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def stubborn():
    print("stubborn start")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print("stubborn cancelled", err(e), "cancelling", asyncio.current_task().cancelling())
        await asyncio.sleep(0)
        print("stubborn cleanup 1")
        await asyncio.sleep(0.01)
        print("stubborn cleanup 2")
        return 7
    return 0


async def late():
    print("late first step")
    try:
        while True:
            await asyncio.sleep(0)
            print("late loops")
    except asyncio.CancelledError as e:
        print("late cancelled", err(e))
        raise


async def main():
    asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    asyncio.create_task(late())
    print("main returns 5")
    return 5


run(main)
