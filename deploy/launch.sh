#!/usr/bin/env bash
# Start, stop or check the Streamlit replicas that deploy/nginx.conf balances.
#
#   bash deploy/launch.sh start      one `streamlit run app.py` per core, ports 8501, 8502, ...
#   bash deploy/launch.sh --dry-run  print the commands; start nothing, write nothing
#   bash deploy/launch.sh status     each replica: running? healthy?
#   bash deploy/launch.sh stop       stop the replicas this script started (by their PIDs)
#   bash deploy/launch.sh upstream   the `server` lines for nginx.conf's upstream block
#
# Settings (environment):
#   REPLICAS   how many replicas (default: the number of cores, `nproc`)
#   BASE_PORT  the first replica's port (default 8501); replica i listens on BASE_PORT + i
#   BIND       the address the replicas listen on (default 127.0.0.1: only nginx reaches them;
#              a private address when nginx runs on another machine)
#   PYTHON     the Python that has the app's requirements (default python3)
#   RUN_DIR    where the PIDs, logs and the cookie secret live (default deploy/run)
#   STREAMLIT_SERVER_COOKIE_SECRET  the shared secret; if unset, it is read from
#              RUN_DIR/cookie_secret, which `start` creates once (mode 0600). Every replica,
#              on every machine, must get the same value: copy that file or set this variable.
#
# The secret reaches the replicas through their environment (Streamlit reads
# STREAMLIT_SERVER_COOKIE_SECRET exactly like --server.cookieSecret), never on the command
# line, where every local user could read it with `ps`. Output shows only its fingerprint.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
REPLICAS="${REPLICAS:-$(nproc)}"
BASE_PORT="${BASE_PORT:-8501}"
BIND="${BIND:-127.0.0.1}"
PYTHON="${PYTHON:-python3}"
RUN_DIR="${RUN_DIR:-$HERE/run}"
SECRET_FILE="$RUN_DIR/cookie_secret"
PID_FILE="$RUN_DIR/pids"
HEALTH_TIMEOUT="${HEALTH_TIMEOUT:-120}"  # seconds for every replica to answer "ok"

die() { echo "launch.sh: $*" >&2; exit 1; }

[[ "$REPLICAS" =~ ^[1-9][0-9]*$ ]] || die "REPLICAS must be a positive integer, not '$REPLICAS'"
[[ "$BASE_PORT" =~ ^[0-9]+$ ]] && ((BASE_PORT >= 1024 && BASE_PORT + REPLICAS <= 65536)) ||
  die "BASE_PORT must leave room for $REPLICAS ports between 1024 and 65535"

ports() { for ((i = 0; i < REPLICAS; i++)); do echo $((BASE_PORT + i)); done; }

fingerprint() { printf '%s' "$1" | sha256sum | cut -c1-12; }

make_run_dir() {  # holds the secret: never let git pick it up
  mkdir -p "$RUN_DIR"
  [[ -e "$RUN_DIR/.gitignore" ]] || echo '*' >"$RUN_DIR/.gitignore"
}

# The shared secret: the environment, else the file; `create` makes the file if missing.
secret() {
  if [[ -n "${STREAMLIT_SERVER_COOKIE_SECRET:-}" ]]; then
    printf '%s' "$STREAMLIT_SERVER_COOKIE_SECRET"
  elif [[ -s "$SECRET_FILE" ]]; then
    cat "$SECRET_FILE"
  elif [[ "${1:-}" == create ]]; then
    make_run_dir
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$SECRET_FILE")
    cat "$SECRET_FILE"
  fi
}

replica_command() {  # sets COMMAND: the replica on port $1 (the secret is not in it)
  COMMAND=("$PYTHON" -m streamlit run app.py --server.port "$1" --server.address "$BIND"
    --server.headless true --server.fileWatcherType none)
}

print_commands() {
  local value shown
  value="$(secret)"
  if [[ -n "$value" ]]; then shown="sha256:$(fingerprint "$value")"; else shown="new, created by start"; fi
  echo "# $REPLICAS replicas in $ROOT; cookie secret $shown (the same for every replica)"
  for port in $(ports); do
    replica_command "$port"
    echo "STREAMLIT_SERVER_COOKIE_SECRET=<$shown> ${COMMAND[*]}"
  done
}

alive() {  # PID is running and is the replica on PORT that we started
  local pid="$1" port="$2"
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "streamlit run app.py --server.port $port "
}

healthy() {
  "$PYTHON" - "$BIND" "$1" <<'EOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(f"http://{sys.argv[1]}:{sys.argv[2]}/_stcore/health", timeout=2) as r:
        sys.exit(0 if r.read().decode().strip() == "ok" else 1)
except OSError:
    sys.exit(1)
EOF
}

start() {
  if [[ -s "$PID_FILE" ]]; then
    while read -r pid port; do
      if alive "$pid" "$port"; then die "replicas already running (see $PID_FILE); stop first"; fi
    done <"$PID_FILE"
  fi
  local value
  value="$(secret create)"
  [[ -n "$value" ]] || die "no cookie secret"
  if [[ -e "$SECRET_FILE" ]]; then chmod 600 "$SECRET_FILE"; fi
  make_run_dir
  : >"$PID_FILE"
  cd "$ROOT"
  for port in $(ports); do
    replica_command "$port"
    STREAMLIT_SERVER_COOKIE_SECRET="$value" nohup "${COMMAND[@]}" \
      >"$RUN_DIR/replica-$port.log" 2>&1 </dev/null &
    echo "$! $port" >>"$PID_FILE"
    echo "started replica on $BIND:$port, PID $!, log $RUN_DIR/replica-$port.log"
  done
  local deadline=$((SECONDS + HEALTH_TIMEOUT))
  while read -r pid port; do
    until healthy "$port"; do
      alive "$pid" "$port" || die "replica $port (PID $pid) exited; see $RUN_DIR/replica-$port.log"
      ((SECONDS < deadline)) || die "replica $port not healthy after ${HEALTH_TIMEOUT}s"
      sleep 0.5
    done
  done <"$PID_FILE"
  echo "$REPLICAS replicas healthy; cookie secret sha256:$(fingerprint "$value")"
}

stop() {
  [[ -s "$PID_FILE" ]] || { echo "nothing to stop ($PID_FILE is empty or missing)"; return 0; }
  while read -r pid port; do
    if alive "$pid" "$port"; then
      kill -TERM "$pid"
      for _ in $(seq 50); do alive "$pid" "$port" || break; sleep 0.2; done
      if alive "$pid" "$port"; then kill -KILL "$pid"; fi
      echo "stopped replica $port (PID $pid)"
    else
      echo "replica $port (PID $pid) was not running"
    fi
  done <"$PID_FILE"
  rm -f "$PID_FILE"
}

status() {
  [[ -s "$PID_FILE" ]] || { echo "no replicas started ($PID_FILE is missing)"; return 1; }
  local bad=0
  while read -r pid port; do
    if ! alive "$pid" "$port"; then echo "replica $port (PID $pid): NOT RUNNING"; bad=1
    elif healthy "$port"; then echo "replica $port (PID $pid): ok"
    else echo "replica $port (PID $pid): running, NOT HEALTHY"; bad=1
    fi
  done <"$PID_FILE"
  return "$bad"
}

upstream() {
  for port in $(ports); do echo "        server $BIND:$port max_fails=3 fail_timeout=10s;"; done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  upstream) upstream ;;
  --dry-run | dry-run) print_commands ;;
  *) sed -n '2,8p' "$0" >&2; exit 2 ;;
esac
