"""`qsnap backup`, `list`, `show`, `verify` against a 3-peer cluster of the Qdrant test double, into a local
directory and both S3 servers: manifest contents, byte-identity with what the nodes served, corrupt and truncated
downloads, and a backup killed with SIGKILL then resumed."""
import hashlib
import json
import os
import pathlib
import signal
import subprocess
import time

import pytest

from conftest import run
from qdrant_data import call, count, create_alias, create_collection, download, start_testbed
from s3servers import moto_s3, rclone_s3  # noqa: F401  (fixtures)

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Three peers; `docs` over 3 shards with 2 replicas each, `small` with one shard; alias prod → docs."""
    with start_testbed(tmp_path_factory.mktemp("cluster"), peers=3, version="1.18.2") as tb:
        base = tb.urls[0]
        create_collection(base, "docs", dim=32, shards=3, replication=2, points=900)
        create_collection(base, "small", dim=8, shards=1, replication=1, points=50, seed=2)
        create_alias(base, "prod", "docs")
        yield tb


def backup(qsnap_bin, tb, repo, *extra, env=None, timeout=300):
    return run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", repo, "--json", *extra],
               env=env, timeout=timeout)


def multipart_uploads(s3, bucket):
    """Unfinished multipart uploads in the bucket (rclone answers NoSuchUpload when there are none)."""
    r = s3.aws("s3api", "list-multipart-uploads", "--bucket", bucket, check=False)
    if r.returncode != 0:
        assert b"NoSuchUpload" in r.stderr, r.stderr.decode()
        return []
    return json.loads(r.stdout or b"{}").get("Uploads") or []


def check_manifest(tb, manifest):
    assert manifest["formatVersion"] == 1
    assert manifest["kind"] == "collection"
    assert manifest["source"]["qdrantVersion"] == "1.18.2"
    assert manifest["source"]["clusterEnabled"] is True
    peers = {tb.peer_id(i) for i in range(3)}
    assert {n["peerId"] for n in manifest["source"]["nodes"]} == peers
    cols = {c["name"]: c for c in manifest["collections"]}
    assert set(cols) == {"docs", "small"}
    assert cols["docs"]["pointsCount"] == 900 and cols["small"]["pointsCount"] == 50
    assert cols["docs"]["config"]["params"]["shard_number"] == 3
    assert cols["docs"]["config"]["params"]["vectors"]["dense"]["size"] == 32
    placement = {p["shardId"]: p["replicas"] for p in cols["docs"]["placement"]}
    assert sorted(placement) == [0, 1, 2] and all(len(r) == 2 for r in placement.values())
    assert manifest["aliases"] == [{"alias": "prod", "collection": "docs"}]
    samples = cols["docs"]["samples"]
    assert len(samples) == 16 and all(len(x["payloadSHA256"]) == 64 and len(x["vectorSHA256"]) == 64 for x in samples)
    assert manifest["checksumsVerifiedAgainstQdrant"] is True
    # docs: a snapshot on each of the 3 nodes; small: only on the node holding its shard
    objs = manifest["objects"]
    assert sorted(o["collection"] for o in objs) == ["docs", "docs", "docs", "small"]
    for o in objs:
        assert o["key"].startswith(f"backups/{manifest['id']}/objects/{o['collection']}/peer-{o['peerId']}/")
        assert len(o["sha256"]) == 64 and o["size"] > 0 and o["etag"]
        assert o["peerId"] in peers and o["nodeURL"] in tb.urls
    docs_shards = sorted(s for o in objs if o["collection"] == "docs" for s in o["shards"])
    assert docs_shards == [0, 0, 1, 1, 2, 2]
    text = json.dumps(manifest)
    assert "api-key" not in text.lower() and "secret" not in text.lower()


def test_local_directory_backup_is_byte_identical(qsnap_bin, cluster, tmp_path):
    repo = tmp_path / "repo"
    r = backup(qsnap_bin, cluster, str(repo), "--keep-server-snapshots")
    assert r.returncode == 0, r.stderr.decode()
    result = json.loads(r.stdout)
    manifest = json.loads((repo / "backups" / result["id"] / "manifest.json").read_text())
    check_manifest(cluster, manifest)
    for o in manifest["objects"]:
        stored = (repo / o["key"]).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == o["sha256"] and len(stored) == o["size"]
        served = download(f"{o['nodeURL']}/collections/{o['collection']}/snapshots/{o['snapshotName']}")
        assert served == stored, "stored object differs from what the node serves"
        call(f"{o['nodeURL']}/collections/{o['collection']}/snapshots/{o['snapshotName']}", "DELETE")
    assert not list(repo.rglob("progress.json")) and not list(repo.rglob("*.qsnap-partial-*"))

    v = run([qsnap_bin, "verify", result["id"], "--repo", str(repo), "--json"])
    assert v.returncode == 0, v.stderr.decode()
    assert json.loads(v.stdout)["ok"] is True
    s = run([qsnap_bin, "show", "latest", "--repo", str(repo), "--json"])
    assert json.loads(s.stdout)["id"] == result["id"]
    ls = run([qsnap_bin, "list", "--repo", str(repo), "--json"])
    assert [b["id"] for b in json.loads(ls.stdout)["backups"]] == [result["id"]]

    # tamper with one stored object: verify must fail with exit 4
    victim = repo / manifest["objects"][0]["key"]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    v = run([qsnap_bin, "verify", result["id"], "--repo", str(repo)])
    assert v.returncode == 4
    assert b"SHA-256" in v.stdout + v.stderr or b"corrupt" in v.stdout + v.stderr


def test_server_snapshots_are_deleted_after_upload(qsnap_bin, cluster, tmp_path):
    r = backup(qsnap_bin, cluster, str(tmp_path / "repo"), "--collection", "small")
    assert r.returncode == 0, r.stderr.decode()
    for url in cluster.urls:
        assert call(f"{url}/collections/small/snapshots")["result"] == []


@pytest.mark.parametrize("server", ["rclone", "moto"])
def test_s3_backup_is_byte_identical(qsnap_bin, cluster, server, request, tmp_path):
    s3 = request.getfixturevalue(f"{server}_s3")
    bucket = f"bk-{server}"
    s3.make_bucket(bucket)
    repo = f"s3://{bucket}/qdrant/prod"
    r = backup(qsnap_bin, cluster, repo, "--keep-server-snapshots", "--part-size-mib", "5", env=s3.env())
    assert r.returncode == 0, r.stderr.decode()
    backup_id = json.loads(r.stdout)["id"]
    got = tmp_path / "manifest.json"
    s3.aws("s3", "cp", f"s3://{bucket}/qdrant/prod/backups/{backup_id}/manifest.json", str(got))
    manifest = json.loads(got.read_text())
    check_manifest(cluster, manifest)
    for o in manifest["objects"]:
        local = tmp_path / "obj"
        s3.aws("s3", "cp", f"s3://{bucket}/qdrant/prod/{o['key']}", str(local))
        served = download(f"{o['nodeURL']}/collections/{o['collection']}/snapshots/{o['snapshotName']}")
        assert local.read_bytes() == served
        assert hashlib.sha256(served).hexdigest() == o["sha256"]
        call(f"{o['nodeURL']}/collections/{o['collection']}/snapshots/{o['snapshotName']}", "DELETE")
    assert not multipart_uploads(s3, bucket)
    v = run([qsnap_bin, "verify", "latest", "--repo", repo], env=s3.env())
    assert v.returncode == 0, v.stderr.decode()


def test_shard_kind_takes_one_active_replica_per_shard(qsnap_bin, cluster, tmp_path):
    repo = tmp_path / "repo"
    r = backup(qsnap_bin, cluster, str(repo), "--kind", "shard", "--collection", "docs")
    assert r.returncode == 0, r.stderr.decode()
    manifest = json.loads((repo / "backups" / json.loads(r.stdout)["id"] / "manifest.json").read_text())
    assert manifest["kind"] == "shard"
    assert sorted(o["shardId"] for o in manifest["objects"]) == [0, 1, 2]
    placement = {p["shardId"]: {x["peerId"] for x in p["replicas"] if x["state"] == "Active"}
                 for p in manifest["collections"][0]["placement"]}
    for o in manifest["objects"]:
        assert o["peerId"] in placement[o["shardId"]]
        assert o["key"].endswith(f"/docs/shard-{o['shardId']}/{o['snapshotName']}")


def test_full_kind_is_refused_in_a_cluster(qsnap_bin, cluster, tmp_path):
    r = backup(qsnap_bin, cluster, str(tmp_path / "repo"), "--kind", "full")
    assert r.returncode == 3
    assert b"distributed" in r.stderr


def test_full_kind_on_a_single_node(qsnap_bin, tmp_path):
    with start_testbed(tmp_path / "single", peers=1) as tb:
        create_collection(tb.urls[0], "one", points=30)
        create_alias(tb.urls[0], "live", "one")
        repo = tmp_path / "repo"
        r = backup(qsnap_bin, tb, str(repo), "--kind", "full")
        assert r.returncode == 0, r.stderr.decode()
        manifest = json.loads((repo / "backups" / json.loads(r.stdout)["id"] / "manifest.json").read_text())
        assert manifest["source"]["clusterEnabled"] is False
        (obj,) = manifest["objects"]
        assert obj["snapshotName"].startswith("full-snapshot-")
        i = run([qsnap_bin, "inspect", "--json", str(repo / obj["key"])])
        doc = json.loads(i.stdout)
        assert doc["kind"] == "full" and doc["aliases"] == {"live": "one"}

        # the default kind on a standalone node: one collection snapshot, shards attributed to the node's peer id
        r = backup(qsnap_bin, tb, str(repo), "--kind", "collection")
        assert r.returncode == 0, r.stderr.decode()
        manifest = json.loads((repo / "backups" / json.loads(r.stdout)["id"] / "manifest.json").read_text())
        (obj,) = manifest["objects"]
        assert obj["collection"] == "one" and obj["shards"] == [0]
        assert obj["peerId"] == manifest["collections"][0]["placement"][0]["replicas"][0]["peerId"]
        assert manifest["collections"][0]["pointsCount"] == 30


@pytest.mark.parametrize("fault", [{"corrupt_downloads": {"offset": 700, "path": ".*"}},
                                   {"truncate_downloads": {"after_bytes": 3000, "path": ".*"}}],
                         ids=["corrupt", "truncated"])
def test_bad_download_is_never_recorded_as_good(qsnap_bin, cluster, tmp_path, fault):
    repo = tmp_path / "repo"
    cluster.admin(0).set_faults(fault)
    try:
        r = backup(qsnap_bin, cluster, str(repo), "--collection", "small")
    finally:
        cluster.admin(0).clear_faults()
    assert r.returncode in (1, 4), r.stderr.decode()
    if "corrupt" in fault:
        assert r.returncode == 4 and b"SHA-256" in r.stderr
    assert not list(repo.rglob("manifest.json")), "a failed backup must not have a manifest"
    assert not list(repo.rglob("*.snapshot")), "no object may be stored from a bad download"
    assert not list(repo.rglob("*.qsnap-partial-*"))
    ls = json.loads(run([qsnap_bin, "list", "--repo", str(repo), "--json"]).stdout)
    assert ls["backups"] == []


def test_killed_backup_resumes_without_reuploading(qsnap_bin, tmp_path, rclone_s3):
    """SIGKILL mid-way (S3, multipart parts of 1 MiB), then a re-run: finished objects are reused, no orphan upload."""
    bucket = "resume"
    rclone_s3.make_bucket(bucket)
    repo = f"s3://{bucket}/r"
    env = rclone_s3.env()
    with start_testbed(tmp_path / "tb", peers=3) as tb:
        create_collection(tb.urls[0], "big", dim=128, shards=3, replication=2, points=6000)
        tb.admin(0).set_faults({"latency_ms": 150})
        proc = subprocess.Popen([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", repo, "--parallel", "1",
                                 "--part-size-mib", "1", "--concurrency", "2"],
                                env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        journal = None
        deadline = time.time() + 240
        while time.time() < deadline and proc.poll() is None:
            listing = rclone_s3.aws("s3", "ls", "--recursive", f"s3://{bucket}/r/backups/", check=False).stdout.decode()
            keys = [line.split()[-1] for line in listing.splitlines() if line.strip()]
            prog = [k for k in keys if k.endswith("progress.json")]
            if prog:
                local = tmp_path / "progress.json"
                rclone_s3.aws("s3", "cp", f"s3://{bucket}/{prog[0]}", str(local), check=False)
                try:
                    journal = json.loads(local.read_text())
                except (OSError, ValueError):
                    journal = None
                if journal and len(journal["finished"]) >= 1:
                    break
            time.sleep(0.2)
        assert proc.poll() is None, "the backup ended before it could be interrupted: " + proc.stderr.read().decode()[-2000:]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert journal and len(journal["finished"]) >= 1
        first_keys = {f["object"]["key"] for f in journal["finished"]}
        assert not rclone_s3.aws("s3", "ls", "--recursive", f"s3://{bucket}/r/", check=False).stdout.decode().count("manifest.json")

        tb.admin(0).clear_faults()
        r = run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", repo, "--json", "--part-size-mib", "1"],
                env=env, timeout=300)
        assert r.returncode == 0, r.stderr.decode()
        result = json.loads(r.stdout)
        assert result["resumed"] is True and result["id"] == journal["id"]
        assert result["reusedObjects"] >= len(first_keys)
        local = tmp_path / "manifest.json"
        rclone_s3.aws("s3", "cp", f"s3://{bucket}/r/backups/{result['id']}/manifest.json", str(local))
        manifest = json.loads(local.read_text())
        assert first_keys <= {o["key"] for o in manifest["objects"]}
        assert len(manifest["objects"]) == 3
        assert not multipart_uploads(rclone_s3, bucket), "an orphan multipart upload was left behind"
        listing = rclone_s3.aws("s3", "ls", "--recursive", f"s3://{bucket}/r/backups/").stdout.decode()
        stored = {line.split()[-1] for line in listing.splitlines() if line.endswith(".snapshot")}
        assert stored == {f"r/{o['key']}" for o in manifest["objects"]}, "stray objects remain"
        assert "progress.json" not in listing
        v = run([qsnap_bin, "verify", result["id"], "--repo", repo], env=env)
        assert v.returncode == 0, v.stderr.decode()
        for url in tb.urls:
            assert call(f"{url}/collections/big/snapshots")["result"] == [], "server-side snapshots left behind"
