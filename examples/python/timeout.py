# Deadlines: asyncio.timeout() around a slow operation cancels it and raises
# TimeoutError; a fast one is left alone; wait_for does the same for one task,
# and shield keeps a task running past the deadline of its waiter.
import asyncio


async def lookup(name, delay):
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print(f'{name}: cancelled by the deadline')
        raise
    return f'{name}: found'


async def main():
    try:
        async with asyncio.timeout(0.1) as scope:
            print(await lookup('slow', 10))
    except TimeoutError:
        print('slow: timed out, expired:', scope.expired())

    async with asyncio.timeout(5) as scope:
        print(await lookup('fast', 0))
    print('fast: expired:', scope.expired())

    try:
        await asyncio.wait_for(lookup('wait_for', 10), 0.1)
    except TimeoutError:
        print('wait_for: timed out')

    task = asyncio.create_task(lookup('shielded', 0.2))
    try:
        await asyncio.wait_for(asyncio.shield(task), 0.05)
    except TimeoutError:
        print('shield: the waiter timed out, the task goes on')
    print(await task)
    print('cancelling:', asyncio.current_task().cancelling())


asyncio.run(main())
