#!/usr/bin/env bash
# `make demo`: the main job on the embedded default — a 3-node Qdrant (the project's test double on Qdrant Edge)
# with a demo collection, backed up into ./backups (a local directory repository), listed, shown and verified.
set -euo pipefail
QSNAP="${1:-.build/debug/qsnap}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$ROOT/.venv/bin/python"
DEMO="$ROOT/.demo"
REPO="${DEMO_REPO:-$ROOT/backups}"
rm -rf "$DEMO"
mkdir -p "$DEMO"

echo "== starting a 3-node Qdrant test double (Qdrant Edge storage) on free ports"
PYTHONPATH="$ROOT/Tests/Testbed" "$PY" -m qdrant_testbed --port 0 --peers 3 --storage "$DEMO/qdrant" \
  > "$DEMO/testbed.out" 2> "$DEMO/testbed.log" &
TB=$!
trap 'kill $TB 2>/dev/null; wait $TB 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do grep -q '^READY ' "$DEMO/testbed.out" 2>/dev/null && break; sleep 0.2; done
URLS=$(sed -n 's/^READY //p' "$DEMO/testbed.out")
[ -n "$URLS" ] || { echo "the test double did not start:"; cat "$DEMO/testbed.log"; exit 1; }
FIRST=${URLS%%,*}
echo "   nodes: $URLS"

echo "== loading collection 'articles' (3 shards × 2 replicas, 2000 points) and alias 'articles-live'"
"$PY" - "$FIRST" <<'PY'
import json, random, sys, urllib.request
base = sys.argv[1]
def call(path, method, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method=method,
                                 headers={"content-type": "application/json"})
    return json.loads(urllib.request.urlopen(req, timeout=120).read())
call("/collections/articles", "PUT", {"vectors": {"text": {"size": 64, "distance": "Cosine"}},
                                       "shard_number": 3, "replication_factor": 2})
rng = random.Random(7)
topics = ["search", "vectors", "backups", "clusters"]
for start in range(0, 2000, 500):
    pts = [{"id": i, "vector": {"text": [rng.random() for _ in range(64)]},
            "payload": {"title": f"Article {i}", "topic": rng.choice(topics)}} for i in range(start, start + 500)]
    call("/collections/articles/points?wait=true", "PUT", {"points": pts})
call("/collections/aliases", "POST", {"actions": [{"create_alias": {"collection_name": "articles", "alias_name": "articles-live"}}]})
PY

echo "== qsnap backup --qdrant $FIRST --to $REPO"
"$QSNAP" backup --qdrant "$FIRST" --to "$REPO"
echo "== qsnap list --repo $REPO"
"$QSNAP" list --repo "$REPO"
echo "== qsnap show latest --repo $REPO"
"$QSNAP" show latest --repo "$REPO"
echo "== qsnap verify latest --repo $REPO"
"$QSNAP" verify latest --repo "$REPO"
OBJ=$(find "$REPO/backups" -name '*.snapshot' | sort | head -1)
echo "== qsnap inspect $(basename "$OBJ")"
"$QSNAP" inspect "$OBJ"
echo
echo "Demo done: the backup is in $REPO (repository layout: see README.md)."
