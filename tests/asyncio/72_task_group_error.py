# asyncio conformance scenario 72_task_group_error (CPython 3.11 reference; C twin: 72_task_group_error.c).
# TaskGroup: the first child failure (seen in its done callback, one hop after it failed) cancels
# the other children and the body; create_task is then refused ("is shutting down"); the exit
# waits for every child, withdraws the group's cancel (cancelling() back to 0) and raises the
# ExceptionGroup of the children's errors; a sibling that swallowed the cancel counts as done.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def fails(name, hops, code):
    print(f"{name} start")
    for _ in range(hops):
        await asyncio.sleep(0)
    print(f"{name} raises {code}")
    raise UserError(code, f"{name} failed")


async def sleeper(name, swallow):
    print(f"{name} start")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print(f"{name} caught", err(e))
        if not swallow:
            raise
        await asyncio.sleep(0)
        print(f"{name} returns")
        return 5
    return 0


async def quiet(name):
    # Prints nothing when cancelled: the group cancels its children in set order, which
    # CPython leaves unspecified, so only one cancelled child reports.
    print(f"{name} start")
    await asyncio.sleep(10)
    return 0


async def main():
    tk = asyncio.create_task(ticker(10))
    me = asyncio.current_task()
    try:
        async with asyncio.TaskGroup() as group:
            a = group.create_task(quiet("a"))
            b = group.create_task(fails("b", 2, 7))
            c = group.create_task(sleeper("c", True))
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError as e:
                print("body caught", err(e), "cancelling", me.cancelling())
                child = sleeper("d", False)
                try:
                    group.create_task(child)
                except RuntimeError as ex:
                    print("create_task:", ex)
                    child.close()
                raise
    except ExceptionGroup as eg:
        print("group raised", err(eg))
        for e in eg.exceptions:
            print("  member", err(e))
    print("states", st(a), st(b), st(c), "c result", c.result())
    print("cancelling", me.cancelling())
    await tk
    return 0


run(main)
