# asyncio conformance scenario 47_bounded_semaphore (CPython 3.11 reference; C twin: 47_bounded_semaphore.c).
# BoundedSemaphore: like Semaphore, but release() above the initial value is a ValueError
# (and changes nothing); waiters are served FIFO.
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def user(name, sem):
    await sem.acquire()
    print(f"{name} acquired")
    await asyncio.sleep(0)
    sem.release()
    print(f"{name} released")
    return 0


async def main():
    sem = asyncio.BoundedSemaphore(2)
    try:
        sem.release()
    except ValueError as e:
        print("release at the bound:", err(e))
    await sem.acquire()
    sem.release()
    try:
        sem.release()
    except ValueError as e:
        print("release again:", err(e))
    print("locked", sem.locked())
    us = [asyncio.create_task(user(f"b{i}", sem)) for i in range(4)]
    for u in us:
        await u
    print("locked", sem.locked())
    try:
        sem.release()
    except ValueError as e:
        print("release after all:", err(e))
    print("main end")
    return 0


run(main)
