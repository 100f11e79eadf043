"""SIGTERM and SIGINT stop qsnap cleanly, the way Kubernetes, systemd and a terminal stop a job: the running
transfers abort, open multipart uploads are aborted, a staging collection is removed or a resumable journal left, the
repository lock is released, and the command exits 143 (SIGTERM) or 130 (SIGINT) within seconds."""
import json
import os
import signal
import subprocess
import time
import uuid

import boto3
import pytest

from conftest import run
from qdrant_data import call, count, create_alias, start_testbed
from s3servers import moto_s3  # noqa: F401 (fixture)

pytestmark = pytest.mark.timeout(600)


def load(url, name, points=2600, blob=4096):
    call(f"{url}/collections/{name}", "PUT", {"vectors": {"size": 4, "distance": "Dot"}})
    text = "x" * blob
    for k in range(0, points, 200):
        pts = [{"id": i, "vector": [1.0, 0.0, 0.0, float(i)], "payload": {"t": text + str(i)}}
               for i in range(k, min(points, k + 200))]
        call(f"{url}/collections/{name}/points?wait=true", "PUT", {"points": pts})


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    with start_testbed(tmp_path_factory.mktemp("sig-src"), peers=1, version="1.18.2") as tb:
        load(tb.urls[0], "docs")  # a ~11 MiB snapshot
        yield tb


def wait_for(predicate, timeout=60, what="condition"):
    deadline = time.time() + timeout
    while not predicate():
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def stop(proc, sig):
    started = time.time()
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, time.time() - started, out.decode(), err.decode()


def test_sigterm_during_a_backup_to_s3(qsnap_bin, source, moto_s3, tmp_path):
    bucket = "sig-" + uuid.uuid4().hex[:8]
    moto_s3.make_bucket(bucket)
    s3 = boto3.client("s3", endpoint_url=moto_s3.endpoint, region_name="us-east-1",
                      aws_access_key_id=moto_s3.access_key, aws_secret_access_key=moto_s3.secret_key)
    source.admin().set_faults({"slow_downloads": {"bytes_per_second": 2 << 20}})
    cmd = [qsnap_bin, "backup", "--qdrant", source.urls[0], "--to", f"s3://{bucket}/q", "--part-size-mib", "5",
           "--json"]
    env = dict(os.environ, **moto_s3.env())
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: s3.list_multipart_uploads(Bucket=bucket).get("Uploads"), what="a multipart upload")
        code, took, out, err = stop(proc, signal.SIGTERM)
    finally:
        if proc.poll() is None:
            proc.kill()
        source.admin().clear_faults()
    assert code == 143, err
    assert took < 15, took
    assert "stopped by SIGTERM" in err
    assert not s3.list_multipart_uploads(Bucket=bucket).get("Uploads"), "an open multipart upload was left"
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="q/").get("Contents", [])]
    assert "q/locks/repository.json" not in keys, "the repository lock was not released"
    assert any(k.endswith("/progress.json") for k in keys), "no resumable journal was left"
    # the server-side snapshot the stopped run made is reused or removed by the rerun, which resumes
    r = run(cmd, env=moto_s3.env(), timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    assert json.loads(r.stdout)["resumed"] is True


def test_sigint_during_a_local_backup_exits_130(qsnap_bin, source, tmp_path):
    source.admin().set_faults({"slow_downloads": {"bytes_per_second": 2 << 20}})
    repo = tmp_path / "repo"
    proc = subprocess.Popen([qsnap_bin, "backup", "--qdrant", source.urls[0], "--to", str(repo)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: list(repo.glob("backups/*/objects/**/*.qsnap-partial-*")), what="a partial object")
        code, took, _, err = stop(proc, signal.SIGINT)
    finally:
        if proc.poll() is None:
            proc.kill()
        source.admin().clear_faults()
    assert code == 130 and took < 15, err
    assert not list(repo.glob("backups/**/*.qsnap-partial-*")), "a partial object was left"
    assert not (repo / "locks" / "repository.json").exists()


def test_sigint_before_the_download_answers_exits_130(qsnap_bin, source, tmp_path):
    """The stop lands while the node has not answered the snapshot download yet: the failed request must not be
    retried (a retry made after the stop would not be aborted, and the backup would finish)."""
    source.admin().set_faults({"latency_ms": 3000})
    repo = tmp_path / "repo"
    proc = subprocess.Popen([qsnap_bin, "backup", "--qdrant", source.urls[0], "--to", str(repo)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_for(lambda: list(repo.glob("backups/*/objects/**/*.qsnap-partial-*")), what="a partial object")
        code, took, _, err = stop(proc, signal.SIGINT)
    finally:
        if proc.poll() is None:
            proc.kill()
        source.admin().clear_faults()
    assert code == 130 and took < 15, err
    assert not list(repo.glob("backups/**/*.qsnap-partial-*")), "a partial object was left"


def test_sigterm_during_a_restore_removes_staging_and_keeps_the_alias(qsnap_bin, source, tmp_path):
    repo = tmp_path / "repo"
    r = run([qsnap_bin, "backup", "--qdrant", source.urls[0], "--to", str(repo), "--json"], timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    bid = json.loads(r.stdout)["id"]
    with start_testbed(tmp_path / "dst", peers=1, version="1.18.2") as dst:
        call(f"{dst.urls[0]}/collections/old", "PUT", {"vectors": {"size": 4, "distance": "Dot"}})
        create_alias(dst.urls[0], "docs", "old")
        dst.admin().set_faults({"latency_ms": 1500})
        proc = subprocess.Popen([qsnap_bin, "restore", bid, "--repo", str(repo), "--target", dst.urls[0],
                                 "--take-over-alias"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        staged = f"docs-qsnap-{bid}"
        try:
            wait_for(lambda: staged in [c["name"] for c in call(dst.urls[0] + "/collections")["result"]["collections"]],
                     what="the staging collection")
            code, took, _, err = stop(proc, signal.SIGTERM)
        finally:
            if proc.poll() is None:
                proc.kill()
            dst.admin().clear_faults()
        assert code == 143 and took < 30, err
        names = sorted(c["name"] for c in call(dst.urls[0] + "/collections")["result"]["collections"])
        assert names == ["old"], names  # staging and the restore lock removed
        aliases = {a["alias_name"]: a["collection_name"] for a in call(dst.urls[0] + "/aliases")["result"]["aliases"]}
        assert aliases == {"docs": "old"}


def test_sigterm_during_run_releases_the_lock_and_records_the_failure(qsnap_bin, source, tmp_path):
    (tmp_path / "keep.yaml").write_text("keep-last: 3\n")
    (tmp_path / "job.yaml").write_text(
        f"name: sig\nsource:\n  urls: [{source.urls[0]}]\nrepository: repo\n"
        f"retention:\n  file: keep.yaml\nmetrics:\n  textfile: metrics.prom\n")
    source.admin().set_faults({"slow_downloads": {"bytes_per_second": 2 << 20}})
    proc = subprocess.Popen([qsnap_bin, "run", str(tmp_path / "job.yaml")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        wait_for(lambda: (tmp_path / "repo" / "locks" / "repository.json").exists()
                 and list((tmp_path / "repo").glob("backups/*/objects/**/*.qsnap-partial-*")), what="the backup step")
        code, took, _, err = stop(proc, signal.SIGTERM)
    finally:
        if proc.poll() is None:
            proc.kill()
        source.admin().clear_faults()
    assert code == 143 and took < 15, err
    assert not (tmp_path / "repo" / "locks" / "repository.json").exists()
    metrics = (tmp_path / "metrics.prom").read_text()
    assert 'qsnap_run_failures_total{job="sig"} 1' in metrics
    assert 'qsnap_last_run_success{job="sig"} 0' in metrics
