# Shared by run.sh and compare.sh (sourced, not run): start servers on free loopback ports, wait
# until they answer, and stop exactly the processes started here, by PID.
#
# After start_servers: URLS (comma-separated base URLs), SERVER_PIDS (the node or reference
# processes), REDIS_PID (empty without Redis). stop_servers is safe to call twice.

LOADTEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(cd "$LOADTEST_DIR/.." && pwd)
NODE_JAR=${NODE_JAR:-$ROOT_DIR/signaling-node/target/signaling-node.jar}
LOG_DIR=${LOG_DIR:-$LOADTEST_DIR/target/run}
STARTED_PIDS=()
SERVER_PIDS=()
REDIS_PID=
URLS=${URLS:-}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL PID SECONDS: until URL answers, or fail if PID died or time ran out.
wait_http() {
  local url=$1 pid=$2 deadline=$((SECONDS + $3))
  until curl -sf -o /dev/null "$url"; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "process $pid exited before answering $url" >&2; return 1; fi
    if (( SECONDS > deadline )); then echo "no answer from $url within $3 s" >&2; return 1; fi
    sleep 0.2
  done
}

start_redis() {
  local port; port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    > "$LOG_DIR/redis.log" 2>&1 &
  REDIS_PID=$!; STARTED_PIDS+=("$REDIS_PID")
  local deadline=$((SECONDS + 10))
  until redis-cli -p "$port" ping > /dev/null 2>&1; do
    if (( SECONDS > deadline )) || ! kill -0 "$REDIS_PID" 2>/dev/null; then
      echo "redis-server did not start (see $LOG_DIR/redis.log)" >&2; return 1
    fi
    sleep 0.1
  done
  REDIS_URL_STARTED=redis://127.0.0.1:$port
}

# start_servers KIND N REDIS: KIND ours|reference, N processes, REDIS yes|no.
start_servers() {
  local kind=$1 n=$2 redis=$3 i port mport pid urls=()
  mkdir -p "$LOG_DIR"
  REDIS_URL_STARTED=
  if [[ $redis == yes ]]; then start_redis || return 1; fi
  for ((i = 1; i <= n; i++)); do
    port=$(free_port)
    if [[ $kind == ours ]]; then
      [[ -f $NODE_JAR ]] || { echo "no node jar at $NODE_JAR: build it first (mvn -B -ntp package -pl signaling-node -am -DskipTests)" >&2; return 1; }
      mport=$(free_port)
      env NODE_ID="loadtest-$i" PORT="$port" MANAGEMENT_PORT="$mport" BIND_ADDRESS=127.0.0.1 \
        RATE_LIMIT_EVENTS_PER_SEC="${RATE_LIMIT_EVENTS_PER_SEC:-0}" ALLOWED_ORIGINS="${ALLOWED_ORIGINS:-*}" \
        ${REDIS_URL_STARTED:+REDIS_URL=$REDIS_URL_STARTED} \
        java ${NODE_JAVA_OPTS:--Xmx512m} -jar "$NODE_JAR" > "$LOG_DIR/node-$i.log" 2>&1 &
    else
      [[ -d $LOADTEST_DIR/reference/node_modules ]] || { echo "reference server not installed: npm ci --prefix loadtest/reference" >&2; return 1; }
      env PORT="$port" BIND_ADDRESS=127.0.0.1 ${REDIS_URL_STARTED:+REDIS_URL=$REDIS_URL_STARTED} \
        node "$LOADTEST_DIR/reference/server.mjs" > "$LOG_DIR/reference-$i.log" 2>&1 &
    fi
    pid=$!; STARTED_PIDS+=("$pid"); SERVER_PIDS+=("$pid")
    urls+=("http://127.0.0.1:$port")
  done
  for ((i = 0; i < n; i++)); do
    wait_http "${urls[$i]}/socket.io/?EIO=4&transport=polling" "${SERVER_PIDS[$i]}" 60 || return 1
  done
  URLS=$(IFS=,; echo "${urls[*]}")
}

# Servers first, then Redis: nodes that lose Redis while still running only log reconnect noise.
stop_servers() {
  local pid
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for pid in "${STARTED_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STARTED_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  STARTED_PIDS=(); SERVER_PIDS=(); REDIS_PID=
}

# gatling SIMULATION [-Dname=value ...]: runs a simulation of this module against $URLS.
gatling() {
  local sim=$1; shift
  local cp_file=$LOADTEST_DIR/target/test-classpath.txt
  [[ -f $cp_file && -d $LOADTEST_DIR/target/test-classes ]] || {
    echo "simulations not compiled: mvn -B -ntp test-compile -pl loadtest -am" >&2; return 2; }
  java ${GATLING_JAVA_OPTS:--Xmx1g} --add-opens=java.base/java.lang=ALL-UNNAMED \
    -cp "$(cat "$cp_file"):$LOADTEST_DIR/target/test-classes" -Dtargets="$URLS" "$@" \
    io.gatling.app.Gatling -s "io.rtcio.loadtest.$sim" -rf "$LOADTEST_DIR/target/gatling"
}
