# A coroutine awaiting another coroutine directly: it runs inline.
import asyncio


async def custom_coro(message):
    print(message)


async def main():
    print('Hi from coroutine within a coroutine')
    await custom_coro('Hi from a coroutine')


asyncio.run(main())
