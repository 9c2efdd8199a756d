#!/usr/bin/env python3
"""threads.py PID snapshot FILE | threads.py PID diff FILE

Where a process's CPU goes, thread by thread: `snapshot` saves the user and system time of every
thread of PID (from /proc/PID/task/*/stat) to FILE; `diff` prints what each thread name spent since
that snapshot, largest first, then the total. Digits in thread names become '#', so a pool's threads
add up under one name (e.g. "C# CompilerThre" for the JIT's C1 and C2 threads, "nioEventLoopGro"
for the event loops; Linux keeps 15 characters of a name). Used by storms.sh; handy around any run.
"""
import json
import os
import re
import sys

TICK = os.sysconf("SC_CLK_TCK")


def snapshot(pid):
    times = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as f:
                stat = f.read()
        except OSError:
            continue  # the thread ended meanwhile
        name = re.sub(r"\d+", "#", stat[stat.index("(") + 1:stat.rindex(")")])
        fields = stat[stat.rindex(")") + 2:].split()
        user, system = times.get(name, (0, 0))
        times[name] = (user + int(fields[11]), system + int(fields[12]))
    return times


def main(pid, mode, path):
    if mode == "snapshot":
        with open(path, "w") as f:
            json.dump(snapshot(pid), f)
        return
    with open(path) as f:
        before = json.load(f)
    rows = []
    for name, (user, system) in snapshot(pid).items():
        user0, system0 = before.get(name, (0, 0))
        # A thread that ended since the snapshot takes its time with it: a negative row means that.
        du, ds = (user - user0) * 1000 // TICK, (system - system0) * 1000 // TICK
        if du or ds:
            rows.append((du + ds, name, du, ds))
    rows.sort(reverse=True)
    for _, name, du, ds in rows:
        print(f"{name:18s} user {du:6d} ms  sys {ds:6d} ms")
    print(f"{'TOTAL':18s} user {sum(r[2] for r in rows):6d} ms  sys {sum(r[3] for r in rows):6d} ms")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[2] not in ("snapshot", "diff"):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3])
