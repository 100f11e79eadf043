"""What a point-streaming migration needs of the test double: filters in scroll/count/query, named-vector schema
changes (>= 1.18), `update_mode` (>= 1.17) and collection PATCH of hnsw/optimizers/params."""
from __future__ import annotations

import random
import uuid

import pytest
from qdrant_client import models
from qdrant_client.http.exceptions import UnexpectedResponse

from qdrant_testbed import filters
from qdrant_testbed.harness import start_testbed

pytestmark = pytest.mark.timeout(120)

COLORS = ["red", "green", "blue"]


def _payload(i: int) -> dict:
    p = {"n": i, "color": COLORS[i % 3], "tags": [f"t{j}" for j in range(i % 4)],
         "nested": [{"k": i % 5, "w": "x"}, {"k": (i + 1) % 5, "w": "y"}], "flag": i % 5 == 0,
         "obj": {"flags": [i % 2 == 0, False]}}
    if i % 7 == 0:
        p["maybe"] = None
    elif i % 7 == 1:
        p["maybe"] = i
    if i % 11 == 0:
        p["text"] = "the quick brown fox"
    return p


def _points(n: int) -> list[models.PointStruct]:
    pts = []
    for i in range(1, n + 1):
        vec = {"dense": [float(i % 10), 1.0, 0.5, float(i % 3)]}
        if i % 4 == 0:
            vec["sparse"] = models.SparseVector(indices=[i % 50], values=[1.0])
        pts.append(models.PointStruct(id=i, vector=vec, payload=_payload(i)))
    for i in range(12):  # UUID ids sort after the integer ids
        pid = str(uuid.UUID(int=random.Random(i).getrandbits(128)))
        pts.append(models.PointStruct(id=pid, vector={"dense": [1.0, 0.0, 0.0, 1.0]}, payload=_payload(1000 + i)))
    return pts


def _py_match(payload: dict, vectors: set, pid, f: dict) -> bool:
    """A Python-side evaluation of the filters the tests use (the expected answer)."""
    def cond(c):
        if "key" in c:
            v = payload
            for part in c["key"].split("."):  # "obj.flags"
                v = v.get(part) if isinstance(v, dict) else None
            if "match" in c:
                m = c["match"]
                vals = v if isinstance(v, list) else [v]
                if "value" in m:
                    return any(x is m["value"] if isinstance(m["value"], bool) else x == m["value"] for x in vals)
                if "any" in m:
                    return any(x in m["any"] for x in vals)
                if "except" in m:
                    return v is not None and any(x not in m["except"] for x in vals)
            if "range" in c:
                r = c["range"]
                vals = v if isinstance(v, list) else [v]
                return any(isinstance(x, (int, float)) and not isinstance(x, bool)
                           and ("gte" not in r or x >= r["gte"]) and ("gt" not in r or x > r["gt"])
                           and ("lte" not in r or x <= r["lte"]) and ("lt" not in r or x < r["lt"]) for x in vals)
            if "values_count" in c:
                n = len(v) if isinstance(v, list) else (0 if v is None else 1)
                r = c["values_count"]
                return ("gte" not in r or n >= r["gte"]) and ("lt" not in r or n < r["lt"])
        if "has_id" in c:
            return pid in c["has_id"]
        if "is_empty" in c:
            v = payload.get(c["is_empty"]["key"])
            return v is None or v == []
        if "is_null" in c:
            return c["is_null"]["key"] in payload and payload[c["is_null"]["key"]] is None
        if "has_vector" in c:
            return c["has_vector"] in vectors
        if "nested" in c:
            return any(_py_match(o, set(), None, c["nested"]["filter"]) for o in payload.get(c["nested"]["key"], []))
        return _py_match(payload, vectors, pid, c)

    def many(x):
        return [] if x is None else x if isinstance(x, list) else [x]
    ok = all(cond(c) for c in many(f.get("must")))
    if f.get("should"):
        ok = ok and any(cond(c) for c in many(f["should"]))
    ok = ok and not any(cond(c) for c in many(f.get("must_not")))
    if f.get("min_should"):
        ok = ok and sum(cond(c) for c in f["min_should"]["conditions"]) >= f["min_should"]["min_count"]
    return ok


FILTERS = [
    {"must": [{"key": "color", "match": {"value": "red"}}]},
    {"must": {"key": "n", "range": {"gte": 10, "lt": 60}}},  # one condition, not a list (MaybeOneOrMany)
    {"should": [{"key": "color", "match": {"any": ["green", "blue"]}}, {"key": "n", "range": {"gt": 1000}}],
     "must_not": [{"key": "tags", "match": {"value": "t2"}}]},
    {"must": [{"key": "color", "match": {"except": ["red"]}}]},
    {"must": [{"has_id": [3, 5, 8, 13, 21, 34, 55, 89, 1000]}]},
    {"must": [{"key": "flag", "match": {"value": True}}]},
    {"must_not": [{"key": "flag", "match": {"value": False}}], "should": [{"key": "obj.flags", "match": {"value": True}}]},
    {"must": [{"is_empty": {"key": "tags"}}]},
    {"must": [{"is_null": {"key": "maybe"}}]},
    {"must": [{"key": "tags", "values_count": {"gte": 2}}]},
    {"must": [{"has_vector": "sparse"}]},
    {"must": [{"nested": {"key": "nested", "filter": {"must": [{"key": "k", "match": {"value": 3}},
                                                                {"key": "w", "match": {"value": "y"}}]}}}]},
    {"min_should": {"conditions": [{"key": "color", "match": {"value": "red"}},
                                   {"key": "n", "range": {"lte": 40}},
                                   {"key": "tags", "match": {"value": "t1"}}], "min_count": 2}},
    {"must": [{"should": [{"key": "n", "range": {"lt": 5}}, {"key": "n", "range": {"gt": 95}}]}],
     "must_not": [{"has_id": [2]}]},
]


def _scroll_all(http, name: str, body: dict, limit: int) -> list:
    seen, offset = [], None
    while True:
        page = http.post(f"/collections/{name}/points/scroll",
                         json=dict(body, limit=limit, offset=offset, with_payload=False)).json()["result"]
        seen += [p["id"] for p in page["points"]]
        offset = page["next_page_offset"]
        if offset is None:
            return seen


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, openapi):
    """One testbed with a 3-shard collection of integer and UUID points (module-wide: loading takes a while)."""
    from conftest import Http
    with start_testbed(tmp_path_factory.mktemp("mig"), version="1.19.0") as tb:
        http = Http(tb.url, openapi)
        r = http.put("/collections/src", json={"vectors": {"dense": {"size": 4, "distance": "Dot"}},
                                                "sparse_vectors": {"sparse": {}}, "shard_number": 3})
        assert r.status_code == 200, r.text
        pts = _points(100)
        r = http.put("/collections/src/points?wait=true", json={"points": [
            {"id": p.id, "vector": {k: (v.model_dump() if isinstance(v, models.SparseVector) else v)
                                    for k, v in p.vector.items()}, "payload": p.payload} for p in pts]})
        assert r.status_code == 200, r.text
        everything = {p.id: (p.payload, set(p.vector)) for p in pts}
        yield tb, http, everything


def _id_order(pid):
    return (0, pid) if isinstance(pid, int) else (1, uuid.UUID(pid).int)


@pytest.mark.parametrize("flt", FILTERS)
def test_filtered_scroll_pages_and_count_match_a_python_filter(loaded, flt):
    tb, http, everything = loaded
    expected = sorted((pid for pid, (payload, vecs) in everything.items() if _py_match(payload, vecs, pid, flt)),
                      key=_id_order)
    assert expected, "the filter must select something"
    assert len(expected) < len(everything) or flt.get("must_not")
    for limit in (1, 7, 1000):
        assert _scroll_all(http, "src", {"filter": flt}, limit) == expected
    r = http.post("/collections/src/points/count", json={"filter": flt, "exact": True})
    assert r.json()["result"]["count"] == len(expected)


def test_scroll_without_filter_and_null_filter_page_everything(loaded):
    tb, http, everything = loaded
    expected = sorted(everything, key=_id_order)
    assert _scroll_all(http, "src", {}, 9) == expected
    assert _scroll_all(http, "src", {"filter": None}, 13) == expected
    assert _scroll_all(http, "src", {"filter": {}}, 50) == expected
    assert http.post("/collections/src/points/count", json={"filter": {}}).json()["result"]["count"] == 112


def test_qdrant_client_filters(loaded, client_for):
    tb, http, everything = loaded
    c = client_for(tb.url)
    f = models.Filter(must=[models.FieldCondition(key="color", match=models.MatchValue(value="blue"))],
                      must_not=[models.HasIdCondition(has_id=[2, 5])])
    expected = sorted(pid for pid, (p, _) in everything.items()
                      if p["color"] == "blue" and pid not in (2, 5) and isinstance(pid, int))
    got, offset = [], None
    while True:
        page, offset = c.scroll("src", scroll_filter=f, limit=4, offset=offset)
        got += [p.id for p in page]
        if offset is None:
            break
    uuids = [pid for pid in got if isinstance(pid, str)]
    assert [pid for pid in got if isinstance(pid, int)] == expected and len(uuids) == sum(
        1 for pid, (p, _) in everything.items() if isinstance(pid, str) and p["color"] == "blue")
    assert c.count("src", count_filter=f, exact=True).count == len(got)
    hits = c.query_points("src", query=[1.0, 0.0, 0.0, 0.0], using="dense", query_filter=f, limit=200).points
    assert sorted(map(str, (h.id for h in hits))) == sorted(map(str, got))
    hits = c.query_points("src", query=[1.0, 0.0, 0.0, 0.0], using="dense", limit=5, query_filter=models.Filter(
        must=[models.FieldCondition(key="n", range=models.Range(gte=20, lte=29))])).points
    assert hits[0].id == 29 and all(20 <= h.id <= 29 for h in hits)  # Dot: the largest first coordinate wins
    sample = c.query_points("src", query=models.SampleQuery(sample=models.Sample.RANDOM), limit=50,
                            query_filter=models.Filter(must=[models.FieldCondition(
                                key="color", match=models.MatchValue(value="red"))]), with_payload=True).points
    assert sample and all(p.payload["color"] == "red" for p in sample)
    # a filter on a UUID id
    some_uuid = next(pid for pid in everything if isinstance(pid, str))
    page, _ = c.scroll("src", scroll_filter=models.Filter(must=[models.HasIdCondition(has_id=[some_uuid])]))
    assert [p.id for p in page] == [some_uuid]


def test_slice_conditions_partition_the_collection(loaded):
    tb, http, everything = loaded
    parts = []
    for index in range(3):
        flt = {"must": [{"slice": {"total": 3, "index": index}}]}
        part = _scroll_all(http, "src", {"filter": flt}, 25)
        assert all(filters.in_slice(pid, 3, index) for pid in part)
        parts += part
    assert sorted(parts, key=_id_order) == sorted(everything, key=_id_order)
    r = http.post("/collections/src/points/count", json={"filter": {"must": [{"slice": {"total": 2, "index": 2}}]}})
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("flt,status,message", [
    ({"wrong": 1}, 400, "unknown field `wrong`, expected one of `should`, `min_should`, `must`, `must_not`"),
    ("red", 400, 'invalid type: string "red", expected struct Filter'),
    ({"must": [{"key": 5, "match": {"value": 1}}]}, 400, "Filter condition 'key' must be a string"),
    ({"must": [{"key": "a", "match": {"value": 1.5}}]}, 400,
     "data did not match any variant of untagged enum MatchInterface"),
    ({"must": [{"key": "a", "range": {"gt": True}}]}, 400,
     "data did not match any variant of untagged enum RangeInterfaceUntagged"),
    ({"must": [{"key": "a", "values_count": {"gt": -1}}]}, 400, "invalid value: integer `-1`, expected usize"),
    ({"must": [{"has_id": ["not-an-id"]}]}, 400, filters.CONDITION_EXPECTING),
    ({"must": [{"bogus": {}}]}, 400, filters.CONDITION_EXPECTING),
    ({"must": [{"must": [{"key": "a", "match": {"nope": 1}}]}]}, 400, filters.CONDITION_EXPECTING),
    ({"min_should": {"conditions": []}}, 400, "missing field `min_count`"),
    ({"must": [{"key": "a"}]}, 422, "Validation error in JSON body: [count_request.filter.must[0]: "),
    ({"min_should": {"conditions": [{"has_id": [1]}], "min_count": 0}}, 422,
     "count_request.filter.min_should.min_count: min_count must be greater than 0"),
])
def test_malformed_filters_are_refused_as_qdrant_refuses_them(loaded, flt, status, message):
    tb, http, everything = loaded
    r = http.post("/collections/src/points/count", json={"filter": flt})
    assert r.status_code == status, r.text
    err = r.json()["status"]["error"]
    assert message in err, err
    if status == 400:
        assert err.startswith("Format error in JSON body: ") and err.endswith(" at line 1 column " + str(
            len(r.request.body))), err


def test_slice_is_no_condition_before_1_19(tmp_path, http_for):
    with start_testbed(tmp_path, version="1.18.2") as tb:
        http = http_for(tb.url)
        http.put("/collections/c", json={"vectors": {"size": 2, "distance": "Dot"}})
        r = http.post("/collections/c/points/count", json={"filter": {"must": [{"slice": {"total": 2, "index": 0}}]}})
        assert r.status_code == 400 and filters.CONDITION_EXPECTING in r.json()["status"]["error"]


# ---------------------------------------------------------------------------------------------- update_mode

def _upsert(http, name, points, **extra):
    return http.put(f"/collections/{name}/points?wait=true", json=dict({"points": points}, **extra))


def test_update_mode_insert_only_and_update_only(tmp_path, http_for, client_for):
    with start_testbed(tmp_path, version="1.17.0") as tb:
        http, c = http_for(tb.url), client_for(tb.url)
        http.put("/collections/c", json={"vectors": {"size": 2, "distance": "Dot"}, "shard_number": 3})
        assert _upsert(http, "c", [{"id": i, "vector": [1.0, float(i)], "payload": {"v": 1}}
                                   for i in range(1, 7)]).status_code == 200
        # insert_only: existing ids are skipped silently, new ones inserted
        r = _upsert(http, "c", [{"id": i, "vector": [2.0, 2.0], "payload": {"v": 2}} for i in range(4, 10)],
                    update_mode="insert_only")
        assert r.status_code == 200 and r.json()["result"]["status"] == "completed"
        got = {p.id: p.payload["v"] for p in c.scroll("c", limit=100)[0]}
        assert got == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 2, 8: 2, 9: 2}
        # update_only: only existing ids change, nothing is inserted
        r = _upsert(http, "c", [{"id": i, "vector": [3.0, 3.0], "payload": {"v": 3}} for i in (1, 8, 50, 51)],
                    update_mode="update_only")
        assert r.status_code == 200
        got = {p.id: p.payload["v"] for p in c.scroll("c", limit=100)[0]}
        assert got == {1: 3, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 2, 8: 3, 9: 2}
        # the batch form too, and upsert (explicit) overwrites
        r = http.put("/collections/c/points?wait=true", json={"batch": {"ids": [2, 60], "vectors": [[0.0, 1.0]] * 2,
                                                                       "payloads": [{"v": 4}] * 2},
                                                             "update_mode": "insert_only"})
        assert r.status_code == 200
        assert c.count("c").count == 10 and c.retrieve("c", [2])[0].payload == {"v": 1}
        assert _upsert(http, "c", [{"id": 2, "vector": [0.0, 1.0], "payload": {"v": 5}}],
                       update_mode="upsert").status_code == 200
        assert c.retrieve("c", [2])[0].payload == {"v": 5}
        # qdrant-client's own argument
        c.upsert("c", points=[models.PointStruct(id=3, vector=[1.0, 1.0], payload={"v": 6})],
                 update_mode=models.UpdateMode.INSERT_ONLY)
        assert c.retrieve("c", [3])[0].payload == {"v": 1}
        # there is no "insert": serde's unknown-variant error (the body is buffered: position at its end)
        r = _upsert(http, "c", [{"id": 1, "vector": [1.0, 1.0]}], update_mode="insert")
        assert r.status_code == 400
        assert r.json()["status"]["error"].startswith(
            "Format error in JSON body: unknown variant `insert`, expected one of `upsert`, `insert_only`, "
            "`update_only` at line 1 column ")
        # update_filter: existing points change only when they match; new ones are inserted regardless
        r = _upsert(http, "c", [{"id": i, "vector": [1.0, 1.0], "payload": {"v": 7}} for i in (1, 2, 70)],
                    update_filter={"must": [{"key": "v", "match": {"value": 3}}]})
        assert r.status_code == 200
        assert {p.id: p.payload["v"] for p in c.retrieve("c", [1, 2, 70])} == {1: 7, 2: 5, 70: 7}


def test_update_mode_is_an_ignored_field_before_1_17(tmp_path, http_for):
    with start_testbed(tmp_path, version="1.16.3") as tb:
        http = http_for(tb.url)
        http.put("/collections/c", json={"vectors": {"size": 2, "distance": "Dot"}})
        _upsert(http, "c", [{"id": 1, "vector": [1.0, 1.0], "payload": {"v": 1}}])
        assert _upsert(http, "c", [{"id": 1, "vector": [1.0, 1.0], "payload": {"v": 2}}],
                       update_mode="insert_only").status_code == 200
        assert http.get("/collections/c/points/1").json()["result"]["payload"] == {"v": 2}


# ---------------------------------------------------------------------------------------------- named vectors

def test_named_vector_add_upsert_query_and_remove(tmp_path, http_for, client_for):
    with start_testbed(tmp_path, version="1.18.0", storage=tmp_path / "st") as tb:
        http, c = http_for(tb.url), client_for(tb.url)
        http.put("/collections/c", json={"vectors": {"a": {"size": 2, "distance": "Dot"}}, "shard_number": 3})
        _upsert(http, "c", [{"id": i, "vector": {"a": [1.0, float(i)]}, "payload": {"n": i}} for i in range(1, 11)])
        r = http.put("/collections/c/vectors/b?wait=true", json={"dense": {"size": 3, "distance": "Cosine"}})
        assert r.status_code == 200, r.text
        assert r.json()["result"]["status"] == "completed"
        params = http.get("/collections/c").json()["result"]["config"]["params"]
        assert params["vectors"]["b"] == {"size": 3, "distance": "Cosine"}
        # same config again: a no-op; another config: Qdrant's 400
        assert http.put("/collections/c/vectors/b", json={"dense": {"size": 3, "distance": "Cosine"}}).status_code == 200
        r = http.put("/collections/c/vectors/b", json={"dense": {"size": 4, "distance": "Cosine"}})
        assert r.status_code == 400
        assert r.json()["status"]["error"] == "Wrong input: Vector `b` already exists with a different configuration"
        r = http.put("/collections/c/vectors/b", json={"sparse": {}})
        assert r.json()["status"]["error"] == "Wrong input: Vector `b` already exists as a dense vector"
        # existing points lack it; new points carry it; queries use it
        assert set(c.retrieve("c", [1], with_vectors=True)[0].vector) == {"a"}
        _upsert(http, "c", [{"id": 20 + i, "vector": {"a": [0.0, 1.0], "b": [float(i), 1.0, 0.0]}} for i in range(3)])
        hits = c.query_points("c", query=[1.0, 0.0, 0.0], using="b", limit=2).points
        assert [h.id for h in hits] == [22, 21]
        assert c.count("c", count_filter=models.Filter(must=[models.HasVectorCondition(has_vector="b")])).count == 3
        # a sparse one, with IDF
        r = http.put("/collections/c/vectors/s", json={"sparse": {"modifier": "idf"}})
        assert r.status_code == 200, r.text
        assert http.get("/collections/c").json()["result"]["config"]["params"]["sparse_vectors"] == {
            "s": {"modifier": "idf"}}
        r = http.put("/collections/c/vectors/s", json={"sparse": {}})
        assert r.json()["status"]["error"] == "Wrong input: Sparse vector `s` already exists with a different configuration"
        _upsert(http, "c", [{"id": 30, "vector": {"a": [1.0, 1.0], "s": {"indices": [7], "values": [1.0]}}}])
        assert c.query_points("c", query=models.SparseVector(indices=[7], values=[1.0]), using="s",
                              limit=1).points[0].id == 30
        # removing: gone from the config, the points and the queries; removing again is fine
        assert http.delete("/collections/c/vectors/b?wait=true").status_code == 200
        assert http.delete("/collections/c/vectors/b").status_code == 200
        assert "b" not in http.get("/collections/c").json()["result"]["config"]["params"]["vectors"]
        assert set(c.retrieve("c", [21], with_vectors=True)[0].vector) == {"a"}
        r = http.post("/collections/c/points/query", json={"query": [1.0, 0.0, 0.0], "using": "b"})
        assert r.status_code == 400
        # re-created with another size, then usable with it
        assert http.put("/collections/c/vectors/b", json={"dense": {"size": 2, "distance": "Euclid"}}).status_code == 200
        _upsert(http, "c", [{"id": 40, "vector": {"a": [1.0, 1.0], "b": [5.0, 5.0]}}])
        assert c.query_points("c", query=[5.0, 5.0], using="b", limit=1).points[0].id == 40
    # a restart keeps the new schema (the shards load with it)
    with start_testbed(tmp_path, version="1.18.0", storage=tmp_path / "st") as tb:
        http, c = http_for(tb.url), client_for(tb.url)
        assert c.retrieve("c", [40], with_vectors=True)[0].vector["b"] == [5.0, 5.0]
        assert _upsert(http, "c", [{"id": 41, "vector": {"a": [1.0, 1.0], "b": [6.0, 6.0]}}]).status_code == 200
        assert c.query_points("c", query=[6.0, 6.0], using="b", limit=1).points[0].id == 41


def test_named_vector_routes_validation_and_versions(tmp_path, http_for):
    with start_testbed(tmp_path, version="1.19.0") as tb:
        http = http_for(tb.url)
        http.put("/collections/c", json={"vectors": {"size": 2, "distance": "Dot"}})
        r = http.put("/collections/c/vectors/x", json={"dense": {"size": 0, "distance": "Dot"}})
        assert r.status_code == 422 and "size" in r.json()["status"]["error"]
        r = http.put("/collections/c/vectors/x", json={"dense": {"size": 65537, "distance": "Dot"}})
        assert r.status_code == 422
        r = http.put("/collections/c/vectors/x", json={"dense": {"size": 2}})
        assert r.status_code == 400
        assert "data did not match any variant of untagged enum VectorNameConfig" in r.json()["status"]["error"]
        r = http.put("/collections/missing/vectors/x", json={"dense": {"size": 2, "distance": "Dot"}})
        assert r.status_code == 404
        assert r.json()["status"]["error"] == "Not found: Collection `missing` doesn't exist!"
        # the unnamed vector stays as "" next to the new one
        assert http.put("/collections/c/vectors/x", json={"dense": {"size": 3, "distance": "Dot"}}).status_code == 200
        vectors = http.get("/collections/c").json()["result"]["config"]["params"]["vectors"]
        assert vectors == {"": {"size": 2, "distance": "Dot"}, "x": {"size": 3, "distance": "Dot"}}
        r = http.put("/collections/c/points?wait=true", json={"points": [{"id": 1, "vector": {"": [1.0, 0.0],
                                                                                            "x": [1.0, 2.0, 3.0]}}]})
        assert r.status_code == 200, r.text
    with start_testbed(tmp_path / "old", version="1.17.1") as tb:
        http = http_for(tb.url)
        http.put("/collections/c", json={"vectors": {"size": 2, "distance": "Dot"}})
        r = http.put("/collections/c/vectors/x", json={"dense": {"size": 2, "distance": "Dot"}}, validate=False)
        assert r.status_code == 404 and r.text == ""
        assert http.delete("/collections/c/vectors/x", validate=False).status_code == 404


# ---------------------------------------------------------------------------------------------- PATCH

def test_patch_hnsw_optimizers_and_params_round_trip(testbed, http_for, client_for):
    http, c = http_for(testbed.url), client_for(testbed.url)
    http.put("/collections/c", json={"vectors": {"v": {"size": 2, "distance": "Dot"}}, "hnsw_config": {"m": 32}})
    before = http.get("/collections/c").json()["result"]["config"]
    # a bulk load: no HNSW graph, no indexing
    r = http.patch("/collections/c", json={"hnsw_config": {"m": 0}, "optimizers_config": {"indexing_threshold": 0}})
    assert r.status_code == 200 and r.json()["result"] is True
    cfg = http.get("/collections/c").json()["result"]["config"]
    assert cfg["hnsw_config"] == dict(before["hnsw_config"], m=0)
    assert cfg["optimizer_config"] == dict(before["optimizer_config"], indexing_threshold=0)
    # restored, through qdrant-client's own models
    c.update_collection("c", hnsw_config=models.HnswConfigDiff(m=32),
                        optimizers_config=models.OptimizersConfigDiff(indexing_threshold=10000))
    cfg = c.get_collection("c").config
    assert cfg.hnsw_config.m == 32 and cfg.optimizer_config.indexing_threshold == 10000
    assert http.get("/collections/c").json()["result"]["config"] == before
    # params and per-vector diffs, aliases of the field names, auto threads
    r = http.patch("/collections/c", json={
        "params": {"replication_factor": 2, "write_consistency_factor": 2, "on_disk_payload": False},
        "optimizer_config": {"max_segment_size_kb": 5000, "max_optimization_threads": "auto"},
        "vectors": {"v": {"on_disk": True, "hnsw_config": {"ef_construct": 64}}},
        "hnsw_config": {"full_scan_threshold_kb": 20, "unknown_field": 1}})  # unknown fields: ignored, like serde
    assert r.status_code == 200, r.text
    cfg = http.get("/collections/c").json()["result"]["config"]
    assert cfg["params"]["replication_factor"] == 2 and cfg["params"]["write_consistency_factor"] == 2
    assert cfg["params"]["on_disk_payload"] is False
    assert cfg["optimizer_config"]["max_segment_size"] == 5000 and cfg["optimizer_config"]["max_optimization_threads"] is None
    assert cfg["params"]["vectors"]["v"]["on_disk"] is True
    assert cfg["params"]["vectors"]["v"]["hnsw_config"] == {"ef_construct": 64}
    assert cfg["hnsw_config"]["full_scan_threshold"] == 20 and "unknown_field" not in cfg["hnsw_config"]
    # points still work after the changes
    assert _upsert(http, "c", [{"id": 1, "vector": {"v": [1.0, 1.0]}}]).status_code == 200


def test_patch_errors_are_qdrants(testbed, http_for):
    http = http_for(testbed.url)
    http.put("/collections/c", json={"vectors": {"size": 2, "distance": "Dot"}})
    r = http.patch("/collections/c", data='{"hnsw_config": {"m": "x"}}', headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert r.json()["status"]["error"] == ('Format error in JSON body: invalid type: string "x", expected usize '
                                           'at line 1 column 25')  # just after the string, as serde_json reports
    r = http.patch("/collections/c", json={"params": {"replication_factor": 0}})
    assert r.status_code == 400 and "expected a nonzero u32" in r.json()["status"]["error"]
    r = http.patch("/collections/c", json={"hnsw_config": {"ef_construct": 2}})
    assert r.status_code == 422
    assert r.json()["status"]["error"] == ("Validation error in JSON body: [hnsw_config.ef_construct: value 2 invalid, "
                                           "must be 4 or larger]")
    r = http.patch("/collections/c", json={"optimizers_config": {"deleted_threshold": 1.5}})
    assert r.status_code == 422 and "must be from 0.0 to 1.0" in r.json()["status"]["error"]
    r = http.patch("/collections/c", json={"hnsw_config": {"m": 8}, "vectors": {"nope": {"on_disk": True}}})
    assert r.status_code == 400
    assert r.json()["status"]["error"] == "Wrong input: Not existing vector name error: nope"
    # applied one after the other, as Qdrant does: the hnsw diff before the failing vectors diff stays
    assert http.get("/collections/c").json()["result"]["config"]["hnsw_config"]["m"] == 8
    assert http.patch("/collections/missing", json={"hnsw_config": {"m": 8}}).status_code == 404


def test_delete_points_by_filter(testbed, http_for):
    http = http_for(testbed.url)
    http.put("/collections/c", json={"vectors": {"size": 2, "distance": "Dot"}, "shard_number": 3})
    _upsert(http, "c", [{"id": i, "vector": [1.0, 1.0], "payload": {"even": i % 2 == 0}} for i in range(1, 21)])
    r = http.post("/collections/c/points/delete?wait=true", json={"filter": {"must": [{"key": "even",
                                                                                      "match": {"value": True}}]}})
    assert r.status_code == 200, r.text
    assert _scroll_all(http, "c", {}, 100) == list(range(1, 21, 2))
