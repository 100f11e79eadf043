"""Snapshot endpoints of the test double: formats, Qdrant Edge round trips, recovery rules."""
from __future__ import annotations

import json
import re
import shutil
import tarfile
import threading
import time

import pytest
from qdrant_client import models

from testbed_helpers import (SHARD_FIXTURE, FileServer, all_points, download, edge_points, make_collection,
                             sha256, shard_folder_as_archive, StallingServer)

pytestmark = pytest.mark.timeout(90)
DATE = r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}"
# The server returns `"result": null` for shard snapshot upload although the OpenAPI says boolean
# (qdrant-api.md §1.1): validate that response against the server's behaviour instead.
NULL_RESULT = {"type": "object", "required": ["result", "status", "time"],
               "properties": {"result": {"nullable": True, "type": "boolean"}, "status": {"type": "string"},
                              "time": {"type": "number"}}}


def test_collection_snapshot_format_checksum_and_listing(testbed, client_for, http_for, tmp_path):
    c, http = client_for(testbed.url), http_for(testbed.url)
    make_collection(c, "col-a", shards=2)
    peer_id = testbed.peer_id()
    desc = c.create_snapshot("col-a", wait=True)
    assert re.fullmatch(rf"col-a-{peer_id}-{DATE}\.snapshot", desc.name)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", desc.creation_time)
    sidecar = testbed.snapshots_dir() / "col-a" / (desc.name + ".checksum")
    assert sidecar.read_text() == desc.checksum and re.fullmatch(r"[0-9a-f]{64}", desc.checksum)
    assert [s.name for s in c.list_snapshots("col-a")] == [desc.name]
    f = download(http, f"/collections/col-a/snapshots/{desc.name}", tmp_path / desc.name)
    assert f.stat().st_size == desc.size and sha256(f) == desc.checksum
    with tarfile.open(f) as t:
        names = t.getnames()
        assert {"version.info", "config.json", "shard_key_mapping.json", "payload_index.json"} <= set(names)
        assert t.extractfile("version.info").read() == b"0.4.2"
        cfg = json.load(t.extractfile("config.json"))
        assert cfg["params"]["shard_number"] == 2 and cfg["params"]["vectors"]["size"] == 4
        assert json.load(t.extractfile("shard_key_mapping.json")) == []
        for sid in (0, 1):
            assert f"{sid}/wal" in names and f"{sid}/shard_config.json" in names
            state = json.load(t.extractfile(f"{sid}/replica_state.json"))
            assert state == {"is_local": True, "this_peer_id": peer_id, "peers": {str(peer_id): "Active"}}
            segs = [n for n in names if re.fullmatch(rf"{sid}/segments/[0-9a-f-]{{36}}\.tar", n)]
            assert segs
            import io
            inner = tarfile.open(fileobj=io.BytesIO(t.extractfile(segs[0]).read()))
            inner_names = inner.getnames()
            assert "snapshot/files/segment.json" in inner_names
            assert inner.extractfile("snapshot/files/version.info").read() == b"0.6.0"
        assert all(m.type in (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.DIRTYPE, tarfile.GNUTYPE_SPARSE)
                   for m in t.getmembers())
    # wait=false: 202 without result, the snapshot shows up later
    r = http.post("/collections/col-a/snapshots?wait=false")
    assert r.status_code == 202 and "result" not in r.json()
    deadline = time.time() + 20
    while len(c.list_snapshots("col-a")) < 2 and time.time() < deadline:
        time.sleep(0.1)
    assert len(c.list_snapshots("col-a")) >= 1
    assert c.delete_snapshot("col-a", desc.name, wait=True) is True
    assert not sidecar.exists() and desc.name not in [s.name for s in c.list_snapshots("col-a")]


def test_snapshots_load_in_qdrant_edge(testbed, client_for, http_for, tmp_path):
    c, http = client_for(testbed.url), http_for(testbed.url)
    expected = make_collection(c, "edge", shards=2, points=40)
    # shard snapshot (Regular format) -> Edge
    got = {}
    for sid in (0, 1):
        d = c.create_shard_snapshot("edge", sid, wait=True)
        assert re.fullmatch(rf"edge-shard-{sid}-{DATE}\.snapshot", d.name)
        assert [s.name for s in c.list_shard_snapshots("edge", sid)] == [d.name]
        f = download(http, f"/collections/edge/shards/{sid}/snapshots/{d.name}", tmp_path / d.name)
        assert sha256(f) == d.checksum
        got.update(edge_points(f, tmp_path / "edge-shard"))
    assert got == expected
    # collection snapshot: each shard folder, handed to Edge as a shard archive
    d = c.create_snapshot("edge", wait=True)
    f = download(http, f"/collections/edge/snapshots/{d.name}", tmp_path / d.name)
    got = {}
    for sid in (0, 1):
        got.update(edge_points(shard_folder_as_archive(f, sid, tmp_path / f"folder-{sid}.tar"),
                               tmp_path / "edge-folder"))
    assert got == expected
    # streamed shard snapshot (Streamable format, chunked, filename header, nothing stored)
    r = http.get("/collections/edge/shards/1/snapshot", validate=False)
    assert r.status_code == 200 and r.headers.get("Transfer-Encoding") == "chunked"
    assert re.fullmatch(rf'attachment; filename="edge-shard-1-{DATE}\.snapshot"', r.headers["Content-Disposition"])
    (tmp_path / "stream.snapshot").write_bytes(r.content)
    with tarfile.open(tmp_path / "stream.snapshot") as t:
        assert any(re.fullmatch(r"segments/[0-9a-f-]{36}/files/segment\.json", n) for n in t.getnames())
    streamed = edge_points(tmp_path / "stream.snapshot", tmp_path / "edge-stream")
    assert streamed == {k: v for k, v in expected.items() if k in streamed} and len(streamed) > 0
    assert len(c.list_shard_snapshots("edge", 1)) == 1


def test_recover_collection_from_file_and_http(testbed, client_for, http_for, tmp_path):
    c, http = client_for(testbed.url), http_for(testbed.url)
    expected = make_collection(c, "src", shards=3)
    d = c.create_snapshot("src", wait=True)
    path = testbed.snapshots_dir() / "src" / d.name
    # file:// inside the snapshots directory; the missing target collection is created from the snapshot
    assert c.recover_snapshot("copy", f"file://{path}", wait=True) is True
    assert all_points(c, "copy") == expected
    assert c.get_collection("copy").config.params.shard_number == 3
    assert c.count("copy", exact=True).count == len(expected)
    # http(s): downloaded by the double itself, sending api-key when given; checksum verified
    (tmp_path / "srv").mkdir()
    shutil.copy(path, tmp_path / "srv" / d.name)
    with FileServer(tmp_path / "srv") as srv:
        c.upsert("copy", points=[models.PointStruct(id=999, vector=[1, 1, 1, 1], payload={})], wait=True)
        assert c.recover_snapshot("copy", f"{srv.url}/{d.name}", checksum=d.checksum, api_key="presigned-key",
                                  priority=models.SnapshotPriority.SNAPSHOT, wait=True) is True
        assert srv.requests[-1]["headers"].get("api-key") == "presigned-key"
        assert all_points(c, "copy") == expected  # point 999 is gone: shards replaced
        r = http.put("/collections/copy/snapshots/recover", json={"location": f"{srv.url}/{d.name}",
                                                                  "checksum": "0" * 64})
        assert r.status_code == 400
        assert r.json()["status"]["error"] == (f"Wrong input: Snapshot checksum mismatch: expected {'0' * 64}, "
                                               f"got {d.checksum}")
        r = http.put("/collections/copy/snapshots/recover", json={"location": f"{srv.url}/missing.snapshot"})
        assert r.status_code == 400 and r.json()["status"]["error"].startswith(
            f"Wrong input: Failed to download tar from {srv.url}/missing.snapshot: status - 404")
    r = http.put("/collections/copy/snapshots/recover", json={"location": f"file://{path}", "checksum": "xyz"})
    assert r.status_code == 422 and "invalid_sha256_hash" in r.json()["status"]["error"]
    outside = tmp_path / "outside.snapshot"
    shutil.copy(path, outside)
    r = http.put("/collections/copy/snapshots/recover", json={"location": f"file://{outside}"})
    assert r.status_code == 403 and r.json()["status"]["error"].startswith(
        "Forbidden: Snapshot file path must be inside the snapshots directory")
    r = http.put("/collections/copy/snapshots/recover", json={"location": f"file://{tmp_path}/nope.snapshot"})
    assert r.status_code == 400 and "does not exist" in r.json()["status"]["error"]
    r = http.put("/collections/copy/snapshots/recover", json={"location": "s3://bucket/x.snapshot"})
    assert r.status_code == 400 and r.json()["status"]["error"] == \
        "Bad request: URL s3://bucket/x.snapshot with scheme s3 is not supported"
    # incompatible existing collection: 400
    c.create_collection("other", vectors_config=models.VectorParams(size=8, distance=models.Distance.DOT))
    r = http.put("/collections/other/snapshots/recover", json={"location": f"file://{path}"})
    assert r.status_code == 400 and "Snapshot is not compatible with existing collection" in r.text
    # wait=false: 202 without result
    r = http.put("/collections/copy2/snapshots/recover?wait=false", json={"location": f"file://{path}"})
    assert r.status_code == 202 and "result" not in r.json()


def test_url_recovery_unpacks_while_downloading_without_a_file(testbed, client_for, http_for):
    # Qdrant ≥ 1.17 streams an http(s) body straight into the tar unpacker (download_and_unpack_tar): entries
    # appear while the download is still running and the archive itself is never written as a file.
    c, http = client_for(testbed.url), http_for(testbed.url)
    expected = make_collection(c, "src", shards=2)
    d = c.create_snapshot("src", wait=True)
    data = (testbed.snapshots_dir() / "src" / d.name).read_bytes()
    tmp = testbed.snapshots_dir().parent / "tmp"
    outcome = {}
    with StallingServer(data, head=len(data) // 2) as srv:
        def recover():
            outcome["r"] = http.put("/collections/copy/snapshots/recover?wait=true",
                                    json={"location": srv.url, "checksum": d.checksum})
        t = threading.Thread(target=recover)
        t.start()
        unpacked = []
        for _ in range(200):
            unpacked = [p for p in tmp.glob("col-copy-recovery-*/**/*") if p.is_file()]
            if unpacked:
                break
            time.sleep(0.05)
        assert unpacked, "nothing was unpacked while the download was stalled half-way"
        spooled = [p for p in testbed.snapshots_dir().parent.rglob("*") if p.name == "stalled.snapshot"]
        assert spooled == []
        assert "copy" not in {x.name for x in c.get_collections().collections}
        srv.release()
        t.join(60)
    assert outcome["r"].status_code == 200 and outcome["r"].json()["result"] is True
    assert all_points(c, "copy") == expected
    assert list(tmp.glob("col-copy-recovery-*")) == []


def test_url_recovery_cut_short_leaves_nothing(testbed, client_for, http_for):
    c, http = client_for(testbed.url), http_for(testbed.url)
    make_collection(c, "src", shards=2)
    d = c.create_snapshot("src", wait=True)
    data = (testbed.snapshots_dir() / "src" / d.name).read_bytes()
    with StallingServer(data, head=len(data) // 2, cut=True) as srv:
        r = http.put("/collections/copy/snapshots/recover", json={"location": srv.url, "checksum": d.checksum})
    assert r.status_code == 500
    assert r.json()["status"]["error"].startswith("Service internal error: Failed to unpack tar archive")
    assert "copy" not in {x.name for x in c.get_collections().collections}
    assert list((testbed.snapshots_dir().parent / "tmp").glob("col-copy-recovery-*")) == []


def test_upload_keeps_the_file_and_checks_checksum(testbed, client_for, http_for, tmp_path):
    c, http = client_for(testbed.url), http_for(testbed.url)
    expected = make_collection(c, "up", shards=1)
    d = c.create_snapshot("up", wait=True)
    f = download(http, f"/collections/up/snapshots/{d.name}", tmp_path / "my-upload.snapshot")
    c.delete_collection("up")
    r = http.post(f"/collections/up/snapshots/upload?checksum={'a' * 64}",
                  files={"snapshot": ("my-upload.snapshot", f.open("rb"))})
    assert r.status_code == 400
    assert r.json()["status"]["error"] == f"Checksum mismatch: expected {d.checksum}, actual {'a' * 64}"
    r = http.post("/collections/up/snapshots/upload?checksum=nothex", files={"snapshot": f.open("rb")})
    assert r.status_code == 422
    r = http.post(f"/collections/up/snapshots/upload?priority=snapshot&checksum={d.checksum}",
                  files={"snapshot": ("my-upload.snapshot", f.open("rb"))})
    assert r.status_code == 200 and r.json()["result"] is True
    assert all_points(c, "up") == expected
    listed = {s.name: s for s in c.list_snapshots("up")}
    assert "my-upload.snapshot" in listed and listed["my-upload.snapshot"].checksum is None


def test_real_shard_archive_is_handled_where_qdrant_handles_it(testbed, client_for, http_for, tmp_path):
    c, http = client_for(testbed.url), http_for(testbed.url)
    make_collection(c, "fx", shards=2, points=10)
    # shard upload accepts it: result null (server behaviour, see NULL_RESULT)
    r = http.post("/collections/fx/shards/1/snapshots/upload?priority=no_sync",
                  files={"snapshot": ("shard.snapshot", SHARD_FIXTURE.open("rb"))}, override=NULL_RESULT)
    assert r.status_code == 200 and r.json()["result"] is None
    info = http.get("/collections/fx/cluster").json()["result"]
    assert {s["shard_id"]: (s["state"], s["points_count"]) for s in info["local_shards"]}[1] == ("Active", 0)
    assert c.count("fx", exact=True).count == len([i for i in range(1, 11) if i % 2 == 0]) + 0  # shard 0 kept
    # shard recover from an http URL accepts it too; file:// is refused for shard recovery
    with FileServer(SHARD_FIXTURE.parent) as srv:
        assert c.recover_shard_snapshot("fx", 0, f"{srv.url}/{SHARD_FIXTURE.name}", wait=True) is True
    assert c.count("fx", exact=True).count == 0
    r = http.put("/collections/fx/shards/0/snapshots/recover", json={"location": f"file://{SHARD_FIXTURE}"})
    assert r.status_code == 400 and "URLs with file scheme are not supported" in r.json()["status"]["error"]
    r = http.put("/collections/fx/shards/7/snapshots/recover", json={"location": "x.snapshot"})
    assert r.status_code == 404 and r.json()["status"]["error"] == "Not found: shard 7 not found"
    # collection recovery of a shard archive fails like Qdrant's (no config.json) and creates nothing
    target = testbed.snapshots_dir() / "fx" / "shard-as-collection.snapshot"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHARD_FIXTURE, target)
    r = http.put("/collections/fresh/snapshots/recover", json={"location": f"file://{target}"})
    assert r.status_code == 500 and "config.json" in r.json()["status"]["error"]
    assert not c.collection_exists("fresh")


def test_collection_recovery_is_not_atomic(testbed, client_for, http_for, tmp_path):
    c, http = client_for(testbed.url), http_for(testbed.url)
    expected = make_collection(c, "na", shards=2)
    d = c.create_snapshot("na", wait=True)
    src = testbed.snapshots_dir() / "na" / d.name
    broken = testbed.snapshots_dir() / "na" / "broken.snapshot"
    # shard 1's segment is unreadable: segment.json is garbage
    import io
    with tarfile.open(src) as t, tarfile.open(broken, "w", format=tarfile.GNU_FORMAT) as out:
        for m in t:
            if "/wal/" in m.name or m.isdir():
                continue
            data = t.extractfile(m).read()
            if m.name.startswith("1/segments/"):
                buf = io.BytesIO()
                with tarfile.open(fileobj=buf, mode="w") as seg:
                    for name, content in (("snapshot/files/segment.json", b"{garbage"),
                                          ("snapshot/files/version.info", b"0.6.0")):
                        ti = tarfile.TarInfo(name)
                        ti.size = len(content)
                        seg.addfile(ti, io.BytesIO(content))
                data = buf.getvalue()
            ti = tarfile.TarInfo(m.name)
            ti.size = len(data)
            out.addfile(ti, io.BytesIO(data))
    r = http.put("/collections/half/snapshots/recover", json={"location": f"file://{broken}"})
    assert r.status_code == 500 and r.json()["status"]["error"].startswith("Service internal error:")
    assert c.collection_exists("half")  # created first, not undone
    shards = {s["shard_id"]: s for s in http.get("/collections/half/cluster").json()["result"]["local_shards"]}
    assert shards[0]["state"] == "Active" and shards[1]["state"] == "Dead"
    assert shards[0]["points_count"] == len([k for k in expected if isinstance(k, int) and k % 2 == 0])
    # a later good recovery repairs it
    assert c.recover_snapshot("half", f"file://{src}", wait=True) is True
    assert all_points(c, "half") == expected


def test_full_snapshot_layout(testbed, client_for, http_for, tmp_path):
    c, http = client_for(testbed.url), http_for(testbed.url)
    make_collection(c, "f1", shards=1, points=5)
    make_collection(c, "f2", shards=2, points=5)
    c.update_collection_aliases([models.CreateAliasOperation(
        create_alias=models.CreateAlias(collection_name="f1", alias_name="live"))])
    d = c.create_full_snapshot(wait=True)
    assert re.fullmatch(rf"full-snapshot-{DATE}\.snapshot", d.name)
    assert [s.name for s in c.list_full_snapshots()] == [d.name]
    f = download(http, f"/snapshots/{d.name}", tmp_path / d.name)
    assert sha256(f) == d.checksum
    with tarfile.open(f) as t:
        names = t.getnames()
        assert names[-1] == "config.json"
        cfg = json.load(t.extractfile("config.json"))
        assert set(cfg["collections_mapping"]) == {"f1", "f2"}
        assert cfg["collections_aliases"] == {"live": "f1"}
        for coll, member in cfg["collections_mapping"].items():
            assert member in names and member.startswith(f"{coll}-")
    # the member snapshots were moved out of the collection listings
    assert c.list_snapshots("f1") == []
    assert c.delete_full_snapshot(d.name, wait=True) is True
    assert c.list_full_snapshots() == []


@pytest.mark.parametrize("name", ["%2E%2E", "%2E", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd",
                                  "other%2Fvictim.snapshot", "%2E%2E%2Fother%2Fvictim.snapshot"])
def test_traversal_names_are_404(testbed, client_for, http_for, name):
    c, http = client_for(testbed.url), http_for(testbed.url)
    c.create_collection("t", vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
    (testbed.snapshots_dir() / "victim.snapshot").write_bytes(b"secret")
    for path in (f"/collections/t/snapshots/{name}", f"/snapshots/{name}", f"/collections/t/shards/0/snapshots/{name}"):
        r = http.get(path)
        assert r.status_code == 404, path
        assert r.headers["Content-Type"].startswith("text/plain")  # download endpoints: plain text errors
        assert r.text.startswith("Not found: Snapshot ") and r.text.endswith(" not found")
        r = http.delete(path)
        assert r.status_code == 404 and r.json()["status"]["error"].startswith("Not found: Snapshot ")


def test_download_errors_are_plain_text(testbed, http_for):
    http = http_for(testbed.url)
    r = http.get("/collections/none/snapshots/x.snapshot")
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/plain")
    assert r.text == "Not found: Collection `none` doesn't exist!"
    r = http.get("/snapshots/missing.snapshot")
    assert r.status_code == 404 and r.text == "Not found: Snapshot missing.snapshot not found"
    r = http.get("/collections/none/shards/0/snapshot")
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/plain")


def test_payload_indexes_travel_with_collection_snapshots(testbed, client_for, http_for, tmp_path):
    c, http = client_for(testbed.url), http_for(testbed.url)
    make_collection(c, "pi", shards=1, points=5)
    c.create_payload_index("pi", "s", field_schema=models.PayloadSchemaType.KEYWORD, wait=True)
    c.create_payload_index("pi", "n", field_schema=models.IntegerIndexParams(
        type=models.IntegerIndexType.INTEGER, lookup=True, range=False), wait=True)
    schema = c.get_collection("pi").payload_schema
    assert schema["s"].data_type == models.PayloadSchemaType.KEYWORD and schema["s"].points == 6
    d = c.create_snapshot("pi", wait=True)
    f = download(http, f"/collections/pi/snapshots/{d.name}", tmp_path / d.name)
    with tarfile.open(f) as t:
        saved = json.load(t.extractfile("payload_index.json"))["schema"]
    assert saved["s"] == "keyword" and saved["n"]["type"] == "integer" and saved["n"]["lookup"] is True
    path = testbed.snapshots_dir() / "pi" / d.name
    assert c.recover_snapshot("pi2", f"file://{path}", wait=True) is True
    assert set(c.get_collection("pi2").payload_schema) == {"s", "n"}
