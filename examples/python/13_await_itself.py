# A task cannot await itself.
import asyncio


async def main():
    print('main coroutine started')
    task = asyncio.current_task()
    await task


try:
    asyncio.run(main())
except RuntimeError as e:
    print(f'{type(e).__name__}: {e}')
