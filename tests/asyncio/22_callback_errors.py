# asyncio conformance scenario 22_callback_errors (CPython 3.11 reference; C twin: 22_callback_errors.c).
# L6 C4: an error in a callback (call_soon, call_later, done callback) goes to the exception
# handler and the remaining callbacks still run.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def handler(loop, ctx):
    m = ctx["message"]
    if m.startswith("Exception in callback"):
        m = "Exception in callback"
    print("handler:", m, err(ctx["exception"]))


def ok(tag):
    print("ok", tag)


def bad(code):
    print("bad", code)
    raise UserError(code, f"boom{code}")


def done_bad(fut):
    print("done_bad")
    raise UserError(8, "boom8")


def done_ok(fut):
    print("done_ok")


async def work():
    print("work runs")
    return 0


async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(handler)
    loop.call_soon(ok, "a")
    loop.call_soon(bad, 7)
    loop.call_soon(ok, "b")
    await asyncio.sleep(0)
    print("main resumed")
    t = asyncio.create_task(work())
    t.add_done_callback(done_bad)
    t.add_done_callback(done_ok)
    await t
    print("main after await")
    loop.call_later(0.01, bad, 9)
    loop.call_later(0.02, ok, "c")
    await asyncio.sleep(0.03)
    print("main end")
    return 0


run(main)
