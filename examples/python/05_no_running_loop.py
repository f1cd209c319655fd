# create_task() needs a running event loop: after asyncio.run() returned
# there is none. The coroutine is never awaited (a RuntimeWarning on stderr).
import asyncio


async def task_coroutine():
    print('executing the task')
    await asyncio.sleep(1)


async def main():
    print('main coroutine started')
    print('main coroutine done')


asyncio.run(main())
try:
    task = asyncio.create_task(task_coroutine())
except RuntimeError as e:
    print(f'{type(e).__name__}: {e}')
