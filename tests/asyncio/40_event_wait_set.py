# asyncio conformance scenario 40_event_wait_set (CPython 3.11 reference; C twin: 40_event_wait_set.c).
# Event: wait() on a cleared event suspends; set() wakes every waiter one hop later, in the
# order they began waiting; set() twice is a no-op; wait() on a set event does not suspend;
# clear() after set() does not take the wake-up back.
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def waiter(name, ev):
    print(f"{name} waits")
    r = await ev.wait()
    print(f"{name} woke {r} is_set={ev.is_set()}")
    return 0


async def main():
    ev = asyncio.Event()
    print("is_set", ev.is_set())
    ws = [asyncio.create_task(waiter(f"w{i}", ev)) for i in range(3)]
    tk = asyncio.create_task(ticker(5))
    await asyncio.sleep(0)
    print("main sets")
    ev.set()
    ev.set()
    print("is_set", ev.is_set())
    await asyncio.sleep(0)
    print("main after one hop")
    r = await ev.wait()
    print("wait on a set event:", r, "(same step)")
    ev.clear()
    print("is_set", ev.is_set())
    w3 = asyncio.create_task(waiter("w3", ev))
    await asyncio.sleep(0)
    ev.set()
    ev.clear()
    print("set then clear: is_set", ev.is_set())
    for w in ws:
        await w
    await w3
    await tk
    print("main end")
    return 0


run(main)
