# The same, with the inner coroutine wrapped in a task.
import asyncio


async def custom_coro(message):
    print(message)


async def main():
    print('Hi from coroutine within a coroutine')
    task = asyncio.create_task(custom_coro('Hi from a coroutine'))
    await task


asyncio.run(main())
