# asyncio conformance scenario 49_condition_wait_for (CPython 3.11 reference; C twin: 49_condition_wait_for.c).
# Condition.wait_for(predicate): checks first (no suspension when already true), then after
# every wake-up with the lock held; consumers with different thresholds leave in turn.
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


state = {"n": 0}


async def consumer(name, cond, k):
    async with cond:
        print(f"{name} checks n>={k}")
        r = await cond.wait_for(lambda: state["n"] >= k)
        print(f"{name} sees n={state['n']} ({r})")
    return 0


async def main():
    cond = asyncio.Condition()
    cs = [asyncio.create_task(consumer(f"c{k}", cond, k)) for k in (2, 1, 3)]
    await asyncio.sleep(0)
    for _ in range(3):
        async with cond:
            state["n"] += 1
            print("main n =", state["n"])
            cond.notify_all()
        await asyncio.sleep(0)
        await asyncio.sleep(0)
    for c in cs:
        await c
    c0 = asyncio.create_task(consumer("now", cond, 0))
    await c0
    print("main end")
    return 0


run(main)
