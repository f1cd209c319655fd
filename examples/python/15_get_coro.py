# task.get_coro() returns the very coroutine object the task was made from.
import asyncio


async def task_coroutine():
    print('executing the task')
    await asyncio.sleep(1)


async def main():
    print('main coroutine started')
    coro = task_coroutine()
    print(coro)
    task = asyncio.create_task(coro)
    await asyncio.sleep(0.1)
    task_coro = task.get_coro()
    print(task_coro)
    print(f'same: {coro is task_coro}')
    await task
    print('main coroutine done')


asyncio.run(main())
