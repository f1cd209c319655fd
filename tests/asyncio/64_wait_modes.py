# asyncio conformance scenario 64_wait_modes (CPython 3.11 reference; C twin: 64_wait_modes.c).
# wait: FIRST_COMPLETED, FIRST_EXCEPTION (a cancelled task does not count) and ALL_COMPLETED are
# decided in a done callback, and the caller resumes two hops after the deciding completion,
# also when the tasks are already done; wait never cancels; wait([]) is a ValueError.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def child(name, hops, value):
    print(f"{name} start")
    for _ in range(hops):
        await asyncio.sleep(0)
    print(f"{name} end")
    return value


async def fails(name, hops, code):
    print(f"{name} start")
    for _ in range(hops):
        await asyncio.sleep(0)
    print(f"{name} raises {code}")
    raise UserError(code, f"{name} failed")


def named(coro, name):
    return asyncio.get_running_loop().create_task(coro, name=name)


def show(label, done, pending):
    print(label, "done:", names(done), "pending:", names(pending))


async def main():
    tk = asyncio.create_task(ticker(24))
    a = named(child("a", 2, 1), "a")
    b = named(child("b", 4, 2), "b")
    done, pending = await asyncio.wait([a, b], return_when=asyncio.FIRST_COMPLETED)
    show("first completed", done, pending)
    done, pending = await asyncio.wait([a, b, a])
    show("all completed", done, pending)

    c = named(child("c", 1, 3), "c")
    d = named(fails("d", 3, 7), "d")
    e = named(child("e", 6, 4), "e")
    f = named(child("f", 8, 5), "f")
    e.cancel()
    done, pending = await asyncio.wait([c, d, e, f], return_when=asyncio.FIRST_EXCEPTION)
    show("first exception", done, pending)
    print("d", err(d.exception()))
    done, pending = await asyncio.wait([c, e], return_when=asyncio.FIRST_EXCEPTION)
    show("first exception, none failed", done, pending)
    done, pending = await asyncio.wait([f], return_when=asyncio.FIRST_COMPLETED)
    show("f", done, pending)
    try:
        await asyncio.wait([])
    except ValueError as ex:
        print("wait([]) raised", err(ex))
    await tk
    return 0


run(main)
