# A coroutine runs once: wrapping a finished task's coroutine in a second
# task fails.
import asyncio


async def task_coroutine():
    print('executing the task')
    await asyncio.sleep(1)


async def main():
    print('main coroutine started')
    task = asyncio.create_task(task_coroutine())
    await task
    again = asyncio.create_task(task.get_coro())
    await again


try:
    asyncio.run(main())
except RuntimeError as e:
    print(f'{type(e).__name__}: {e}')
