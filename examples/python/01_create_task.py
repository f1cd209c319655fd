# Creating a task with asyncio.create_task() and awaiting it.
import asyncio


async def task_coroutine():
    print('executing the task')
    await asyncio.sleep(1)


async def main():
    print('main coroutine started')
    task = asyncio.create_task(task_coroutine())
    await task
    print('main coroutine done')


asyncio.run(main())
