"""Crash-resume: 20 backups into S3 (rclone, 1 MiB multipart parts) from a 2-peer cluster, each killed with SIGKILL at
a seeded random time offset, then run again. Every re-run must complete; afterwards the repository holds no corrupt
object (each object's SHA-256 and size against its manifest, and `qsnap verify` of every backup), no open multipart
upload, no manifest of an incomplete backup (every manifest's objects all present; no journal left; no stray
object), and the nodes keep no server-side snapshot."""
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time

import boto3
import pytest

from conftest import run
from qdrant_data import call, create_collection, start_testbed
from s3servers import rclone_s3  # noqa: F401  (fixture)

pytestmark = pytest.mark.timeout(420)

RUNS = 20
SEED = 20261121
BUCKET = "crash"


def backup_cmd(qsnap_bin, tb):
    return [qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", f"s3://{BUCKET}/r", "--json",
            "--part-size-mib", "1", "--concurrency", "2", "--parallel", "2"]


def test_kill_nine_at_random_points_then_resume(qsnap_bin, rclone_s3, tmp_path):
    rclone_s3.make_bucket(BUCKET)
    env = rclone_s3.env()
    client = boto3.client("s3", endpoint_url=rclone_s3.endpoint, region_name="us-east-1",
                          aws_access_key_id=rclone_s3.access_key, aws_secret_access_key=rclone_s3.secret_key)
    rng = random.Random(SEED)
    figures = {"killed": 0, "finished_before_kill": 0, "resumed": 0, "reused_objects": 0}
    with start_testbed(tmp_path / "tb", peers=2) as tb:
        # `docs`: one shard per peer, ~1.6 MiB snapshots (two parts each); `small`: one shard
        create_collection(tb.urls[0], "docs", dim=128, shards=2, points=3000, seed=7)
        create_collection(tb.urls[0], "small", dim=8, points=60, seed=8)

        t0 = time.monotonic()
        first = run(backup_cmd(qsnap_bin, tb), env=env, timeout=120)
        duration = time.monotonic() - t0
        assert first.returncode == 0, first.stderr.decode()
        expected_backups = 1

        for i in range(RUNS):
            offset = rng.uniform(0.05, 0.95) * duration
            log = open(tmp_path / f"killed-{i}.log", "wb")
            proc = subprocess.Popen(backup_cmd(qsnap_bin, tb), env={**os.environ, **env}, stdout=log, stderr=log,
                                    start_new_session=True)
            time.sleep(offset)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                figures["killed"] += 1
            else:
                assert proc.returncode == 0
                figures["finished_before_kill"] += 1
                expected_backups += 1
            proc.wait()
            log.close()
            r = run(backup_cmd(qsnap_bin, tb), env=env, timeout=120)
            assert r.returncode == 0, f"re-run {i} (kill at {offset:.2f}s) failed: {r.stderr.decode()}"
            result = json.loads(r.stdout)
            figures["resumed"] += bool(result.get("resumed"))
            figures["reused_objects"] += int(result.get("reusedObjects") or 0)
            expected_backups += 1

        # the repository
        keys = []
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="r/backups/"):
            keys += [(o["Key"], o["Size"]) for o in page.get("Contents", [])]
        manifests = sorted(k for k, _ in keys if k.endswith("/manifest.json"))
        assert len(manifests) == expected_backups, (len(manifests), expected_backups, figures)
        assert not [k for k, _ in keys if k.endswith("progress.json")], "a resume journal was left behind"
        sizes = dict(keys)
        referenced = set(manifests)
        for m in manifests:
            manifest = json.loads(client.get_object(Bucket=BUCKET, Key=m)["Body"].read())
            assert {c["name"] for c in manifest["collections"]} == {"docs", "small"}
            assert len(manifest["objects"]) == 3
            for o in manifest["objects"]:
                key = f"r/{o['key']}"
                referenced.add(key)
                assert sizes.get(key) == o["size"], f"{key}: missing or wrong size"
                data = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
                assert hashlib.sha256(data).hexdigest() == o["sha256"], f"{key} is corrupt"
        stray = [k for k, _ in keys if k not in referenced and not k.endswith("verification.json")]
        assert not stray, f"objects of no complete backup remain: {stray[:5]}"
        try:
            uploads = client.list_multipart_uploads(Bucket=BUCKET).get("Uploads") or []
        except client.exceptions.ClientError as e:  # rclone: NoSuchUpload when there are none
            assert e.response["Error"]["Code"] == "NoSuchUpload", e
            uploads = []
        assert not uploads, f"orphan multipart uploads: {uploads[:3]}"
        ls = run([qsnap_bin, "list", "--repo", f"s3://{BUCKET}/r", "--json"], env=env)
        ids = [b["id"] for b in json.loads(ls.stdout)["backups"]]
        assert len(ids) == expected_backups
        for backup_id in ids:
            v = run([qsnap_bin, "verify", backup_id, "--repo", f"s3://{BUCKET}/r"], env=env, timeout=120)
            assert v.returncode == 0, f"verify {backup_id}: {v.stdout.decode()} {v.stderr.decode()}"
        for url in tb.urls:
            for c in ("docs", "small"):
                assert call(f"{url}/collections/{c}/snapshots")["result"] == [], f"server snapshots left on {url}"

    line = (f"crash-resume: {RUNS} backups killed with SIGKILL at seeded offsets (0.05–0.95 × {duration:.1f}s): "
            f"{figures['killed']} killed mid-run, {figures['finished_before_kill']} finished first; {RUNS} re-runs "
            f"completed ({figures['resumed']} resumed, {figures['reused_objects']} objects reused); "
            f"{len(ids)} backups verified, 0 orphan uploads")
    print("\n" + line, file=sys.stderr)
    from secretscan import add_figure

    add_figure(line)
