# Creating many tasks: their sleeps overlap, so the program takes about 1 s.
import asyncio


async def task_coroutine(value):
    print(f'>executing the task {value}')
    await asyncio.sleep(1)


async def main():
    print('main coroutine started')
    tasks = [asyncio.create_task(task_coroutine(i)) for i in range(20)]
    for task in tasks:
        await task
    print('main coroutine done')


asyncio.run(main())
