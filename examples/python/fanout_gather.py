# Fan-out with gather: eight jobs run at the same time (in weft on several
# workers) and their results come back in argument order; one failing job
# makes gather raise, or, with return_exceptions, takes its place.
import asyncio


class JobError(Exception):
    pass


async def checksum(job):
    # A little CPU work in slices, with a turn for the others between them.
    total = 0
    for start in range(job * 1000, job * 1000 + 1000, 100):
        for i in range(start, start + 100):
            total = (total + i * i) % 1000003
        await asyncio.sleep(0)
    return total


async def flaky(job):
    await asyncio.sleep(0.01 * job)
    if job == 3:
        raise JobError(f'job {job} failed')
    return job * 10


async def main():
    results = await asyncio.gather(*(checksum(job) for job in range(8)))
    for job, value in enumerate(results):
        print(f'checksum {job}: {value}')
    print(f'total: {sum(results) % 1000003}')

    outcomes = await asyncio.gather(*(flaky(job) for job in range(5)),
                                    return_exceptions=True)
    for job, outcome in enumerate(outcomes):
        if isinstance(outcome, Exception):
            print(f'flaky {job}: failed: {outcome}')
        else:
            print(f'flaky {job}: {outcome}')

    try:
        await asyncio.gather(*(flaky(job) for job in range(5)))
    except JobError as e:
        print(f'gather raised: {e}')


asyncio.run(main())
