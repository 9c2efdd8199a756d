#!/usr/bin/env bash
# compare.sh SCENARIO [--nodes N] [--seconds S] [--users U] [--ramp R] [--generator bench|gatling]
#
# Runs one scenario against our nodes and against the reference Node server (loadtest/reference),
# same topology (N processes; N > 1 adds a redis-server), one after the other in one go, and prints
# a Markdown table (and writes JSON to loadtest/target/compare/SCENARIO-Nn.json): throughput,
# latency percentiles, server and Redis CPU per message / per user from /proc, RSS per connection,
# protocol violations, the load generator's own CPU, and ours/reference ratios.
#
#   relay       pairs of sockets relaying #rtcio:message (generator: the npm-client relay bench by
#               default, or --generator gatling for RelaySimulation); S seconds (default 20)
#   join-storm  JoinStormSimulation: U users (default 400) join rooms of 4 over R s (default 5), then leave
#   idle        IdleSimulation: U connections (default 1000) held S seconds (default 60)
#   calls       CallsSimulation: U users (default 140) in rooms of 2-8
#
# Needs: the node jar (mvn package), compiled simulations (mvn test-compile -pl loadtest),
# npm ci in loadtest/reference and (relay) in signaling-node/src/test/node.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

scenario=${1:?usage: compare.sh relay|join-storm|idle|calls [--nodes N] [--seconds S] [--users U] [--ramp R] [--generator bench|gatling]}
shift
nodes=1 seconds= users= generator=bench ramp=
while [[ $# -gt 0 ]]; do
  case $1 in
    --nodes) nodes=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --generator) generator=$2; shift 2 ;;
    --ramp) ramp=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
redis=$( ((nodes > 1)) && echo yes || echo no)
out_dir=$LOADTEST_DIR/target/compare
mkdir -p "$out_dir"
bench=$ROOT_DIR/signaling-node/src/test/node/relay-bench.mjs

# generator_cmd WARM-UP(yes|no): sets GEN, the generator command (measure.py captures its output).
generator_cmd() {
  local warm=$1
  case $scenario in
    relay)
      if [[ $generator == bench ]]; then
        GEN=(node "$bench" "$URLS" 40 8 "$( [[ $warm == yes ]] && echo 10 || echo "${seconds:-20}")" 286)
      else
        GEN=(bash -c 'source "$0"; gatling RelaySimulation "$@"' "$LOADTEST_DIR/lib.sh"
          -Dusers="$( [[ $warm == yes ]] && echo 20 || echo "${users:-80}")"
          -Dduration="$( [[ $warm == yes ]] && echo 5 || echo "${seconds:-20}")")
      fi ;;
    join-storm)
      GEN=(bash -c 'source "$0"; gatling JoinStormSimulation "$@"' "$LOADTEST_DIR/lib.sh"
        -Dusers="$( [[ $warm == yes ]] && echo $((${users:-400} > 2000 ? ${users:-400} : 2000)) || echo "${users:-400}")"
        -Dramp="$( [[ $warm == yes ]] && echo 5 || echo "${ramp:-5}")") ;;
    idle)
      GEN=(bash -c 'source "$0"; gatling IdleSimulation "$@"' "$LOADTEST_DIR/lib.sh"
        -Dusers="$( [[ $warm == yes ]] && echo 40 || echo "${users:-1000}")" -Dramp=10
        -Dduration="$( [[ $warm == yes ]] && echo 1 || echo "${seconds:-60}")" -Dwait=60) ;;
    calls)
      GEN=(bash -c 'source "$0"; gatling CallsSimulation "$@"' "$LOADTEST_DIR/lib.sh"
        -Dusers="$( [[ $warm == yes ]] && echo 35 || echo "${users:-140}")" -Dramp=10) ;;
    *) echo "unknown scenario '$scenario'" >&2; exit 2 ;;
  esac
}

# warm_up: the warm-up load, not measured, WARMUP_ROUNDS times (relay 3 rounds of 10 s, join-storm 8
# storms of max(U, 2000) users, idle and calls 1 small round), the same for both servers; each
# round's server CPU per unit of work (relayed message, joined user) goes into the table, which
# shows whether it had settled. A JVM compiles its hot paths over the first tens of thousands of
# connections: its compiler threads took more CPU than its event loops in each of the first five
# 5000-user storms, and the CPU per storm fell by a step when they were done (in the sixth), so a
# rule "stop when a round is within x% of the last" stops on a plateau before that step. idle keeps
# one small round: it measures what holding connections adds to a fresh process's memory, which a
# warm-up holding as many connections would hide (its CPU per user includes the compiler's work).
warm_up() {
  local round rounds cur
  case $scenario in
    relay) rounds=${WARMUP_ROUNDS:-3} ;;
    join-storm) rounds=${WARMUP_ROUNDS:-8} ;;
    *) rounds=${WARMUP_ROUNDS:-1} ;;
  esac
  generator_cmd yes
  rm -f "$LOG_DIR"/warm-up-*
  for ((round = 1; round <= rounds; round++)); do
    python3 "$LOADTEST_DIR/measure.py" --servers "$(IFS=,; echo "${SERVER_PIDS[*]}")" --redis "${REDIS_PID:-}" \
      --out "$LOG_DIR/warm-up-$round.json" -- "${GEN[@]}" > /dev/null 2>&1 || true
    cur=$(python3 - "$LOG_DIR/warm-up-$round.json" <<'PY'
import json, re, sys
m = json.load(open(sys.argv[1]))
text = open(sys.argv[1] + ".out").read()
bench = [l for l in text.splitlines() if l.startswith('{"pairs"')]
stats = re.findall(r"^LOADTEST-STATS (\{.*\})$", text, re.M)
work = json.loads(bench[-1])["relayed"] if bench else json.loads(stats[-1]).get("join-ok", {}).get("count", 0) if stats else 0
print(round(m["serverCpuSeconds"] * 1e6 / work) if work else 0)
PY
)
    echo "compare.sh: warm-up round $round of $rounds: server CPU ${cur} µs per unit of work" >&2
    echo "$cur" >> "$LOG_DIR/warm-up-rounds.txt"
  done
}

trap stop_servers EXIT
trap 'exit 130' INT TERM
for kind in ours reference; do
  LOG_DIR=$out_dir/logs-$kind-$scenario-${nodes}n
  mkdir -p "$LOG_DIR"
  start_servers "$kind" "$nodes" "$redis"
  export URLS
  echo "compare.sh: $scenario on $kind x$nodes (redis: $redis) at $URLS" >&2
  warm_up
  generator_cmd no
  python3 "$LOADTEST_DIR/measure.py" --servers "$(IFS=,; echo "${SERVER_PIDS[*]}")" --redis "${REDIS_PID:-}" \
    --out "$out_dir/$kind.json" -- "${GEN[@]}"
  stop_servers
done

python3 - "$scenario" "$nodes" "$generator" "$out_dir" "${users:-}" "${seconds:-}" <<'PY'
import json, re, sys
scenario, nodes, generator, out_dir, users_arg, seconds_arg = sys.argv[1:]
nodes = int(nodes)

def load(kind):
    m = json.load(open(f"{out_dir}/{kind}.json"))
    text = open(f"{out_dir}/{kind}.json.out").read()
    stats = re.findall(r"^LOADTEST-STATS (\{.*\})$", text, re.M)
    m["stats"] = json.loads(stats[-1]) if stats else {}
    bench = [l for l in text.splitlines() if l.startswith('{"pairs"')]
    m["bench"] = json.loads(bench[-1]) if bench else {}
    m["gates"] = "pass" if m["exitCode"] == 0 else "FAIL"
    try:
        m["warmUp"] = open(f"{out_dir}/logs-{kind}-{scenario}-{nodes}n/warm-up-rounds.txt").read().split()
    except OSError:
        m["warmUp"] = []
    return m

def rnd(v):
    return round(v, 1) if isinstance(v, (int, float)) else v

rows = {}
for kind in ("ours", "reference"):
    m = load(kind)
    st, b = m["stats"], m["bench"]
    r = {"gates (exit code)": m["gates"] if not b else "n/a (bench)",
         "violations": st.get("violations") if not b else "n/a (bench checks nothing)"}
    cpu, rcpu = m["serverCpuSeconds"], m["redisCpuSeconds"]
    if scenario == "relay":
        if b:
            msgs, rate = b["relayed"], b["perSecond"]
            lat = b["rttMs"]
        else:
            rt = st.get("relay rtt", {})
            msgs, rate = 2 * rt.get("count", 0), round(2 * rt.get("count", 0) / max(m["wallSeconds"], 1))
            lat = rt
        r.update({"relayed messages": msgs, "messages/s": rate,
                  "rtt p50 ms": rnd(lat.get("p50")), "rtt p90 ms": rnd(lat.get("p90")), "rtt p99 ms": rnd(lat.get("p99")),
                  "server CPU µs/message": round(cpu * 1e6 / msgs, 1) if msgs else None,
                  "Redis CPU µs/message": round(rcpu * 1e6 / msgs, 1) if msgs and nodes > 1 else None})
    else:
        j = st.get("join-ok", {})
        n = j.get("count", 0)
        r.update({"users (joins)": n, "join-ok p50 ms": j.get("p50"), "join-ok p90 ms": j.get("p90"),
                  "join-ok p99 ms": j.get("p99"),
                  "server CPU µs/user (connect+join+leave)": round(cpu * 1e6 / n) if n else None,
                  "Redis CPU µs/user": round(rcpu * 1e6 / n) if n and nodes > 1 else None})
        if scenario == "idle":
            r["server RSS KiB/connection"] = round((m["serverRssPeakKb"] - m["serverRssBeforeKb"]) / n, 1) if n else None
    r["warm-up rounds (server CPU µs per unit each)"] = f"{len(m['warmUp'])} ({', '.join(m['warmUp'])})"
    r.update({"server CPU s": cpu, "server idle CPU % (before the run)": round(100 * m.get("serverIdleCpuPerSecond", 0), 1),
              "Redis CPU s": rcpu if nodes > 1 else None,
              "generator CPU s": m["generatorCpuSeconds"], "wall s": m["wallSeconds"]})
    rows[kind] = r
    if m["generatorCpuSeconds"] > cpu + rcpu:
        r["warning"] = "generator-bound"

def ratio(a, b):
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b:
        return round(a / b, 2)
    return ""

gen = "relay-bench.mjs (npm socket.io-client)" if scenario == "relay" and generator == "bench" else "Gatling"
print(f"\n### {scenario}, {nodes} node(s){' + Redis' if nodes > 1 else ''}, generator: {gen}\n")
print("| metric | ours | reference | ours / reference |")
print("|---|---|---|---|")
for key in rows["ours"]:
    if key == "warning":
        continue
    a, b = rows["ours"].get(key), rows["reference"].get(key)
    print(f"| {key} | {'' if a is None else a} | {'' if b is None else b} | {ratio(a, b)} |")
for kind in ("ours", "reference"):
    if rows[kind].get("warning"):
        print(f"\nWARNING ({kind}): the load generator used more CPU ({rows[kind]['generator CPU s']} s) than the "
              f"server{' and Redis' if nodes > 1 else ''} ({rows[kind]['server CPU s']} s): generator-bound, "
              "throughput and latency say more about the generator than the server; CPU per message still counts.")
result = {"scenario": scenario, "nodes": nodes, "generator": gen, "ours": rows["ours"], "reference": rows["reference"],
          "ratios": {k: ratio(rows["ours"].get(k), rows["reference"].get(k)) for k in rows["ours"] if k != "warning"}}
path = f"{out_dir}/{scenario}-{nodes}n.json"
json.dump(result, open(path, "w"), indent=1, ensure_ascii=False)
print(f"\nJSON: {path}")
PY
