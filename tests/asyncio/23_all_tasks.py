# asyncio conformance scenario 23_all_tasks (CPython 3.11 reference; C twin: 23_all_tasks.c).
# N5 N4: all_tasks() lists the tasks not done (created-but-not-started ones included, the current
# task included); a task drops out as soon as it is done, before its callbacks run.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def in_cb(tag):
    print(f"{tag}: current={cur()} all_tasks:", names(asyncio.all_tasks()))


def done_cb(fut):
    print(f"done cb of {fut.get_name()}: all_tasks:", names(asyncio.all_tasks()))


async def child(tag, d):
    print(f"{tag} current={cur()} all_tasks:", names(asyncio.all_tasks()))
    await asyncio.sleep(d)
    return 0


async def main():
    loop = asyncio.get_running_loop()
    print("main start all_tasks:", names(asyncio.all_tasks()))
    a = asyncio.create_task(child("a", 0))
    b = asyncio.create_task(child("b", 0.01))
    print("after create all_tasks:", names(asyncio.all_tasks()))
    a.add_done_callback(done_cb)
    loop.call_soon(in_cb, "plain cb")
    await a
    print("after a all_tasks:", names(asyncio.all_tasks()))
    print("cancel b", b.cancel())
    print("after cancel all_tasks:", names(asyncio.all_tasks()))
    try:
        await b
    except asyncio.CancelledError as e:
        print("await b:", err(e))
    print("end all_tasks:", names(asyncio.all_tasks()))
    return 0


run(main)
