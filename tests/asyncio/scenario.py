"""Prelude shared by the asyncio conformance scenarios: printing helpers whose
output the C twins (scenario.h) reproduce line for line."""

import asyncio


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
