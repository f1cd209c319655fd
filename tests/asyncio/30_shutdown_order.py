# asyncio conformance scenario 30_shutdown_order (CPython 3.11 reference; C twin: 30_shutdown_order.c).
# A3 A4: at shutdown, tasks that had a step queued are hit at that step in queue order; a task that
# ends with an error during shutdown goes to the handler.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def handler(loop, ctx):
    e = ctx.get("exception")
    # weft's message names its own API: weft_run() for asyncio.run().
    print("handler:", ctx["message"].replace("asyncio.run()", "weft_run()"), err(e) if e else "")


async def yielder(name, mode):
    i = 0
    try:
        while True:
            print(f"{name} step {i}")
            i += 1
            await asyncio.sleep(0)
    except asyncio.CancelledError as e:
        print(f"{name} cancelled", err(e))
        if mode == "fail":
            raise UserError(9, "cleanup failed")
        if mode == "more":
            await asyncio.sleep(0)
            print(f"{name} cleanup step")
        return 0


async def main():
    asyncio.get_running_loop().set_exception_handler(handler)
    asyncio.create_task(yielder("y1", "more"))
    asyncio.create_task(yielder("y2", "fail"))
    asyncio.create_task(yielder("y3", "return"))
    await asyncio.sleep(0)
    print("main returns")
    return 0


run(main)
