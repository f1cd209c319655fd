# asyncio conformance scenario 32_never_retrieved (CPython 3.11 reference; C twin: 32_never_retrieved.c).
# R4: a failed task whose error nobody retrieved is reported to the handler when its last
# reference goes; retrieving it (await, result, exception, cancel of the done task) prevents that.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def handler(loop, ctx):
    e = ctx.get("exception")
    print("handler:", ctx["message"], err(e) if e else "")


async def fail(tag):
    print(f"{tag} fails")
    raise UserError(7, f"boom {tag}")


def cb(tag):
    print("cb", tag)


async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(handler)
    asyncio.create_task(fail("dropped"))
    loop.call_soon(cb, "after dropped")
    await asyncio.sleep(0)
    print("main after sleep0")
    f2 = asyncio.create_task(fail("cancelled-after"))
    f3 = asyncio.create_task(fail("checked"))
    f4 = asyncio.create_task(fail("awaited"))
    await asyncio.sleep(0)
    print("cancel done f2", f2.cancel())
    del f2
    print("f3 done", f3.done())
    print("releasing f3")
    del f3
    print("released f3")
    try:
        await f4
    except UserError as e:
        print("await f4:", err(e))
    del f4
    print("main end")
    return 0


run(main)
