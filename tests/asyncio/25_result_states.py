# asyncio conformance scenario 25_result_states (CPython 3.11 reference; C twin: 25_result_states.c).
# R1 R2 R3 S1: result() and exception() while pending, after success, after failure, after cancel.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def slow():
    await asyncio.sleep(0.01)
    return 3


async def fail():
    await asyncio.sleep(0)
    raise UserError(7, "boom")


async def main():
    s = asyncio.create_task(slow())
    try:
        s.result()
    except asyncio.InvalidStateError as e:
        print("pending result:", err(e))
    try:
        s.exception()
    except asyncio.InvalidStateError as e:
        print("pending exception:", err(e))
    print("s", st(s))
    await s
    print("s", st(s), "result", s.result(), "exception", s.exception())
    f = asyncio.create_task(fail())
    await asyncio.sleep(0)
    print("f", st(f))
    await asyncio.sleep(0)
    print("f", st(f))
    try:
        f.result()
    except UserError as e:
        print("f.result:", err(e))
    print("f.exception:", err(f.exception()))
    c = asyncio.create_task(slow())
    await asyncio.sleep(0)
    print("cancel c", c.cancel())
    print("c", st(c))
    await asyncio.sleep(0)
    print("c", st(c))
    try:
        c.result()
    except asyncio.CancelledError as e:
        print("c.result:", err(e))
    try:
        c.exception()
    except asyncio.CancelledError as e:
        print("c.exception:", err(e))
    return 0


run(main)
