# The task's coroutine is suspended inside the task: awaiting it directly
# as well is an error.
import asyncio


async def task_coroutine():
    print('executing the task')
    await asyncio.sleep(1)


async def main():
    print('main coroutine started')
    task = asyncio.create_task(task_coroutine())
    await asyncio.sleep(0.1)
    await task.get_coro()


try:
    asyncio.run(main())
except RuntimeError as e:
    print(f'{type(e).__name__}: {e}')
