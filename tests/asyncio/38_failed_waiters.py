# asyncio conformance scenario 38_failed_waiters (CPython 3.11 reference; C twin: 38_failed_waiters.c).
# T6 R2 S3: waiters of a failing task all get its error in registration order; a waiter cancelled
# after the failure but before its wakeup gets CancelledError instead.
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


holder = []


def cancel_w2():
    print("cb cancels w2:", holder[0].cancel())


async def failing():
    print("failing starts")
    await asyncio.sleep(0)
    asyncio.get_running_loop().call_soon(cancel_w2)
    print("failing raises")
    raise UserError(3, "bad")


async def waiter(name, t):
    print(f"{name} waits")
    try:
        await t
    except UserError as e:
        print(f"{name} got", err(e))
    except asyncio.CancelledError as e:
        print(f"{name} got", err(e))
    return 0


async def main():
    f = asyncio.create_task(failing())
    w1 = asyncio.create_task(waiter("w1", f))
    w2 = asyncio.create_task(waiter("w2", f))
    holder.append(w2)
    w3 = asyncio.create_task(waiter("w3", f))
    await w1
    await w2
    await w3
    print("w2", st(w2), "f", st(f))
    return 0


run(main)
