#!/usr/bin/env bash
# Fuzzes the archive inspector with libFuzzer (Fuzz/QSnapFuzz): builds it with -sanitize=fuzzer (plus the address
# sanitizer when that links) into .build-fuzz-san, seeds the corpus from the real Qdrant fixtures (Fuzz/make_corpus.py)
# and runs FUZZ_RUNS executions (default 1,000,000). Prints executions, time, coverage and crashes; exits non-zero
# on any crash (the crashing input is kept in .build-fuzz-san/artifacts/).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=.build-fuzz-san
RUNS="${FUZZ_RUNS:-1000000}"
MAX_LEN="${FUZZ_MAX_LEN:-65536}"
SHARED="${SHARED_DIR:-$(cd .. && pwd)/shared}"
PY="${PYTHON:-$PWD/.venv/bin/python}"
[ -x "$PY" ] || PY=python3

# FUZZ_SANITIZERS=fuzzer skips the address sanitizer (several times faster: no shadow memory, no mmap per buffer)
sanitizers="${FUZZ_SANITIZERS:-fuzzer,address}"
[ "$sanitizers" = fuzzer ] && SCRATCH="$SCRATCH-noasan"
if ! swift build --scratch-path "$SCRATCH" -c release --product QSnapFuzz \
      -Xswiftc -sanitize=$sanitizers -Xswiftc -DFUZZING; then
  [ "$sanitizers" = fuzzer ] && exit 1
  echo "fuzz: the address sanitizer build failed; fuzzing without it" >&2
  sanitizers=fuzzer
  SCRATCH="$SCRATCH-noasan"
  swift build --scratch-path "$SCRATCH" -c release --product QSnapFuzz -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING
fi
BIN="$SCRATCH/release/QSnapFuzz"

SEEDS="$SCRATCH/corpus-seed"
CORPUS="$SCRATCH/corpus"
ARTIFACTS="$SCRATCH/artifacts"
"$PY" Fuzz/make_corpus.py --shared "$SHARED" "$SEEDS"
mkdir -p "$CORPUS" "$ARTIFACTS"
rm -f "$ARTIFACTS"/crash-* "$ARTIFACTS"/leak-* "$ARTIFACTS"/timeout-* "$ARTIFACTS"/oom-*

LOG="$SCRATCH/fuzz.log"
start=$(date +%s)
set +e
# quarantine off: the inspector allocates a 256 KiB read buffer per archive level, which ASan's quarantine makes slow
ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=0:malloc_context_size=5:detect_leaks=0}" \
  "$BIN" -runs="$RUNS" -max_len="$MAX_LEN" -rss_limit_mb=4096 -timeout=30 -print_final_stats=1 \
  -artifact_prefix="$ARTIFACTS/" "$CORPUS" "$SEEDS" > "$LOG" 2>&1
status=$?
set -e
elapsed=$(( $(date +%s) - start ))
crashes=$(find "$ARTIFACTS" -type f | wc -l)
executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$LOG" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$LOG" | tail -1)
coverage=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$LOG" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9A-Za-z]+' || true)
tail -n 12 "$LOG"
echo "fuzz: sanitizers=$sanitizers executions=${executions:-?} time=${elapsed}s rate=${rate:-?}/s ${coverage:-} crashes=$crashes (log: $LOG)"
if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
  echo "fuzz: FAILED (libFuzzer exit $status); inputs in $ARTIFACTS" >&2
  exit 1
fi
