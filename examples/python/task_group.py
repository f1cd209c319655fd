# A TaskGroup with a failing child: the first failure cancels the other
# children and the body, the group waits for all of them, and the errors come
# out together as an ExceptionGroup.
import asyncio


class FetchError(Exception):
    pass


async def fetch(name, delay, fails):
    await asyncio.sleep(delay)
    if fails:
        raise FetchError(f'{name}: connection reset')
    return f'{name}: ok'


async def main():
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(fetch(f'page-{i}', 0.01 * i, False), name=f'page-{i}')
                 for i in range(4)]
    print('all done:', ', '.join(task.result() for task in tasks))

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(fetch(f'page-{i}', 10 if i != 2 else 0.05, i == 2),
                                       name=f'page-{i}')
                     for i in range(4)]
            await asyncio.sleep(10)
            print('not reached: the body is cancelled too')
    except* FetchError as eg:
        print(f'group failed: {len(eg.exceptions)} error(s)')
        for error in eg.exceptions:
            print(f'  {error}')
    for task in tasks:
        print(f'{task.get_name()}: {"cancelled" if task.cancelled() else "failed"}')
    print('cancelling:', asyncio.current_task().cancelling())


asyncio.run(main())
