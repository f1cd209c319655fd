# create_task() wants a coroutine: calling a plain function runs it at once
# and passes its return value (None) to create_task().
import asyncio


def task_function():
    print('executing the task')


async def main():
    print('main coroutine started')
    task = asyncio.create_task(task_function())
    await task
    print('main coroutine done')


try:
    asyncio.run(main())
except TypeError as e:
    print(f'{type(e).__name__}: {e}')
