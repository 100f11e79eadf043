"""What restore's verification leans on, as the double implements it: collection metadata PATCH (Qdrant >= 1.16),
random sampling (`{"sample": "random"}`, >= 1.11), multi-vectors, and the `collection_data` faults."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.timeout(60)


def make(http, name="c", points=50):
    http.put(f"/collections/{name}", json={
        "vectors": {"d": {"size": 2, "distance": "Dot"},
                    "m": {"size": 2, "distance": "Cosine", "multivector_config": {"comparator": "max_sim"}}},
        "sparse_vectors": {"s": {}}, "metadata": {"team": "a", "keep": 1}}).raise_for_status()
    pts = [{"id": i, "vector": {"d": [1.0, float(i)], "m": [[1.0, 0.0], [0.0, float(i + 1)]],
                                "s": {"indices": [i], "values": [1.0]}}, "payload": {"i": i}} for i in range(points)]
    http.put(f"/collections/{name}/points?wait=true", json={"points": pts}).raise_for_status()


def test_metadata_patch_merges_top_level_keys_and_null_deletes(testbed, http_for):
    http = http_for(testbed.url)
    make(http)
    r = http.patch("/collections/c", json={"metadata": {"team": "b", "keep": None, "new": {"x": 1}}})
    assert r.status_code == 200 and r.json()["result"] is True
    meta = http.get("/collections/c").json()["result"]["config"]["metadata"]
    assert meta == {"team": "b", "new": {"x": 1}}
    assert http.patch("/collections/missing", json={"metadata": {}}).status_code == 404
    assert http.patch("/collections/c", json={"metadata": [1]}).status_code == 400


def test_random_sample_draws_distinct_points_from_the_whole_collection(testbed, http_for):
    http = http_for(testbed.url)
    make(http, points=200)
    seen = set()
    for _ in range(5):
        r = http.post("/collections/c/points/query", json={"query": {"sample": "random"}, "limit": 20,
                                                          "with_payload": True, "with_vector": True})
        pts = r.json()["result"]["points"]
        ids = [p["id"] for p in pts]
        assert len(ids) == 20 == len(set(ids))
        assert all(p["payload"]["i"] == p["id"] and "d" in p["vector"] for p in pts)
        seen.update(ids)
    assert max(seen) >= 100  # not the first points in scroll order
    r = http.post("/collections/c/points/query", json={"query": {"sample": "first"}})
    assert r.status_code == 400


def test_multivectors_round_trip_and_answer_queries(testbed, http_for):
    http = http_for(testbed.url)
    make(http, points=5)
    p = http.post("/collections/c/points", json={"ids": [3], "with_vector": True}).json()["result"][0]
    assert p["vector"]["m"] == [[1.0, 0.0], [0.0, 1.0]]  # Cosine: stored normalised, as Qdrant does
    hits = http.post("/collections/c/points/query", json={"query": [[0.0, 1.0]], "using": "m", "limit": 2}).json()
    assert len(hits["result"]["points"]) == 2
    hits = http.post("/collections/c/points/query", json={"query": {"indices": [2], "values": [1.0]}, "using": "s",
                                                          "limit": 1}).json()
    assert hits["result"]["points"][0]["id"] == 2


def test_collection_data_faults(testbed, http_for):
    from qdrant_testbed.harness import AdminClient
    http = http_for(testbed.url)
    make(http, "hit", points=3)
    make(http, "other", points=3)
    admin = AdminClient(testbed.url)
    admin.set_faults({"collection_data": {"collection": "h.*", "replica_state": "Dead", "alter_payload": True,
                                          "alter_vector": True, "drop_payload_schema": True}})
    http.put("/collections/hit/index?wait=true", json={"field_name": "i", "field_schema": "integer"})
    assert http.get("/collections/hit").json()["result"]["payload_schema"] == {}
    states = http.get("/collections/hit/cluster").json()["result"]["local_shards"]
    assert {s["state"] for s in states} == {"Dead"}
    p = http.post("/collections/hit/points", json={"ids": [1], "with_vector": True}).json()["result"][0]
    assert p["payload"]["altered_by_fault"] is True and p["vector"]["d"] != [1.0, 1.0]
    q = http.post("/collections/other/points", json={"ids": [1], "with_vector": True}).json()["result"][0]
    assert q["payload"] == {"i": 1} and q["vector"]["d"] == [1.0, 1.0]
    with pytest.raises(Exception):
        admin.set_faults({"collection_data": {"unknown": 1}})
    admin.clear_faults()


def test_slow_downloads_pace_snapshot_downloads(testbed, http_for):
    import time
    from qdrant_testbed.harness import AdminClient
    http = http_for(testbed.url)
    make(http, "paced", points=400)
    name = http.post("/collections/paced/snapshots?wait=true").json()["result"]["name"]
    admin = AdminClient(testbed.url)
    admin.set_faults({"slow_downloads": {"bytes_per_second": 256 * 1024, "path": ".*/paced/.*"}})
    started = time.monotonic()
    body = http.get(f"/collections/paced/snapshots/{name}", validate=False).content
    took = time.monotonic() - started
    admin.clear_faults()
    assert len(body) > 0
    assert took >= 0.8 * len(body) / (256 * 1024)  # never faster than the pace (a lower bound only)
