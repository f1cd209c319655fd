# asyncio conformance scenario 70_timeout_scope (CPython 3.11 reference; C twin: 70_timeout_scope.c).
# asyncio.timeout: an expired scope cancels the task and turns its CancelledError into
# TimeoutError on exit, with cancelling() back to its entry level; a past deadline fires at the
# next hop (call_soon); reschedule moves or removes the deadline (not once it fired); a body that
# swallows the cancel ends normally with expired() True; nested scopes: only the one that fired
# converts; a cancel from elsewhere during an expired scope stays a CancelledError.
# Each line printed is one event; the C twin must print the same lines.

import asyncio
import time


from scenario import *  # noqa: F401,F403  (shared prelude: err, st, names, cur, run, ticker, UserError)


def state(cm):
    me = asyncio.current_task()
    return f"expired={cm.expired()} cancelling={me.cancelling()}"


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(0.02) as cm:
            print("deadline set", cm.when() is not None)
            await asyncio.sleep(10)
            print("not reached")
    except TimeoutError as e:
        print("expiring scope raised", err(e), state(cm))

    async with asyncio.timeout(5) as cm:
        await asyncio.sleep(0)
    print("scope in time", state(cm))

    tk = asyncio.create_task(ticker(4))
    try:
        async with asyncio.timeout(-1) as cm:
            for i in range(3):
                print("body", i)
                await asyncio.sleep(0)
    except TimeoutError as e:
        print("past deadline raised", err(e), state(cm))
    await tk

    try:
        async with asyncio.timeout(None) as cm:
            print("when", cm.when())
            cm.reschedule(loop.time() + 0.02)
            await asyncio.sleep(10)
    except TimeoutError as e:
        print("rescheduled scope raised", err(e), state(cm))
        try:
            cm.reschedule(None)
        except RuntimeError as ex:
            print("reschedule after expiry:", ex)

    async with asyncio.timeout(0.01) as cm:
        cm.reschedule(None)
        await asyncio.sleep(0.03)
    print("deadline removed", state(cm))

    async with asyncio.timeout(0.02) as cm:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError as e:
            print("body swallows", err(e))
    print("swallowed", state(cm))

    try:
        async with asyncio.timeout(0.02) as outer:
            try:
                async with asyncio.timeout(5) as inner:
                    await asyncio.sleep(10)
            except asyncio.CancelledError as e:
                print("inner scope raised", err(e), state(inner))
                raise
    except TimeoutError as e:
        print("outer scope raised", err(e), state(outer))

    me = asyncio.current_task()
    try:
        async with asyncio.timeout(0.02) as cm:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                me.cancel("from elsewhere")
                await asyncio.sleep(0)
    except asyncio.CancelledError as e:
        print("two cancels raised", err(e), state(cm))
    me.uncancel()
    return 0


run(main)
