"""Verification proves what it says: a 3-node shard backup with keyword, integer and text payload indexes restores
with the same payload schema; the query check covers dense, multi- and sparse vectors; samples are spread over the
whole collection; and each check fails on its own (a fault in the target double) with exit 4 and staging removed."""
import json
import random

import pytest

from conftest import run
from qdrant_data import call, count, scroll_all, start_testbed

pytestmark = pytest.mark.timeout(600)

MARK = "-qsnap-"
INDEXES = {"tag": "keyword", "n": "integer", "body": {"type": "text", "tokenizer": "word", "lowercase": True}}


def make_mixed(url, name, points=600, shards=3, replication=1):
    call(f"{url}/collections/{name}", "PUT", {
        "vectors": {"dense": {"size": 8, "distance": "Cosine"},
                    "multi": {"size": 4, "distance": "Cosine", "multivector_config": {"comparator": "max_sim"}}},
        "sparse_vectors": {"text": {}}, "shard_number": shards, "replication_factor": replication})
    rng = random.Random(7)
    pts = [{"id": i, "vector": {"dense": [rng.random() for _ in range(8)],
                                "multi": [[rng.random() for _ in range(4)] for _ in range(2)],
                                "text": {"indices": [i % 50, 100 + i % 7], "values": [1.0, 0.5]}},
            "payload": {"tag": f"t{i % 5}", "n": i, "body": f"document number {i}"}} for i in range(points)]
    for k in range(0, points, 200):
        call(f"{url}/collections/{name}/points?wait=true", "PUT", {"points": pts[k:k + 200]})
    for field, schema in INDEXES.items():
        call(f"{url}/collections/{name}/index?wait=true", "PUT", {"field_name": field, "field_schema": schema})


def schema_of(url, name):
    got = call(f"{url}/collections/{name}")["result"]["payload_schema"]
    return {k: (v["data_type"], v.get("params")) for k, v in got.items()}


@pytest.fixture(scope="module")
def shard_backup(tmp_path_factory, qsnap_bin):
    base = tmp_path_factory.mktemp("verify-src")
    repo = base / "repo"
    with start_testbed(base / "qdrant", peers=3, version="1.18.2") as tb:
        make_mixed(tb.urls[0], "mixed")
        r = run([qsnap_bin, "backup", "--qdrant", ",".join(tb.urls), "--to", str(repo), "--kind", "shard",
                 "--verify-samples", "24", "--json"], timeout=300)
        assert r.returncode == 0, r.stderr.decode()
        bid = json.loads(r.stdout)["id"]
        schema = schema_of(tb.urls[0], "mixed")
        points = scroll_all(tb.urls[0], "mixed")
    manifest = json.loads((repo / "backups" / bid / "manifest.json").read_text())
    return {"repo": str(repo), "id": bid, "schema": schema, "points": points, "manifest": manifest}


@pytest.fixture
def target(tmp_path):
    with start_testbed(tmp_path / "dst", peers=3, version="1.18.2") as tb:
        yield tb


def restore(qsnap_bin, src, tb, *extra):
    return run([qsnap_bin, "restore", src["id"], "--repo", src["repo"], "--target", ",".join(tb.urls), *extra],
               timeout=300)


def names(tb):
    return sorted(c["name"] for c in call(tb.urls[0] + "/collections")["result"]["collections"])


def test_samples_are_spread_over_the_collection(shard_backup):
    samples = shard_backup["manifest"]["collections"][0]["samples"]
    ids = sorted(s["id"] for s in samples)
    assert len(ids) == 24 and len(set(ids)) == 24
    assert ids != list(range(24)), "samples are the first points in scroll order"
    assert max(ids) > 300  # drawn over the whole id range (600 points)


def test_shard_backup_restores_payload_indexes_and_every_vector_kind(qsnap_bin, shard_backup, target):
    r = restore(qsnap_bin, shard_backup, target, "--json")
    assert r.returncode == 0, r.stderr.decode()
    result = json.loads(r.stdout)
    staged = f"mixed{MARK}{shard_backup['id']}"
    assert schema_of(target.urls[0], staged) == shard_backup["schema"]
    assert set(schema_of(target.urls[0], staged)) == set(INDEXES)
    assert count(target.urls[0], "mixed") == 600
    checks = {c["name"]: c for c in result["collections"][0]["checks"]}
    assert {c["outcome"] for c in checks.values()} == {"passed"}, checks
    assert "dense(dense)" in checks["query"]["detail"]
    assert "multi(multi)" in checks["query"]["detail"]
    assert "sparse(text)" in checks["query"]["detail"]
    assert "3 identical" in checks["payload-indexes"]["detail"]
    assert result["collections"][0]["samplesChecked"] == 24


@pytest.mark.parametrize("fault,code", [
    ({"collection_data": {"collection": f".*{MARK}.*", "alter_payload": True}}, "restore.samples"),
    ({"collection_data": {"collection": f".*{MARK}.*", "alter_vector": True}}, "restore.samples"),
    ({"collection_data": {"collection": f".*{MARK}.*", "replica_state": "Dead"}}, "restore.shards"),
    ({"collection_data": {"collection": f".*{MARK}.*", "drop_payload_schema": True}}, "restore.payload-index"),
    ({"errors": [{"method": "POST", "path": f"/collections/.*{MARK}.*/points/query", "times": 100}]}, "restore.query"),
])
def test_each_verification_failure_exits_4_and_removes_staging(qsnap_bin, shard_backup, target, fault, code):
    target.admin().set_faults(fault)
    r = restore(qsnap_bin, shard_backup, target, "--json", "--verify-timeout", "1")
    target.admin().clear_faults()
    assert r.returncode == 4, r.stderr.decode()
    err = json.loads(r.stdout)["error"]
    assert err["code"] == code, err
    assert names(target) == []
    assert call(target.urls[0] + "/aliases")["result"]["aliases"] == []
