# asyncio conformance scenario 39_done_callback_chain (CPython 3.11 reference; C twin: 39_done_callback_chain.c).
# C1 C2 S3: done callbacks of a task cancelled before its first step run one hop after it ends;
# a callback added from inside a done callback of the same (done) task is queued at the tail.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def late_cb(fut):
    print("late cb", st(fut))


def first_cb(fut):
    print("first cb", st(fut))
    fut.add_done_callback(late_cb)


def second_cb(fut):
    print("second cb")


async def body():
    print("body runs")
    return 0


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(body())
    t.add_done_callback(first_cb)
    t.add_done_callback(second_cb)
    print("cancel", t.cancel())
    loop.call_soon(print, "plain before")
    await asyncio.sleep(0)
    print("main 1", st(t))
    await asyncio.sleep(0)
    print("main 2")
    await asyncio.sleep(0)
    print("main 3")
    return 0


run(main)
