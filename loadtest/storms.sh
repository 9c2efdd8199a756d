#!/usr/bin/env bash
# storms.sh [--server ours|reference] [--storms N] [--users U] [--ramp R]
#
# How a server settles: starts one server (ours by default; NODE_JAVA_OPTS applies), runs N
# JoinStormSimulation storms of U users over R s one after the other (default 8 of 5000 over 5 s)
# and prints, for each storm, the CPU of its busiest threads (threads.py: for our node the event
# loops, the JIT compiler threads, GC) and the join-ok percentiles. Our node's compiler threads
# outspend its event loops for about 30,000 connections; see docs/performance.md. Stops what it
# started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

server=ours storms=8 users=5000 ramp=5
while [[ $# -gt 0 ]]; do
  case $1 in
    --server) server=$2; shift 2 ;;
    --storms) storms=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --ramp) ramp=$2; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
LOG_DIR=$LOADTEST_DIR/target/storms
mkdir -p "$LOG_DIR"
trap stop_servers EXIT
trap 'exit 130' INT TERM
start_servers "$server" 1 no
export URLS
pid=${SERVER_PIDS[0]}
for ((i = 1; i <= storms; i++)); do
  "$LOADTEST_DIR/threads.py" "$pid" snapshot "$LOG_DIR/threads-before.json"
  gatling JoinStormSimulation -Dusers="$users" -Dramp="$ramp" > "$LOG_DIR/storm-$i.log" 2>&1 || true
  echo "storm $i of $storms ($users users over $ramp s), $server:"
  spent=$("$LOADTEST_DIR/threads.py" "$pid" diff "$LOG_DIR/threads-before.json")
  echo "$spent" | head -5
  echo "$spent" | tail -1
  grep -o '"join-ok":{[^}]*}' "$LOG_DIR/storm-$i.log" | tail -1 || echo "(no join-ok figures: see $LOG_DIR/storm-$i.log)"
done
