"""Immutable backups with S3 Object Lock on moto (IAM auth, a lock-enabled bucket): `--object-lock governance
--retain-days N` puts a retention on every object of a backup (data and manifest, read back with boto3
`head_object`), records it in the manifest, and `prune --yes` / `forget` never try to delete a locked backup: prune
keeps it and says until when, forget refuses (exit 3) and names the date."""
import datetime as dt
import json
import uuid

import pytest

from conftest import run
from qdrant_data import create_collection, start_testbed
from s3servers import moto_s3  # noqa: F401 (fixture)

pytestmark = pytest.mark.timeout(300)


def test_object_lock_backup_is_kept_by_prune_and_refused_by_forget(qsnap_bin, moto_s3, tmp_path):
    import boto3

    client = boto3.client("s3", endpoint_url=moto_s3.endpoint, region_name="us-east-1",
                          aws_access_key_id=moto_s3.access_key, aws_secret_access_key=moto_s3.secret_key)
    bucket = "lock-" + uuid.uuid4().hex[:8]
    client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    repo = f"s3://{bucket}/immutable"
    env = moto_s3.env()
    with start_testbed(tmp_path / "qdrant", peers=1) as tb:
        create_collection(tb.urls[0], "docs", dim=8, points=120)
        locked = run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", repo, "--json",
                      "--object-lock", "governance", "--retain-days", "2"], env=env)
        assert locked.returncode == 0, locked.stderr.decode()
        locked_id = json.loads(locked.stdout)["id"]
        plain = run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", repo, "--json"], env=env)
        assert plain.returncode == 0, plain.stderr.decode()
        plain_id = json.loads(plain.stdout)["id"]

    prefix = f"immutable/backups/{locked_id}/"
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]]
    assert prefix + "manifest.json" in keys and any("/objects/" in k for k in keys)
    soon = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=2)
    for key in keys:
        head = client.head_object(Bucket=bucket, Key=key)
        assert head["ObjectLockMode"] == "GOVERNANCE", key
        assert abs((head["ObjectLockRetainUntilDate"] - soon).total_seconds()) < 600, key
    manifest = json.loads(client.get_object(Bucket=bucket, Key=prefix + "manifest.json")["Body"].read())
    assert manifest["storage"]["objectLock"]["mode"] == "GOVERNANCE"
    until = manifest["storage"]["objectLock"]["retainUntil"]

    # keep-last 1 would forget the locked (older) backup: prune keeps it, reports until when, deletes nothing of it
    policy = tmp_path / "p.yaml"
    policy.write_text("keep-last: 1\n")
    pruned = run([qsnap_bin, "prune", "--repo", repo, "--policy", str(policy), "--yes", "--json"], env=env)
    assert pruned.returncode == 0, pruned.stderr.decode()
    report = json.loads(pruned.stdout)
    assert report["deleted"] == []
    text = run([qsnap_bin, "prune", "--repo", repo, "--policy", str(policy)], env=env).stdout.decode()
    assert f"object lock until {until}" in text, text
    def markers():  # delete markers on the locked objects (the backup's own journal was deleted, unlocked, at its end)
        versions = client.list_object_versions(Bucket=bucket, Prefix=prefix)
        return [m["Key"] for m in versions.get("DeleteMarkers", []) if m["Key"] in keys]

    assert not markers(), "prune tried to delete locked objects"
    assert sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]) == sorted(keys)

    # forget refuses (even with --force): exit 3, names the date; nothing is touched
    forget = run([qsnap_bin, "forget", locked_id, "--repo", repo, "--yes", "--force"], env=env)
    assert forget.returncode == 3, forget.stderr.decode()
    assert b"Object Lock" in forget.stderr and until.encode() in forget.stderr
    assert not markers()

    # the unlocked backup is still forgettable, and the locked one still verifies
    ok = run([qsnap_bin, "forget", plain_id, "--repo", repo, "--yes"], env=env)
    assert ok.returncode == 0, ok.stderr.decode()
    v = run([qsnap_bin, "verify", locked_id, "--repo", repo], env=env)
    assert v.returncode == 0, v.stderr.decode()


@pytest.mark.parametrize("args", [["--object-lock", "governance"], ["--retain-days", "3"],
                                  ["--object-lock", "forever", "--retain-days", "3"]])
def test_object_lock_options_need_each_other(qsnap_bin, moto_s3, args):
    r = run([qsnap_bin, "repo", "ls", *args, "s3://any-bucket/"], env=moto_s3.env())
    assert r.returncode == 2 and b"--" in r.stderr, r.stderr.decode()


@pytest.mark.parametrize("checksum", ["none", "md5", "crc32c"])
def test_object_lock_uploads_carry_the_checksum_it_requires(qsnap_bin, moto_s3, tmp_path, checksum):
    """Object Lock needs Content-MD5 or x-amz-sdk-checksum-algorithm on every upload: with `--checksum none` qsnap
    sends Content-MD5 for locked objects (moto answers 400 otherwise), single and multipart (moto checks the
    single PutObject; it keeps no retention for multipart uploads, so only their success is checked)."""
    import boto3

    client = boto3.client("s3", endpoint_url=moto_s3.endpoint, region_name="us-east-1",
                          aws_access_key_id=moto_s3.access_key, aws_secret_access_key=moto_s3.secret_key)
    bucket = "lockck-" + uuid.uuid4().hex[:8]
    client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    for name, size in (("small.bin", 1000), ("big.bin", 11 << 20)):
        src = tmp_path / name
        src.write_bytes(bytes(range(256)) * (size // 256))
        r = run([qsnap_bin, "repo", "cp", "--checksum", checksum, "--part-size-mib", "5", "--object-lock", "compliance",
                 "--retain-days", "1", str(src), f"s3://{bucket}/{name}"], env=moto_s3.env(), timeout=240)
        assert r.returncode == 0, r.stderr.decode()
        if name == "small.bin":  # moto drops the retention of multipart uploads at Complete (AWS keeps it)
            assert client.head_object(Bucket=bucket, Key=name)["ObjectLockMode"] == "COMPLIANCE"
