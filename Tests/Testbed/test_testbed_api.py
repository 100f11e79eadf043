"""Service, collection, point and alias endpoints of the test double, driven by qdrant-client."""
from __future__ import annotations

import pytest
from qdrant_client import models
from qdrant_client.http.exceptions import UnexpectedResponse

from qdrant_testbed.harness import start_testbed

pytestmark = pytest.mark.timeout(60)


def test_service_endpoints_report_the_flags(tmp_path, http_for, client_for):
    with start_testbed(tmp_path, version="1.17.1", disk_size=10 * 2**30, disk_usage_percent=87,
                       ram_size=4 * 2**30) as tb:
        http = http_for(tb.url)
        root = http.get("/").json()
        assert root["version"] == "1.17.1" and root["title"] == "qdrant - vector search engine"
        assert "result" not in root  # bare VersionInfo, no envelope
        assert http.get("/healthz").text == "healthz check passed"
        tel = http.get("/telemetry?details_level=1").json()["result"]
        assert tel["app"]["version"] == "1.17.1"
        assert tel["app"]["system"]["disk_size"] == 10 * 2**20  # KiB
        assert tel["app"]["system"]["ram_size"] == 4 * 2**20
        quotas = http.get("/quotas").json()["result"]
        assert quotas["usage"]["disk_usage_percent"] == 87 and "peers" not in quotas
        assert http.get("/cluster").json()["result"] == {"status": "disabled"}
        assert client_for(tb.url).info().version == "1.17.1"


def test_collection_config_is_kept_and_points_round_trip(testbed, client_for):
    c = client_for(testbed.url)
    c.create_collection(
        "docs",
        vectors_config={"dense": models.VectorParams(size=4, distance=models.Distance.COSINE, on_disk=True),
                        "small": models.VectorParams(size=2, distance=models.Distance.EUCLID)},
        sparse_vectors_config={"text": models.SparseVectorParams()},
        shard_number=3, replication_factor=1,
        hnsw_config=models.HnswConfigDiff(m=32, ef_construct=123),
        quantization_config=models.ScalarQuantization(scalar=models.ScalarQuantizationConfig(
            type=models.ScalarType.INT8, quantile=0.99, always_ram=True)))
    assert c.collection_exists("docs") and not c.collection_exists("nope")
    assert [x.name for x in c.get_collections().collections] == ["docs"]
    with pytest.raises(UnexpectedResponse) as e:
        c.create_collection("docs", vectors_config=models.VectorParams(size=4, distance=models.Distance.DOT))
    assert e.value.status_code == 409
    points = [models.PointStruct(id=i, vector={"dense": [i, 1.0, 0.5, 0.25], "small": [i, 0.0],
                                               "text": models.SparseVector(indices=[i], values=[1.0])},
                                 payload={"n": i, "tag": f"t{i % 3}"}) for i in range(1, 41)]
    points.append(models.PointStruct(id="8b7c2cbb-7a2e-4a3e-9e4e-1ef6f7c1b8a1",
                                     vector={"dense": [0.1, 0.2, 0.3, 0.4], "small": [1.0, 1.0]},
                                     payload={"uuid": True}))
    res = c.upsert("docs", points=points, wait=True)
    assert res.status == models.UpdateStatus.COMPLETED
    info = c.get_collection("docs")
    assert info.points_count == 41 and info.status == models.CollectionStatus.GREEN
    assert info.config.params.shard_number == 3
    assert info.config.params.vectors["dense"].on_disk is True
    assert info.config.hnsw_config.m == 32 and info.config.hnsw_config.ef_construct == 123
    assert info.config.quantization_config.scalar.quantile == 0.99
    assert c.count("docs", exact=True).count == 41
    seen, offset = [], None
    while True:
        page, offset = c.scroll("docs", limit=7, offset=offset, with_payload=True)
        seen += page
        if offset is None:
            break
    assert [p.id for p in seen][:40] == list(range(1, 41))  # integer ids first, in order, across shards
    assert seen[-1].id == "8b7c2cbb-7a2e-4a3e-9e4e-1ef6f7c1b8a1" and seen[-1].payload == {"uuid": True}
    got = c.retrieve("docs", ids=[5, 17], with_vectors=True)
    assert {p.id: p.payload["n"] for p in got} == {5: 5, 17: 17}
    assert got[0].vector["small"] == [5.0, 0.0]
    hits = c.query_points("docs", query=[3.0, 0.0], using="small", limit=3, with_payload=True).points
    assert hits[0].id == 3 and hits[0].payload["n"] == 3  # Euclid: smallest distance first
    hits = c.query_points("docs", query=models.SparseVector(indices=[9], values=[1.0]), using="text",
                          limit=1).points
    assert hits[0].id == 9
    assert c.delete_collection("docs") is True
    assert not c.collection_exists("docs")


def test_wrong_input_and_missing_collection(testbed, client_for, http_for):
    c = client_for(testbed.url)
    with pytest.raises(UnexpectedResponse) as e:
        c.get_collection("ghost")
    assert e.value.status_code == 404
    assert "Collection `ghost` doesn't exist!" in e.value.content.decode()
    r = http_for(testbed.url).post("/collections/ghost/points/count", json={"exact": True})
    assert r.status_code == 404 and r.json()["status"]["error"] == "Not found: Collection `ghost` doesn't exist!"


def test_alias_semantics(testbed, client_for, http_for):
    c = client_for(testbed.url)
    http = http_for(testbed.url)
    for name in ("v1", "v2"):
        c.create_collection(name, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
    c.update_collection_aliases([models.CreateAliasOperation(
        create_alias=models.CreateAlias(collection_name="v1", alias_name="prod"))])
    assert c.get_collection("prod").config.params.vectors.size == 2  # names resolve through aliases
    # alias clashing with a collection name: 409
    r = http.post("/collections/aliases", json={"actions": [{"create_alias": {"collection_name": "v1",
                                                                              "alias_name": "v2"}}]})
    assert r.status_code == 409 and r.json()["status"]["error"] == "Wrong input: Collection `v2` already exists!"
    # missing target: 404
    r = http.post("/collections/aliases", json={"actions": [{"create_alias": {"collection_name": "zz",
                                                                              "alias_name": "a"}}]})
    assert r.status_code == 404
    # rename of a missing alias: 404; earlier actions of the same request stay applied (no rollback)
    r = http.post("/collections/aliases", json={"actions": [
        {"create_alias": {"collection_name": "v2", "alias_name": "staging"}},
        {"rename_alias": {"old_alias_name": "missing", "new_alias_name": "x"}}]})
    assert r.status_code == 404 and r.json()["status"]["error"] == "Not found: Alias missing does not exists!"
    names = {a.alias_name: a.collection_name for a in c.get_aliases().aliases}
    assert names == {"prod": "v1", "staging": "v2"}
    # delete of a missing alias is a no-op; switch in one request
    http.post("/collections/aliases", json={"actions": [
        {"delete_alias": {"alias_name": "nope"}},
        {"delete_alias": {"alias_name": "prod"}},
        {"create_alias": {"collection_name": "v2", "alias_name": "prod"}}]}).raise_for_status()
    assert [a.alias_name for a in c.get_collection_aliases("v2").aliases] == ["staging", "prod"] or \
        sorted(a.alias_name for a in c.get_collection_aliases("v2").aliases) == ["prod", "staging"]
    c.update_collection_aliases([models.RenameAliasOperation(
        rename_alias=models.RenameAlias(old_alias_name="staging", new_alias_name="prod2"))])
    c.delete_collection("v2")  # removes its aliases
    assert c.get_aliases().aliases == []


def test_collection_and_alias_names_do_not_clash(testbed, client_for, http_for):
    """Qdrant refuses both directions: tests/openapi/test_alias.py, lib/storage/src/content_manager/toc/
    create_collection.rs (BadInput → 400) and toc/collection_meta_ops.rs (AlreadyExists → 409)."""
    c = client_for(testbed.url)
    http = http_for(testbed.url)
    for name in ("v1", "v2"):
        c.create_collection(name, vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
    c.update_collection_aliases([models.CreateAliasOperation(
        create_alias=models.CreateAlias(collection_name="v1", alias_name="prod"))])
    # a collection under a name an alias holds: 400, and nothing is created
    r = http.put("/collections/prod", json={"vectors": {"size": 2, "distance": "Dot"}})
    assert r.status_code == 400
    assert r.json()["status"]["error"] == \
        "Wrong input: Can't create collection with name prod. Alias with the same name already exists"
    assert sorted(x.name for x in c.get_collections().collections) == ["v1", "v2"]
    assert {a.alias_name: a.collection_name for a in c.get_aliases().aliases} == {"prod": "v1"}
    # the collection check comes first: an existing collection name is still 409
    r = http.put("/collections/v1", json={"vectors": {"size": 2, "distance": "Dot"}})
    assert r.status_code == 409 and r.json()["status"]["error"] == "Wrong input: Collection `v1` already exists!"
    # an alias under an existing collection's name: 409, the alias is not created
    r = http.post("/collections/aliases", json={"actions": [{"create_alias": {"collection_name": "v2",
                                                                              "alias_name": "v1"}}]})
    assert r.status_code == 409 and r.json()["status"]["error"] == "Wrong input: Collection `v1` already exists!"
    assert {a.alias_name: a.collection_name for a in c.get_aliases().aliases} == {"prod": "v1"}
    # once the alias is gone the name is free for a collection
    http.post("/collections/aliases", json={"actions": [{"delete_alias": {"alias_name": "prod"}}]}).raise_for_status()
    c.create_collection("prod", vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
    assert c.collection_exists("prod")


def test_cluster_operations_are_refused_in_standalone_mode(testbed, client_for, http_for):
    """tests/openapi/test_cluster.py and src/actix/api/cluster_api.rs: StorageError::StandaloneMode → 405."""
    http = http_for(testbed.url)
    r = http.post("/cluster/recover")
    assert r.status_code == 405 and r.json()["status"]["error"] == "Qdrant is running in standalone mode"
    r = http.delete("/cluster/peer/1")
    assert r.status_code == 405 and r.json()["status"]["error"] == "Qdrant is running in standalone mode"
    r = http.delete("/cluster/peer/1?force=true")
    assert r.status_code == 405
    # the node's own peer id, holding shards: the shards check comes first (unless force)
    c = client_for(testbed.url)
    c.create_collection("docs", vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
    own = testbed.peer_id(0)
    r = http.delete(f"/cluster/peer/{own}")
    assert r.status_code == 400
    assert r.json()["status"]["error"] == f"Bad request: Cannot remove peer {own} as there are shards on it"
    r = http.delete(f"/cluster/peer/{own}?force=true")
    assert r.status_code == 405
    assert http.get("/cluster").json()["result"] == {"status": "disabled"}
    assert c.collection_exists("docs")


def test_cluster_operations_need_the_manage_key(tmp_path, http_for):
    with start_testbed(tmp_path, api_key="k-manage", read_only_api_key="k-read") as tb:
        ro = http_for(tb.url, api_key="k-read")
        for method, path in (("POST", "/cluster/recover"), ("DELETE", "/cluster/peer/1")):
            r = ro.call(method, path)
            assert r.status_code == 403, (method, path, r.text)
        rw = http_for(tb.url, api_key="k-manage")
        assert rw.post("/cluster/recover").status_code == 405


def test_http11_keep_alive_chunked_and_expect_continue(testbed):
    import socket
    host, port = testbed.url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        f = s.makefile("rb")
        body = b'{"vectors": {"size": 2, "distance": "Dot"}}'
        s.sendall(b"PUT /collections/ka HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Expect: 100-continue\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        assert f.readline().startswith(b"HTTP/1.1 100")
        assert f.readline() == b"\r\n"
        s.sendall(body)
        assert f.readline().startswith(b"HTTP/1.1 200")
        headers = {}
        while (line := f.readline()) != b"\r\n":
            k, v = line.decode().split(":", 1)
            headers[k.lower()] = v.strip()
        assert b'"result": true' in f.read(int(headers["content-length"]))
        # same connection, chunked request body
        chunked = b'{"exact": true}'
        s.sendall(b"POST /collections/ka/points/count HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + f"{len(chunked):x}\r\n".encode() + chunked + b"\r\n0\r\n\r\n")
        assert f.readline().startswith(b"HTTP/1.1 200")


def test_state_survives_a_restart(tmp_path, client_for):
    storage = tmp_path / "persist"
    with start_testbed(tmp_path, storage=storage) as tb:
        c = client_for(tb.url)
        c.create_collection("keep", vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT),
                            shard_number=2)
        c.upsert("keep", points=[models.PointStruct(id=i, vector=[i, 1], payload={"i": i}) for i in range(10)])
        c.update_collection_aliases([models.CreateAliasOperation(
            create_alias=models.CreateAlias(collection_name="keep", alias_name="kept"))])
        peer_id = tb.peer_id()
    with start_testbed(tmp_path, storage=storage) as tb:
        c = client_for(tb.url)
        assert tb.peer_id() == peer_id
        assert c.count("kept", exact=True).count == 10
        assert c.retrieve("keep", ids=[7])[0].payload == {"i": 7}


def test_openapi_validation_is_effective(openapi):
    """The validator used on every response rejects shapes Qdrant would not send."""
    import json as _json
    ok = _json.dumps({"result": {"name": "a.snapshot", "size": 1, "creation_time": None},
                      "status": "ok", "time": 0.1}).encode()
    openapi.validate("POST", "/collections/x/snapshots", 200, "application/json", ok)
    for bad in ({"result": {"name": "a.snapshot"}, "status": "ok", "time": 0.1},           # size missing
                {"result": {"name": "a.snapshot", "size": "1"}, "status": "ok", "time": 0.1},  # wrong type
                {"status": "ok", "time": 0.1},                                              # no result
                {"result": True, "status": "accepted", "time": 0.1}):
        with pytest.raises(Exception):
            openapi.validate("POST", "/collections/x/snapshots", 200, "application/json", _json.dumps(bad).encode())
    with pytest.raises(Exception):  # 202 must not carry a result
        openapi.validate("POST", "/collections/x/snapshots", 202, "application/json",
                         _json.dumps({"result": None, "status": "accepted", "time": 0.1}).encode())
    with pytest.raises(AssertionError):  # the admin API is not part of Qdrant's surface
        openapi.validate("GET", "/__testbed/faults", 200, "application/json", b"{}")
