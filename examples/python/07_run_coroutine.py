# Running a coroutine with asyncio.run().
import asyncio


async def custom_coro(message):
    print(message)


asyncio.run(custom_coro('Hi from a coroutine'))
