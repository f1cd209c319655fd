# asyncio conformance scenario 28_no_loop (CPython 3.11 reference; C twin: 28_no_loop.c).
# T2 section 7: create_task and all_tasks without a running loop; asyncio.run inside a running loop.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def c():
    return 1


async def main():
    co = c()
    try:
        asyncio.run(co)
    except RuntimeError as e:
        # weft's message names its own API: weft_run() for asyncio.run().
        print("run inside loop:", err(e).replace("asyncio.run()", "weft_run()"))
    co.close()
    print("main still fine, all_tasks:", names(asyncio.all_tasks()))
    return 0


co = c()
try:
    asyncio.create_task(co)
except RuntimeError as e:
    print("create_task outside:", err(e))
co.close()
try:
    asyncio.all_tasks()
except RuntimeError as e:
    print("all_tasks outside:", err(e))
run(main)
try:
    asyncio.all_tasks()
except RuntimeError as e:
    print("all_tasks after run:", err(e))
