# asyncio conformance scenario 71_task_group_ok (CPython 3.11 reference; C twin: 71_task_group_ok.c).
# TaskGroup: children start one hop after creation in creation order (Task-N numbers), the body
# goes on meanwhile, a child may create a sibling, and the exit returns two hops after the last
# child finished; afterwards create_task is refused ("is finished").
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def child(name, hops, value):
    print(f"{name} start in {cur()}")
    for _ in range(hops):
        await asyncio.sleep(0)
    print(f"{name} end")
    return value


async def spawner(group):
    print(f"spawner in {cur()}")
    await asyncio.sleep(0)
    group.create_task(child("late", 2, 9))
    print("spawner end")
    return 0


async def main():
    tk = asyncio.create_task(ticker(10))
    async with asyncio.TaskGroup() as group:
        a = group.create_task(child("a", 1, 1))
        b = group.create_task(child("b", 3, 2))
        s = group.create_task(spawner(group))
        print("body goes on")
        await asyncio.sleep(0)
        print("body leaves")
    print("group done", st(a), st(b), st(s), a.result(), b.result())
    print("cancelling", asyncio.current_task().cancelling())
    c = child("c", 0, 3)
    try:
        group.create_task(c)
    except RuntimeError as e:
        print("create_task after exit:", e)
        c.close()
    await tk
    return 0


run(main)
