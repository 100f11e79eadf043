#!/usr/bin/env bash
# `qsnap migrate` beside qdrant-client's own migration helper (`QdrantClient.migrate`, the official Python client's
# scroll-and-upsert copy) on the same two Qdrant test doubles: a 3-shard source collection of BENCH_POINTS points
# (128-dim dense vectors and a small payload) copied into an empty target, each tool in turn. Figures: wall
# seconds, points per second, and client CPU (user + sys of the tool's process, from /usr/bin/time) per 1000
# points. qsnap's run includes what the helper does not do: payload indexes, HNSW held back and restored, a
# journalled checkpoint per batch, and verification (exact count, 16 points equal by value, a query).
# Goal: ≥ 2× the helper's throughput at ≤ ½ its CPU per point.
# Usage: QSNAP_BIN=.build/release/qsnap bash bench/migrate.sh   (BENCH_POINTS, default 20000; BENCH_RUNS, default 3,
# best taken; BENCH_PARALLEL qsnap streams, default 4)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
QSNAP="${QSNAP_BIN:-$ROOT/.build/release/qsnap}"
VENV="$ROOT/.venv/bin"
POINTS="${BENCH_POINTS:-20000}"
RUNS="${BENCH_RUNS:-3}"
PARALLEL="${BENCH_PARALLEL:-4}"
WORK="${BENCH_DIR:-$ROOT/.bench}/migrate"
rm -rf "$WORK"; mkdir -p "$WORK"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT

start_double() {  # name peers → URL
  PYTHONPATH="$ROOT/Tests/Testbed" "$VENV/python" -m qdrant_testbed --port 0 --peers "$2" --storage "$WORK/$1" \
    > "$WORK/$1.out" 2> "$WORK/$1.log" &
  PIDS+=($!)
  for _ in $(seq 1 150); do grep -q READY "$WORK/$1.out" 2>/dev/null && break; sleep 0.2; done
  sed -n 's/^READY //p' "$WORK/$1.out" | head -1
}
SRC=$(start_double src 1); DST=$(start_double dst 1)
[ -n "$SRC" ] && [ -n "$DST" ] || { cat "$WORK"/*.log; exit 1; }

echo "loading $POINTS points (128-dim, 3 shards) into the source double …"
"$VENV/python" - "$SRC" "$POINTS" <<'PY'
import json, random, sys, urllib.request
base, n = sys.argv[1], int(sys.argv[2])
def call(path, method, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                 headers={"content-type": "application/json"})
    urllib.request.urlopen(req, timeout=600).read()
call("/collections/bench", "PUT", {"vectors": {"size": 128, "distance": "Cosine"}, "shard_number": 3})
rng = random.Random(1)
for start in range(0, n, 500):
    pts = [{"id": i, "vector": [rng.random() for _ in range(128)], "payload": {"n": i, "tag": f"t{i % 10}"}}
           for i in range(start, min(n, start + 500))]
    call("/collections/bench/points?wait=true", "PUT", {"points": pts})
PY

drop() { curl -s -X DELETE "$DST/collections/bench" > /dev/null; }
measure() {  # label command… → "wall user sys"
  /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$@" > "$WORK/out" 2> "$WORK/err" || { cat "$WORK/err"; exit 1; }
  cat "$WORK/time"
}
HELPER="$WORK/helper.py"
cat > "$HELPER" <<'PY'
import sys
from qdrant_client import QdrantClient
src, dst = QdrantClient(url=sys.argv[1], timeout=600), QdrantClient(url=sys.argv[2], timeout=600)
src.migrate(dst, collection_names=["bench"], batch_size=int(sys.argv[3]))
print(dst.count("bench", exact=True).count)
PY

best() { sort -n | head -1; }
: > "$WORK/q"; : > "$WORK/h"
for i in $(seq 1 "$RUNS"); do
  drop
  read -r w u s < <(measure "$QSNAP" migrate --from "$SRC" --to "$DST" --collection bench --parallel "$PARALLEL" \
    --batch 256 --state-dir "$WORK/state" -q)
  echo "$w $u $s" >> "$WORK/q"
  [ "$(curl -s -X POST "$DST/collections/bench/points/count" -H 'content-type: application/json' -d '{"exact":true}' \
      | "$VENV/python" -c 'import json,sys;print(json.load(sys.stdin)["result"]["count"])')" = "$POINTS" ] || { echo "qsnap count wrong"; exit 1; }
  drop
  read -r w2 u2 s2 < <(measure "$VENV/python" "$HELPER" "$SRC" "$DST" 100)
  [ "$(tail -1 "$WORK/out")" = "$POINTS" ] || { echo "helper count wrong: $(cat "$WORK/out")"; exit 1; }
  echo "$w2 $u2 $s2" >> "$WORK/h"
  echo "run $i: qsnap migrate ${w} s (cpu $(awk -v a="$u" -v b="$s" 'BEGIN{print a+b}') s), qdrant-client migrate ${w2} s (cpu $(awk -v a="$u2" -v b="$s2" 'BEGIN{print a+b}') s)"
done
row() {  # label file
  awk -v n="$POINTS" -v label="$1" '{w=$1; c=$2+$3; if (bw=="" || w<bw) {bw=w}; if (bc=="" || c<bc) {bc=c}}
    END {printf "%-52s %8.2f %10.0f %14.1f\n", label, bw, n/bw, bc*1000000/n}' "$2"
}
printf "%-52s %8s %10s %14s\n" "best of $RUNS, $POINTS points × 128 dims" "wall s" "points/s" "cpu ms/1k pts"
row "qsnap migrate (--parallel $PARALLEL, batch 256, verified)" "$WORK/q"
row "qdrant-client QdrantClient.migrate (batch 100)" "$WORK/h"
paste "$WORK/q" "$WORK/h" | awk -v n="$POINTS" '{ if (bq=="" || $1<bq) bq=$1; if (bh=="" || $4<bh) bh=$4;
  cq=$2+$3; ch=$5+$6; if (mq=="" || cq<mq) mq=cq; if (mh=="" || ch<mh) mh=ch }
  END { printf "throughput qsnap / qdrant-client: %.2f× (goal ≥ 2×); cpu per point qsnap / qdrant-client: %.2f× (goal ≤ 0.5×)\n", bh/bq, mq/mh }'
