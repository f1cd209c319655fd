# asyncio conformance scenario 11_cancel_sleeping (CPython 3.11 reference; C twin: 11_cancel_sleeping.c).
# S2 S4 R3: cancelling a sleeping task wakes it one hop later with the message; a second cancel
# while it is suspended does not change the message.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def sleeper():
    print("sleeper start")
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        print("sleeper caught", err(e), "cancelling", asyncio.current_task().cancelling())
        raise
    return 0


async def main():
    s = asyncio.create_task(sleeper())
    tk = asyncio.create_task(ticker(3))
    await asyncio.sleep(0)
    print("cancel 1", s.cancel("msg1"))
    print("cancel 2", s.cancel("msg2"))
    print("s", st(s), "cancelling", s.cancelling())
    await asyncio.sleep(0)
    print("s", st(s))
    try:
        await s
    except asyncio.CancelledError as e:
        print("main await s:", err(e))
    await tk
    return 0


run(main)
