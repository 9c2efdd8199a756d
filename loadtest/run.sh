#!/usr/bin/env bash
# run.sh [--nodes N] [--redis yes|no] [--server ours|reference] SIMULATION [-Dname=value ...]
# run.sh --targets URL[,URL...] SIMULATION [-Dname=value ...]   (an existing deployment: starts nothing)
#
# Starts N signaling nodes (the shaded jar the build made; or N reference servers) on free loopback
# ports, with a redis-server when N > 1 (or --redis yes), runs one Gatling simulation of this module
# (e.g. SmokeSimulation, RelaySimulation) against all of them, and stops exactly what it started,
# also on failure or Ctrl-C. Exits with Gatling's status: non-zero when a gate failed.
# Logs: loadtest/target/run/, reports: loadtest/target/gatling/. See loadtest/README.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

nodes=2 redis= server=ours targets=
while [[ $# -gt 0 ]]; do
  case $1 in
    --nodes) nodes=$2; shift 2 ;;
    --redis) redis=$2; shift 2 ;;
    --server) server=$2; shift 2 ;;
    --targets) targets=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[[ $# -ge 1 ]] || { sed -n '2,10p' "$0" >&2; exit 2; }
[[ $nodes =~ ^[1-9][0-9]*$ ]] || { echo "--nodes: a positive number, got '$nodes'" >&2; exit 2; }
[[ $server == ours || $server == reference ]] || { echo "--server: ours or reference, got '$server'" >&2; exit 2; }
redis=${redis:-$( ((nodes > 1)) && echo yes || echo no)}
[[ $redis == yes || $redis == no ]] || { echo "--redis: yes or no, got '$redis'" >&2; exit 2; }
sim=$1; shift

if [[ -n $targets ]]; then
  URLS=$targets
  echo "run.sh: against $URLS"
  gatling "$sim" "$@"
  exit
fi
trap stop_servers EXIT
trap 'exit 130' INT TERM
start_servers "$server" "$nodes" "$redis"
echo "run.sh: $server x$nodes (redis: $redis) at $URLS; logs in $LOG_DIR"
gatling "$sim" "$@"
