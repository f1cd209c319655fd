# asyncio conformance scenario 68_wait_for_cancel (CPython 3.11 reference; C twin: 68_wait_for_cancel.c).
# Cancelling a task waiting in wait_for (3.12 rules, see 67): the cancel passes on to the awaited
# task with its message, the waiter gets that CancelledError (not TimeoutError) and keeps its
# cancelling() count; a coroutine waited for inline sees the cancel itself; an awaited task that
# swallows the cancel hands its value back.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import sys
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)

if sys.version_info >= (3, 12):
    wait_for = asyncio.wait_for
else:
    async def wait_for(fut, timeout):
        """3.12's asyncio.wait_for: a timeout scope around the await."""
        if timeout is not None and timeout <= 0:
            fut = asyncio.ensure_future(fut)
            if fut.done():
                return fut.result()
            await asyncio.tasks._cancel_and_wait(fut, loop=asyncio.get_running_loop())
            try:
                return fut.result()
            except asyncio.CancelledError as exc:
                raise TimeoutError from exc
        async with asyncio.timeout(timeout):
            return await fut


async def sleeper(name, swallow):
    print(f"{name} start in {cur()}")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print(f"{name} caught", err(e))
        if not swallow:
            raise
        return 9
    return 0


async def waiter(label, fut):
    try:
        r = await wait_for(fut, 5)
        print(label, "returned", r)
    except (TimeoutError, asyncio.CancelledError) as e:
        print(label, "raised", err(e))
    print(label, "cancelling", asyncio.current_task().cancelling())
    return 0


async def main():
    tk = asyncio.create_task(ticker(12))
    a = asyncio.create_task(sleeper("a", False))
    w = asyncio.create_task(waiter("task", a))
    await asyncio.sleep(0)
    print("cancel", w.cancel("stop"))
    await w
    print("a", st(a))

    w = asyncio.create_task(waiter("coroutine", sleeper("b", False)))
    await asyncio.sleep(0)
    print("cancel", w.cancel("halt"))
    await w

    c = asyncio.create_task(sleeper("c", True))
    w = asyncio.create_task(waiter("swallowing task", c))
    await asyncio.sleep(0)
    print("cancel", w.cancel("quit"))
    await w
    print("c", st(c))
    await tk
    return 0


run(main)
