"""`qsnap doctor`: one checklist over source, target and repository; PASS/WARN/FAIL with the figures, exit 0 or 3,
probe objects removed, no secret printed."""
import json
import uuid

import pytest

from conftest import run
from qdrant_data import call, create_collection, start_testbed
from s3servers import moto_s3  # noqa: F401 (fixture)

pytestmark = pytest.mark.timeout(300)

KEY, RO = "doctor-manage-key-0123456789abcdef", "doctor-read-only-key-0123456789ab"


def by(report, scope, check):
    return next(c for c in report["checks"] if c["scope"] == scope and c["check"] == check)


def test_doctor_checks_source_target_and_an_s3_repository(qsnap_bin, tmp_path, moto_s3):
    bucket = "doctor-" + uuid.uuid4().hex[:8]
    moto_s3.make_bucket(bucket)
    with start_testbed(tmp_path / "src", peers=3, version="1.17.3") as src, \
            start_testbed(tmp_path / "dst", peers=1, version="1.18.0", api_key=KEY, read_only_api_key=RO,
                          disk_size=100 * 2**30, disk_usage_percent=10) as dst:
        create_collection(src.urls[0], "docs", dim=8, shards=3, points=100)
        env = dict(moto_s3.env(), DST=KEY)
        cmd = [qsnap_bin, "doctor", "--qdrant", src.urls[0], "--target", dst.urls[0], "--target-api-key-env", "DST",
               "--repo", f"s3://{bucket}/prod", "--json"]
        r = run(cmd, env=env)
        assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
        report = json.loads(r.stdout)
        assert report["verdict"] in ("ok", "warnings")
        assert by(report, "source", "nodes")["detail"].startswith("3 node(s)")  # found from one URL
        assert by(report, "source", "health")["status"] == "PASS"
        assert by(report, "source", "tls")["status"] == "WARN"  # plain http
        assert by(report, "source", "auth")["status"] == "WARN"  # no key: open server
        assert by(report, "target", "auth")["status"] == "PASS" and "manage" in by(report, "target", "auth")["detail"]
        assert by(report, "source→target", "versions")["status"] == "PASS"
        assert by(report, "repository", "put/get/list/delete")["status"] == "PASS"
        assert by(report, "repository", "multipart")["status"] == "PASS"
        assert by(report, "repository", "clock")["status"] == "PASS"
        assert KEY not in r.stdout.decode() + r.stderr.decode()
        # nothing left behind in the repository
        listing = run([qsnap_bin, "repo", "ls", f"s3://{bucket}/prod/"], env=moto_s3.env())
        assert "doctor/" not in listing.stdout.decode()

        # a read-only target key and a source two minors older: FAIL lines, exit 3
        r = run([qsnap_bin, "doctor", "--qdrant", src.urls[0], "--target", dst.urls[0], "--target-api-key-env", "DST"],
                env={"DST": RO})
        assert r.returncode == 3
        text = r.stdout.decode()
        assert "FAIL  target" in text and "restore needs manage access" in text
        assert RO not in text + r.stderr.decode()


def test_doctor_names_an_unreachable_repository_and_a_wrong_key(qsnap_bin, tmp_path):
    with start_testbed(tmp_path / "t", peers=1, version="1.18.0", api_key=KEY) as tb:
        r = run([qsnap_bin, "doctor", "--target", tb.urls[0], "--repo", "s3://nobucket/x", "--endpoint-url",
                 "http://127.0.0.1:9", "--json"], env={"QDRANT_API_KEY": "wrong", "AWS_ACCESS_KEY_ID": "A",
                                                         "AWS_SECRET_ACCESS_KEY": "B"})
        assert r.returncode == 3
        report = json.loads(r.stdout)
        assert by(report, "target", "auth")["status"] == "FAIL"
        assert "--target-api-key-env" in by(report, "target", "auth")["detail"]
        repo = [c for c in report["checks"] if c["scope"] == "repository"]
        assert repo and repo[0]["status"] == "FAIL" and "127.0.0.1" in repo[0]["detail"]  # opening it already fails
