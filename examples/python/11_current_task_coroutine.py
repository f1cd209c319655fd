# A coroutine awaited directly runs inside the caller's task: the current
# task is still Task-1 running main().
import asyncio


async def custom_coroutine():
    print('executing the coroutine')
    task = asyncio.current_task()
    print(task)


async def main():
    print('main coroutine started')
    await custom_coroutine()


asyncio.run(main())
