#!/usr/bin/env bash
# Encrypted + compressed backups: qsnap's client CPU seconds per GiB and wall time backing one snapshot up into a
# plain repository, an encrypted one (AES-256-GCM, no compression) and an encrypted + zstd one (local directories),
# beside restic backing up the same snapshot file; and the compression ratio on the real fixture archives.
# Usage: QSNAP_BIN=.build/release/qsnap bash bench/encrypt.sh   (BENCH_MIB sets the collection size, default 1024)
# restic is installed here (apt-get install restic) when missing: the bench's own set-up, not `make test`'s.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
QSNAP="${QSNAP_BIN:-$ROOT/.build/release/qsnap}"
VENV="$ROOT/.venv/bin"
MIB="${BENCH_MIB:-1024}"
WORK="${BENCH_DIR:-$ROOT/.bench}/encrypt"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
command -v /usr/bin/time >/dev/null || $SUDO apt-get install -y -qq time >/dev/null
command -v restic >/dev/null || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq restic >/dev/null; }
rm -rf "$WORK"; mkdir -p "$WORK"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT

PYTHONPATH="$ROOT/Tests/Testbed" "$VENV/python" -m qdrant_testbed --port 0 --storage "$WORK/qdrant" \
  > "$WORK/tb.out" 2> "$WORK/tb.log" &
PIDS+=($!)
for _ in $(seq 1 150); do grep -q READY "$WORK/tb.out" 2>/dev/null && break; sleep 0.2; done
URL=$(sed -n 's/^READY //p' "$WORK/tb.out")

echo "loading a collection of ~${MIB} MiB (256-d float vectors, text payloads) into the test double …"
"$VENV/python" - "$URL" "$MIB" <<'PY'
import json, random, sys, urllib.request
base, mib = sys.argv[1], int(sys.argv[2])
def call(path, method, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                 headers={"content-type": "application/json"})
    urllib.request.urlopen(req, timeout=600).read()
call("/collections/bench", "PUT", {"vectors": {"size": 256, "distance": "Cosine"}})
rng = random.Random(1)
words = "vector database snapshot backup restore shard replica payload index segment cluster qdrant".split()
points = mib * 1024 * 1024 // 2048      # ~1 KiB of vector + ~1 KiB of text per point
for start in range(0, points, 500):
    pts = [{"id": i, "vector": [rng.random() for _ in range(256)],
            "payload": {"text": " ".join(rng.choice(words) for _ in range(140)), "n": i}}
           for i in range(start, min(points, start + 500))]
    call("/collections/bench/points?wait=true", "PUT", {"points": pts})
PY

RUNS="${BENCH_RUNS:-3}"
# label, bytes, init-command-or-"-", command… ; "{}" in the commands is a fresh repository per run. Runs RUNS times
# and reports the run with the least CPU (its wall time), the highest peak RSS and the stored bytes of that run.
measure() {
  local label=$1 bytes=$2 init=$3; shift 3
  local best="" i
  for i in $(seq 1 "$RUNS"); do
    local dir="$WORK/run-$RANDOM-$i"
    [ "$init" = "-" ] || ${init//\{\}/$dir} > /dev/null
    local cmd=("${@//\{\}/$dir}")
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" "${cmd[@]}" > "$WORK/out.txt" 2> "$WORK/err.txt" \
      || { cat "$WORK/err.txt"; return 1; }
    read -r wall user sys rss < "$WORK/time.txt"
    local stored; stored=$(du -sb "$dir" | cut -f1)
    best=$(awk -v b="$best" -v w="$wall" -v c="$(awk -v u="$user" -v s="$sys" 'BEGIN{print u+s}')" -v r="$rss" -v st="$stored" 'BEGIN {
      split(b, o, " "); if (b == "" || c < o[2]) { mr = (b == "" || r > o[3]) ? r : o[3]; print w, c, mr, st }
      else { print o[1], o[2], (r > o[3] ? r : o[3]), o[4] } }')
    rm -rf "$dir"
  done
  read -r wall cpu rss stored <<< "$best"
  awk -v l="$label" -v w="$wall" -v c="$cpu" -v r="$rss" -v b="$bytes" -v st="$stored" 'BEGIN {
    gib = b / 1073741824; printf "%-40s %8.2f %10.2f %8.0f %11.1f %8.3f\n", l, w, c / gib, r / 1024, st / 1048576, st / b }'
  echo "$cpu" > "$WORK/last-cpu.txt"
}
cpu_per_gib() { awk -v b="$1" '{ printf "%.3f", $1 / (b / 1073741824) }' "$WORK/last-cpu.txt"; }

export QSNAP_PASSWORD="bench password, not a secret"
export RESTIC_PASSWORD="$QSNAP_PASSWORD"
# A first, unmeasured run warms the node's page cache and gives the snapshot file restic reads.
"$QSNAP" backup --qdrant "$URL" --to "$WORK/warm" --keep-server-snapshots -q > /dev/null
SNAP=$(ls -t "$WORK"/qdrant/snapshots/bench/*.snapshot | head -1)
BYTES=$(stat -c %s "$SNAP")
cp "$SNAP" "$WORK/bench.snapshot"; sync
printf "snapshot: %s MiB\n" $((BYTES / 1048576))
printf "%-40s %8s %10s %8s %11s %8s\n" "client (same snapshot, best of $RUNS)" "wall s" "CPU-s/GiB" "RSS MiB" "stored MiB" "ratio"
measure "qsnap backup, plain" "$BYTES" - "$QSNAP" backup --qdrant "$URL" --to {} --keep-server-snapshots -q
PLAIN=$(cpu_per_gib "$BYTES")
measure "qsnap backup, aes-256-gcm" "$BYTES" "$QSNAP repo init {} --encryption aes-256-gcm -q" \
  "$QSNAP" backup --qdrant "$URL" --to {} --keep-server-snapshots -q
ENC=$(cpu_per_gib "$BYTES")
measure "qsnap backup, aes-256-gcm + zstd:3" "$BYTES" "$QSNAP repo init {} --encryption aes-256-gcm --compression zstd:3 -q" \
  "$QSNAP" backup --qdrant "$URL" --to {} --keep-server-snapshots -q
ENCZ=$(cpu_per_gib "$BYTES")
measure "restic backup FILE (compression auto)" "$BYTES" "restic init --repo {} -q" \
  restic --repo {} backup -q "$WORK/bench.snapshot"
measure "restic backup FILE --compression off" "$BYTES" "restic init --repo {} -q" \
  restic --repo {} backup -q --compression off "$WORK/bench.snapshot"
# The fixed cost of opening an encrypted repository (scrypt of the password, once per command), apart from the stream.
open_cpu() {  # repository → least CPU seconds of `qsnap list` over RUNS runs
  local best="" i
  for i in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%U %S" -o "$WORK/time.txt" "$QSNAP" list --repo "$1" -q > /dev/null
    best=$(awk -v b="$best" '{ c = $1 + $2; print (b == "" || c < b) ? c : b }' "$WORK/time.txt")
  done
  echo "$best"
}
"$QSNAP" repo init "$WORK/open-enc" --encryption aes-256-gcm -q > /dev/null
OPEN=$(awk -v e="$(open_cpu "$WORK/open-enc")" -v p="$(open_cpu "$WORK/warm")" 'BEGIN { printf "%.3f", e - p }')
awk -v p="$PLAIN" -v e="$ENC" -v z="$ENCZ" -v o="$OPEN" -v b="$BYTES" 'BEGIN {
  gib = b / 1073741824
  printf "encryption adds %.2f CPU-s/GiB in all: %.2f CPU-s once to open the repository (scrypt) and %.2f CPU-s/GiB\n", e - p, o, e - p - o / gib
  printf "  streaming (goal <= 0.5 with AES-NI); zstd:3 on top adds %.2f CPU-s/GiB\n", z - e }'
echo "(RSS: opening an encrypted repository runs scrypt (N=2^15, r=8: 32 MiB) once; the stream itself holds one 1 MiB chunk)"
echo "(qsnap reads from the node over HTTP and hashes every byte (SHA-256) for the manifest; restic reads the file"
echo " from disk, chunks it (content-defined) and hashes every chunk; restore-side costs are the mirror image)"

echo "compression ratio (zstd -3, the level qsnap's zstd:3 uses) on the real fixture snapshots:"
for f in /work/shared/fixtures/qdrant/*.snapshot.gz /work/shared/fixtures/qdrant/*.snapshot "$WORK/bench.snapshot"; do
  [ -f "$f" ] || continue
  if [[ "$f" == *.gz ]]; then raw=$(gzip -dc "$f" | wc -c); z=$(gzip -dc "$f" | zstd -3 -c -q | wc -c)
  else raw=$(stat -c %s "$f"); z=$(zstd -3 -c -q "$f" | wc -c); fi
  awk -v n="$(basename "$f")" -v r="$raw" -v z="$z" 'BEGIN { printf "  %-42s %10d → %10d bytes  ratio %.3f\n", n, r, z, z / r }'
done
