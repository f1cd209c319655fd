# asyncio conformance scenario 21_remove_done_callback (CPython 3.11 reference; C twin: 21_remove_done_callback.c).
# C3: remove_done_callback removes every pending registration and returns the count; after
# completion it returns 0 and cannot stop calls already scheduled.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def make_cb(tag):
    def cb(fut):
        print(f"done cb {tag}")
    return cb


cb1 = make_cb("1")
cb2 = make_cb("2")
cb3 = make_cb("3")


def remover(fut):
    print("remover: removed cb2", fut.remove_done_callback(cb2))


async def work():
    print("work runs")
    await asyncio.sleep(0)
    return 1


async def main():
    t = asyncio.create_task(work())
    t.add_done_callback(remover)
    t.add_done_callback(cb1)
    t.add_done_callback(cb1)
    t.add_done_callback(cb2)
    t.add_done_callback(cb1)
    t.add_done_callback(cb3)
    print("removed cb1", t.remove_done_callback(cb1))
    print("removed cb1 again", t.remove_done_callback(cb1))
    print("removed never added", t.remove_done_callback(make_cb("x")))
    await t
    print("main resumed")
    print("removed cb3 after done", t.remove_done_callback(cb3))
    return 0


run(main)
