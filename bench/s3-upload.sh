#!/usr/bin/env bash
# Upload speed, client CPU and peak memory: qsnap vs awscli vs s5cmd, each uploading the same 1 GiB and 4 GiB
# files to a local `rclone serve s3` (127.0.0.1, free port). Prints one table. Temporary files live in one
# directory under .bench/ that is deleted on exit.
#
# Usage: QSNAP_BIN=.build/release/qsnap bash bench/s3-upload.sh   (env SIZES_GIB="1 4", TOOLS="qsnap awscli s5cmd")
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$ROOT/.venv/bin"
QSNAP_BIN="${QSNAP_BIN:-$ROOT/.build/release/qsnap}"
SIZES_GIB="${SIZES_GIB:-1 4}"
TOOLS="${TOOLS:-qsnap awscli s5cmd}"
S5CMD="$(ls "$ROOT"/.venv/lib/python3*/site-packages/s5cmd/bin/s5cmd 2>/dev/null | head -1)"
for tool in "$QSNAP_BIN" "$VENV/rclone" "$VENV/aws" "$S5CMD" /usr/bin/time; do
    [[ -x "$tool" ]] || { echo "s3-upload: missing $tool (run make setup / make release)" >&2; exit 1; }
done

mkdir -p "$ROOT/.bench"
WORK="$(mktemp -d "$ROOT/.bench/s3-upload.XXXXXX")"
SERVER_PID=""
cleanup() {
    local status=$?
    if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT

PORT="$("$VENV/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export AWS_ACCESS_KEY_ID=BENCHKEY AWS_SECRET_ACCESS_KEY=bench-secret-0123456789 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$WORK/none" AWS_SHARED_CREDENTIALS_FILE="$WORK/none"
ENDPOINT="http://127.0.0.1:$PORT"
mkdir -p "$WORK/data/bench"
"$VENV/rclone" serve s3 --addr "127.0.0.1:$PORT" --auth-key "$AWS_ACCESS_KEY_ID,$AWS_SECRET_ACCESS_KEY" \
    --config /dev/null "$WORK/data" >"$WORK/rclone.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done

# measure TOOL SIZE_GIB COMMAND… : runs under /usr/bin/time -v, checks the stored object, prints a table row.
measure() {
    local tool="$1" gib="$2"; shift 2
    local stats="$WORK/time.txt"
    if ! /usr/bin/time -v -o "$stats" "$@" >"$WORK/out.txt" 2>&1; then
        echo "s3-upload: $tool failed:" >&2; tail -5 "$WORK/out.txt" >&2; exit 1
    fi
    local stored="$WORK/data/bench/obj-$tool"
    [[ "$(stat -c %s "$stored")" == "$((gib << 30))" ]] || { echo "s3-upload: $tool stored a wrong size" >&2; exit 1; }
    rm -f "$stored"
    awk -v tool="$tool" -v gib="$gib" -F': ' '
        /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {rss=$2}
        /Elapsed \(wall clock\)/ { n=split($2, p, ":"); w=0; for (i=1;i<=n;i++) w=w*60+p[i] }
        END { printf "%-7s %4d GiB %8.1f %8.0f %9.2f %12.2f %11.1f\n", tool, gib, w, gib*1024/w, u+s, (u+s)/gib, rss/1024 }
    ' "$stats"
}

printf "%-7s %8s %8s %8s %9s %12s %11s\n" tool size wall_s MiB/s cpu_s cpu_s/GiB peak_rss_MiB
for gib in $SIZES_GIB; do
    src="$WORK/src-${gib}g"
    head -c "$((gib << 30))" /dev/urandom >"$src"
    for tool in $TOOLS; do
        case "$tool" in
        qsnap) measure qsnap "$gib" "$QSNAP_BIN" repo cp --quiet --endpoint-url "$ENDPOINT" "$src" s3://bench/obj-qsnap ;;
        awscli) measure awscli "$gib" "$VENV/aws" --endpoint-url "$ENDPOINT" s3 cp --only-show-errors "$src" s3://bench/obj-awscli ;;
        s5cmd) measure s5cmd "$gib" "$S5CMD" --endpoint-url "$ENDPOINT" cp "$src" s3://bench/obj-s5cmd ;;
        *) echo "s3-upload: unknown tool $tool" >&2; exit 2 ;;
        esac
    done
    rm -f "$src"
done
echo "(client-side figures; rclone serve s3 runs on the same 2 cores; load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "(goals for qsnap: <= 1.2 CPU-s/GiB, peak RSS < 64 MiB)"
