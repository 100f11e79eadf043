"""`--checksum` and the fallback for stores that reject flexible-checksum headers: behind a proxy that answers
them like Backblaze B2 (checksumproxy.py, in front of `rclone serve s3`), a multipart copy, a backup, its verify and
a restore all succeed, every upload after the first rejection carries Content-MD5 (checked by the store), and the
bytes are verified end to end. `--checksum crc32c|md5|none` round-trip on moto."""
import hashlib
import json
import os
import uuid

import pytest

from checksumproxy import ChecksumRejectingProxy
from conftest import run
from qdrant_data import count, create_collection, start_testbed
from s3servers import moto_s3, rclone_s3  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(600)


def test_a_store_rejecting_checksum_headers_gets_content_md5(qsnap_bin, rclone_s3, tmp_path):
    bucket = "nock-" + uuid.uuid4().hex[:8]
    rclone_s3.make_bucket(bucket)
    with ChecksumRejectingProxy(rclone_s3.port) as proxy:
        env = rclone_s3.env() | {"AWS_ENDPOINT_URL": proxy.url}
        src = tmp_path / "big.bin"
        src.write_bytes(os.urandom(12 << 20))
        url = f"s3://{bucket}/files/big.bin"
        cp = run([qsnap_bin, "repo", "cp", "--part-size-mib", "5", str(src), url], env=env, timeout=240)
        assert cp.returncode == 0, cp.stderr.decode()
        assert b"does not accept x-amz-checksum-* headers" in cp.stderr
        assert proxy.rejected >= 1 and proxy.with_content_md5 >= 3  # Create was rejected once; 3 parts with MD5
        back = run([qsnap_bin, "repo", "cat", url], env=env, timeout=240)
        assert back.returncode == 0 and hashlib.sha256(back.stdout).digest() == hashlib.sha256(src.read_bytes()).digest()

        repo = f"s3://{bucket}/q"
        with start_testbed(tmp_path / "src", peers=1) as tb, start_testbed(tmp_path / "dst", peers=1) as target:
            create_collection(tb.urls[0], "docs", dim=16, points=300)
            before = proxy.rejected
            b = run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", repo, "--json"], env=env, timeout=300)
            assert b.returncode == 0, b.stderr.decode()
            assert proxy.rejected == before + 1, "one rejection per run, then Content-MD5 on every upload"
            backup_id = json.loads(b.stdout)["id"]
            v = run([qsnap_bin, "verify", backup_id, "--repo", repo, "--json"], env=env, timeout=300)
            assert v.returncode == 0 and json.loads(v.stdout)["ok"] is True, v.stderr.decode()
            r = run([qsnap_bin, "restore", backup_id, "--repo", repo, "--target", target.urls[0], "--json"],
                    env=env, timeout=300)
            assert r.returncode == 0, r.stderr.decode()
            assert count(target.urls[0], "docs") == 300


@pytest.mark.parametrize("choice", ["crc32c", "crc32", "sha256", "md5", "none"])
def test_checksum_choices_round_trip(qsnap_bin, moto_s3, tmp_path, choice):
    bucket = "ck-" + uuid.uuid4().hex[:8]
    moto_s3.make_bucket(bucket)
    src = tmp_path / "f.bin"
    src.write_bytes(os.urandom(11 << 20))
    url = f"s3://{bucket}/{choice}.bin"
    up = run([qsnap_bin, "repo", "cp", "-v", "--checksum", choice, "--part-size-mib", "5", str(src), url],
             env=moto_s3.env(), timeout=240)
    assert up.returncode == 0, up.stderr.decode()
    want = {"crc32c": "x-amz-checksum-crc32c", "crc32": "x-amz-checksum-crc32", "sha256": "x-amz-checksum-sha256",
            "md5": "Content-MD5", "none": "no checksum header"}[choice]
    assert want in up.stderr.decode()
    back = run([qsnap_bin, "repo", "cat", url], env=moto_s3.env(), timeout=240)
    assert back.returncode == 0 and back.stdout == src.read_bytes()
