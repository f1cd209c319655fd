# asyncio conformance scenario 38_failed_waiters (CPython 3.11 reference; C twin: 38_failed_waiters.c).
# T6 R2 S3: waiters of a failing task all get its error in registration order; a waiter cancelled
# after the failure but before its wakeup gets CancelledError instead.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


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
