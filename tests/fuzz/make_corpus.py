#!/usr/bin/env python3
"""Writes the seed corpus of tests/fuzz/fuzz_api.c: a few hand-written
programs (one per opcode family) and seeded random ones. Run from the
repository root: python3 tests/fuzz/make_corpus.py"""
import os
import random

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
# Main opcodes (byte % 10): 0 spawn (+6 body bytes), 1 yield, 2 sleep(0),
# 3 await i, 4 cancel i, 5 uncancel i, 6 result i, 7 add callback i,
# 8 set name i, 9 all_tasks. Body opcodes (byte % 6): 0 yield,
# 1 await an earlier task, 2 cancel another, 3 fail, 4 return, 5 sleep(0).
SPAWN_RETURN = [0, 4, 4, 4, 4, 4, 4]
SPAWN_YIELDS = [0, 0, 0, 5, 0, 5, 4]
SPAWN_FAILS = [0, 0, 3, 3, 3, 3, 3]
SPAWN_AWAITS = [0, 7, 1, 0, 13, 4, 4]
SPAWN_CANCELS = [0, 2, 8, 0, 5, 4, 4]

HAND = {
    "spawn_await": SPAWN_RETURN + [3, 0],
    "create_order": SPAWN_YIELDS * 3 + [1, 1, 9, 3, 0, 3, 1, 3, 2],
    "fail_and_result": SPAWN_FAILS + [6, 0, 1, 6, 0, 3, 0],
    "cancel_before_start": SPAWN_RETURN * 2 + [4, 0, 1, 6, 0, 6, 1],
    "cancel_sleeping": SPAWN_YIELDS + [1, 4, 0, 3, 0],
    "uncancel": SPAWN_YIELDS + [4, 0, 5, 0, 1, 1, 6, 0],
    "callbacks": SPAWN_YIELDS + [7, 0, 7, 0, 7, 0, 1, 3, 0, 1],
    "chain": SPAWN_YIELDS + SPAWN_AWAITS + SPAWN_AWAITS + [3, 2],
    "task_cancels_task": SPAWN_YIELDS + SPAWN_CANCELS + [1, 1, 3, 1, 3, 0],
    "names": SPAWN_RETURN + [8, 0, 1, 8, 0, 9],
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, program in HAND.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(bytes(b % 256 for b in program))
    rng = random.Random(20261122)
    for n in range(30):
        size = rng.randint(8, 120)
        data = bytes(rng.randrange(256) for _ in range(size))
        with open(os.path.join(OUT, "random_%02d" % n), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
