# asyncio conformance scenario 31_shutdown_main_error (CPython 3.11 reference; C twin: 31_shutdown_main_error.c).
# A3 A5: when main fails, pending tasks are still cancelled and finished first; run() then raises
# main's error.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def bg():
    print("bg start")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print("bg cancelled", err(e))
        raise
    return 0


async def main():
    asyncio.create_task(bg())
    await asyncio.sleep(0)
    print("main raises")
    raise UserError(5, "main failed")


run(main)
