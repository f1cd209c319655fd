#!/usr/bin/env python3
"""The benchmark driver behind `make bench`.

Runs every workload on weft and on every installed peer, on 1 worker, on
2, 4, ... and on all cores, several repetitions each (one fresh process per
repetition, repetitions interleaved so background load spreads evenly),
and writes into the results directory:
  latest.csv      one row per median (header below)
  latest-raw.csv  every repetition, with the programs' extra notes
  latest.md       tables, targets met/not met, what is timed, the machine
  latest.png      ns/task and speedup chart (gnuplot, skipped if missing)
A missing peer is reported and skipped. A program that exits with a wrong
result or a crash is reported loudly and makes the driver exit 1 at the end.

  run.py [--quick] [--only NAMES] --bindir DIR --results DIR [--python python3]
  (--only "queue fib-asyncio": runs only those workloads, a name matching
  itself and the workloads it prefixes, "queue" both queue-*, and merges
  their rows into the existing results, replacing that workload's rows;
  the tables and the chart are redrawn from the merged results)
  run.py --update-readme README.md --results DIR   (copies the latest table)
  run.py --replot --results DIR                      (redraws latest.png)
"""

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

WORKLOADS = ["fib-forkjoin", "fib-asyncio", "flat", "skynet", "yield-pingpong", "wakeup", "memory",
             "queue-1to1", "queue-4to4"]
SYSTEMS = ["weft", "serial", "libgomp", "libomp", "tbb", "asyncio", "pthread"]
PARALLEL = ["fib-forkjoin", "fib-asyncio", "flat", "skynet"]
# Items through a bounded queue: bench_queue runs weft's and a pthread
# mutex+condvar queue in the same process, so its "weft" runs also bring
# the pthread rows (there is no pthread program to find or miss).
QUEUE = ["queue-1to1", "queue-4to4"]
HEADER = "workload,system,workers,tasks,seconds,ns_per_task,peak_rss_kib"
RUN_TIMEOUT_S = 900
QUICK_REPEAT_LIMIT_S = 1.0
README_BEGIN = "<!-- bench-results:begin -->"
README_END = "<!-- bench-results:end -->"

# Which workloads each system runs, and on which worker counts: "all" is
# every count of the run, "one" only 1 worker. yield-pingpong's serial row
# (weft's raw context switch) comes out of bench_weft's run.
PLAN = {
    "weft": {w: "all" for w in PARALLEL + QUEUE} | {"yield-pingpong": "one", "wakeup": "all", "memory": "one"},
    "serial": {w: "one" for w in PARALLEL},
    "libgomp": {w: "all" for w in PARALLEL},
    "libomp": {w: "all" for w in PARALLEL},
    "tbb": {w: "all" for w in PARALLEL} | {"wakeup": "all"},
    "asyncio": {w: "one" for w in WORKLOADS if w not in QUEUE},
    "pthread": {},
}


def log(message):
    print(message, flush=True)


def worker_counts(cores, quick):
    if quick:
        return sorted({1, cores})
    counts, n = set(), 1
    while n <= cores:
        counts.add(n)
        n *= 2
    counts.add(cores)
    return sorted(counts)


def command_output(argv):
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return (result.stdout or result.stderr).strip().splitlines()[0]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "not found"


def machine_description(args, commands):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    distro = platform.system()
    try:
        with open("/etc/os-release") as release:
            for line in release:
                if line.startswith("PRETTY_NAME="):
                    distro = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    memory = "unknown"
    try:
        with open("/proc/meminfo") as info:
            memory = "%.1f GiB" % (int(info.readline().split()[1]) / 1048576)
    except (OSError, ValueError, IndexError):
        pass
    source = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    commit = command_output(["git", "-C", source, "rev-parse", "--short=12", "HEAD"])
    # Changes to the results themselves (an earlier run) do not make the
    # measured code dirty; anything else does.
    try:
        status = subprocess.run(["git", "-C", source, "status", "--porcelain",
                                 "--untracked-files=no", "--", ".", ":(exclude)bench/results"],
                                capture_output=True, text=True, timeout=30)
        if status.returncode == 0 and status.stdout.strip():
            commit += "-dirty"
    except (OSError, subprocess.SubprocessError):
        pass
    described = {
        "CPU": "%s, %d online cores" % (cpu, os.cpu_count() or 1),
        "memory": memory,
        "system": "%s, Linux %s" % (distro, platform.release()),
        "weft": "commit %s, gcc -O2, static libweft" % commit,
        "gcc (weft, serial, libgomp)": command_output(["gcc", "--version"]),
        "clang (libomp)": command_output(["clang", "--version"]) if "libomp" in commands else "not used",
        "g++ (tbb)": command_output(["g++", "--version"]) if "tbb" in commands else "not used",
        "oneTBB": command_output(commands["tbb"] + ["--version"]) if "tbb" in commands else "not used",
        "python (asyncio)": command_output([args.python, "--version"]) if "asyncio" in commands else "not used",
        "glibc (pthread queue)": command_output(["ldd", "--version"]) if "queue" in commands else "not used",
    }
    return described


def find_commands(args):
    """The command of each available system; reasons for the missing ones."""
    commands, missing = {}, {}
    for system in ["weft", "serial", "libgomp", "libomp", "tbb"]:
        path = os.path.join(args.bindir, "bench_" + system)
        if os.access(path, os.X_OK):
            commands[system] = [path]
        else:
            log_name = os.path.join(args.bindir, "bench_%s.build-log" % system)
            missing[system] = "not built" + (" (see %s)" % log_name if os.path.exists(log_name) else "")
    path = os.path.join(args.bindir, "bench_queue")
    if os.access(path, os.X_OK):
        commands["queue"] = [path]
    else:
        missing["queue"] = "bench_queue not built: no queue rows"
    python = shutil.which(args.python)
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_asyncio.py")
    if python:
        commands["asyncio"] = [python, script]
    else:
        missing["asyncio"] = "%s not found" % args.python
    return commands, missing


def parse_line(line):
    fields = line.strip().split(",", 7)
    if len(fields) < 7:
        return None
    extra = {}
    if len(fields) == 8:
        for item in fields[7].split(";"):
            key, _, value = item.partition("=")
            if key:
                extra[key] = value
    return {
        "workload": fields[0], "system": fields[1], "workers": int(fields[2]),
        "tasks": int(fields[3]), "seconds": float(fields[4]),
        "peak_rss_kib": int(fields[6]), "extra": extra,
        "raw_extra": fields[7] if len(fields) == 8 else "",
    }


def run_one(command, workload, workers, quick_asyncio):
    argv = command + [workload, str(workers)]
    if quick_asyncio:
        argv.append("small")
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None, "timed out after %d s: %s" % (RUN_TIMEOUT_S, " ".join(argv))
    if result.returncode == 2:
        return [], None
    if result.returncode != 0:
        return None, "exit status %d: %s\n%s" % (result.returncode, " ".join(argv), result.stderr.strip())
    rows = [parse_line(line) for line in result.stdout.splitlines() if line.strip()]
    if not rows or None in rows:
        return None, "unreadable output from %s:\n%s" % (" ".join(argv), result.stdout)
    return rows, None


def read_raw(path):
    """Every repetition in a latest-raw.csv, as parse_line gives them; none
    if the file is missing."""
    if not os.path.exists(path):
        log("bench: no %s: nothing earlier to merge with" % path)
        return []
    rows = []
    with open(path) as table:
        next(table, None)
        for line in table:
            row = parse_line(line) if line.strip() else None
            if row is None:
                sys.exit("bench: unreadable line in %s: %s" % (path, line.strip()))
            rows.append(row)
    return rows


def median_rows(raw):
    groups = {}
    for row in raw:
        groups.setdefault((row["workload"], row["system"], row["workers"]), []).append(row)
    medians = {}
    for key, rows in groups.items():
        seconds = statistics.median(r["seconds"] for r in rows)
        extras = {}
        for name in rows[0]["extra"]:
            try:
                extras[name] = statistics.median(float(r["extra"][name]) for r in rows)
            except (KeyError, ValueError):
                extras[name] = rows[0]["extra"][name]
        medians[key] = {
            "tasks": rows[0]["tasks"], "seconds": seconds,
            "ns": seconds * 1e9 / rows[0]["tasks"],
            "peak": int(statistics.median(r["peak_rss_kib"] for r in rows)),
            "runs": len(rows), "extra": extras,
        }
    return medians


def order_key(key):
    workload, system, workers = key
    return (WORKLOADS.index(workload), SYSTEMS.index(system), workers)


def write_csv(path, medians):
    with open(path, "w") as out:
        out.write(HEADER + "\n")
        for key in sorted(medians, key=order_key):
            m = medians[key]
            out.write("%s,%s,%d,%d,%.9f,%.3f,%d\n" % (key + (m["tasks"], m["seconds"], m["ns"], m["peak"])))


def write_raw(path, raw):
    with open(path, "w") as out:
        out.write(HEADER + ",extra\n")
        for r in raw:
            out.write("%s,%s,%d,%d,%.9f,%.3f,%d,%s\n" % (
                r["workload"], r["system"], r["workers"], r["tasks"], r["seconds"],
                r["seconds"] * 1e9 / r["tasks"], r["peak_rss_kib"], r["raw_extra"]))


def format_ns(ns):
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    if ns >= 1e4:
        return "%.1f us" % (ns / 1e3)
    if ns >= 100:
        return "%.0f ns" % ns
    return "%.1f ns" % ns


def format_rate(m):
    rate = m["tasks"] / m["seconds"] if m["seconds"] > 0 else 0
    return "%.2f M items/s" % (rate / 1e6) if rate >= 1e6 else "%.0f items/s" % rate


def speedup(medians, workload, system, workers):
    one = medians.get((workload, system, 1))
    this = medians.get((workload, system, workers))
    if one is None or this is None or this["seconds"] <= 0:
        return None
    return one["seconds"] / this["seconds"]


def targets(medians, cores):
    """(target, measured, met) for each of the lead's targets; met is None
    when the run lacks what the target needs."""
    def get(workload, system="weft", workers=1):
        return medians.get((workload, system, workers))

    results = []

    def ns_target(label, workload, limit):
        m = get(workload)
        results.append((label, format_ns(m["ns"]) if m else "not run", m["ns"] <= limit if m else None))

    def speedup_target(label, workload):
        s = speedup(medians, workload, "weft", 2)
        results.append((label, "%.2fx" % s if s else "not run", s >= 1.85 if s else None))

    ns_target("fib-forkjoin, 1 worker: <= 15 ns/task", "fib-forkjoin", 15)
    speedup_target("fib-forkjoin, 2 workers: >= 1.85x faster than 1", "fib-forkjoin")
    ns_target("fib-asyncio, 1 worker: <= 30 ns/task", "fib-asyncio", 30)
    speedup_target("fib-asyncio, 2 workers: >= 1.85x faster than 1 (LIFO order on both)",
                   "fib-asyncio")
    ns_target("flat, 1 worker: <= 50 ns/task", "flat", 50)
    m = get("flat")
    per_task = m["peak"] * 1024 / m["tasks"] if m else None
    results.append(("flat, 1 worker: <= 400 bytes per created, not started task",
                    "%.0f bytes" % per_task if m else "not run", per_task <= 400 if m else None))
    ns_target("skynet, 1 worker: <= 40 ns/task", "skynet", 40)
    weft_yield, raw = get("yield-pingpong"), get("yield-pingpong", "serial")
    ratio = weft_yield["ns"] / raw["ns"] if weft_yield and raw else None
    results.append(("yield-pingpong: <= 1.5x the raw switch",
                    "%.1fx (%s vs %s)" % (ratio, format_ns(weft_yield["ns"]), format_ns(raw["ns"]))
                    if ratio else "not run", ratio <= 1.5 if ratio else None))
    wakeups = [(w, medians[("wakeup", "weft", w)]) for w in worker_counts(cores, False)
               if ("wakeup", "weft", w) in medians]
    worst = max(wakeups, key=lambda item: item[1]["ns"]) if wakeups else None
    results.append(("wakeup p50 <= 15 us (every worker count)",
                    "worst %s (on %d of %s workers)" % (format_ns(worst[1]["ns"]), worst[0], "/".join(str(w) for w, _ in wakeups)) if worst else "not run",
                    worst[1]["ns"] <= 15000 if worst else None))
    m = get("memory")
    per_task = m["peak"] * 1024 / m["tasks"] if m else None
    results.append(("memory: <= 6 KiB per suspended task",
                    "%.2f KiB" % (per_task / 1024) if m else "not run",
                    per_task <= 6 * 1024 if m else None))
    ratios = []
    for workload in WORKLOADS:
        a, w = get(workload, "asyncio"), get(workload)
        if a and w and w["ns"] > 0:
            ratios.append((workload, a["ns"] / w["ns"]))
    results.append(("asyncio >= 100x slower per task than weft on every workload it runs",
                    ", ".join("%s %.0fx" % r for r in ratios) if ratios else "not run",
                    all(r >= 100 for _, r in ratios) if ratios else None))
    return results


TITLE = "# weft benchmark results"
TABLE_INTRO = "ns per task, median"
RERUN = "Rerun alone of "


def load_line(loads):
    return ("Load average (1 min) at start %s, at end %s: other work was sharing the cores, "
            "so figures are noisy." % loads if float(loads[0]) > 0.5 else
            "Load average (1 min) at start %s, at end %s." % loads)


def full_provenance(args, machine, counts, reps, asyncio_reps, started, finished, loads, wall):
    """The lines that say when and where a full run measured: those above
    the README block, and those at its top."""
    intro = ["%s run (`make bench%s`), %s to %s UTC (%.0f s); medians of %d repetitions "
             "(asyncio: %d)%s, each a fresh process; worker counts %s." % (
                 "Quick" if args.quick else "Full", " BENCH_QUICK=1" if args.quick else "",
                 started, finished, wall, reps, asyncio_reps,
                 "; in quick mode a configuration whose first run took over %.0f s runs once"
                 % QUICK_REPEAT_LIMIT_S if args.quick else "",
                 ", ".join(map(str, counts)))]
    context = ["Machine: " + "; ".join("%s: %s" % (k, v) for k, v in machine.items()) + ".",
               load_line(loads)]
    return intro, context


def merged_provenance(results, only, args, machine, counts, reps, started, finished, loads, wall):
    """The previous latest.md's provenance lines plus this partial run's.
    An earlier rerun line whose workloads have all been rerun since is
    dropped: none of its rows are left."""
    intro, context = [], []
    try:
        with open(os.path.join(results, "latest.md")) as md:
            old = md.read().split("\n")
        begin = old.index(README_BEGIN)
        intro = [line for line in old[1:begin] if line.strip() and line != TITLE]
        end = next(i for i, line in enumerate(old) if line.startswith(TABLE_INTRO))
        context = [line for line in old[begin + 1:end] if line.strip()]
    except (OSError, ValueError, StopIteration):
        intro, context = ["Earlier results: no readable latest.md."], []

    def without_superseded(lines):
        kept, rerun_later = [], set(only)
        for line in reversed(lines):
            if line.startswith(RERUN):
                names = set(line[len(RERUN):].split(":", 1)[0].replace("`", "").split(", "))
                if names <= rerun_later:
                    continue
                rerun_later |= names
            kept.append(line)
        return kept[::-1]

    names = ", ".join("`%s`" % w for w in only)
    intro, context = without_superseded(intro), without_superseded(context)
    intro.append("%s%s: `make bench BENCH_ONLY=\"%s\"%s`, %s to %s UTC (%.0f s); medians of %d "
                 "repetitions, each a fresh process; worker counts %s; its rows replace that "
                 "workload's earlier ones, every other row is from the run(s) above." % (
                     RERUN, names, args.only.strip(), " BENCH_QUICK=1" if args.quick else "", started,
                     finished, wall,
                     reps, ", ".join(map(str, counts))))
    # The machine may not be the one of the earlier run: say which it was.
    context.append("%s%s: CPU: %s; system: %s; weft: %s; glibc (pthread queue): %s. %s" % (
        RERUN, names, machine["CPU"], machine["system"], machine["weft"],
        machine["glibc (pthread queue)"], load_line(loads)))
    return intro, context


def write_markdown(path, medians, args, provenance, missing, failures):
    systems = [s for s in SYSTEMS if any(k[1] == s for k in medians)]
    intro, context = provenance
    lines = [TITLE, ""]
    for line in intro:
        lines += [line, ""]
    lines += [README_BEGIN, ""] + context + [""]
    lines.append(TABLE_INTRO + " (for fib, flat and skynet on several workers: speedup over the "
                 "same system on 1 worker). yield-pingpong: per hand-over (serial: weft's raw context "
                 "switch); wakeup: p50 latency; memory: creating the sleepers until all are suspended; "
                 "queue-*: per item moved, with items per second.")
    lines.append("")
    lines.append("| workload | workers | " + " | ".join(systems) + " |")
    lines.append("|---|---:|" + "---:|" * len(systems))
    for workload in WORKLOADS:
        counts_here = sorted({k[2] for k in medians if k[0] == workload})
        for workers in counts_here:
            cells = []
            for system in systems:
                m = medians.get((workload, system, workers))
                if m is None:
                    cells.append("")
                    continue
                cell = format_ns(m["ns"])
                if workload in QUEUE:
                    cell += " (%.1f M/s)" % (m["tasks"] / m["seconds"] / 1e6)
                s = speedup(medians, workload, system, workers) if workers > 1 and workload in PARALLEL else None
                if s:
                    cell += " (%.2fx)" % s
                cells.append(cell)
            lines.append("| %s | %d | %s |" % (workload, workers, " | ".join(cells)))
    queue_keys = sorted({k[0:3:2] for k in medians if k[0] in QUEUE},
                        key=lambda k: (WORKLOADS.index(k[0]), k[1]))
    if queue_keys:
        lines += ["", "Queue throughput, items per second (median), weft and the pthread mutex+condvar "
                  "queue measured side by side in the same process, confined to the same CPUs:", "",
                  "| workload | workers | weft | pthread | weft / pthread |", "|---|---:|---:|---:|---:|"]
        for workload, workers in queue_keys:
            w = medians.get((workload, "weft", workers))
            p = medians.get((workload, "pthread", workers))
            lines.append("| %s | %d | %s | %s | %s |" % (
                workload, workers, format_rate(w) if w else "", format_rate(p) if p else "",
                "%.2fx" % (p["ns"] / w["ns"]) if w and p and w["ns"] > 0 else ""))
    lines += ["", "Targets (from these results):", "", "| target | measured | status |", "|---|---|---|"]
    for label, measured, met in targets(medians, os.cpu_count() or 1):
        status = "met" if met else ("not met" if met is not None else "not measured")
        lines.append("| %s | %s | %s |" % (label, measured, status))
    lines += ["", README_END, ""]

    lines += ["## Memory", "", "| workload | system | tasks | peak added | per task |", "|---|---|---:|---:|---:|"]
    for workload in ["flat", "memory"]:
        for system in systems:
            m = medians.get((workload, system, 1))
            if m:
                lines.append("| %s | %s | %d | %d KiB | %.0f bytes |" % (
                    workload, system, m["tasks"], m["peak"], m["peak"] * 1024 / m["tasks"]))
    lines += ["", "## Wake-up latency", "",
              "| system | workers | p50 | p99 | parks | wake-ups |", "|---|---:|---:|---:|---:|---:|"]
    for key in sorted((k for k in medians if k[0] == "wakeup"), key=order_key):
        e = medians[key]["extra"]
        def ns_of(name):
            return format_ns(float(e[name])) if name in e else ""
        lines.append("| %s | %d | %s | %s | %s | %s |" % (
            key[1], key[2], ns_of("p50_ns"), ns_of("p99_ns"),
            "%.0f" % e["parks"] if "parks" in e else "", "%.0f" % e["wakeups"] if "wakeups" in e else ""))
    lines += ["", "## What is measured", "",
              "- Each program runs one repetition in a fresh process and times only the workload: "
              "from the root task's first instruction to its last (weft: a task submitted to a running "
              "`weft_executor`; OpenMP: the body of `omp single` in a warmed-up team; oneTBB: the body "
              "of `task_arena::execute` after a warm-up; asyncio: the root coroutine). Thread creation, "
              "executor start, the waiting main thread's wake-up and shutdown are not timed.",
              "- ns/task = timed seconds / tasks. Tasks are counted alike for every system: "
              "fib-forkjoin 1,346,268 (one spawn per call with n >= 2: spawn fib(n-1), compute fib(n-2) "
              "inline, join); fib-asyncio 2,692,536 (two tasks per call, both awaited); flat 1,000,000 "
              "(one task creates them all, then awaits each); skynet 1,111,111 (every node of a 10-ary "
              "tree with 10^6 leaves, root included; the sum 499999500000 is checked).",
              "- serial is the work itself as plain calls (a volatile function pointer keeps each call), "
              "with the same task counts.",
              "- weft runs fib-forkjoin and skynet with `WEFT_ORDER_LIFO` on every worker count, the others "
              "with the default order (FIFO on 1 worker, LIFO on several).",
              "- yield-pingpong: two tasks alternating `weft_yield()` / `await asyncio.sleep(0)`, 10^6 "
              "hand-overs each (asyncio 2x10^5); tasks = hand-overs, ns/task = cost of one. Its serial "
              "row is weft's raw assembly `weft_context_switch` between two contexts, measured in the "
              "same process: ns per switch.",
              "- wakeup: the main thread (not a worker) sleeps 200 us so the workers park, then submits "
              "a task that records its start; latency = start - just before submission, 10,000 samples. "
              "The csv's ns_per_task is the p50 (seconds = p50 x samples); p99, parks and wake-ups are "
              "above. tbb: `task_arena::enqueue` into an idle arena; asyncio: "
              "`run_coroutine_threadsafe` into an idle loop. weft's parks/wake-ups count the "
              "multi-worker parking only: one worker waits for outside work in its loop's poll.",
              "- memory: 100,000 tasks each suspended in a one-hour sleep; the timed part is creating them "
              "until all are suspended; peak_rss_kib is the resident memory added at that point (the "
              "process's peak minus its size before, read from /proc/self/status after resetting the peak "
              "through /proc/self/clear_refs), then they are cancelled.",
              "- peak_rss_kib for every other row is the same measure over the whole workload; for flat on "
              "1 worker no task starts before the creator awaits, so it is the cost of created, not "
              "started tasks (the array of handles is allocated and touched before the baseline). "
              "libgomp runs every task at once (undeferred) in a team of one thread, and libgomp and "
              "libomp both do when too many are queued, so their flat rows do not hold 10^6 pending "
              "tasks.",
              "- queue-1to1 / queue-4to4 (`bench/bench_queue`): 10^6 items (the values 1..10^6, their "
              "sum checked) through a 1024-slot queue from 1 producer to 1 consumer / from 4 producers "
              "to 4 consumers. weft: producer and consumer tasks on a `weft_queue` (FIFO, "
              "`weft_queue_put` / `weft_queue_get`) on W workers, timed from before the first spawn to "
              "the last await; pthread: as many producer and consumer threads on a ring under one "
              "mutex with \"not empty\" / \"not full\" condition variables, timed from before the "
              "first `pthread_create` to the last join. Each repetition runs both, pthread first, in "
              "one process confined (`sched_setaffinity`) to its first W allowed CPUs, so the pthread "
              "threads share the CPUs weft's workers use. tasks = items, ns_per_task = ns per item; "
              "items/s = 10^9 / ns_per_task.",
              ]
    if args.quick:
        lines.append("- Quick mode: asyncio runs reduced sizes (fib(25), 100,000 flat tasks, a 10^5-leaf "
                     "skynet, 5x10^4 hand-overs each); its tasks column gives the size that ran.")
    lines.append("")
    if missing:
        lines += ["## Skipped peers", ""] + ["- %s: %s" % item for item in sorted(missing.items())] + [""]
    if failures:
        lines += ["## FAILURES", ""] + ["```\n%s\n```" % f for f in failures] + [""]
    with open(path, "w") as out:
        out.write("\n".join(lines))


def write_chart(results, medians, counts):
    if not medians:
        log("bench: nothing measured: no chart")
        return
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        log("bench: gnuplot not found: no chart (Debian: apt-get install gnuplot-nox)")
        return
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plot.gp")
    systems = SYSTEMS
    with tempfile.TemporaryDirectory(prefix="weft-bench-") as data:
        with open(os.path.join(data, "ns1.dat"), "w") as out:
            out.write("workload " + " ".join(systems) + "\n")
            for workload in WORKLOADS:
                values = []
                for system in systems:
                    m = medians.get((workload, system, 1))
                    values.append("%.3f" % m["ns"] if m else "?")
                out.write(workload + " " + " ".join(values) + "\n")
        parallel_systems = [s for s in SYSTEMS if PLAN[s].get("skynet") == "all"]
        for workload in PARALLEL:
            with open(os.path.join(data, "speedup-%s.dat" % workload), "w") as out:
                out.write("workers " + " ".join(parallel_systems) + "\n")
                for workers in counts:
                    values = []
                    for system in parallel_systems:
                        s = speedup(medians, workload, system, workers)
                        values.append("%.4f" % s if s else "?")
                    out.write("%d %s\n" % (workers, " ".join(values)))
        output = os.path.join(results, "latest.png")
        result = subprocess.run([gnuplot, "-e", "datadir='%s'; output='%s'; maxworkers=%d" % (
            data, output, max(counts)), script], capture_output=True, text=True)
        if result.returncode != 0:
            log("bench: gnuplot failed:\n" + result.stderr)
        else:
            log("bench: chart written: " + output)


def update_readme(readme, results):
    with open(os.path.join(results, "latest.md")) as md:
        text = md.read()
    section = text[text.index(README_BEGIN):text.index(README_END) + len(README_END)]
    with open(readme) as f:
        old = f.read()
    if README_BEGIN not in old or README_END not in old:
        sys.exit("bench: %s has no %s ... %s markers" % (readme, README_BEGIN, README_END))
    new = old[:old.index(README_BEGIN)] + section + old[old.index(README_END) + len(README_END):]
    with open(readme, "w") as f:
        f.write(new)
    log("bench: %s updated from %s" % (readme, os.path.join(results, "latest.md")))


def replot(results):
    """Redraws latest.png from latest.csv (after editing plot.gp)."""
    medians = {}
    with open(os.path.join(results, "latest.csv")) as table:
        next(table)
        for line in table:
            workload, system, workers, tasks, seconds, ns, peak = line.strip().split(",")
            medians[(workload, system, int(workers))] = {
                "tasks": int(tasks), "seconds": float(seconds), "ns": float(ns), "peak": int(peak)}
    write_chart(results, medians, sorted({key[2] for key in medians}))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="1 worker and all cores, 3 repetitions of the runs under %.0f s (1 of the others), "
                        "asyncio once at reduced sizes" % QUICK_REPEAT_LIMIT_S)
    parser.add_argument("--bindir", default="bench", help="where the bench_* programs were built")
    parser.add_argument("--results", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results"))
    parser.add_argument("--python", default="python3", help="the interpreter for the asyncio peer")
    parser.add_argument("--only", default="", metavar="NAMES",
                        help="run only these workloads (space- or comma-separated; a name also "
                        "selects the workloads it prefixes: queue = queue-*) and merge their rows "
                        "into the existing results")
    parser.add_argument("--update-readme", metavar="README", help="copy latest.md's table into README and stop")
    parser.add_argument("--replot", action="store_true", help="redraw latest.png from latest.csv and stop")
    args = parser.parse_args()
    if args.replot:
        replot(args.results)
        return 0
    if args.update_readme:
        update_readme(args.update_readme, args.results)
        return 0

    cores = os.cpu_count() or 1
    counts = worker_counts(cores, args.quick)
    reps = int(os.environ.get("BENCH_REPS", 3 if args.quick else 5))
    asyncio_reps = int(os.environ.get("BENCH_ASYNCIO_REPS", 1 if args.quick else 3))
    only_workloads = os.environ.get("BENCH_WORKLOADS", "").split()
    only = []
    if args.only.strip():
        names = args.only.replace(",", " ").split()
        only = [w for w in WORKLOADS if any(w == n or w.startswith(n + "-") for n in names)]
        unknown = [n for n in names if not any(w == n or w.startswith(n + "-") for w in WORKLOADS)]
        if unknown or not only:
            sys.exit("bench: --only: unknown workload(s) %s (known: %s)" % (
                " ".join(unknown or names), " ".join(WORKLOADS)))
        only_workloads = only
    only_systems = os.environ.get("BENCH_SYSTEMS", "").split()
    commands, missing = find_commands(args)
    if only:
        # Only a peer that would have run one of these workloads is missed.
        missing = {s: r for s, r in missing.items()
                   if (s == "queue" and set(only) & set(QUEUE))
                   or (s in PLAN and set(only) & set(PLAN[s]))}
    for system, reason in sorted(missing.items()):
        log("bench: peer %s skipped: %s" % (system, reason))

    plan = []
    for rep in range(max(reps, asyncio_reps)):
        for workload in WORKLOADS:
            if only_workloads and workload not in only_workloads:
                continue
            for system in SYSTEMS:
                command_name = "queue" if workload in QUEUE else system
                if command_name not in commands or workload not in PLAN[system]:
                    continue
                if only_systems and system not in only_systems:
                    continue
                if rep >= (asyncio_reps if system == "asyncio" else reps):
                    continue
                for workers in (counts if PLAN[system][workload] == "all" else [1]):
                    plan.append((rep, workload, system, workers, commands[command_name]))

    os.makedirs(args.results, exist_ok=True)
    machine = machine_description(args, commands)
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    load_start = open("/proc/loadavg").read().split()[0] if os.path.exists("/proc/loadavg") else "?"
    log("bench: %s mode%s, %d runs, worker counts %s, %d repetitions (asyncio %d)" % (
        "quick" if args.quick else "full", ", only " + " ".join(only) if only else "", len(plan),
        counts, reps, asyncio_reps))
    raw, failures = [], []
    first_wall = {}  # (workload, system, workers) -> wall seconds of its first run
    wall_start = time.monotonic()
    for index, (rep, workload, system, workers, command) in enumerate(plan, 1):
        key = (workload, system, workers)
        if args.quick and rep > 0 and first_wall.get(key, 0) > QUICK_REPEAT_LIMIT_S:
            continue  # quick mode repeats only the runs that are cheap to repeat
        run_start = time.monotonic()
        rows, error = run_one(command, workload, workers, args.quick and system == "asyncio")
        first_wall.setdefault(key, time.monotonic() - run_start)
        if error:
            failures.append(error)
            log("bench: FAILED %s %s on %d workers:\n%s" % (workload, system, workers, error))
            continue
        raw.extend(rows)
        for row in rows:
            log("[%d/%d] rep %d %-14s %-8s %2d workers %12s/task" % (
                index, len(plan), rep + 1, row["workload"], row["system"], row["workers"],
                format_ns(row["seconds"] * 1e9 / row["tasks"])))
    wall = time.monotonic() - wall_start
    finished = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    load_end = open("/proc/loadavg").read().split()[0] if os.path.exists("/proc/loadavg") else "?"

    loads = (load_start, load_end)
    if only:
        # Keep every earlier repetition of the other workloads (their
        # medians and notes come out as before) and replace these.
        earlier = [r for r in read_raw(os.path.join(args.results, "latest-raw.csv"))
                   if r["workload"] not in only]
        raw = earlier + raw
        provenance = merged_provenance(args.results, only, args, machine, counts, reps, started,
                                       finished, loads, wall)
    else:
        provenance = full_provenance(args, machine, counts, reps, asyncio_reps, started, finished,
                                     loads, wall)
    medians = median_rows(raw)
    write_csv(os.path.join(args.results, "latest.csv"), medians)
    write_raw(os.path.join(args.results, "latest-raw.csv"), raw)
    write_markdown(os.path.join(args.results, "latest.md"), medians, args, provenance, missing,
                   failures)
    write_chart(args.results, medians, sorted({key[2] for key in medians}))
    log("bench: results in %s/latest.csv, latest.md, latest.png (all repetitions: latest-raw.csv)" %
        args.results)
    if failures:
        log("bench: %d RUN(S) FAILED: see above and the FAILURES section of latest.md" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
