# asyncio conformance scenario 74_task_group_errors (CPython 3.11 reference; C twin: 74_task_group_errors.c).
# TaskGroup errors: several children failing are all reported, in the order their done
# callbacks ran; a failure in the body cancels the children and comes last in the
# ExceptionGroup; a child failing while cancelled still counts; a child that is already done is
# not cancelled. (The parent's cancelling() afterwards is not printed: a child failing while the
# parent waits in the exit leaves it at 1 in 3.11, 0 from 3.12 on, which weft follows.)
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


async def fails_when_cancelled(name, code):
    print(f"{name} start")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print(f"{name} cancelled, raises {code}")
        raise UserError(code, f"{name} failed")
    return 0


async def quick(name):
    print(f"{name} runs")
    return 1


def show(eg):
    print("group raised", err(eg))
    for e in eg.exceptions:
        print("  member", err(e))


async def main():
    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(fails("a", 1, 7))
            group.create_task(fails("b", 1, 8))
            group.create_task(fails_when_cancelled("c", 9))
            print("body leaves")
    except ExceptionGroup as eg:
        show(eg)

    try:
        async with asyncio.TaskGroup() as group:
            q = group.create_task(quick("q"))
            group.create_task(fails_when_cancelled("d", 10))
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            print("body raises 11")
            raise UserError(11, "body failed")
    except ExceptionGroup as eg:
        show(eg)
    print("q", st(q))
    return 0


run(main)
