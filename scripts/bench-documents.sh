#!/usr/bin/env bash
# Documents benchmark: statements computed and PDFs rendered per second on one
# core, then `claimdesk export` of a 300-claim procedure against a local server.
PORT=${BENCH_PORT:-8722}
source "$(dirname "$0")/bench-common.sh"
CLAIMS=${EXPORT_CLAIMS:-300}

cargo build --release -q -p claimdesk-documents --example render_bench
render=$(taskset -c 0 target/release/examples/render_bench)

"$SERVER" seed --data "$work/server" --procedures 1 --claims "$CLAIMS" --seed 1 --ledgers >/dev/null
start_server "$work/server"
login_client "$work/client"
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
