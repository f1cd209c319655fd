# asyncio conformance scenario 04_await_done (CPython 3.11 reference; C twin: 04_await_done.c).
# T5 R2: awaiting a done task does not suspend; a stored error is raised to every retriever.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def quick():
    print("quick runs")
    return 7


async def fail():
    print("fail runs")
    raise UserError(7, "boom")


async def main():
    q = asyncio.create_task(quick())
    f = asyncio.create_task(fail())
    await asyncio.sleep(0)
    print("q", st(q), "f", st(f))
    tk = asyncio.create_task(ticker(3))
    r = await q
    print("main got", r, "without suspending")
    try:
        await f
    except UserError as e:
        print("await f:", err(e))
    try:
        await f
    except UserError as e:
        print("await f again:", err(e))
    try:
        f.result()
    except UserError as e:
        print("f.result:", err(e))
    print("f.exception:", err(f.exception()))
    print("q.exception:", q.exception())
    await asyncio.sleep(0)
    print("main after sleep0")
    await tk
    return 0


run(main)
