#!/usr/bin/env bash
# `qsnap backup` of the same 3-node cluster (a 3-shard collection, ~BENCH_MIB MiB) into an S3 repository on
# `rclone serve s3`, twice: nodes with local snapshot storage (qsnap streams every byte) and nodes that write their
# snapshots to the store themselves (the store copies them into the repository; qsnap orchestrates). Wall time, qsnap's
# CPU seconds, peak RSS, and the bytes that passed qsnap's process (counted by a relaying proxy in front of the store
# and of each node). Usage: QSNAP_BIN=.build/release/qsnap bash bench/server-side.sh   (BENCH_MIB, default 600)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
QSNAP="${QSNAP_BIN:-$ROOT/.build/release/qsnap}"
VENV="$ROOT/.venv/bin"
MIB="${BENCH_MIB:-600}"
WORK="${BENCH_DIR:-$ROOT/.bench}/server-side"
command -v /usr/bin/time >/dev/null || { SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo; $SUDO apt-get install -y -qq time >/dev/null; }
rm -rf "$WORK"; mkdir -p "$WORK/s3/repo" "$WORK/s3/nodes" "$WORK/home"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait "${PIDS[@]}" 2>/dev/null || true; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { "$VENV/python" -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

S3PORT=$(free_port)
"$VENV/rclone" serve s3 --addr "127.0.0.1:$S3PORT" --auth-key benchkey,benchsecret --config /dev/null "$WORK/s3" \
  > "$WORK/rclone.log" 2>&1 &
PIDS+=($!)
export AWS_ACCESS_KEY_ID=benchkey AWS_SECRET_ACCESS_KEY=benchsecret AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
       AWS_ENDPOINT_URL="http://127.0.0.1:$S3PORT" HOME="$WORK/home" AWS_EC2_METADATA_DISABLED=true

start_cluster() {  # variable, name, extra flags… → the variable holds the nodes' URLs, comma-separated
  local var=$1 name=$2; shift 2
  PYTHONPATH="$ROOT/Tests/Testbed" "$VENV/python" -m qdrant_testbed --port 0 --peers 3 --storage "$WORK/$name" "$@" \
    > "$WORK/$name.out" 2> "$WORK/$name.log" &
  PIDS+=($!)
  for _ in $(seq 1 150); do grep -q READY "$WORK/$name.out" 2>/dev/null && break; sleep 0.2; done
  printf -v "$var" "%s" "$(sed -n 's/^READY //p' "$WORK/$name.out")"
}
start_cluster LOCAL local
start_cluster REMOTE remote --snapshots-s3-bucket nodes --snapshots-s3-endpoint "$AWS_ENDPOINT_URL"

echo "loading a 3-shard collection with ~${MIB} MiB of payload into each cluster …"
"$VENV/python" - "$MIB" "${LOCAL%%,*}" "${REMOTE%%,*}" <<'PY'
import base64, json, os, random, sys, urllib.request
mib, bases = int(sys.argv[1]), sys.argv[2:]
def call(base, path, method, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                 headers={"content-type": "application/json"})
    urllib.request.urlopen(req, timeout=600).read()
blob = base64.b64encode(os.urandom(48 * 1024)).decode()     # 64 KiB of text per point
for base in bases:
    call(base, "/collections/bench", "PUT", {"vectors": {"size": 8, "distance": "Dot"}, "shard_number": 3})
    rng = random.Random(7)
    for start in range(0, mib * 16, 250):
        pts = [{"id": i, "vector": [rng.random() for _ in range(8)], "payload": {"blob": blob[: 65536 - (i % 512)]}}
               for i in range(start, min(mib * 16, start + 250))]
        call(base, "/collections/bench/points?wait=true", "PUT", {"points": pts})
PY

# Counting relays (Tests/Integration/faultproxy.py, no faults) in front of the store and each node: what qsnap's
# process sent and received. They run in one Python process that prints the total when told to stop.
proxies() {  # node URLs (comma-separated) → "S3_URL NODE_URL,NODE_URL,NODE_URL" on stdout; counts until SIGTERM
  exec env PYTHONPATH="$ROOT/Tests/Integration" "$VENV/python" - "$S3PORT" "$1" <<'PY'
import signal, sys, threading
from faultproxy import FaultProxy
s3 = FaultProxy(int(sys.argv[1])).start()
nodes = [FaultProxy(int(u.rsplit(":", 1)[1]), flavor="qdrant").start() for u in sys.argv[2].split(",")]
print(s3.url, ",".join(n.url for n in nodes), flush=True)
done = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: done.set())
done.wait()
print(s3.bytes_up + s3.bytes_down + sum(n.bytes_up + n.bytes_down for n in nodes), flush=True)
PY
}

run_one() {  # label, node URLs, extra qsnap flags…
  local label=$1 url=$2; shift 2
  (proxies "$url" > "$WORK/proxy.out") &
  local ppid=$!
  PIDS+=("$ppid")
  for _ in $(seq 1 100); do [ -s "$WORK/proxy.out" ] && break; sleep 0.1; done
  read -r s3url nodes < "$WORK/proxy.out"
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" \
    env AWS_ENDPOINT_URL="$s3url" "$QSNAP" backup --qdrant "$nodes" --to "s3://repo/$label" --json --lock-settle 0.5 "$@" \
    > "$WORK/out.json" 2> "$WORK/err.txt" || { cat "$WORK/err.txt"; kill "$ppid"; return 1; }
  kill -TERM "$ppid"; wait "$ppid" 2>/dev/null || true
  local moved; moved=$(sed -n 2p "$WORK/proxy.out")
  read -r wall user sys rss < "$WORK/time.txt"
  "$VENV/python" - "$label" "$wall" "$user" "$sys" "$rss" "$moved" "$WORK/out.json" <<'PY'
import json, sys
label, wall, user, sys_, rss, moved, out = sys.argv[1:]
r = json.load(open(out))
print(f"{label:<40} {float(wall):8.2f} {float(user) + float(sys_):8.2f} {int(rss) / 1024:8.0f} "
      f"{r['bytes'] / 1048576:10.0f} {int(moved) / 1048576:12.2f} {r.get('serverSideCopies', 0):6d}")
PY
}

printf "%-40s %8s %8s %8s %10s %12s %6s\n" "qsnap backup, 3 nodes → rclone s3" "wall s" "CPU s" "RSS MiB" "backup MiB" "via qsnap MiB" "copies"
run_one local "$LOCAL"
run_one server-side "$REMOTE" --server-side --snapshots-bucket nodes
echo "(local: the nodes keep snapshots on disk and qsnap streams them; server-side: the nodes write them to the store"
echo " themselves and the store copies them into the repository — qsnap's host carries only the orchestration)"
