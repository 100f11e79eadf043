#!/usr/bin/env bash
# Times `qsnap inspect` on a multi-GiB collection snapshot next to `bsdtar -tvf` and GNU `tar -tvf`.
# Usage: QSNAP_BIN=.build/release/qsnap bash bench/inspect.sh   (BENCH_GIB sets the archive size, default 3)
set -euo pipefail
QSNAP="${QSNAP_BIN:-.build/release/qsnap}"
GIB="${BENCH_GIB:-3}"
WORK="${BENCH_DIR:-$(pwd)/.bench}/inspect"
command -v bsdtar >/dev/null || { SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo; $SUDO apt-get install -y -qq libarchive-tools >/dev/null; }
command -v /usr/bin/time >/dev/null || { SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo; $SUDO apt-get install -y -qq time >/dev/null; }
mkdir -p "$WORK"
ARCHIVE="$WORK/bench-collection-1234567890-2026-01-01-00-00-00.snapshot"
if [ ! -f "$ARCHIVE" ] || [ "$(stat -c %s "$ARCHIVE")" -lt $((GIB * 1024 * 1024 * 1024)) ]; then
  echo "building a ${GIB} GiB collection snapshot in $WORK …"
  "${PYTHON:-python3}" - "$ARCHIVE" "$GIB" <<'PY'
import io, os, sys, tarfile, uuid, json
out, gib = sys.argv[1], int(sys.argv[2])
seg_bytes = 256 << 20
chunk = os.urandom(1 << 20)
def segment_tar(path):
    with tarfile.open(path, "w", format=tarfile.GNU_FORMAT) as t:
        for name, size in [("snapshot/files/segment.json", 0), ("snapshot/files/version.info", 0)]:
            data = b'{"version":1}' if name.endswith("json") else b"0.6.0"
            info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
        for i in range(4):
            info = tarfile.TarInfo(f"snapshot/files/vector_storage/chunk_{i}.mmap"); info.size = seg_bytes // 4
            t.addfile(info, io.BytesIO(chunk * (seg_bytes // 4 // len(chunk))))
tmp = out + ".seg"
segment_tar(tmp)
with tarfile.open(out + ".part", "w", format=tarfile.GNU_FORMAT) as t:
    for i in range(gib * 4):
        t.add(tmp, arcname=f"{i % 2}/segments/{uuid.UUID(int=i)}.tar")
    for shard in (0, 1):
        data = json.dumps({"is_local": True, "this_peer_id": 1234567890, "peers": {"1234567890": "Active"}}).encode()
        info = tarfile.TarInfo(f"{shard}/replica_state.json"); info.size = len(data); t.addfile(info, io.BytesIO(data))
    cfg = json.dumps({"params": {"vectors": {"size": 768, "distance": "Cosine"}, "shard_number": 2, "replication_factor": 1}}).encode()
    for name, data in [("version.info", b"0.4.2"), ("config.json", cfg), ("shard_key_mapping.json", b"[]"), ("payload_index.json", b'{"schema":{}}')]:
        info = tarfile.TarInfo(name); info.size = len(data); t.addfile(info, io.BytesIO(data))
os.remove(tmp)
os.rename(out + ".part", out)
PY
fi
SIZE=$(stat -c %s "$ARCHIVE")
echo "archive: $ARCHIVE ($((SIZE / 1024 / 1024)) MiB)"
cat "$ARCHIVE" > /dev/null  # warm the page cache so every tool reads from memory alike
measure() {  # label, command…
  local label=$1; shift
  local best=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.txt" "$@" > /dev/null 2>"$WORK/err.txt" || { cat "$WORK/err.txt"; return 1; }
    read -r wall user sys rss < "$WORK/time.txt"
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; bu=$user; bs=$sys; br=$rss; fi
  done
  printf "%-38s %9s %9s %9s %10s\n" "$label" "$best" "$bu" "$bs" "$((br / 1024)) MiB"
}
printf "%-38s %9s %9s %9s %10s\n" "tool (best of 3)" "wall s" "user s" "sys s" "peak RSS"
measure "qsnap inspect --headers-only" "$QSNAP" inspect --headers-only "$ARCHIVE"
measure "bsdtar -tvf" bsdtar -tvf "$ARCHIVE"
measure "GNU tar -tvf" tar -tvf "$ARCHIVE"
measure "qsnap inspect (deep, nested tars read)" "$QSNAP" inspect "$ARCHIVE"
measure "qsnap inspect --sha256 (deep + SHA-256)" "$QSNAP" inspect --sha256 "$ARCHIVE"
measure "sha256sum (reference)" sha256sum "$ARCHIVE"
[ -n "${BENCH_KEEP:-}" ] || rm -rf "$WORK"
