# asyncio conformance scenario 41_event_cancel (CPython 3.11 reference; C twin: 41_event_cancel.c).
# Event: a waiter cancelled while waiting wakes one hop later with the message and set() skips
# it; a waiter cancelled after set() but before its wake-up gets CancelledError instead (S3).
# Each line printed is one event; the C twin must print the same lines.

import asyncio


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def waiter(name, ev):
    print(f"{name} waits")
    try:
        r = await ev.wait()
        print(f"{name} woke {r}")
        return 0
    except asyncio.CancelledError as e:
        print(f"{name} caught {err(e)}")
        raise


async def main():
    ev = asyncio.Event()
    ws = [asyncio.create_task(waiter(f"w{i}", ev)) for i in range(4)]
    tk = asyncio.create_task(ticker(4))
    await asyncio.sleep(0)
    print("cancel w1:", ws[1].cancel("stop w1"))
    await asyncio.sleep(0)
    print("main sets")
    ev.set()
    print("cancel w2 after set:", ws[2].cancel("late"))
    await asyncio.sleep(0)
    print("main after one hop")
    for i, w in enumerate(ws):
        try:
            await w
        except asyncio.CancelledError:
            pass
        print(f"w{i} {st(w)}")
    await tk
    print("main end")
    return 0


run(main)
