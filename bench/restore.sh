#!/usr/bin/env bash
# `qsnap restore` wall time beside the Qdrant test double's own recovery of the same archive from a local file
# (`PUT /collections/{c}/snapshots/recover` with a file:// location inside its snapshots directory, with the same
# SHA-256 checksum). qsnap's figure includes everything a restore does: gates, streaming the object from the
# repository into …/snapshots/upload while inspecting it (deep inspection and SHA-256 in the same pass, the last bytes
# held back until both pass), verification (exact count, shard states, sampled points, a query) and the alias
# switch; the request alone (upload + recovery on the node) is shown too, and a second qsnap run with
# `--transport url` from a local `python -m http.server` serving the repository (the object is inspected before the
# node downloads it). For reference, the same upload by curl and the same URL recovery asked for by curl, with no
# inspection, gates or verification: what the node itself needs for each transport. Goal: ≤ 1.10×.
# The test double, like Qdrant ≥ 1.17, unpacks an http(s) download as it arrives (one pass); qsnap inspects and
# hashes an object before it lets a node read it, so the last reference line is one SHA-256 pass over the object by
# `openssl dgst` (the floor of that check on one core).
# Usage: QSNAP_BIN=.build/release/qsnap bash bench/restore.sh   (BENCH_MIB sets the payload, default 512;
# BENCH_RUNS the runs per tool, default 3, best taken)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
QSNAP="${QSNAP_BIN:-$ROOT/.build/release/qsnap}"
VENV="$ROOT/.venv/bin"
MIB="${BENCH_MIB:-512}"
RUNS="${BENCH_RUNS:-3}"
WORK="${BENCH_DIR:-$ROOT/.bench}/restore"
rm -rf "$WORK"; mkdir -p "$WORK"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT

PYTHONPATH="$ROOT/Tests/Testbed" "$VENV/python" -m qdrant_testbed --port 0 --storage "$WORK/qdrant" \
  > "$WORK/tb.out" 2> "$WORK/tb.log" &
PIDS+=($!)
for _ in $(seq 1 150); do grep -q READY "$WORK/tb.out" 2>/dev/null && break; sleep 0.2; done
URL=$(sed -n 's/^READY //p' "$WORK/tb.out")
[ -n "$URL" ] || { cat "$WORK/tb.log"; exit 1; }

echo "loading a collection with ~${MIB} MiB of payload into the test double …"
"$VENV/python" - "$URL" "$MIB" <<'PY'
import base64, json, os, random, sys, urllib.request
base, mib = sys.argv[1], int(sys.argv[2])
def call(path, method, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                 headers={"content-type": "application/json"})
    urllib.request.urlopen(req, timeout=600).read()
call("/collections/bench", "PUT", {"vectors": {"size": 8, "distance": "Dot"}, "shard_number": 2})
blob = base64.b64encode(os.urandom(48 * 1024)).decode()     # 64 KiB of text per point
points = mib * 16
for start in range(0, points, 250):
    pts = [{"id": i, "vector": [random.random() for _ in range(8)], "payload": {"blob": blob[: 65536 - (i % 512)]}}
           for i in range(start, min(points, start + 250))]
    call("/collections/bench/points?wait=true", "PUT", {"points": pts})
PY
"$QSNAP" backup --qdrant "$URL" --to "$WORK/repo" -q > /dev/null
OBJ=$(find "$WORK/repo/backups" -name '*.snapshot' | head -1)
SHA=$(sha256sum "$OBJ" | cut -d' ' -f1)
BYTES=$(stat -c %s "$OBJ")
SNAPDIR="$WORK/qdrant/snapshots/bench-local"
mkdir -p "$SNAPDIR"
cp "$OBJ" "$SNAPDIR/local.snapshot"
echo "archive: $((BYTES / 1024 / 1024)) MiB, $(basename "$OBJ")"

HTTPPORT=$("$VENV/python" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$VENV/python" -m http.server "$HTTPPORT" --bind 127.0.0.1 --directory "$WORK/repo" > /dev/null 2>&1 &
PIDS+=($!)
call() { curl -sf -X "$1" "$URL$2" -H 'content-type: application/json' ${3:+-d "$3"} > /dev/null; }
now() { date +%s.%N; }
best_native=""; best_qsnap=""; best_url=""; best_call=""; best_bare_up=""; best_bare_url=""; best_sha=""
KEY=${OBJ#"$WORK/repo/"}
drop_runs() {
  for c in $(curl -sf "$URL/collections" | "$VENV/python" -c 'import json,sys;print(" ".join(c["name"] for c in json.load(sys.stdin)["result"]["collections"] if c["name"].startswith("run")))'); do
    call DELETE "/collections/$c"
  done
  curl -sf -X POST "$URL/collections/aliases" -H 'content-type: application/json' \
    -d "{\"actions\": [{\"delete_alias\": {\"alias_name\": \"run$1\"}}, {\"delete_alias\": {\"alias_name\": \"runurl$1\"}}]}" > /dev/null
}
for i in $(seq 1 "$RUNS"); do
  sync
  t0=$(now)
  call PUT "/collections/native-$i/snapshots/recover?wait=true" \
    "{\"location\": \"file://$SNAPDIR/local.snapshot\", \"checksum\": \"$SHA\"}"
  t1=$(now)
  call DELETE "/collections/native-$i"
  sync
  t2=$(now)
  "$QSNAP" restore latest --repo "$WORK/repo" --target "$URL" --collection bench --as "run$i" -q --force-ram --json \
    > "$WORK/result.json"
  t3=$(now)
  drop_runs "$i"
  sync
  t4=$(now)
  "$QSNAP" restore latest --repo "$WORK/repo" --target "$URL" --collection bench --as "runurl$i" -q --force-ram \
    --transport url --object-base-url "http://127.0.0.1:$HTTPPORT" > /dev/null
  t5=$(now)
  drop_runs "$i"
  sync
  t6=$(now)
  curl -sf -X POST -H "Expect:" -F "snapshot=@$OBJ" "$URL/collections/run$i/snapshots/upload?priority=snapshot&checksum=$SHA" > /dev/null
  t7=$(now)
  drop_runs "$i"
  sync
  t8=$(now)
  call PUT "/collections/run$i/snapshots/recover?wait=true" \
    "{\"location\": \"http://127.0.0.1:$HTTPPORT/$KEY\", \"checksum\": \"$SHA\", \"priority\": \"snapshot\"}"
  t9=$(now)
  drop_runs "$i"
  ts0=$(now); openssl dgst -sha256 "$OBJ" > /dev/null; ts1=$(now)
  sh=$(awk -v a="$ts0" -v b="$ts1" 'BEGIN{printf "%.2f", b-a}')
  if [ -z "$best_sha" ] || awk "BEGIN{exit !($sh < $best_sha)}"; then best_sha=$sh; fi
  bu=$(awk -v a="$t6" -v b="$t7" 'BEGIN{printf "%.2f", b-a}'); bl=$(awk -v a="$t8" -v b="$t9" 'BEGIN{printf "%.2f", b-a}')
  c=$("$VENV/python" -c 'import json,sys;print("%.2f" % sum(r["seconds"] for c in json.load(open(sys.argv[1]))["collections"] for r in c["recoveries"]))' "$WORK/result.json")
  u=$(awk -v a="$t4" -v b="$t5" 'BEGIN{printf "%.2f", b-a}')
  n=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}'); q=$(awk -v a="$t2" -v b="$t3" 'BEGIN{printf "%.2f", b-a}')
  echo "run $i: native recover ${n} s, qsnap restore ${q} s (upload+recover call ${c} s), qsnap restore --transport url ${u} s, curl upload ${bu} s, curl url recover ${bl} s"
  if [ -z "$best_bare_up" ] || awk "BEGIN{exit !($bu < $best_bare_up)}"; then best_bare_up=$bu; fi
  if [ -z "$best_bare_url" ] || awk "BEGIN{exit !($bl < $best_bare_url)}"; then best_bare_url=$bl; fi
  if [ -z "$best_url" ] || awk "BEGIN{exit !($u < $best_url)}"; then best_url=$u; fi
  if [ -z "$best_call" ] || awk "BEGIN{exit !($c < $best_call)}"; then best_call=$c; fi
  if [ -z "$best_native" ] || awk "BEGIN{exit !($n < $best_native)}"; then best_native=$n; fi
  if [ -z "$best_qsnap" ] || awk "BEGIN{exit !($q < $best_qsnap)}"; then best_qsnap=$q; fi
done
printf "%-58s %8s\n" "best of $RUNS, $((BYTES / 1024 / 1024)) MiB archive" "wall s"
printf "%-58s %8s\n" "test double: PUT …/snapshots/recover file:// (local file)" "$best_native"
printf "%-58s %8s\n" "qsnap restore (gates, upload stream, verify, alias switch)" "$best_qsnap"
printf "%-58s %8s\n" "  of which the upload + recover request" "$best_call"
printf "%-58s %8s\n" "qsnap restore --transport url (python http.server)" "$best_url"
printf "%-58s %8s\n" "reference: curl POST …/snapshots/upload (no inspection)" "$best_bare_up"
printf "%-58s %8s\n" "reference: curl PUT …/snapshots/recover http:// (no insp.)" "$best_bare_url"
printf "%-58s %8s\n" "reference: one SHA-256 pass over the object (openssl dgst)" "$best_sha"
awk -v n="$best_native" -v q="$best_qsnap" -v u="$best_url" 'BEGIN{printf "ratio qsnap / native: upload %.2f×, url %.2f× (goal ≤ 1.10×)\n", q / n, u / n}'
awk -v n="$best_native" -v q="$best_bare_up" -v u="$best_bare_url" 'BEGIN{printf "ratio curl reference / native: upload %.2f×, url %.2f×\n", q / n, u / n}'
awk -v n="$best_native" -v u="$best_bare_url" -v h="$best_sha" -v q="$best_url" \
  'BEGIN{printf "floor of an inspected url restore (curl url + one SHA-256 pass) / native: %.2f×; qsnap url / that floor: %.2f×\n", (u + h) / n, q / (u + h)}'
