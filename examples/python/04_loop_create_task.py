# Creating a named task through the running loop: loop.create_task().
import asyncio


async def task_coroutine():
    print('executing the task')
    await asyncio.sleep(1)


async def main():
    print('main coroutine started')
    loop = asyncio.get_running_loop()
    task = loop.create_task(task_coroutine(), name='MyTask')
    await task
    print('main coroutine done')


asyncio.run(main())
