# asyncio conformance scenario 46_semaphore_cancel (CPython 3.11 reference; C twin: 46_semaphore_cancel.c).
# Semaphore: a cancelled waiter is skipped by release(); a waiter woken by release() and
# cancelled before it runs gives its permit back and wakes the next one (S3).
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def user(name, sem):
    print(f"{name} acquiring")
    try:
        await sem.acquire()
    except asyncio.CancelledError as e:
        print(f"{name} caught {err(e)} locked={sem.locked()}")
        raise
    print(f"{name} acquired")
    await asyncio.sleep(0)
    print(f"{name} releases")
    sem.release()
    return 0


async def main():
    sem = asyncio.Semaphore(1)
    await sem.acquire()
    ts = [asyncio.create_task(user(f"s{i}", sem)) for i in range(4)]
    tk = asyncio.create_task(ticker(8))
    await asyncio.sleep(0)
    print("cancel s0:", ts[0].cancel("stop s0"))
    print("main releases")
    sem.release()
    print("cancel s1 (just woken):", ts[1].cancel("stop s1"))
    for i, t in enumerate(ts):
        try:
            await t
        except asyncio.CancelledError:
            pass
        print(f"s{i} {st(t)}")
    await tk
    print("locked", sem.locked())
    print("main end")
    return 0


run(main)
