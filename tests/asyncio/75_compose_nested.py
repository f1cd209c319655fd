# asyncio conformance scenario 75_compose_nested (CPython 3.11 reference; C twin: 75_compose_nested.c).
# Combinations: a timeout around gather cancels the gathered children through the gathering
# future and raises TimeoutError; a timeout around shield leaves the shielded task running; a
# TaskGroup child that gathers is cancelled with its own children when a sibling fails.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def sleeper(name, delay):
    print(f"{name} start")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError as e:
        print(f"{name} caught", err(e))
        raise
    print(f"{name} end")
    return 1


async def fails(name, code):
    print(f"{name} start")
    await asyncio.sleep(0)
    print(f"{name} raises {code}")
    raise UserError(code, f"{name} failed")


async def gathers(name):
    print(f"{name} gathers")
    try:
        await asyncio.gather(sleeper(f"{name}-x", 10), sleeper(f"{name}-y", 10))
    except asyncio.CancelledError as e:
        print(f"{name} caught", err(e))
        raise
    return 0


async def main():
    me = asyncio.current_task()
    a = asyncio.create_task(sleeper("a", 10))
    b = asyncio.create_task(sleeper("b", 10))
    try:
        async with asyncio.timeout(0.02):
            await asyncio.gather(a, b)
    except TimeoutError as e:
        print("timeout around gather raised", err(e), "cancelling", me.cancelling())
    print("states", st(a), st(b))

    c = asyncio.create_task(sleeper("c", 0.05))
    try:
        async with asyncio.timeout(0.01):
            await asyncio.shield(c)
    except TimeoutError as e:
        print("timeout around shield raised", err(e), "c", st(c))
    print("c result", await c)

    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(gathers("g"))
            group.create_task(fails("f", 5))
    except ExceptionGroup as eg:
        print("group raised", err(eg))
        for e in eg.exceptions:
            print("  member", err(e))
    return 0


run(main)
