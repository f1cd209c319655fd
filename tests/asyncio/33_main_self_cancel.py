# asyncio conformance scenario 33_main_self_cancel (CPython 3.11 reference; C twin: 33_main_self_cancel.c).
# S6 A5 R3: main cancels itself and returns; run() raises CancelledError with the message.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


async def main():
    print("main cancels itself", asyncio.current_task().cancel("main bye"))
    print("main returns 1")
    return 1


run(main)
