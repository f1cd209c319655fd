# asyncio conformance scenario 24_names (CPython 3.11 reference; C twin: 24_names.c).
# N1 N2 N6 T1: Task-N numbers come from one counter; named tasks and rejected non-coroutines take
# no number; set_name/get_name; get_coro() returns the very coroutine object, even when done.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def c(tag):
    print(f"{tag} runs as {cur()}")
    return 0


async def main():
    loop = asyncio.get_running_loop()
    print("main is", cur())
    t2 = asyncio.create_task(c("t2"))
    n = loop.create_task(c("n"), name="worker")
    t3 = asyncio.create_task(c("t3"))
    print("names", t2.get_name(), n.get_name(), t3.get_name())
    try:
        asyncio.create_task(42)
    except TypeError as e:
        print("create_task(bad):", type(e).__name__)
    t4 = asyncio.create_task(c("t4"))
    print("next", t4.get_name())
    t4.set_name("renamed")
    print("renamed", t4.get_name())
    co = c("t5")
    t5 = asyncio.create_task(co)
    print("t5", t5.get_name(), "same coro", t5.get_coro() is co)
    await t5
    print("t5 done, same coro", t5.get_coro() is co, "t4 name", t4.get_name())
    await t2
    await n
    await t3
    await t4
    return 0


run(main)
