#!/usr/bin/env bash
# Upload benchmark: a SIZE_MIB file (1 GiB) sent over loopback by the CLI's
# outbox against the same tus requests made with curl; the CLI's peak RSS;
# and the resume after the CLI is killed (SIGKILL) half-way.
PORT=${BENCH_PORT:-8723}
source "$(dirname "$0")/bench-common.sh"
SIZE_MIB=${SIZE_MIB:-1024}
size=$((SIZE_MIB * 1024 * 1024))
server_options=(--max-upload-bytes $((size * 2)) --user-quota-bytes $((size * 16)))

"$SERVER" seed --data "$work/server" --procedures 1 --claims 1 --seed 1 >/dev/null
start_server "$work/server" "${server_options[@]}"
login_client "$work/client"
"$CLI" --home "$work/client" sync >/dev/null 2>&1
procedure=$("$CLI" --home "$work/client" procedures --json | grep -o '"id": *[0-9]*' | head -1 | grep -o '[0-9]*$')
store=$(find "$work/client" -name store.sqlite | head -1)
token=$(api_token)

# Content is detected as PDF by its head; the rest does not compress.
file="$work/bench.pdf"
{ printf '%%PDF-1.7\n'; head -c $((size - 9)) /dev/urandom; } >"$file"
sha=$(sha256sum "$file" | cut -d' ' -f1)
name_b64=$(printf 'bench.pdf' | base64)

# curl_create: the Location of a new upload of the file.
curl_create() {
  curl -fsS -o /dev/null -D - -X POST "$URL/v1/uploads" \
    -H "authorization: Bearer $token" -H 'tus-resumable: 1.0.0' \
    -H "upload-length: $size" -H "upload-metadata: filename $name_b64,sha256 $(printf '%s' "$sha" | base64 -w0)" |
    tr -d '\r' | sed -n 's/^[Ll]ocation: //p'
}

# The reference: tus create and one PATCH of the whole file streamed by curl,
# without Upload-Checksum as the client sends none (the server checks the
# whole file against the SHA-256 declared at creation in both cases).
curl_send() {
  local location
  location=$(curl_create)
  curl -fsS -o /dev/null -X PATCH -T "$file" "$URL$location" \
    -H "authorization: Bearer $token" -H 'tus-resumable: 1.0.0' -H 'expect:' \
    -H 'content-type: application/offset+octet-stream' -H 'upload-offset: 0'
}

# add_offline: the file in the outbox, not sent (the server is stopped
# meanwhile; the CLI reports it offline).
add_offline() {
  stop_server
  "$CLI" --home "$work/client" upload "procedure:$procedure" "$file" --category judgment >/dev/null 2>&1 || true
  start_server "$work/server" "${server_options[@]}"
}

# The send alone, like with like with curl: `claimdesk outbox` sends the
# waiting file in PATCHes, then creates the document.
client_send() {
  /usr/bin/time -f '%M' -o "$work/send.rss" "$CLI" --home "$work/client" outbox >"$work/send.out" 2>"$work/send.err"
  grep -q 'done' "$work/send.out" || { cat "$work/send.out" "$work/send.err" >&2; exit 1; }
}

# settle: what the step before wrote (the outbox copy, the last upload) is
# on disk before a timed send starts.
settle() { sync; sleep 1; }

# Others may be using the machine: the two run REPEAT times each, and the
# best of each counts. Which goes first after the copy into the outbox
# alternates: on this machine whichever send follows the copy was measured
# up to a second slower, curl as well as the client, the server's extra time
# spent copying into the page cache.
curl_s=""; send_s=""; send_rss_kib=0; curl_runs=""; send_runs=""
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
timed_curl() {
  settle
  t0=$(now); curl_send; s=$(secs "$t0" "$(now)")
  curl_s=$(best "$curl_s" "$s"); curl_runs="$curl_runs $s"
}
timed_client() {
  settle
  t0=$(now); client_send; s=$(secs "$t0" "$(now)")
  send_s=$(best "$send_s" "$s"); send_runs="$send_runs $s"
  rss=$(tail -1 "$work/send.rss")
  if [ "$rss" -gt "$send_rss_kib" ]; then send_rss_kib=$rss; fi
}
for round in $(seq 1 "${REPEAT:-4}"); do
  add_offline
  if [ $((round % 2)) -eq 1 ]; then timed_curl; timed_client; else timed_client; timed_curl; fi
done

# The client as used: `claimdesk upload`, the copy into the outbox (hashed on
# the way, made durable) then the send and the document's creation.
t0=$(now)
/usr/bin/time -f '%M' -o "$work/upload.rss" \
  "$CLI" --home "$work/client" upload "procedure:$procedure" "$file" --category judgment >/dev/null 2>"$work/upload.err"
upload_s=$(secs "$t0" "$(now)")
upload_rss_kib=$(tail -1 "$work/upload.rss")

# The resume: the send killed once the server holds half the file, then sent
# again; the first resumed byte is seen growing the server's part file.
add_offline
"$CLI" --home "$work/client" outbox >/dev/null 2>&1 &
sender=$!
bench_pids+=("$sender")
sending() {
  kill -0 "$sender" 2>/dev/null || { echo "the send ended before half the file was on the server" >&2; exit 1; }
}
url=""
while [ -z "$url" ]; do
  sending
  url=$(sqlite3 "$store" "SELECT upload_url FROM outbox WHERE state = 'uploading' AND upload_url IS NOT NULL" 2>/dev/null || true)
  sleep 0.01
done
held=0
while [ "$held" -lt $((size / 2)) ]; do
  sending
  held=$(curl -fsS -I "$url" -H "authorization: Bearer $token" -H 'tus-resumable: 1.0.0' |
    tr -d '\r' | sed -n 's/^[Uu]pload-[Oo]ffset: //p')
  held=${held:-0}
done
kill -KILL "$sender"
wait "$sender" 2>/dev/null || true
part="$work/server/uploads/${url##*/}.part"
# The cut PATCH is wound up by the server: its offset settles.
sleep 1
cut_at=$(curl -fsS -I "$url" -H "authorization: Bearer $token" -H 'tus-resumable: 1.0.0' |
  tr -d '\r' | sed -n 's/^[Uu]pload-[Oo]ffset: //p')
t0=$(now)
"$CLI" --home "$work/client" outbox >"$work/resume.out" 2>&1 &
resumer=$!
bench_pids+=("$resumer")
first_s=""
while kill -0 "$resumer" 2>/dev/null; do
  if [ "$(stat -c %s "$part" 2>/dev/null || echo 0)" -gt "$cut_at" ] || [ ! -e "$part" ]; then
    first_s=$(secs "$t0" "$(now)")
    break
  fi
done
wait "$resumer"
resume_s=$(secs "$t0" "$(now)")
documents=$(sqlite3 "$work/server/claimdesk.sqlite" "SELECT COUNT(*) FROM documents WHERE sha256 = '$sha'")

mib_s() { awk -v m="$SIZE_MIB" -v s="$1" 'BEGIN { printf "%.0f", m / s }'; }
report="$OUT/uploads.txt"
{
  echo "upload benchmark ($(date -u +%FT%TZ), $(nproc) cores), a ${SIZE_MIB} MiB PDF over loopback; each timed send after sync and 1 s, curl and the client first in turn after the copy into the outbox"
  echo "reference (curl: tus create + one PATCH of the whole file, no Upload-Checksum), best of${curl_runs}: ${curl_s} s, $(mib_s "$curl_s") MiB/s"
  echo "client send (claimdesk outbox: create, PATCHes sized on throughput, no Upload-Checksum, document), best of${send_runs}: ${send_s} s, $(mib_s "$send_s") MiB/s, peak RSS $((send_rss_kib / 1024)) MiB (target < 32 MiB)"
  echo "client / reference throughput: $(awk -v a="$curl_s" -v b="$send_s" 'BEGIN{printf "%.2f", a/b}') (target >= 0.8)"
  echo "claimdesk upload (copy into the outbox, hashed, made durable, then the send): ${upload_s} s, $(mib_s "$upload_s") MiB/s, peak RSS $((upload_rss_kib / 1024)) MiB"
  echo "resume after SIGKILL at $((cut_at * 100 / size)) % ($((cut_at / 1048576)) MiB held): first resumed byte on the server after ${first_s:-?} s, done in ${resume_s} s; documents with this content: $documents"
} | tee -a "$report"
