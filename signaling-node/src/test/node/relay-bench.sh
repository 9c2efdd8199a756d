#!/usr/bin/env bash
# relay-bench.sh JAR NODES [SECONDS]: starts NODES node processes on loopback (and a redis-server when NODES > 1),
# runs relay-bench.mjs against them, prints its JSON and the server CPU per relayed message, and stops what it started.
set -euo pipefail
JAR=$(realpath "$1"); NODES=$2; SECS=${3:-15}
cd "$(dirname "$0")"
pids=(); urls=()
RPORT=$((20000 + RANDOM % 1000))
envs=(RATE_LIMIT_EVENTS_PER_SEC=0 BIND_ADDRESS=127.0.0.1)
if (( NODES > 1 )); then
  redis-server --port $RPORT --bind 127.0.0.1 --save '' --appendonly no --daemonize no > /tmp/bench-redis.log 2>&1 & rpid=$!
  envs+=(REDIS_URL=redis://127.0.0.1:$RPORT)
fi
opts=${JAVA_OPTS:-}  # NODEIDX in JAVA_OPTS becomes the node number (e.g. a JFR file per node)
for i in $(seq 1 $NODES); do
  p=$((21000 + RANDOM % 2000)); m=$((p+3000))
  env "${envs[@]}" NODE_ID=bench-$i PORT=$p MANAGEMENT_PORT=$m java -Xmx256m ${opts//NODEIDX/$i} -jar $JAR > /tmp/bench-node-$i.log 2>&1 & pids+=($!)
  urls+=(http://127.0.0.1:$p)
done
for u in "${urls[@]}"; do for k in $(seq 1 100); do curl -sf $u/socket.io/?EIO=4\&transport=polling >/dev/null && break; sleep 0.2; done; done
ticks() { local t=0; for p in "$@"; do read -r -a f < /proc/$p/stat; t=$((t + f[13] + f[14])); done; echo $t; }
all=("${pids[@]}"); [[ -n "${rpid:-}" ]] && all+=($rpid)
IFS=,; ul="${urls[*]}"; unset IFS
# warm-up run
node relay-bench.mjs "$ul" 40 8 8 286 > /dev/null
t0=$(ticks "${all[@]}"); n0=$(ticks "${pids[@]}")
out=$(node relay-bench.mjs "$ul" 40 8 $SECS 286)
t1=$(ticks "${all[@]}"); n1=$(ticks "${pids[@]}")
relayed=$(echo "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["relayed"])')
echo "$out"
python3 -c "
tot=($t1-$t0)*1e6/100; nodes=($n1-$n0)*1e6/100
print('cpu us/msg: nodes+redis %.1f  nodes %.1f' % (tot/$relayed, nodes/$relayed))"
kill "${all[@]}"; wait 2>/dev/null || true
