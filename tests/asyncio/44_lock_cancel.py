# asyncio conformance scenario 44_lock_cancel (CPython 3.11 reference; C twin: 44_lock_cancel.c).
# Lock: cancelling a waiter. A cancelled head is skipped by release() and, when it runs,
# wakes the next waiter; a woken waiter cancelled before it runs passes the lock on (S3);
# with only cancelled waiters left, acquire() takes the free lock at once; a task that
# cancelled itself gets CancelledError from acquire() of a held lock (T3).
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def user(name, lock):
    print(f"{name} acquiring")
    try:
        await lock.acquire()
    except asyncio.CancelledError as e:
        print(f"{name} caught {err(e)} locked={lock.locked()}")
        raise
    print(f"{name} acquired")
    await asyncio.sleep(0)
    print(f"{name} releases")
    lock.release()
    return 0


async def self_cancel(lock):
    asyncio.current_task().cancel("self")
    try:
        await lock.acquire()
        print("self_cancel acquired")
    except asyncio.CancelledError as e:
        print(f"self_cancel caught {err(e)}")
    return 0


async def finish(tasks):
    for name, t in tasks:
        try:
            await t
        except asyncio.CancelledError:
            pass
        print(f"{name} {st(t)}")


async def main():
    lock = asyncio.Lock()
    tk = asyncio.create_task(ticker(12))
    print("-- cancelled head")
    await lock.acquire()
    c = asyncio.create_task(user("c", lock))
    d = asyncio.create_task(user("d", lock))
    await asyncio.sleep(0)
    print("cancel c:", c.cancel("stop c"))
    print("main releases")
    lock.release()
    await finish([("c", c), ("d", d)])
    print("-- woken then cancelled")
    await lock.acquire()
    e = asyncio.create_task(user("e", lock))
    f = asyncio.create_task(user("f", lock))
    await asyncio.sleep(0)
    print("main releases")
    lock.release()
    print("cancel e:", e.cancel("stop e"))
    await finish([("e", e), ("f", f)])
    print("-- only cancelled waiters")
    await lock.acquire()
    g = asyncio.create_task(user("g", lock))
    await asyncio.sleep(0)
    print("cancel g:", g.cancel())
    lock.release()
    await lock.acquire()
    print("main acquired at once, locked", lock.locked())
    lock.release()
    await finish([("g", g)])
    print("-- self cancel")
    await lock.acquire()
    s = asyncio.create_task(self_cancel(lock))
    await finish([("s", s)])
    lock.release()
    await tk
    print("main end")
    return 0


run(main)
