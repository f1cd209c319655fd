# asyncio conformance scenario 45_semaphore_fifo (CPython 3.11 reference; C twin: 45_semaphore_fifo.c).
# Semaphore: acquire() does not suspend while permits are left and nobody waits; waiters
# queue FIFO; release() hands its permit to the first waiter (the value stays 0, so a task
# arriving meanwhile waits: no barging); locked(); a negative initial value is a ValueError.
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def user(name, sem):
    print(f"{name} acquiring locked={sem.locked()}")
    await sem.acquire()
    print(f"{name} acquired")
    await asyncio.sleep(0)
    print(f"{name} releases")
    sem.release()
    return 0


async def main():
    try:
        asyncio.Semaphore(-1)
    except ValueError as e:
        print("Semaphore(-1):", err(e))
    sem = asyncio.Semaphore(2)
    print("locked", sem.locked())
    await sem.acquire()
    await sem.acquire()
    print("main took 2 (same step), locked", sem.locked())
    us = [asyncio.create_task(user(f"s{i}", sem)) for i in range(3)]
    tk = asyncio.create_task(ticker(8))
    await asyncio.sleep(0)
    late = asyncio.create_task(user("late", sem))
    print("main releases one")
    sem.release()
    print("locked", sem.locked())
    await asyncio.sleep(0)
    print("main releases one")
    sem.release()
    for u in us:
        await u
    await late
    await tk
    print("locked", sem.locked())
    async with sem:
        print("in async with, locked", sem.locked())
    print("main end")
    return 0


run(main)
