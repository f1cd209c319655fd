# asyncio conformance scenario 48_condition_notify (CPython 3.11 reference; C twin: 48_condition_notify.c).
# Condition: wait() releases the lock and suspends; notify(n) wakes the first n waiters and
# notify_all() the rest, FIFO; a woken waiter re-acquires the lock before wait() returns, so
# while the notifier holds it they queue on the lock in order; wait() or notify() without
# the lock is a RuntimeError.
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def waiter(name, cond):
    async with cond:
        print(f"{name} waits")
        r = await cond.wait()
        print(f"{name} woke {r} locked={cond.locked()}")
        await asyncio.sleep(0)
        print(f"{name} releases")
    return 0


async def main():
    cond = asyncio.Condition()
    try:
        await cond.wait()
    except RuntimeError as e:
        print("wait without the lock:", err(e))
    try:
        cond.notify()
    except RuntimeError as e:
        print("notify without the lock:", err(e))
    ws = [asyncio.create_task(waiter(f"w{i}", cond)) for i in range(4)]
    tk = asyncio.create_task(ticker(10))
    await asyncio.sleep(0)
    async with cond:
        print("main notifies 2")
        cond.notify(2)
        await asyncio.sleep(0)
        print("main still holds the lock")
    print("main released")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    async with cond:
        print("main notifies all")
        cond.notify_all()
    for w in ws:
        await w
    await tk
    async with cond:
        cond.notify(5)
        print("notify with no waiters: fine")
    print("main end")
    return 0


run(main)
