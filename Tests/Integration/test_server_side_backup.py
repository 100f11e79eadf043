"""Backups where the nodes write their snapshots to S3 themselves (the double's S3 snapshot storage, as Qdrant's
`snapshots_storage: s3`): qsnap only orchestrates — every byte qsnap's process sends or receives passes counting
proxies (one in front of each node, one in front of the store) and stays under 1% of the backup — then the backup
verifies (recording the SHA-256 Qdrant could not report) and restores from presigned URLs; against rclone (no
UploadPartCopy: one CopyObject) and moto (UploadPartCopy parts)."""
import json
import uuid

import pytest

from conftest import run
from faultproxy import FaultProxy
from qdrant_data import count, create_collection, scroll_all, start_testbed
from s3servers import moto_s3, rclone_s3, s3_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def setup(s3_server, tmp_path_factory):
    """A 3-node double storing snapshots on `s3_server`; `docs` (3 shards) large enough that the orchestration
    overhead is measurable against it. rclone: the nodes write into the repository's bucket; moto: their own."""
    repo_bucket = "ssb-" + uuid.uuid4().hex[:8]
    s3_server.make_bucket(repo_bucket)
    nodes_bucket = repo_bucket
    if s3_server.name == "moto":
        nodes_bucket = "ssn-" + uuid.uuid4().hex[:8]
        s3_server.make_bucket(nodes_bucket)
    with start_testbed(tmp_path_factory.mktemp("ssb"), peers=3, snapshots_s3_bucket=nodes_bucket,
                       snapshots_s3_endpoint=s3_server.endpoint, s3_env=s3_server.env()) as tb:
        create_collection(tb.urls[0], "docs", dim=384, shards=3, replication=1, points=12000)
        yield {"tb": tb, "repo_bucket": repo_bucket, "nodes_bucket": nodes_bucket}


def node_objects(s3, bucket):
    r = s3.aws("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "snapshots/")
    return [o["Key"] for o in (json.loads(r.stdout or b"{}").get("Contents") or [])]


def test_nodes_write_to_s3_and_the_store_copies_into_the_repository(qsnap_bin, s3_server, setup, tmp_path):
    tb, bucket = setup["tb"], setup["repo_bucket"]
    repo = f"s3://{bucket}/qdrant"
    s3_proxy = FaultProxy(s3_server.port).start()
    node_proxies = [FaultProxy(int(url.rsplit(":", 1)[1]), flavor="qdrant").start() for url in tb.urls]
    try:
        env = dict(s3_server.env(), AWS_ENDPOINT_URL=s3_proxy.url)
        args = [qsnap_bin, "backup", "--qdrant", ",".join(p.url for p in node_proxies), "--to", repo, "--json",
                "--lock-settle", "0.2"]
        if setup["nodes_bucket"] != bucket:
            # moto: the nodes' own bucket, and parts small enough that UploadPartCopy is exercised
            args += ["--snapshots-bucket", setup["nodes_bucket"], "--server-side", "--copy-part-size-mib", "5"]
        r = run(args, env=env, timeout=600)
        assert r.returncode == 0, r.stderr.decode()
        result = json.loads(r.stdout)
        moved = s3_proxy.bytes_up + s3_proxy.bytes_down + sum(p.bytes_up + p.bytes_down for p in node_proxies)
    finally:
        s3_proxy.stop()
        for p in node_proxies:
            p.stop()
    assert result["objects"] == 3 and result["serverSideCopies"] == 3, result
    assert result["bytes"] > 5 << 20
    # Orchestration only: snapshot requests, HEADs, copies, the journal, the lock and the manifest.
    assert moved < result["bytes"] / 100, f"{moved} bytes through qsnap for a {result['bytes']}-byte backup"
    if s3_server.name == "moto":
        # Objects over --copy-part-size-mib went up as UploadPartCopy parts (the store's request log).
        log = open(s3_server.log.name, "rb").read()
        assert f"PUT /{bucket}/qdrant/backups/{result['id']}/".encode() in log
        assert any(b"partNumber=2" in line and f"/{bucket}/qdrant/backups/".encode() in line
                   for line in log.splitlines()), "no multipart copy"
    # The nodes' snapshots were deleted through Qdrant's API once copied.
    assert node_objects(s3_server, setup["nodes_bucket"]) == [], r.stderr.decode()

    manifest = json.loads(run([qsnap_bin, "show", result["id"], "--repo", repo, "--json"],
                              env=s3_server.env(), check=True).stdout)
    objects = manifest.get("manifest", manifest)["objects"]
    assert all("sha256" not in o and o["copiedFrom"].startswith(f"s3://{setup['nodes_bucket']}/snapshots/docs/")
               for o in objects), objects

    # Restoring an unverified copy: qsnap reads and inspects each object once, the nodes pull presigned URLs.
    r = run([qsnap_bin, "restore", result["id"], "--repo", repo, "--target", ",".join(tb.urls), "--collection", "docs",
             "--as", "docs-before-verify", "--alias", "before-verify", "--json"], env=s3_server.env(), timeout=600)
    assert r.returncode == 0, r.stderr.decode()
    assert json.loads(r.stdout)["transport"] == "url"
    assert count(tb.urls[0], "before-verify") == 12000

    # verify reads every object once and records the SHA-256 in the manifest.
    v = run([qsnap_bin, "verify", result["id"], "--repo", repo, "--json", "--lock-settle", "0.2"],
            env=s3_server.env(), timeout=600)
    assert v.returncode == 0, v.stderr.decode()
    outcome = json.loads(v.stdout)
    assert outcome["ok"] and outcome["recorded"] == 3 and outcome["unrecorded"] == []
    manifest = json.loads(run([qsnap_bin, "show", result["id"], "--repo", repo, "--json"],
                              env=s3_server.env(), check=True).stdout)
    recorded = {o["key"]: o["sha256"] for o in manifest.get("manifest", manifest)["objects"]}
    assert recorded == {o["key"]: o["sha256"] for o in outcome["objects"]}
    again = json.loads(run([qsnap_bin, "verify", result["id"], "--repo", repo, "--json"],
                           env=s3_server.env(), check=True).stdout)
    assert again["ok"] and again["recorded"] == 0

    # ...and the verified backup restores by presigned URL, checked against the recorded SHA-256.
    r = run([qsnap_bin, "restore", result["id"], "--repo", repo, "--target", ",".join(tb.urls), "--collection", "docs",
             "--as", "docs-verified", "--alias", "verified", "--json"], env=s3_server.env(), timeout=600)
    assert r.returncode == 0, r.stderr.decode()
    assert json.loads(r.stdout)["transport"] == "url"
    assert count(tb.urls[0], "verified") == 12000
    assert scroll_all(tb.urls[0], "verified") == scroll_all(tb.urls[0], "before-verify")


def test_server_side_is_refused_where_it_cannot_apply(qsnap_bin, s3_server, setup, tmp_path):
    tb = setup["tb"]
    # A directory repository cannot receive a server-side copy: refused before any snapshot is taken.
    r = run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", str(tmp_path / "repo"), "--server-side", "--json"],
            env=s3_server.env())
    assert r.returncode == 2
    error = json.loads(r.stdout)["error"]
    assert error["code"] == "backup.server-side" and "S3 repository" in error["error"]
    # A wrong snapshot bucket: --server-side names what to pass; nothing is recorded.
    other = "ssx-" + uuid.uuid4().hex[:8]
    s3_server.make_bucket(other)
    r = run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", f"s3://{other}/q", "--server-side", "--json",
             "--snapshots-bucket", other, "--lock-settle", "0.2"], env=s3_server.env(), timeout=300)
    assert r.returncode == 2, r.stderr.decode()
    error = json.loads(r.stdout)["error"]
    assert error["code"] == "backup.server-side" and "--snapshots-bucket" in error["error"]
    r = s3_server.aws("s3api", "list-objects-v2", "--bucket", other)
    keys = [o["Key"] for o in (json.loads(r.stdout or b"{}").get("Contents") or [])]
    assert not any(k.endswith("/manifest.json") for k in keys), keys
