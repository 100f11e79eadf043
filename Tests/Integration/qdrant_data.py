"""Loads collections into the Qdrant test double over its REST API (plain HTTP, as any client would)."""
import json
import random
import sys
import urllib.request

from conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "Tests" / "Testbed"))
from qdrant_testbed.harness import start_testbed  # noqa: E402,F401  (re-exported for the tests)


def call(url, method="GET", body=None, api_key=None, timeout=120):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"content-type": "application/json"})
    if api_key:
        req.add_header("api-key", api_key)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        raw = r.read()
    return json.loads(raw) if raw else None


def create_collection(base, name, *, dim=16, shards=1, replication=1, points=100, seed=1, api_key=None, named=True):
    vectors = {"dense": {"size": dim, "distance": "Cosine"}} if named else {"size": dim, "distance": "Cosine"}
    call(f"{base}/collections/{name}", "PUT",
         {"vectors": vectors, "shard_number": shards, "replication_factor": replication}, api_key)
    rng = random.Random(seed)
    for start in range(0, points, 1000):
        batch = []
        for i in range(start, min(points, start + 1000)):
            vec = [rng.random() for _ in range(dim)]
            batch.append({"id": i, "vector": {"dense": vec} if named else vec,
                          "payload": {"n": i, "city": rng.choice(["Berlin", "Lyon", "Porto"]), "tag": f"t{i % 7}"}})
        call(f"{base}/collections/{name}/points?wait=true", "PUT", {"points": batch}, api_key)


def create_alias(base, alias, collection, api_key=None):
    call(f"{base}/collections/aliases", "POST",
         {"actions": [{"create_alias": {"collection_name": collection, "alias_name": alias}}]}, api_key)


def count(base, name, api_key=None):
    return call(f"{base}/collections/{name}/points/count", "POST", {"exact": True}, api_key)["result"]["count"]


def scroll_all(base, name, api_key=None, with_vectors=False):
    points, offset = [], None
    while True:
        body = {"limit": 500, "with_payload": True, "with_vector": with_vectors}
        if offset is not None:
            body["offset"] = offset
        res = call(f"{base}/collections/{name}/points/scroll", "POST", body, api_key)["result"]
        points += res["points"]
        offset = res.get("next_page_offset")
        if offset is None:
            return sorted(points, key=lambda p: p["id"])


def download(url, api_key=None):
    req = urllib.request.Request(url, headers={"accept-encoding": "identity"})
    if api_key:
        req.add_header("api-key", api_key)
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.read()
