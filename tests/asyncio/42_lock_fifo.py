# asyncio conformance scenario 42_lock_fifo (CPython 3.11 reference; C twin: 42_lock_fifo.c).
# Lock: acquire() of a free lock does not suspend; waiters queue FIFO; release() wakes the
# first, which holds the lock one hop later; release() of an unlocked lock is a RuntimeError.
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def user(name, lock):
    print(f"{name} acquiring locked={lock.locked()}")
    await lock.acquire()
    print(f"{name} acquired")
    await asyncio.sleep(0)
    print(f"{name} releases")
    lock.release()
    return 0


async def main():
    lock = asyncio.Lock()
    print("locked", lock.locked())
    await lock.acquire()
    print("main acquired (same step), locked", lock.locked())
    us = [asyncio.create_task(user(f"u{i}", lock)) for i in range(3)]
    tk = asyncio.create_task(ticker(9))
    await asyncio.sleep(0)
    print("main releases")
    lock.release()
    print("locked after release", lock.locked())
    for u in us:
        await u
    await tk
    print("locked", lock.locked())
    try:
        lock.release()
    except RuntimeError as e:
        print("release unlocked:", err(e))
    async with lock:
        print("in async with, locked", lock.locked())
    print("after async with, locked", lock.locked())
    print("main end")
    return 0


run(main)
