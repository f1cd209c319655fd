# asyncio conformance scenario 50_condition_cancel (CPython 3.11 reference; C twin: 50_condition_cancel.c).
# Condition: a waiter cancelled before it is notified still re-acquires the lock before the
# CancelledError leaves wait() (it queues behind the holder); the other waiters are not
# woken by it; a self-cancelled task's wait() is cancelled at once (T3).
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def waiter(name, cond):
    async with cond:
        print(f"{name} waits")
        try:
            await cond.wait()
            print(f"{name} woke locked={cond.locked()}")
        except asyncio.CancelledError as e:
            print(f"{name} caught {err(e)} locked={cond.locked()}")
            raise
    return 0


async def self_cancel(cond):
    async with cond:
        asyncio.current_task().cancel("self")
        try:
            await cond.wait()
        except asyncio.CancelledError as e:
            print(f"self_cancel caught {err(e)} locked={cond.locked()}")
    print("self_cancel released")
    return 0


async def main():
    cond = asyncio.Condition()
    ws = [asyncio.create_task(waiter(f"w{i}", cond)) for i in range(3)]
    tk = asyncio.create_task(ticker(6))
    await asyncio.sleep(0)
    async with cond:
        print("cancel w0:", ws[0].cancel("stop w0"))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        print("main releases")
    await asyncio.sleep(0)
    async with cond:
        print("main notifies 1")
        cond.notify(1)
    for i, w in enumerate(ws[:2]):
        try:
            await w
        except asyncio.CancelledError:
            pass
        print(f"w{i} {st(w)}")
    async with cond:
        cond.notify_all()
    await ws[2]
    s = asyncio.create_task(self_cancel(cond))
    await s
    print("s", st(s))
    await tk
    print("main end")
    return 0


run(main)
