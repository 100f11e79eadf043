"""S3 repository storage options on moto (IAM auth): SSE-KMS with a key id and a bucket key, a storage class and
object tags on every object of a backup (read back with boto3 `head_object` / `get_object_tagging`), recorded in
the manifest; verify, restore and presign keep working; bad values are usage errors."""
import json
import uuid

import pytest

from conftest import run
from qdrant_data import count, create_collection, start_testbed
from s3servers import moto_s3  # noqa: F401 (fixture)

pytestmark = pytest.mark.timeout(300)
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/0b8f2d5c-1111-2222-3333-444455556666"


def boto(s3):
    import boto3

    return boto3.client("s3", endpoint_url=s3.endpoint, region_name="us-east-1",
                        aws_access_key_id=s3.access_key, aws_secret_access_key=s3.secret_key)


def test_sse_kms_storage_class_and_tags_on_every_object(qsnap_bin, moto_s3, tmp_path):
    bucket = "sse-" + uuid.uuid4().hex[:8]
    moto_s3.make_bucket(bucket)
    repo = f"s3://{bucket}/enc"
    opts = ["--sse", "aws:kms", "--sse-kms-key-id", KMS_KEY, "--sse-bucket-key", "--storage-class", "STANDARD_IA",
            "--object-tag", "team=search", "--object-tag", "retention=30 days"]
    with start_testbed(tmp_path / "qdrant", peers=1) as tb, start_testbed(tmp_path / "target", peers=1) as target:
        create_collection(tb.urls[0], "docs", dim=8, points=200)
        r = run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", repo, "--json", *opts], env=moto_s3.env())
        assert r.returncode == 0, r.stderr.decode()
        backup_id = json.loads(r.stdout)["id"]
        # restore reads the encrypted objects back (no option needed: S3 decrypts SSE-S3/SSE-KMS itself)
        restored = run([qsnap_bin, "restore", backup_id, "--repo", repo, "--target", target.urls[0], "--json"],
                       env=moto_s3.env(), timeout=300)
        assert restored.returncode == 0, restored.stderr.decode()
        assert count(target.urls[0], "docs") == 200

    client = boto(moto_s3)
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix="enc/")["Contents"]]
    manifest_key = f"enc/backups/{backup_id}/manifest.json"
    assert manifest_key in keys and len(keys) >= 2
    for key in keys:
        head = client.head_object(Bucket=bucket, Key=key)
        assert head["ServerSideEncryption"] == "aws:kms", key
        assert head["SSEKMSKeyId"] == KMS_KEY, key
        assert head.get("BucketKeyEnabled") is True, key
        tags = {t["Key"]: t["Value"] for t in client.get_object_tagging(Bucket=bucket, Key=key)["TagSet"]}
        assert tags == {"team": "search", "retention": "30 days"}, key
        # the storage class applies to data objects; manifests stay STANDARD (moto omits STANDARD in HEAD)
        expected = "STANDARD" if key.endswith(".json") else "STANDARD_IA"
        assert head.get("StorageClass", "STANDARD") == expected, key

    manifest = json.loads(client.get_object(Bucket=bucket, Key=manifest_key)["Body"].read())
    assert manifest["storage"] == {
        "encryption": "aws:kms", "kmsKeyID": KMS_KEY, "bucketKeyEnabled": True, "storageClass": "STANDARD_IA",
        "objectTags": [{"key": "team", "value": "search"}, {"key": "retention", "value": "30 days"}]}

    v = run([qsnap_bin, "verify", backup_id, "--repo", repo, "--json"], env=moto_s3.env())
    assert v.returncode == 0 and json.loads(v.stdout)["ok"] is True, v.stderr.decode()
    data_key = next(o["key"] for o in manifest["objects"])
    p = run([qsnap_bin, "repo", "presign", "--expires", "300", f"{repo}/{data_key}"], env=moto_s3.env())
    assert p.returncode == 0, p.stderr.decode()
    assert "X-Amz-Signature=" in p.stdout.decode()  # (moto with IAM auth cannot serve presigned GETs: not fetched)


@pytest.mark.parametrize("args, word", [
    (["--sse", "rot13"], b"--sse"),
    (["--sse", "AES256", "--sse-kms-key-id", "k"], b"--sse-kms-key-id"),
    (["--storage-class", "DEEP_ARCHIVE"], b"restore request"),
    (["--object-tag", "novalue"], b"KEY=VALUE"),
])
def test_bad_storage_options_are_usage_errors(qsnap_bin, moto_s3, args, word):
    r = run([qsnap_bin, "repo", "ls", *args, "s3://any-bucket/"], env=moto_s3.env())
    assert r.returncode == 2 and word in r.stderr, r.stderr.decode()
