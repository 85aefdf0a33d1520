#!/usr/bin/env bash
# Desktop benchmark: the release app (UI embedded, as `make package` ships it)
# against a bare Tauri window showing a static page, built the same way
# (bench/bare-tauri), which is the floor.
#
# - binary: size of the release executable (as built, not stripped);
# - start: from the app's process start (its start time in /proc) to the first
#   `[data-testid=procedure-row]` in the DOM, 5,000 procedures synced, seen by
#   polling the DOM through WebDriver (tauri-driver + WebKitWebDriver); the bare
#   window is timed to its static paragraph the same way;
# - memory: PSS (/proc/PID/smaps_rollup) of the app and every process under it
#   (WebKitWebProcess, WebKitNetworkProcess) after IDLE seconds, launched
#   directly, without WebDriver; the floor is the bare window as Tauri draws it
#   by default, and, like for like, the bare window drawn without compositing
#   as the app draws itself on Linux.
#
# Needs a display (xvfb-run) and a keyring (scripts/with-keyring): `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PROCEDURES=${PROCEDURES:-5000}
CLAIMS=${CLAIMS:-50000}
PORT=${BENCH_DESKTOP_PORT:-8722}
DRIVER_PORT=${BENCH_DRIVER_PORT:-4544}
NATIVE_PORT=${BENCH_NATIVE_PORT:-4545}
IDLE=${IDLE_SECONDS:-60}
RUNS=${START_RUNS:-3}
OUT=${BENCH_OUT:-bench-results}
SERVER=target/release/claimdesk-server
CLI=target/release/claimdesk
APP=$ROOT/target/release/claimdesk-desktop
BARE=$ROOT/target/release/bare-tauri
EMAIL=bench@seed.claimdesk.fr
PASSWORD=claimdesk-demo
URL="http://127.0.0.1:$PORT"

[ -n "${DISPLAY:-}" ] || { echo "bench-desktop: no DISPLAY (run it under xvfb-run)" >&2; exit 1; }
command -v tauri-driver >/dev/null || { echo "bench-desktop: tauri-driver is missing (make tauri-driver)" >&2; exit 1; }
[ -f ui/dist/index.html ] || { echo "bench-desktop: ui/dist is missing (make ui)" >&2; exit 1; }

# Both built from src-tauri/, so with the shipped profile (src-tauri/.cargo/config.toml).
(cd src-tauri && cargo build --release -p claimdesk-desktop --features custom-protocol)
(cd src-tauri && CARGO_TARGET_DIR=$ROOT/target cargo build --release --features custom-protocol \
  --manifest-path ../bench/bare-tauri/Cargo.toml)

work=$(mktemp -d)
server_pid=""
driver_pid=""
session=""
started=()
# Everything started here stops with SIGTERM: SIGKILL on tauri-driver would
# orphan WebKitWebDriver and the app under it.
cleanup() {
  set +e
  [ -n "$session" ] && curl -fs -X DELETE "http://127.0.0.1:$DRIVER_PORT/session/$session" >/dev/null
  for p in "${started[@]}"; do kill -TERM "$p" 2>/dev/null; done
  [ -n "$driver_pid" ] && kill -TERM "$driver_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$OUT"

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v < t) ? "ok" : "MISSED" }'; }
descendants() {
  local p
  for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done
}
# PSS in KiB of the given processes.
pss_kib() {
  local total=0 p v
  for p in "$@"; do
    v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null || true)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}
uptime_s() { awk '{ print $1 }' /proc/uptime; }
# Seconds since boot at which a process started (field 22 of /proc/PID/stat).
start_s() {
  sed -E 's/^.*\) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", $20 / hz }'
}
# Waits up to $2 seconds for process $1 to end.
wait_gone() {
  for _ in $(seq 1 $(($2 * 10))); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}

# A server with the seeded data, and the app's home signed in and synced by the CLI.
"$SERVER" seed --data "$work/server" --procedures "$PROCEDURES" --claims "$CLAIMS" --seed 1 >/dev/null
"$SERVER" --listen "127.0.0.1:$PORT" --data "$work/server" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "$URL/v1/health" >/dev/null && break; sleep 0.1; done
home="$work/home"
printf '%s\n' "$PASSWORD" | "$CLI" --home "$home" --server "$URL" login --email "$EMAIL" --password-stdin >/dev/null
"$CLI" --home "$home" --server "$URL" sync >"$work/sync.out"
export CLAIMDESK_HOME="$home" CLAIMDESK_SERVER="$URL"

tauri-driver --port "$DRIVER_PORT" --native-port "$NATIVE_PORT" \
  --native-driver "${WEBKIT_WEBDRIVER:-/usr/bin/WebKitWebDriver}" >"$work/driver.log" 2>&1 &
driver_pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$DRIVER_PORT/status" >/dev/null && break; sleep 0.1; done
wd="http://127.0.0.1:$DRIVER_PORT"

# One launch through WebDriver: sets `elapsed` to the seconds from the process
# start of $1 to the first element matching $2 in its DOM.
time_to_element() {
  local bin=$1 selector=$2 pid="" found="" t_seen reply
  reply=$(curl -fs -H 'content-type: application/json' -X POST "$wd/session" \
    -d "{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"wry\",\"tauri:options\":{\"application\":\"$bin\"}}}}")
  session=$(sed -E 's/.*"sessionId":"([^"]+)".*/\1/' <<<"$reply")
  for _ in $(seq 1 3000); do
    reply=$(curl -fs -H 'content-type: application/json' -X POST "$wd/session/$session/elements" \
      -d "{\"using\":\"css selector\",\"value\":\"$selector\"}" || true)
    if grep -q 'element-6066' <<<"$reply"; then t_seen=$(uptime_s); found=1; break; fi
    sleep 0.005
  done
  for p in $(descendants "$driver_pid"); do
    [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$bin" ] && pid=$p
  done
  [ -n "$found" ] && [ -n "$pid" ] || { echo "bench-desktop: $selector never appeared in $bin" >&2; exit 1; }
  local t_start
  t_start=$(start_s "$pid")
  curl -fs -X DELETE "$wd/session/$session" >/dev/null
  session=""
  wait_gone "$pid" 15 || { echo "bench-desktop: $bin did not close with its session" >&2; exit 1; }
  elapsed=$(awk -v a="$t_start" -v b="$t_seen" 'BEGIN { printf "%.2f", b - a }')
}

# Median of the arguments.
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

app_runs=()
bare_runs=()
for _ in $(seq 1 "$RUNS"); do
  time_to_element "$APP" '[data-testid=procedure-row]'
  app_runs+=("$elapsed")
  time_to_element "$BARE" '[data-testid=ready]'
  bare_runs+=("$elapsed")
done
kill -TERM "$driver_pid"
wait "$driver_pid" 2>/dev/null || true
driver_pid=""

# Memory after IDLE seconds, launched directly: sets `kib` (PSS of the process
# and everything under it) and `names` (those processes with their PSS in MiB).
idle_pss() {
  local bin=$1 pid procs
  "$bin" >"$work/$(basename "$bin").log" 2>&1 &
  pid=$!
  started+=("$pid")
  sleep "$IDLE"
  procs=$(echo "$pid"; descendants "$pid")
  kib=$(pss_kib $procs)
  names=$(for p in $procs; do echo "$(cat "/proc/$p/comm" 2>/dev/null) $(pss_kib "$p")"; done |
    awk '{ printf "%s%s %.1f", (NR > 1 ? ", " : ""), $1, $2 / 1024 }')
  kill -TERM "$pid"
  if ! wait_gone "$pid" 15; then echo "bench-desktop: $bin did not stop on SIGTERM" >&2; exit 1; fi
  wait "$pid" 2>/dev/null || true
  for p in $procs; do kill -0 "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null; done
  started=()
}
idle_pss "$APP"
app_kib=$kib app_procs=$names
idle_pss "$BARE"
bare_kib=$kib bare_procs=$names
# The app draws without accelerated compositing on Linux (src-tauri/src/lib.rs):
# the bare window drawn the same way is shown too, so the app's own cost is
# read like for like.
WEBKIT_DISABLE_COMPOSITING_MODE=1 idle_pss "$BARE"
flat_kib=$kib flat_procs=$names

app_bytes=$(stat -c %s "$APP")
bare_bytes=$(stat -c %s "$BARE")
strip -o "$work/app-stripped" "$APP"
app_stripped=$(stat -c %s "$work/app-stripped")
app_start=$(median "${app_runs[@]}")
bare_start=$(median "${bare_runs[@]}")
diff_kib=$((app_kib - bare_kib))
webkit=$(pkg-config --modversion webkit2gtk-4.1 2>/dev/null || echo "?")

report="$OUT/desktop.txt"
{
  echo "desktop benchmark ($(date -u +%FT%TZ), $(nproc) cores, WebKitGTK $webkit, Xvfb)"
  echo "data: $PROCEDURES procedures + $CLAIMS claims synced by the CLI into the app's home ($(cat "$work/sync.out"))"
  echo "binary: claimdesk-desktop $(mib $((app_bytes / 1024))) MiB ($(mib $((app_stripped / 1024))) MiB stripped), bare-tauri $(mib $((bare_bytes / 1024))) MiB; target < 20 MB: $(verdict "$app_bytes" 20000000)"
  echo "start (process start to first procedure-row, $RUNS launches): ${app_runs[*]} s, median $app_start s; target < 1 s: $(verdict "$app_start" 1)"
  echo "start floor (bare-tauri to its static page): ${bare_runs[*]} s, median $bare_start s"
  echo "memory after ${IDLE} s idle (PSS): claimdesk-desktop $(mib "$app_kib") MiB [$app_procs]"
  echo "memory floor (PSS): bare-tauri $(mib "$bare_kib") MiB [$bare_procs]"
  echo "memory over the floor: $(mib "$diff_kib") MiB; target <= 40 MB: $(verdict "$diff_kib" $((40000000 / 1024 + 1)))"
  echo "like for like (PSS): bare-tauri without compositing, as the app draws, $(mib "$flat_kib") MiB [$flat_procs]; the app over it: $(mib $((app_kib - flat_kib))) MiB"
} | tee -a "$report"
