#!/usr/bin/env bash
# Documents benchmark: statements computed and PDFs rendered per second on one
# core, then `claimdesk export` of a 300-claim procedure against a local server.
set -euo pipefail
cd "$(dirname "$0")/.."
CLAIMS=${EXPORT_CLAIMS:-300}
PORT=${BENCH_PORT:-8722}
OUT=${BENCH_OUT:-bench-results}
SERVER=target/release/claimdesk-server
CLI=target/release/claimdesk
EMAIL=bench@seed.claimdesk.fr
PASSWORD=claimdesk-demo
URL="http://127.0.0.1:$PORT"

work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$OUT"
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

cargo build --release -q -p claimdesk-documents --example render_bench
render=$(taskset -c 0 target/release/examples/render_bench)

"$SERVER" seed --data "$work/server" --procedures 1 --claims "$CLAIMS" --seed 1 --ledgers >/dev/null
"$SERVER" --listen "127.0.0.1:$PORT" --data "$work/server" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "$URL/v1/health" >/dev/null && break; sleep 0.1; done
printf '%s\n' "$PASSWORD" | "$CLI" --home "$work/client" --server "$URL" login --email "$EMAIL" --password-stdin >/dev/null
"$CLI" --home "$work/client" sync >/dev/null 2>&1
procedure=$("$CLI" --home "$work/client" procedures --json | grep -o '"id": *[0-9]*' | head -1 | grep -o '[0-9]*$')
t0=$(now)
"$CLI" --home "$work/client" export --procedure "$procedure" --out "$work/export" >"$work/export.out" 2>/dev/null
export_s=$(secs "$t0" "$(now)")
files=$(find "$work/export" -type f | wc -l)
bytes=$(du -sk "$work/export" | cut -f1)

report="$OUT/documents.txt"
{
  echo "documents benchmark ($(date -u +%FT%TZ), $(nproc) cores)"
  echo "$render"
  echo "export of a $CLAIMS-claim procedure: ${export_s} s wall, $files files, ${bytes} KiB ($(cat "$work/export.out"))"
} | tee "$report"
