"""S3 snapshot storage (`--snapshots-s3-bucket/--snapshots-s3-endpoint`, Qdrant's `snapshots_storage: s3`) on a
3-node double, against both local S3 servers of the integration suite: `rclone serve s3` and `moto_server`."""
from __future__ import annotations

import datetime as dt
import io
import re
import sys
import tarfile
import types
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from qdrant_testbed.harness import start_testbed
from qdrant_testbed.s3_snapshot_storage import PART_SIZE, chrono_naive, chunk_size
from testbed_helpers import REPO, all_points, make_collection

pytestmark = pytest.mark.timeout(300)

DATE = r"\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}"
TIME = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3}|\.\d{6})?"


def _load_s3servers():
    """Tests/Integration/s3servers.py as it is. It takes `VENV_BIN` and `free_port` from `conftest`, i.e. the
    integration suite's conftest, which also installs that suite's secret scan; here `conftest` is this suite's,
    so those two names are lent to it for the import."""
    sys.path.insert(0, str(REPO / "Tests" / "Integration"))
    import socket

    def free_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    lent = types.ModuleType("conftest")
    lent.VENV_BIN, lent.free_port = REPO / ".venv" / "bin", free_port
    ours = sys.modules.get("conftest")
    sys.modules["conftest"] = lent
    try:
        import s3servers
    finally:
        if ours is not None:
            sys.modules["conftest"] = ours
        else:
            sys.modules.pop("conftest", None)
    return s3servers


s3servers = _load_s3servers()
rclone_s3, moto_s3, s3_server = s3servers.rclone_s3, s3servers.moto_s3, s3servers.s3_server  # fixtures


class Bucket:
    """A fresh bucket on the server and a boto3 client to look into it."""

    def __init__(self, server):
        self.server = server
        self.name = f"tb-{uuid.uuid4().hex[:12]}"
        server.make_bucket(self.name)
        self.s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                               aws_access_key_id=server.access_key, aws_secret_access_key=server.secret_key,
                               config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"))

    def keys(self) -> list[str]:
        r = self.s3.list_objects_v2(Bucket=self.name)
        return sorted(o["Key"] for o in r.get("Contents", []))

    def head(self, key: str) -> dict:
        return self.s3.head_object(Bucket=self.name, Key=key)

    def read(self, key: str) -> bytes:
        return self.s3.get_object(Bucket=self.name, Key=key)["Body"].read()

    def presigned(self, key: str) -> str:
        return self.s3.generate_presigned_url("get_object", Params={"Bucket": self.name, "Key": key},
                                              ExpiresIn=600)

    def recovery_url(self, key: str, node_download_url: str) -> str:
        """An http URL to recover from: a presigned URL of the object, or on moto_server the node's own download
        URL (the other way Qdrant's docs give): moto 5 with IAM auth on answers a presigned GET with 500 (its
        authorizer reads the Authorization header a presigned request does not have)."""
        return node_download_url if self.server.name == "moto" else self.presigned(key)

    def testbed(self, tmp_path, peers: int = 3):
        srv = self.server
        return start_testbed(tmp_path, peers=peers, snapshots_s3_bucket=self.name,
                             snapshots_s3_endpoint=srv.endpoint,
                             s3_env={"AWS_ACCESS_KEY_ID": srv.access_key, "AWS_SECRET_ACCESS_KEY": srv.secret_key,
                                     "AWS_EC2_METADATA_DISABLED": "true"})


def local_files(tb, peers: int = 3) -> list[Path]:
    return [p for i in range(peers) for p in tb.snapshots_dir(i).rglob("*") if p.is_file()]


def check_description(desc: dict, bucket: Bucket, key: str) -> None:
    """The create reply is built from a HEAD: no checksum (left out, i.e. null), the object's size and time."""
    assert "checksum" not in desc, desc
    head = bucket.head(key)
    assert desc["size"] == head["ContentLength"] == len(bucket.read(key))
    assert desc["creation_time"] == chrono_naive(head["LastModified"])
    if bucket.server.name == "moto":  # a multipart upload's ETag: one part for a small archive
        assert head["ETag"].endswith('-1"'), head["ETag"]


def check_download(http, path: str, bucket: Bucket, key: str) -> bytes:
    """Streamed through the node: 200 octet-stream, chunked, no Content-Length, a Range header ignored."""
    r = http.get(path, validate=False, headers={"Accept-Encoding": "identity", "Range": "bytes=0-99"})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert r.headers.get("Transfer-Encoding") == "chunked"
    assert "Content-Length" not in r.headers and "Content-Range" not in r.headers
    assert r.content == bucket.read(key)
    return r.content


def test_collection_snapshots_in_the_bucket(s3_server, tmp_path, client_for, http_for):
    bucket = Bucket(s3_server)
    with bucket.testbed(tmp_path) as tb:
        clients = [client_for(u) for u in tb.urls]
        https = [http_for(u) for u in tb.urls]
        assert tb.admin(1).info()["bucket"] == bucket.name
        expected = make_collection(clients[0], "col", shards=3, points=30, rf=1)  # shard i on node i
        names = []
        for i, http in enumerate(https):
            r = http.post("/collections/col/snapshots")
            assert r.status_code == 200, r.text
            desc = r.json()["result"]
            assert re.fullmatch(rf"col-{tb.peer_id(i)}-{DATE}\.snapshot", desc["name"])
            check_description(desc, bucket, f"snapshots/col/{desc['name']}")
            names.append(desc["name"])
        # one object per node, no .checksum objects, nothing kept on the nodes' disks
        assert bucket.keys() == sorted(f"snapshots/col/{n}" for n in names)
        assert local_files(tb) == []
        # every node lists the whole prefix (the bucket is shared); the reply is what the bucket says
        for http in https:
            listed = http.get("/collections/col/snapshots").json()["result"]
            assert sorted(d["name"] for d in listed) == sorted(names)
            for d in listed:
                assert "checksum" not in d and re.fullmatch(TIME, d["creation_time"])
                assert d["size"] == bucket.head(f"snapshots/col/{d['name']}")["ContentLength"]
        data = check_download(https[0], f"/collections/col/snapshots/{names[0]}", bucket, f"snapshots/col/{names[0]}")
        with tarfile.open(fileobj=io.BytesIO(data)) as t:
            assert {"config.json", "version.info", "0/replica_state.json"} <= set(t.getnames())
        r = https[0].get("/collections/col/snapshots/missing.snapshot", validate=False)
        assert r.status_code == 404 and r.text.startswith("Not found: Snapshot snapshots/col/missing.snapshot does "
                                                          "not exist")
        r = https[0].get(f"/collections/col/snapshots/..%2Fcol%2F{names[0]}", validate=False)
        assert r.status_code == 404  # bare file names only
        # file:// cannot reach an S3-held snapshot; s3:// is refused; a presigned URL works
        r = https[0].put("/collections/col/snapshots/recover",
                         json={"location": f"file://{tb.snapshots_dir(0)}/col/{names[0]}"})
        assert r.status_code == 400 and "does not exist" in r.json()["status"]["error"], r.text
        r = https[0].put("/collections/col/snapshots/recover",
                         json={"location": f"s3://{bucket.name}/snapshots/col/{names[0]}"})
        assert r.status_code == 400 and r.json()["status"]["error"] == (
            f"Bad request: URL s3://{bucket.name}/snapshots/col/{names[0]} with scheme s3 is not supported")
        for i, http in enumerate(https):  # a new collection: each node restores its shard from its own snapshot
            node_url = f"{tb.urls[i]}/collections/col/snapshots/{names[i]}"
            url = node_url if i == 0 else bucket.recovery_url(f"snapshots/col/{names[i]}", node_url)
            r = http.put("/collections/copy/snapshots/recover", json={"location": url})
            assert r.status_code == 200 and r.json()["result"] is True, r.text
        assert all_points(clients[0], "copy") == expected
        # uploads still land on the node's disk and recover as usual
        r = https[0].post("/collections/col/snapshots/upload", files={"snapshot": ("up.snapshot", data)})
        assert r.status_code == 200, r.text
        assert (tb.snapshots_dir(0) / "col" / "up.snapshot").is_file()
        assert "up.snapshot" not in [d["name"] for d in https[0].get("/collections/col/snapshots").json()["result"]]
        # delete: the object goes; a second delete finds nothing
        r = https[2].delete(f"/collections/col/snapshots/{names[0]}")
        assert r.status_code == 200 and r.json()["result"] is True
        assert f"snapshots/col/{names[0]}" not in bucket.keys()
        r = https[2].delete(f"/collections/col/snapshots/{names[0]}")
        assert r.status_code == 404 and r.json()["status"]["error"] == (
            f'Not found: Snapshot Path {{ raw: "snapshots/col/{names[0]}" }} not found')


def test_shard_and_full_snapshots_in_the_bucket(s3_server, tmp_path, client_for, http_for):
    bucket = Bucket(s3_server)
    with bucket.testbed(tmp_path) as tb:
        clients = [client_for(u) for u in tb.urls]
        https = [http_for(u) for u in tb.urls]
        expected = make_collection(clients[0], "sh", shards=3, points=30, rf=1)
        # shard 1 lives on node 1
        r = https[1].post("/collections/sh/shards/1/snapshots")
        assert r.status_code == 200, r.text
        desc = r.json()["result"]
        assert re.fullmatch(rf"sh-shard-1-{DATE}\.snapshot", desc["name"])
        key = f"snapshots/sh/shards/1/{desc['name']}"
        check_description(desc, bucket, key)
        assert bucket.keys() == [key] and local_files(tb) == []
        assert [d["name"] for d in https[1].get("/collections/sh/shards/1/snapshots").json()["result"]] == \
            [desc["name"]]
        # the collection listing is recursive: it shows the shard snapshot too
        assert [d["name"] for d in https[1].get("/collections/sh/snapshots").json()["result"]] == [desc["name"]]
        check_download(https[1], f"/collections/sh/shards/1/snapshots/{desc['name']}", bucket, key)
        r = https[0].get(f"/collections/sh/shards/1/snapshots/{desc['name']}", validate=False)
        assert r.status_code == 400 and "Shard 1 is not a local or queue proxy shard" in r.text
        # recover by bare name: downloaded from the bucket; with a checksum Qdrant hashes the (absent) local path
        r = https[1].put("/collections/sh/shards/1/snapshots/recover", json={"location": desc["name"]})
        assert r.status_code == 200 and r.json()["result"] is True, r.text
        r = https[1].put("/collections/sh/shards/1/snapshots/recover",
                         json={"location": desc["name"], "checksum": "0" * 64})
        assert r.status_code == 500 and "failed to open file" in r.json()["status"]["error"]
        r = https[1].put("/collections/sh/shards/1/snapshots/recover", json={"location": "missing.snapshot"})
        assert r.status_code == 404, r.text
        url = bucket.recovery_url(key, f"{tb.urls[1]}/collections/sh/shards/1/snapshots/{desc['name']}")
        r = https[1].put("/collections/sh/shards/1/snapshots/recover", json={"location": url})
        assert r.status_code == 200 and r.json()["result"] is True, r.text
        assert all_points(clients[0], "sh") == expected
        r = https[1].delete(f"/collections/sh/shards/1/snapshots/{desc['name']}")
        assert r.status_code == 200 and bucket.keys() == []

        # full snapshot on node 2: its collection snapshot is uploaded, downloaded back and stays in the bucket
        r = https[2].post("/snapshots")
        assert r.status_code == 200, r.text
        full = r.json()["result"]
        assert re.fullmatch(rf"full-snapshot-{DATE}\.snapshot", full["name"])
        check_description(full, bucket, f"snapshots/{full['name']}")
        keys = bucket.keys()
        col_keys = [k for k in keys if k.startswith("snapshots/sh/")]
        assert len(keys) == 2 and len(col_keys) == 1
        assert re.fullmatch(rf"snapshots/sh/sh-{tb.peer_id(2)}-{DATE}\.snapshot", col_keys[0])
        assert local_files(tb) == []
        listed = {d["name"] for d in https[2].get("/snapshots").json()["result"]}
        assert listed == {full["name"], col_keys[0].rsplit("/", 1)[1]}  # everything under snapshots/
        data = check_download(https[2], f"/snapshots/{full['name']}", bucket, f"snapshots/{full['name']}")
        with tarfile.open(fileobj=io.BytesIO(data)) as t:
            members = t.getnames()
            assert members == [col_keys[0].rsplit("/", 1)[1], "config.json"]
            inner = t.extractfile(members[0]).read()
        assert inner == bucket.read(col_keys[0])
        r = https[2].delete(f"/snapshots/{full['name']}")
        assert r.status_code == 200 and bucket.keys() == col_keys
        r = https[2].get(f"/snapshots/{full['name']}", validate=False)
        assert r.status_code == 404


def test_part_size_and_times_follow_qdrant():
    assert chunk_size(0) == chunk_size(PART_SIZE * 10_000) == 50 * 1024 * 1024
    assert chunk_size(PART_SIZE * 10_000 + 1) == PART_SIZE + 1
    t = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    assert chrono_naive(t) == "2026-01-02T03:04:05"
    assert chrono_naive(t.replace(microsecond=120_000)) == "2026-01-02T03:04:05.120"
    assert chrono_naive(t.replace(microsecond=120_500)) == "2026-01-02T03:04:05.120500"
