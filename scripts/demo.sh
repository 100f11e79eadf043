#!/usr/bin/env bash
# `make demo`: the main job on the embedded default (a local directory repository).
set -euo pipefail
QSNAP="${1:-.build/debug/qsnap}"
SHARED="${SHARED_DIR:-../shared}"
echo "== qsnap inspect on a real full-storage snapshot written by a Qdrant server"
"$QSNAP" inspect "$SHARED/fixtures/qdrant/full-snapshot-2023-12.snapshot.gz"
