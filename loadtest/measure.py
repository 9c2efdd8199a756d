#!/usr/bin/env python3
"""measure.py --servers PID[,PID] [--redis PID] --out FILE -- COMMAND...

Runs COMMAND (the load generator) and reports, as JSON in FILE, what it cost: CPU seconds of the
server processes and of Redis (utime+stime from /proc/<pid>/stat, before and after), their peak
summed resident memory (VmRSS from /proc/<pid>/status, sampled every 0.5 s) against the value before
the run, the servers' idle CPU over 3 s before it, the generator's own CPU (its process tree, from getrusage), wall time and exit code. The
generator's output goes to FILE.out. Used by compare.sh.
"""
import json, os, resource, subprocess, sys, threading, time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main(argv):
    sep = argv.index("--")
    opts = dict(zip(argv[1:sep:2], argv[2:sep:2]))
    cmd = argv[sep + 1:]
    servers = [int(p) for p in opts["--servers"].split(",") if p]
    redis = [int(opts["--redis"])] if opts.get("--redis") else []
    out = opts["--out"]
    # Idle baseline: what the servers burn with nothing to do (heartbeats, timers, GC, JIT left-overs).
    idle0 = {p: cpu_seconds(p) for p in servers}
    time.sleep(3)
    idle_cpu_per_s = sum(cpu_seconds(p) - idle0[p] for p in servers) / 3
    cpu0 = {p: cpu_seconds(p) for p in servers + redis}
    rss0 = sum(rss_kb(p) for p in servers)
    peak = [rss0]
    done = threading.Event()

    def sample():
        while not done.wait(0.5):
            try:
                peak[0] = max(peak[0], sum(rss_kb(p) for p in servers))
            except OSError:
                return

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    with open(out + ".out", "w") as log:
        code = subprocess.call(cmd, stdout=log, stderr=subprocess.STDOUT)
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = {
        "wallSeconds": round(wall, 2),
        "serverCpuSeconds": round(sum(cpu_seconds(p) - cpu0[p] for p in servers), 3),
        "redisCpuSeconds": round(sum(cpu_seconds(p) - cpu0[p] for p in redis), 3),
        "generatorCpuSeconds": round(usage.ru_utime + usage.ru_stime, 3),
        "serverIdleCpuPerSecond": round(idle_cpu_per_s, 4),
        "serverRssBeforeKb": rss0,
        "serverRssPeakKb": peak[0],
        "exitCode": code,
    }
    with open(out, "w") as f:
        json.dump(result, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
