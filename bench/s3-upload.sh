#!/usr/bin/env bash
# Upload speed, client CPU and peak memory: qsnap vs awscli vs s5cmd, each uploading the same 1 GiB and 4 GiB
# files to a local `rclone serve s3` (127.0.0.1, free port), over https:// (a throw-away CA, as real S3 is always
# TLS) and over plain http://. Prints one table. Temporary files live in one directory under .bench/ that is
# deleted on exit.
#
# Over https qsnap's default (--payload-signing auto) sends UNSIGNED-PAYLOAD with x-amz-checksum-crc32, as the AWS
# SDKs do; over http it signs the SHA-256 of every part. The `qsnap-unsigned` row shows the unsigned mode on http.
#
# Usage: QSNAP_BIN=.build/release/qsnap bash bench/s3-upload.sh
#   (env SIZES_GIB="1 4", TOOLS="qsnap qsnap-unsigned awscli s5cmd", SCHEMES="https http")
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$ROOT/.venv/bin"
QSNAP_BIN="${QSNAP_BIN:-$ROOT/.build/release/qsnap}"
SIZES_GIB="${SIZES_GIB:-1 4}"
TOOLS="${TOOLS:-qsnap qsnap-unsigned awscli s5cmd}"
SCHEMES="${SCHEMES:-https http}"
S5CMD="$(ls "$ROOT"/.venv/lib/python3*/site-packages/s5cmd/bin/s5cmd 2>/dev/null | head -1)"
for tool in "$QSNAP_BIN" "$VENV/rclone" "$VENV/aws" "$S5CMD" /usr/bin/time; do
    [[ -x "$tool" ]] || { echo "s3-upload: missing $tool (run make setup / make release)" >&2; exit 1; }
done

mkdir -p "$ROOT/.bench"
WORK="$(mktemp -d "$ROOT/.bench/s3-upload.XXXXXX")"
SERVER_PID=""
stop_server() {
    if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    SERVER_PID=""
}
cleanup() {
    local status=$?
    stop_server
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT

export AWS_ACCESS_KEY_ID=BENCHKEY AWS_SECRET_ACCESS_KEY=bench-secret-0123456789 AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$WORK/none" AWS_SHARED_CREDENTIALS_FILE="$WORK/none"
read -r CA CERT KEY < <(PYTHONPATH="$ROOT/Tests/Integration" "$VENV/python" -c \
    "import sys; from tlsfiles import make_tls_files; print(*make_tls_files(sys.argv[1]))" "$WORK")

start_server() {  # scheme
    local port tls=()
    port="$("$VENV/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    [[ "$1" == https ]] && tls=(--cert "$CERT" --key "$KEY")
    rm -rf "$WORK/data"; mkdir -p "$WORK/data/bench"
    "$VENV/rclone" serve s3 --addr "127.0.0.1:$port" "${tls[@]}" --auth-key "$AWS_ACCESS_KEY_ID,$AWS_SECRET_ACCESS_KEY" \
        --config /dev/null "$WORK/data" >"$WORK/rclone.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
    ENDPOINT="$1://127.0.0.1:$port"
}

measure() {
    local tool="$1" gib="$2"; shift 2
    local stats="$WORK/time.txt"
    if ! /usr/bin/time -v -o "$stats" "$@" >"$WORK/out.txt" 2>&1; then
        echo "s3-upload: $tool failed:" >&2; tail -5 "$WORK/out.txt" >&2; exit 1
    fi
    local stored="$WORK/data/bench/obj-$tool"
    [[ "$(stat -c %s "$stored")" == "$((gib << 30))" ]] || { echo "s3-upload: $tool stored a wrong size" >&2; exit 1; }
    rm -f "$stored"
    awk -v tool="$tool" -v scheme="$SCHEME" -v gib="$gib" -F': ' '
        /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {rss=$2}
        /Elapsed \(wall clock\)/ { n=split($2, p, ":"); w=0; for (i=1;i<=n;i++) w=w*60+p[i] }
        END { printf "%-15s %-6s %4d GiB %8.1f %8.0f %9.2f %12.2f %11.1f\n", tool, scheme, gib, w, gib*1024/w, u+s, (u+s)/gib, rss/1024 }
    ' "$stats"
}

printf "%-15s %-6s %8s %8s %8s %9s %12s %11s\n" tool scheme size wall_s MiB/s cpu_s cpu_s/GiB peak_rss_MiB
for SCHEME in $SCHEMES; do
    start_server "$SCHEME"
    for gib in $SIZES_GIB; do
        src="$WORK/src-${gib}g"
        [[ -f "$src" ]] || head -c "$((gib << 30))" /dev/urandom >"$src"
        for tool in $TOOLS; do
            case "$tool" in
            qsnap) measure qsnap "$gib" env AWS_CA_BUNDLE="$CA" "$QSNAP_BIN" repo cp --quiet --endpoint-url "$ENDPOINT" "$src" s3://bench/obj-qsnap ;;
            qsnap-unsigned)
                [[ "$SCHEME" == http ]] || continue  # on https the default already is unsigned
                measure qsnap-unsigned "$gib" "$QSNAP_BIN" repo cp --quiet --payload-signing unsigned --endpoint-url "$ENDPOINT" "$src" s3://bench/obj-qsnap-unsigned ;;
            # rclone does not take awscli's aws-chunked bodies with a checksum trailer (MissingContentLength) that it
            # sends over https by default; WHEN_REQUIRED makes it send plain bodies.
            awscli) measure awscli "$gib" env AWS_CA_BUNDLE="$CA" AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED "$VENV/aws" --endpoint-url "$ENDPOINT" s3 cp --only-show-errors "$src" s3://bench/obj-awscli ;;
            s5cmd) measure s5cmd "$gib" env AWS_CA_BUNDLE="$CA" "$S5CMD" --endpoint-url "$ENDPOINT" cp "$src" s3://bench/obj-s5cmd ;;
            *) echo "s3-upload: unknown tool $tool" >&2; exit 2 ;;
            esac
        done
    done
    stop_server
done
rm -f "$WORK"/src-*
echo "(client-side figures; rclone serve s3 runs on the same 2 cores; load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
echo "(goals for qsnap: <= 1.2 CPU-s/GiB, peak RSS < 64 MiB)"
