# A task can request its own cancellation: it ends cancelled, and
# asyncio.run() raises CancelledError.
import asyncio


async def main():
    print('main coroutine started')
    task = asyncio.current_task()
    result = task.cancel()
    print(f'canceled: {result}')


try:
    asyncio.run(main())
except asyncio.CancelledError as e:
    print(f'{type(e).__name__}: {e}')
