# asyncio conformance scenario 65_wait_timeout (CPython 3.11 reference; C twin: 65_wait_timeout.c).
# wait with a timeout: on timeout it just returns the sets (no error, nothing cancelled), one hop
# after its timer ran; timeout=0 is due at the next iteration; a completion before the deadline
# wins; a waiting task that is cancelled gets CancelledError and the tasks keep running.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def sleeper(name, delay, value):
    print(f"{name} start")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError as e:
        print(f"{name} cancelled", err(e))
        raise
    print(f"{name} end")
    return value


async def child(name, hops, value):
    print(f"{name} start")
    for _ in range(hops):
        await asyncio.sleep(0)
    print(f"{name} end")
    return value


def named(coro, name):
    return asyncio.get_running_loop().create_task(coro, name=name)


def show(label, done, pending):
    print(label, "done:", names(done), "pending:", names(pending))


async def waiter(tasks):
    try:
        done, pending = await asyncio.wait(tasks)
        show("waiter", done, pending)
    except asyncio.CancelledError as e:
        print("waiter caught", err(e))
        raise
    return 0


async def main():
    a = named(sleeper("a", 10, 1), "a")
    b = named(child("b", 1, 2), "b")
    done, pending = await asyncio.wait([a, b], timeout=0.02)
    show("timeout", done, pending)
    print("a", st(a))

    tk = asyncio.create_task(ticker(6))
    await asyncio.sleep(0)
    c = named(child("c", 2, 3), "c")
    done, pending = await asyncio.wait([a, c], timeout=0)
    show("timeout 0", done, pending)
    done, pending = await asyncio.wait([a, c], timeout=5)
    show("c before the deadline", done, pending)

    w = asyncio.create_task(waiter([a]))
    await asyncio.sleep(0)
    print("cancel waiter", w.cancel("stop"))
    try:
        await w
    except asyncio.CancelledError as e:
        print("main: waiter raised", err(e))
    print("a", st(a), "cancelling", a.cancelling())
    a.cancel()
    await asyncio.wait([a])
    print("a", st(a))
    await tk
    return 0


run(main)
