"""CPython asyncio's side of every workload (one event loop, so one worker).

Run as `python3 bench_asyncio.py WORKLOAD 1 [small]`; prints the line
format of bench/bench.h. Tasks are counted as for the C systems
(create_task calls, plus the root for skynet). The timed region is the root
coroutine's work; interpreter start and loop creation are outside it.
`small` (make bench BENCH_QUICK=1) runs fib(25), 100,000 flat tasks and a
10^5-leaf skynet instead: CPython needs microseconds per task, and the full
sizes take minutes. Per-task figures stay comparable; the tasks column says
which size ran.
"""

import asyncio
import gc
import os
import sys
import threading
import time

SMALL = len(sys.argv) == 4 and sys.argv[3] == "small"
if SMALL:
    FIB_N, FIB_VALUE = 25, 75025
    FIB_FORKJOIN_TASKS, FIB_ASYNCIO_TASKS = 121392, 242784
    FLAT_TASKS = 100000
    SKYNET_DEPTH, SKYNET_TASKS, SKYNET_SUM = 5, 111111, 4999950000
else:
    FIB_N, FIB_VALUE = 30, 832040
    FIB_FORKJOIN_TASKS, FIB_ASYNCIO_TASKS = 1346268, 2692536
    FLAT_TASKS = 1000000
    SKYNET_DEPTH, SKYNET_TASKS, SKYNET_SUM = 6, 1111111, 499999500000
PINGPONG_ROUNDS = 50000 if SMALL else 200000  # fewer than the C programs: CPython is slower
WAKEUP_SAMPLES, WAKEUP_IDLE_S = 10000, 200e-6
MEMORY_TASKS = 100000


def status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def memory_begin():
    """Resets the peak-RSS mark (see bench.h) and returns the current RSS."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        pass
    return status_kib("VmRSS")


def peak_delta(base):
    peak = status_kib("VmHWM")
    return max(peak - base, 0) if peak >= 0 and base >= 0 else -1


def row(workload, tasks, seconds, peak_kib, extra=None):
    fields = [workload, "asyncio", "1", str(tasks), "%.9f" % seconds,
              "%.3f" % (seconds * 1e9 / tasks), str(peak_kib)]
    if extra:
        fields.append(extra)
    print(",".join(fields), flush=True)


def fail(message):
    print("bench: FAILED: " + message, file=sys.stderr)
    sys.exit(1)


async def fib_forkjoin(n):
    if n < 2:
        return n
    child = asyncio.create_task(fib_forkjoin(n - 1))
    b = await fib_forkjoin(n - 2)
    return await child + b


async def fib_asyncio(n):
    if n < 2:
        return n
    first = asyncio.create_task(fib_asyncio(n - 1))
    second = asyncio.create_task(fib_asyncio(n - 2))
    return await first + await second


async def skynet(number, level):
    if level == 0:
        return number
    width = 10 ** (level - 1)
    children = [asyncio.create_task(skynet(number + i * width, level - 1)) for i in range(10)]
    total = 0
    for child in children:
        total += await child
    return total


async def empty(i):
    return i


async def flat():
    tasks = [asyncio.create_task(empty(i)) for i in range(FLAT_TASKS)]
    total = 0
    for task in tasks:
        total += await task
    return total


async def yielder():
    for _ in range(PINGPONG_ROUNDS):
        await asyncio.sleep(0)


async def pingpong():
    await asyncio.gather(asyncio.create_task(yielder()), asyncio.create_task(yielder()))
    return 2 * PINGPONG_ROUNDS


async def timed(workload, body, tasks, expected):
    base = memory_begin()
    start = time.perf_counter()
    value = await body
    seconds = time.perf_counter() - start
    if value != expected:
        fail("asyncio %s: result %r, expected %r" % (workload, value, expected))
    row(workload, tasks, seconds, peak_delta(base))


async def memory():
    """All sleepers suspended at once (timed up to there), then cancelled."""
    started = 0

    async def sleeper():
        nonlocal started
        started += 1
        await asyncio.sleep(3600)

    base = memory_begin()
    start = time.perf_counter()
    tasks = [asyncio.create_task(sleeper()) for _ in range(MEMORY_TASKS)]
    while started < MEMORY_TASKS:
        await asyncio.sleep(0)
    seconds = time.perf_counter() - start
    peak = peak_delta(base)
    for task in tasks:
        task.cancel()
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    cancelled = sum(isinstance(o, asyncio.CancelledError) for o in outcomes)
    if cancelled != MEMORY_TASKS:
        fail("asyncio memory: %d of %d sleepers cancelled" % (cancelled, MEMORY_TASKS))
    row("memory", MEMORY_TASKS, seconds, peak)


async def wakeup():
    """Another thread submits a tiny coroutine to the idle loop (blocked in
    its selector); latency runs from just before run_coroutine_threadsafe
    to the coroutine's first line."""
    loop = asyncio.get_running_loop()
    latencies = []

    async def record_start():
        return time.perf_counter_ns()

    def submitter():
        for _ in range(WAKEUP_SAMPLES):
            time.sleep(WAKEUP_IDLE_S)
            coro = record_start()
            submitted = time.perf_counter_ns()
            started = asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=60)
            latencies.append(started - submitted)

    await loop.run_in_executor(None, submitter)
    latencies.sort()
    count = len(latencies)
    if count != WAKEUP_SAMPLES or latencies[0] < 0:
        fail("asyncio wakeup: bad samples")
    p50 = latencies[(count * 50 + 99) // 100 - 1]
    p99 = latencies[(count * 99 + 99) // 100 - 1]
    row("wakeup", count, p50 * 1e-9 * count, 0, "p50_ns=%d;p99_ns=%d" % (p50, p99))


def main():
    if len(sys.argv) not in (3, 4) or (len(sys.argv) == 4 and not SMALL):
        print("usage: bench_asyncio.py WORKLOAD 1 [small]", file=sys.stderr)
        sys.exit(1)
    if sys.argv[2] != "1":
        print("bench: asyncio runs one event loop (1 worker)", file=sys.stderr)
        sys.exit(2)
    workload = sys.argv[1]
    gc.freeze()  # the interpreter's start-up objects stay out of the collector's way
    if workload == "fib-forkjoin":
        coro = timed(workload, fib_forkjoin(FIB_N), FIB_FORKJOIN_TASKS, FIB_VALUE)
    elif workload == "fib-asyncio":
        coro = timed(workload, fib_asyncio(FIB_N), FIB_ASYNCIO_TASKS, FIB_VALUE)
    elif workload == "flat":
        coro = timed(workload, flat(), FLAT_TASKS, FLAT_TASKS * (FLAT_TASKS - 1) // 2)
    elif workload == "skynet":
        coro = timed(workload, skynet(0, SKYNET_DEPTH), SKYNET_TASKS, SKYNET_SUM)
    elif workload == "yield-pingpong":
        coro = timed(workload, pingpong(), 2 * PINGPONG_ROUNDS, 2 * PINGPONG_ROUNDS)
    elif workload == "memory":
        coro = memory()
    elif workload == "wakeup":
        coro = wakeup()
    else:
        print("bench: asyncio does not implement " + workload, file=sys.stderr)
        sys.exit(2)
    watchdog = threading.Timer(600, lambda: os._exit(1))
    watchdog.daemon = True
    watchdog.start()
    asyncio.run(coro)


if __name__ == "__main__":
    main()
