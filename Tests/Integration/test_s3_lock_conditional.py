"""The repository lock with S3 conditional writes: on moto (which honours `If-None-Match: *` and `If-Match`) 20
backups started at once against one repository end with exactly one holder — one backup completes, nineteen are
refused with exit 5 naming it — and the lock object names its mechanism (`conditional-write`). A store found not
to honour them keeps the write-settle-read-back lock and says so."""
import json
import os
import signal
import subprocess
import time
import uuid

import pytest

from qdrant_data import create_collection, start_testbed
from s3servers import moto_s3, rclone_s3  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(600)


def boto(s3):
    import boto3

    return boto3.client("s3", endpoint_url=s3.endpoint, region_name="us-east-1",
                        aws_access_key_id=s3.access_key, aws_secret_access_key=s3.secret_key)


def test_twenty_concurrent_lock_attempts_have_exactly_one_holder(qsnap_bin, moto_s3, tmp_path):
    bucket = "cond-" + uuid.uuid4().hex[:8]
    moto_s3.make_bucket(bucket)
    repo = f"s3://{bucket}/r"
    client = boto(moto_s3)
    env = dict(os.environ, **moto_s3.env())
    with start_testbed(tmp_path / "qdrant", peers=1) as tb:
        create_collection(tb.urls[0], "docs", dim=16, points=200)
        create_collection(tb.urls[0], "more", dim=8, points=50, seed=2)
        tb.admin(0).set_faults({"latency_ms": 400})  # the holder's backup lasts while the others try
        procs = [subprocess.Popen([qsnap_bin, "backup", "-v", "--qdrant", tb.urls[0], "--to", repo, "--json",
                                   "--wait-lock", "0", "--parallel", "1"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
                 for _ in range(20)]
        lock_seen = None
        deadline = time.time() + 60
        while lock_seen is None and time.time() < deadline:
            try:
                lock_seen = json.loads(client.get_object(Bucket=bucket, Key="r/locks/repository.json")["Body"].read())
            except client.exceptions.NoSuchKey:
                time.sleep(0.1)
        results = []
        for p in procs:
            try:
                out, err = p.communicate(timeout=240)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                out, err = p.communicate()
            results.append((p.returncode, out, err))
        tb.admin(0).clear_faults()

    codes = sorted(code for code, _, _ in results)
    assert codes == [0] + [5] * 19, [(c, e.decode()[-300:]) for c, _, e in results if c not in (0, 5)]
    winner = next(json.loads(out) for code, out, _ in results if code == 0)
    for code, _, err in results:
        if code == 5:
            assert b"locked by" in err or b"repository is locked" in err, err.decode()[-500:]
        assert b"conditional writes (If-None-Match / If-Match)" in err, err.decode()[-500:]
    assert lock_seen is not None and lock_seen["mechanism"] == "conditional-write"
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix="r/").get("Contents", [])]
    assert "r/locks/repository.json" not in keys, "the holder released the lock"
    assert not [k for k in keys if "conditional-write-probe" in k], "probe objects are removed"
    assert [k for k in keys if k.endswith("/manifest.json")] == [f"r/backups/{winner['id']}/manifest.json"]


def test_a_store_without_conditional_writes_keeps_the_read_back_lock(qsnap_bin, rclone_s3, tmp_path):
    bucket = "nocond-" + uuid.uuid4().hex[:8]
    rclone_s3.make_bucket(bucket)
    policy = tmp_path / "p.yaml"
    policy.write_text("keep-last: 3\n")
    r = subprocess.run([qsnap_bin, "prune", "-v", "--repo", f"s3://{bucket}/r", "--policy", str(policy), "--yes"],
                       env=dict(os.environ, **rclone_s3.env()), capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    err = r.stderr.decode()
    assert "repository lock on" in err
    # rclone serve s3 does not honour If-None-Match / If-Match: detected, and the read-back lock is kept
    assert "write, settle, read back (the store has no conditional writes)" in err
