# asyncio conformance scenario 43_lock_no_barging (CPython 3.11 reference; C twin: 43_lock_no_barging.c).
# Lock: after release() the woken waiter owns the next turn: a task whose acquire() runs
# before that waiter did (the lock reads unlocked) queues behind it, and so does the releaser
# acquiring again in the same step: no barging, FIFO.
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
    await lock.acquire()
    a = asyncio.create_task(user("a", lock))
    await asyncio.sleep(0)
    b = asyncio.create_task(user("b", lock))
    print("main releases")
    lock.release()
    print("locked", lock.locked())
    print("main acquires again")
    await lock.acquire()
    print("main acquired")
    await asyncio.sleep(0)
    print("main releases")
    lock.release()
    await a
    await b
    print("main end")
    return 0


run(main)
