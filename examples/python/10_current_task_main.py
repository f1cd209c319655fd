# The current task inside main(): the task asyncio.run() made for it.
import asyncio


async def main():
    print('main coroutine started')
    task = asyncio.current_task()
    print(task)


asyncio.run(main())
