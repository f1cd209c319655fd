# asyncio conformance scenario 32_never_retrieved (CPython 3.11 reference; C twin: 32_never_retrieved.c).
# R4: a failed task whose error nobody retrieved is reported to the handler when its last
# reference goes; retrieving it (await, result, exception, cancel of the done task) prevents that.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


class UserError(Exception):
    """A user error: args are (code, message), like weft_raise(code, message)."""


def err(e):
    if isinstance(e, asyncio.CancelledError):
        return " ".join(["CancelledError", *map(str, e.args)])
    if isinstance(e, UserError):
        return f"error {e.args[0]} {e.args[1]}"
    return f"{type(e).__name__} {e}"


def st(t):
    return f"done={t.done()} cancelled={t.cancelled()}"


def names(tasks):
    return " ".join(sorted(t.get_name() for t in tasks))


def cur():
    t = asyncio.current_task()
    return "None" if t is None else t.get_name()


def run(main):
    try:
        r = asyncio.run(main())
        print("run returned", r)
    except BaseException as e:
        print("run raised", err(e))


async def ticker(n):
    for i in range(n):
        print(f"tick {i}")
        await asyncio.sleep(0)
    return 0


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
