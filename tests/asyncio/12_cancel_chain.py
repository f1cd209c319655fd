# asyncio conformance scenario 12_cancel_chain (CPython 3.11 reference; C twin: 12_cancel_chain.c).
# S8: cancel() passes down an await chain to the leaf; CancelledError unwinds one hop per level.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def leaf():
    print("leaf start")
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as e:
        print("leaf caught", err(e))
        raise
    return 0


async def level(name, t):
    print(f"{name} start")
    try:
        await t
    except asyncio.CancelledError as e:
        print(f"{name} caught", err(e))
        raise
    return 0


async def main():
    lf = asyncio.create_task(leaf())
    m = asyncio.create_task(level("mid", lf))
    top = asyncio.create_task(level("top", m))
    tk = asyncio.create_task(ticker(5))
    await asyncio.sleep(0)
    print("cancel top", top.cancel("stop"))
    print("cancelling", top.cancelling(), m.cancelling(), lf.cancelling())
    print("states", st(top), st(m), st(lf))
    try:
        await top
    except asyncio.CancelledError as e:
        print("main await top:", err(e))
    print("states", st(top), st(m), st(lf))
    await tk
    return 0


run(main)
