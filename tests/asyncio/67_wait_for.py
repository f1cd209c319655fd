# asyncio conformance scenario 67_wait_for (CPython 3.11 reference; C twin: 67_wait_for.c).
# wait_for as Python 3.12 defines it (weft follows 3.12 here; under 3.11 this file spells 3.12's
# algorithm with asyncio.timeout): the caller resumes one hop after the task completes, a
# coroutine runs inline in the caller's task, a timeout cancels the task, waits for it and raises
# TimeoutError (or returns what a task that swallowed the cancel returned), the caller's
# cancelling() is back to 0 afterwards; timeout <= 0 cancels at once; None just awaits.
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


async def child(name, hops, value):
    print(f"{name} start in {cur()}")
    for _ in range(hops):
        await asyncio.sleep(0)
    print(f"{name} end")
    return value


async def fails(name, code):
    print(f"{name} start")
    await asyncio.sleep(0)
    raise UserError(code, f"{name} failed")


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


async def attempt(label, fut, timeout):
    try:
        r = await wait_for(fut, timeout)
        print(label, "returned", r)
    except (UserError, TimeoutError, asyncio.CancelledError) as e:
        print(label, "raised", err(e))
    print(label, "cancelling", asyncio.current_task().cancelling())


async def main():
    tk = asyncio.create_task(ticker(12))
    a = asyncio.create_task(child("a", 2, 1))
    await attempt("task in time", a, 5)
    await attempt("coroutine in time", child("b", 1, 2), 5)
    await attempt("failing task", asyncio.create_task(fails("c", 7)), 5)
    d = asyncio.create_task(sleeper("d", False))
    await attempt("timeout", d, 0.02)
    print("d", st(d))
    await attempt("timeout, coroutine", sleeper("e", False), 0.02)
    f = asyncio.create_task(sleeper("f", True))
    await attempt("timeout, cancel swallowed", f, 0.02)
    g = asyncio.create_task(child("g", 3, 4))
    await asyncio.sleep(0)
    await attempt("timeout 0", g, 0)
    print("g", st(g))
    await attempt("timeout 0, done task", a, 0)
    await attempt("timeout 0, coroutine", child("h", 0, 5), 0)
    await attempt("no timeout", child("i", 1, 6), None)
    await tk
    return 0


run(main)
