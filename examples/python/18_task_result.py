# A task's return value is what awaiting it gives.
import asyncio


async def task_coroutine():
    print('executing the task')
    await asyncio.sleep(1)
    return 'done'


async def main():
    print('main coroutine started')
    task = asyncio.create_task(task_coroutine())
    value = await task
    print(value)


asyncio.run(main())
