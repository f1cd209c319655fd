# asyncio conformance scenario 26_await_self (CPython 3.11 reference; C twin: 26_await_self.c).
# T3 section 7: a task awaiting itself gets RuntimeError('Task cannot await on itself') one hop
# later, after the work already queued, and may catch it.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def cb(tag):
    print("cb", tag)


async def main():
    loop = asyncio.get_running_loop()
    me = asyncio.current_task()
    loop.call_soon(cb, "queued before")
    tk = asyncio.create_task(ticker(3))
    try:
        await me
    except RuntimeError as e:
        print("await self:", type(e).__name__, str(e).split(":")[0])
    print("main continues", st(me))
    await tk
    return 0


run(main)
