# asyncio conformance scenario 73_task_group_cancel (CPython 3.11 reference; C twin: 73_task_group_cancel.c).
# Cancelling the parent of a TaskGroup from outside: while it waits in the exit, the cancel is
# passed on to the children and, once they are done, the exit raises CancelledError with the
# message (cancelling() stays 1: not the group's cancel); while the body runs, the body's
# CancelledError makes the exit cancel the children, wait for them and re-raise it. A child
# error meanwhile wins over the cancel (ExceptionGroup).
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def sleeper(name, hops_after, code):
    print(f"{name} start")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print(f"{name} caught", err(e))
        for _ in range(hops_after):
            await asyncio.sleep(0)
        if code:
            print(f"{name} raises {code}")
            raise UserError(code, f"{name} failed")
        raise
    return 0


async def parent(label, in_body, code):
    me = asyncio.current_task()
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(sleeper(f"{label}-a", 1, code))
            if in_body:
                try:
                    await asyncio.sleep(10)
                except asyncio.CancelledError as e:
                    print(label, "body caught", err(e))
                    raise
            print(label, "body leaves")
    except asyncio.CancelledError as e:
        print(label, "group raised", err(e), "cancelling", me.cancelling())
        raise
    except ExceptionGroup as eg:
        print(label, "group raised", err(eg), "cancelling", me.cancelling())
        for e in eg.exceptions:
            print("  member", err(e))
    return 0


async def main():
    tk = asyncio.create_task(ticker(16))
    for label, in_body, code in (("exit", False, 0), ("body", True, 0), ("error", False, 7)):
        p = asyncio.create_task(parent(label, in_body, code))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        print("cancel", label, p.cancel("stop"))
        try:
            print(label, "returned", await p)
        except asyncio.CancelledError as e:
            print("main:", label, "raised", err(e))
    await tk
    return 0


run(main)
