#!/usr/bin/env bash
# Initial-sync benchmark: a server seeded with PROCEDURES procedures and CLAIMS
# claims, a fresh client syncing everything, against the reference of the same
# feed fetched with curl and loaded with the sqlite3 shell.
PORT=${BENCH_PORT:-8721}
source "$(dirname "$0")/bench-common.sh"
PROCEDURES=${PROCEDURES:-5000}
CLAIMS=${CLAIMS:-50000}

t0=$(now)
"$SERVER" seed --data "$work/server" --procedures "$PROCEDURES" --claims "$CLAIMS" --seed 1 >/dev/null
seed_s=$(secs "$t0" "$(now)")

start_server "$work/server"

# The client under test.
login_client "$work/client"
t0=$(now)
/usr/bin/time -f '%M' -o "$work/rss" "$CLI" --home "$work/client" --server "$URL" sync >"$work/sync.out" 2>/dev/null
client_s=$(secs "$t0" "$(now)")
client_rss_kib=$(tail -1 "$work/rss")
rows=$(( PROCEDURES + CLAIMS ))

# The reference: the same pages with curl, loaded with the sqlite3 shell.
token=$(api_token)
t0=$(now)
cursor=""; n=0; more=true
mkdir -p "$work/pages"
while [ "$more" = true ]; do
  n=$((n + 1))
  curl -fs -H "authorization: Bearer $token" "$URL/v1/sync?limit=5000${cursor:+&cursor=$cursor}" -o "$work/pages/$n.json"
  cursor=$(sed -E 's/.*"next_cursor":"([^"]*)".*/\1/' "$work/pages/$n.json")
  grep -q '"more":true' "$work/pages/$n.json" || more=false
done
{
  echo "PRAGMA journal_mode=WAL; CREATE TABLE records(kind TEXT, id INTEGER, data TEXT, PRIMARY KEY(kind, id));"
  echo "BEGIN;"
  for f in "$work"/pages/*.json; do
    echo "INSERT OR REPLACE INTO records SELECT json_extract(value,'\$.entity.kind'), json_extract(value,'\$.entity.data.id'), json_extract(value,'\$.entity.data') FROM json_each(readfile('$f'), '\$.changes') WHERE json_extract(value,'\$.op')='upsert';"
  done
  echo "COMMIT;"
} | sqlite3 "$work/reference.sqlite" >/dev/null
ref_s=$(secs "$t0" "$(now)")
ref_rows=$(sqlite3 "$work/reference.sqlite" 'select count(*) from records')

report="$OUT/sync.txt"
{
  echo "initial sync benchmark ($(date -u +%FT%TZ), $(nproc) cores)"
  echo "data: $PROCEDURES procedures + $CLAIMS claims = $rows rows (seeded in ${seed_s} s)"
  echo "client: $(cat "$work/sync.out")"
  echo "client: wall ${client_s} s, $(awk -v r="$rows" -v s="$client_s" 'BEGIN{printf "%.0f", r/s}') rows/s, peak RSS $((client_rss_kib / 1024)) MiB"
  echo "reference (curl + sqlite3): wall ${ref_s} s for $ref_rows rows, $(awk -v r="$ref_rows" -v s="$ref_s" 'BEGIN{printf "%.0f", r/s}') rows/s"
  echo "client / reference time: $(awk -v a="$client_s" -v b="$ref_s" 'BEGIN{printf "%.2f", a/b}')x (target <= 2x, >= 100000 rows/s)"
} | tee "$report"
