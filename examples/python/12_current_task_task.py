# Inside a new task, the current task is that task (Task-2), and main is
# waiting for it (cb=[Task.task_wakeup()]).
import asyncio


async def another_coroutine():
    print('executing the task')
    task = asyncio.current_task()
    print(task)


async def main():
    print('main coroutine started')
    task = asyncio.create_task(another_coroutine())
    await task


asyncio.run(main())
