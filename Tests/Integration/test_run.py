"""`qsnap run JOB.yaml` against a 3-peer cluster of the Qdrant test double: backup → verify → prune under the
repository lock, with two real processes on one repository at once (the second refuses with exit 5, or waits
and runs strictly after the first), a stale lock broken, failures exiting non-zero, and Prometheus metrics."""
import json
import subprocess
import time
import os

import pytest

from conftest import free_port, run
from qdrant_data import create_collection, start_testbed
from s3servers import moto_s3, rclone_s3  # noqa: F401  (fixtures)

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with start_testbed(tmp_path_factory.mktemp("run-cluster"), peers=3) as tb:
        create_collection(tb.urls[0], "docs", dim=16, shards=3, points=300)
        yield tb


def write_job(tmp_path, url, repo, name="nightly", wait="0", keep_last=2):
    job = tmp_path / f"{name}.yaml"
    job.write_text(f"""name: {name}
source:
  urls: [{url}]
repository: {repo}
selection:
  collections: [docs]
retention:
  keep-last: {keep_last}
verify: true
metrics:
  textfile: {tmp_path}/metrics/qsnap.prom
lock:
  ttl: 2m
  wait: {wait}
""")
    return job


def start(qsnap_bin, job, *extra):
    return subprocess.Popen([qsnap_bin, "run", str(job), "--json", *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(path, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if path.exists():
            return
        time.sleep(0.02)
    raise AssertionError(f"{path} did not appear")


def metrics(path):
    values = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


def test_second_run_refuses_while_the_first_holds_the_lock(qsnap_bin, cluster, tmp_path):
    repo = tmp_path / "repo"
    job = write_job(tmp_path, cluster.urls[0], repo)
    cluster.admin(0).set_faults({"latency_ms": 300})  # make the first run last several seconds
    try:
        first = start(qsnap_bin, job)
        wait_for(repo / "locks" / "repository.json")
        lock = json.loads((repo / "locks" / "repository.json").read_text())
        assert lock["owner"]["pid"] == first.pid and lock["purpose"] == "run nightly"
        second = run([qsnap_bin, "run", str(job), "--json"], timeout=120)
        policy = tmp_path / "keep.yaml"
        policy.write_text("keep-last: 1\n")
        prune = run([qsnap_bin, "prune", "--repo", str(repo), "--policy", str(policy), "--yes"], timeout=120)
        dry = run([qsnap_bin, "prune", "--repo", str(repo), "--policy", str(policy)], timeout=120)
        out, err = first.communicate(timeout=300)
    finally:
        cluster.admin(0).clear_faults()
    assert second.returncode == 5, second.stderr.decode()
    assert b"locked by" in second.stderr and str(first.pid).encode() in second.stderr
    assert prune.returncode == 5 and b"locked by" in prune.stderr, "a deleting prune respects the lock too"
    assert dry.returncode == 0, "a dry run needs no lock"
    refused = json.loads(second.stdout)
    assert refused["success"] is False and refused["lock_acquired"] is None and refused["backup"] is None
    assert first.returncode == 0, err.decode()
    done = json.loads(out)
    assert done["success"] is True and done["verified"] is True
    assert done["lock_acquired"] < refused["finished"] < done["lock_released"], "the refusal happened while A held the lock"
    ids = [p.name for p in (repo / "backups").iterdir()]
    assert ids == [done["backup"]["id"]], "only the first run wrote a backup"
    assert (repo / "backups" / ids[0] / "verification.json").exists()
    assert not (repo / "locks" / "repository.json").exists(), "the lock is released"
    m = metrics(tmp_path / "metrics" / "qsnap.prom")
    assert m['qsnap_run_failures_total{job="nightly"}'] == 1
    assert m['qsnap_last_run_success{job="nightly"}'] == 1
    assert m['qsnap_last_run_objects{job="nightly"}'] == done["backup"]["objects"] == 3
    assert m['qsnap_last_run_bytes{job="nightly"}'] == done["backup"]["bytes"] > 0
    assert abs(m['qsnap_last_success_timestamp_seconds{job="nightly"}'] - done["finished"]) < 2
    assert not list((tmp_path / "metrics").glob(".*tmp")), "no temporary metrics file is left"


def test_two_waiting_runs_never_interleave(qsnap_bin, cluster, tmp_path):
    repo = tmp_path / "repo"
    job = write_job(tmp_path, cluster.urls[0], repo, wait="2m", keep_last=1)
    cluster.admin(0).set_faults({"latency_ms": 80})
    try:
        procs = [start(qsnap_bin, job), start(qsnap_bin, job)]
        outs = [p.communicate(timeout=400) for p in procs]
    finally:
        cluster.admin(0).clear_faults()
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err.decode()
    a, b = sorted((json.loads(out) for out, _ in outs), key=lambda r: r["lock_acquired"])
    assert a["lock_released"] <= b["lock_acquired"], "the second run took the lock only after the first released it"
    assert b["backup"]["id"] != a["backup"]["id"]
    # Everything the first run did (backup, verify, prune) lies inside its lock interval, and so for the second.
    for r in (a, b):
        assert r["lock_acquired"] < r["lock_released"] and r["success"] is True
    # keep-last 1: the second run's prune deleted the first run's backup, and nothing else is left.
    assert [d["id"] for d in b["prune"]["deleted"]] == [a["backup"]["id"]]
    assert [p.name for p in (repo / "backups").iterdir()] == [b["backup"]["id"]]
    waited = [err for _, err in outs if b"waiting up to" in err]
    assert len(waited) == 1, "exactly one run had to wait"


@pytest.mark.parametrize("server", ["rclone", "moto"])
def test_two_runs_on_one_s3_repository(qsnap_bin, cluster, tmp_path, server, request):
    """On S3 the lock is written, read back after a settle delay and compared: a second run refuses (exit 5) while
    the first holds it."""
    s3 = request.getfixturevalue(f"{server}_s3")
    bucket = f"run-{server}"
    s3.make_bucket(bucket)
    job = write_job(tmp_path, cluster.urls[0], f"s3://{bucket}/jobs")
    cluster.admin(0).set_faults({"latency_ms": 300})
    env = dict(os.environ, **s3.env())
    try:
        first = subprocess.Popen([qsnap_bin, "run", str(job), "--json", "--lock-settle", "0.5"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            r = s3.aws("s3api", "head-object", "--bucket", bucket, "--key", "jobs/locks/repository.json", check=False)
            if r.returncode == 0:
                break
            time.sleep(0.1)
        time.sleep(0.6)  # past the first run's settle delay
        second = run([qsnap_bin, "run", str(job), "--json", "--lock-settle", "0.5"], env=s3.env(), timeout=120)
        out, err = first.communicate(timeout=300)
    finally:
        cluster.admin(0).clear_faults()
    assert first.returncode == 0, err.decode()
    assert second.returncode == 5, second.stderr.decode()
    a, b = json.loads(out), json.loads(second.stdout)
    assert a["lock_acquired"] < b["finished"] < a["lock_released"]
    listing = s3.aws("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "jobs/")
    keys = [o["Key"] for o in json.loads(listing.stdout or b"{}").get("Contents", [])]
    assert "jobs/locks/repository.json" not in keys, "the lock is released"
    assert f"jobs/backups/{a['backup']['id']}/manifest.json" in keys
    assert f"jobs/backups/{a['backup']['id']}/verification.json" in keys


def test_a_stale_lock_is_broken(qsnap_bin, cluster, tmp_path):
    repo = tmp_path / "repo"
    (repo / "locks").mkdir(parents=True)
    (repo / "locks" / "repository.json").write_text(json.dumps({
        "version": 1, "purpose": "run", "owner": {"host": "crashed-host", "pid": 4242, "run_id": "dead-run"},
        "created": "2026-01-01T00:00:00Z", "expires": "2026-01-01T01:00:00Z"}))
    job = write_job(tmp_path, cluster.urls[0], repo)
    r = run([qsnap_bin, "run", str(job), "--json"], timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    assert b"breaking the stale repository lock" in r.stderr and b"crashed-host" in r.stderr
    assert not (repo / "locks" / "repository.json").exists()


def test_a_failing_run_exits_non_zero_and_counts_a_failure(qsnap_bin, tmp_path):
    repo = tmp_path / "repo"
    # A relative repository directory is relative to the job file, not to the working directory.
    job = write_job(tmp_path, f"http://127.0.0.1:{free_port()}", "repo", name="broken")
    r = run([qsnap_bin, "run", str(job), "--json"], timeout=300)
    assert r.returncode == 1, r.stderr.decode()
    report = json.loads(r.stdout)
    assert report["success"] is False and report["error"]
    assert report["lock_acquired"] is not None and report["lock_released"] is not None
    assert (repo / "locks").is_dir(), "the lock was taken in the repository beside the job file"
    assert not (repo / "locks" / "repository.json").exists(), "the lock is released after a failure"
    m = metrics(tmp_path / "metrics" / "qsnap.prom")
    assert m['qsnap_run_failures_total{job="broken"}'] == 1 and m['qsnap_last_run_success{job="broken"}'] == 0
    assert not any(k.startswith("qsnap_last_success_timestamp_seconds") for k in m)
    r = run([qsnap_bin, "run", str(job)], timeout=300)
    assert r.returncode == 1
    assert metrics(tmp_path / "metrics" / "qsnap.prom")['qsnap_run_failures_total{job="broken"}'] == 2


def test_a_bad_job_file_is_a_usage_error(qsnap_bin, tmp_path):
    job = tmp_path / "bad.yaml"
    job.write_text("name: x\nsource:\n  urls: [http://h:6333]\n  api-key: hunter2\nrepository: /tmp/x\n")
    r = run([qsnap_bin, "run", str(job)])
    assert r.returncode == 2
    assert b"bad.yaml:4" in r.stderr and b"hunter2" not in r.stderr
