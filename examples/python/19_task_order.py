# Three tasks sleep concurrently: they finish in deadline order, whatever
# order they are awaited in.
import asyncio


async def worker(name, delay):
    print(f'{name}: started')
    await asyncio.sleep(delay)
    print(f'{name}: finished')


async def main():
    tasks = [asyncio.create_task(worker(name, delay))
             for name, delay in (('a', 1), ('b', 0.5), ('c', 1.5))]
    for task in tasks:
        await task


asyncio.run(main())
