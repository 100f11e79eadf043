"""Restores from S3 repositories by presigned URL, the default (`--transport auto`), end to end on every S3 server of
the suite: the node downloads the object itself (no upload request reaches it), after qsnap inspected it once.

moto_server with IAM auth answers every presigned GET with a 500 (it looks for an `Authorization` header that a
presigned request does not have — a moto defect, seen with boto3's URLs too): there the node's recovery fails and
`auto` uploads the object instead, which is what a node that cannot reach the store gets."""
import json
import uuid

import pytest

from conftest import run
from faultproxy import FaultProxy
from qdrant_data import count, create_collection, scroll_all, start_testbed
from s3servers import moto_s3, rclone_s3, rclone_tls_s3  # noqa: F401  (fixtures)

pytestmark = pytest.mark.timeout(600)


@pytest.mark.parametrize("server_name", ["rclone", "rclone_tls", "moto"])
def test_auto_restores_by_presigned_url(qsnap_bin, request, server_name, tmp_path):
    s3 = request.getfixturevalue(f"{server_name}_s3")
    bucket = "pre-" + uuid.uuid4().hex[:8]
    s3.make_bucket(bucket)
    repo = f"s3://{bucket}/q"
    # The node trusts the store's certificate the way a deployment would (its CA in the process's trust store).
    node_env = {"SSL_CERT_FILE": s3.ca_bundle} if getattr(s3, "ca_bundle", None) else None
    with start_testbed(tmp_path / "tb", peers=1, s3_env=node_env) as tb:
        create_collection(tb.urls[0], "docs", dim=16, points=700)
        r = run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", repo, "--json", "--lock-settle", "0.2"],
                env=s3.env(), timeout=300)
        assert r.returncode == 0, r.stderr.decode()
        backup_id = json.loads(r.stdout)["id"]
        expected = scroll_all(tb.urls[0], "docs")

        proxy = FaultProxy(int(tb.urls[0].rsplit(":", 1)[1]), flavor="qdrant").start()
        try:
            r = run([qsnap_bin, "restore", backup_id, "--repo", repo, "--target", proxy.url, "--collection", "docs",
                     "--as", "docs-restored", "--alias", "docs-live", "--json"], env=s3.env(), timeout=300)
            uploaded = proxy.bytes_up
        finally:
            proxy.stop()
        assert r.returncode == 0, r.stderr.decode()
        result = json.loads(r.stdout)
        assert result["transport"] == "url"
        size = sum(rec["bytes"] for c in result["collections"] for rec in c["recoveries"])
        if server_name == "moto":
            # The node could not fetch the URL: qsnap said so and uploaded the object instead.
            assert b"could not recover" in r.stderr and b"uploading it instead" in r.stderr, r.stderr.decode()
            assert uploaded >= size
        else:
            # The node fetched the snapshot itself: nothing near its size went to the node through qsnap.
            assert uploaded < size / 10, f"{uploaded} bytes sent to the node for a {size}-byte snapshot"
        assert count(tb.urls[0], "docs-live") == 700
        assert scroll_all(tb.urls[0], "docs-live") == expected
        # The presigned URL (a secret) is in no output.
        assert b"X-Amz-Signature" not in r.stdout + r.stderr
