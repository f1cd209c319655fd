# Creating a task with the lower-level asyncio.ensure_future().
import asyncio


async def task_coroutine():
    print('executing the task')
    await asyncio.sleep(1)


async def main():
    print('main coroutine started')
    task = asyncio.ensure_future(task_coroutine())
    await task
    print('main coroutine done')


asyncio.run(main())
