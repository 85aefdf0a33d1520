# Sourced by the bench scripts after they set PORT: the release binaries, a
# scratch directory removed on exit with the processes started, timing
# helpers, and the server started on a data directory with the CLI signed in.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT=${BENCH_OUT:-bench-results}
SERVER=target/release/claimdesk-server
CLI=target/release/claimdesk
EMAIL=bench@seed.claimdesk.fr
PASSWORD=claimdesk-demo
URL="http://127.0.0.1:$PORT"

work=$(mktemp -d)
server_pid=""
# Other processes a script starts in the background, killed on exit too.
bench_pids=()
cleanup() {
  for pid in "$server_pid" "${bench_pids[@]}"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$OUT"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# start_server DATA_DIR [server options...]: serves DATA_DIR on PORT and waits
# until it answers.
start_server() {
  local data=$1
  shift
  "$SERVER" --listen "127.0.0.1:$PORT" --data "$data" "$@" >>"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    curl -fs "$URL/v1/health" >/dev/null && return 0
    sleep 0.1
  done
  echo "the server did not start; its log:" >&2
  cat "$work/server.log" >&2
  return 1
}

stop_server() {
  [ -n "$server_pid" ] || return 0
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

# login_client HOME: the CLI signed in as the seeded user.
login_client() {
  printf '%s\n' "$PASSWORD" |
    "$CLI" --home "$1" --server "$URL" login --email "$EMAIL" --password-stdin >/dev/null
}

# api_token: a session of the seeded user for curl.
api_token() {
  curl -fs -H 'content-type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$URL/v1/auth/login" |
    sed -E 's/.*"token":"([^"]+)".*/\1/'
}
