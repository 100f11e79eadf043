"""Two `qsnap backup` runs of one source into one local repository at once. The first holds the repository lock
(made slow and thus deterministic by the test double's `latency_ms` fault); the second is refused with exit 5
naming the holder (`--wait-lock 0`), or waits and runs strictly after the first (`--wait-lock 120`) without taking
the first run's journal for an interrupted backup. Every process exits within a subprocess timeout, and the
repository ends with complete backups that `qsnap verify` accepts, no journal, no partial file and no lock. A
backup killed with SIGKILL leaves its lock and journal: the next run breaks the lock of the dead process at once
and resumes the journal."""
import json
import os
import pathlib
import signal
import subprocess
import time

import pytest

from conftest import run
from qdrant_data import create_collection, start_testbed

pytestmark = pytest.mark.timeout(600)

LATENCY = {"latency_ms": 250}


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    with start_testbed(tmp_path_factory.mktemp("lock-node"), peers=1) as tb:
        create_collection(tb.urls[0], "docs", dim=32, points=400, seed=5)
        create_collection(tb.urls[0], "small", dim=8, points=40, seed=6)
        yield tb


@pytest.fixture
def slow(node):
    node.admin(0).set_faults(LATENCY)
    yield node
    node.admin(0).clear_faults()


def backup_cmd(qsnap_bin, node, repo, *extra):
    return [qsnap_bin, "backup", "--qdrant", node.urls[0], "--to", str(repo), "--json", "--parallel", "1", *extra]


def start(cmd) -> subprocess.Popen:
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def finish(proc: subprocess.Popen, timeout: float):
    """Waits for the process (killing it on timeout, which fails the test); returns (code, stdout, stderr)."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"qsnap backup did not exit within {timeout} s: {err.decode()[-2000:]}")
    return proc.returncode, out, err


def wait_for_lock(repo: pathlib.Path, pid: int, timeout: float = 30) -> dict:
    path = repo / "locks" / "repository.json"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            lock = json.loads(path.read_text())
            if lock["owner"]["pid"] == pid:
                return lock
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    pytest.fail(f"the first backup (pid {pid}) did not take the repository lock within {timeout} s")


def assert_clean_and_verified(qsnap_bin, repo: pathlib.Path, expected: int) -> list[dict]:
    ls = run([qsnap_bin, "list", "--repo", str(repo), "--json"], timeout=60)
    assert ls.returncode == 0, ls.stderr.decode()
    listing = json.loads(ls.stdout)
    assert len(listing["backups"]) == expected and listing["interrupted"] == []
    assert not list(repo.rglob("progress.json")), "no journal is left"
    assert not list(repo.rglob("*.qsnap-partial-*")), "no partial file is left"
    assert not (repo / "locks" / "repository.json").exists(), "the lock is released"
    manifests = []
    for b in listing["backups"]:
        v = run([qsnap_bin, "verify", b["id"], "--repo", str(repo), "--json"], timeout=120)
        assert v.returncode == 0, v.stderr.decode()
        manifests.append(json.loads((repo / "backups" / b["id"] / "manifest.json").read_text()))
    return manifests


def test_second_backup_is_refused_while_the_first_holds_the_lock(qsnap_bin, slow, tmp_path):
    repo = tmp_path / "repo"
    first = start(backup_cmd(qsnap_bin, slow, repo))
    lock = wait_for_lock(repo, first.pid)
    assert lock["purpose"] == "backup"
    t0 = time.monotonic()
    second = run(backup_cmd(qsnap_bin, slow, repo, "--wait-lock", "0"), timeout=60)
    assert second.returncode == 5, second.stderr.decode()
    assert time.monotonic() - t0 < 30, "a refusal with --wait-lock 0 is immediate"
    err = second.stderr.decode()
    assert "locked by" in err and f"pid {first.pid}" in err and "(backup)" in err and "--wait-lock" in err
    assert json.loads(second.stdout)["error"]["code"] == "repository.locked"
    assert first.poll() is None, "the refusal happened while the first backup was running"
    code, out, err = finish(first, 180)
    assert code == 0, err.decode()
    assert json.loads(out)["resumed"] is False
    assert_clean_and_verified(qsnap_bin, repo, 1)


def test_second_backup_waits_and_runs_after_the_first(qsnap_bin, slow, tmp_path):
    repo = tmp_path / "repo"
    first = start(backup_cmd(qsnap_bin, slow, repo))
    wait_for_lock(repo, first.pid)
    second = start(backup_cmd(qsnap_bin, slow, repo, "--wait-lock", "120"))
    code1, out1, err1 = finish(first, 180)
    code2, out2, err2 = finish(second, 180)
    assert code1 == 0, err1.decode()
    assert code2 == 0, err2.decode()
    a, b = json.loads(out1), json.loads(out2)
    assert a["id"] != b["id"]
    assert not a["resumed"] and not b["resumed"], "the waiting run never took the first run's journal"
    assert b"waiting up to" in err2, "the second run announced that it waits for the lock"
    manifests = {m["id"]: m for m in assert_clean_and_verified(qsnap_bin, repo, 2)}
    assert manifests[b["id"]]["startedAt"] >= manifests[a["id"]]["completedAt"], "strictly after the first"


def test_a_killed_backup_leaves_a_lock_the_next_run_breaks_and_a_journal_it_resumes(qsnap_bin, slow, tmp_path):
    repo = tmp_path / "repo"
    first = start(backup_cmd(qsnap_bin, slow, repo))
    wait_for_lock(repo, first.pid)
    journal = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and first.poll() is None:
        found = list(repo.glob("backups/*/progress.json"))
        if found:
            try:
                journal = json.loads(found[0].read_text())
            except (OSError, ValueError):
                journal = None
            if journal and journal["finished"]:
                break
        time.sleep(0.05)
    assert first.poll() is None, "the backup ended before it could be interrupted"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert journal["writer"]["pid"] == first.pid and journal["writer"]["run_id"]
    assert (repo / "locks" / "repository.json").exists(), "SIGKILL leaves the lock behind"

    r = run(backup_cmd(qsnap_bin, slow, repo), timeout=180)
    assert r.returncode == 0, r.stderr.decode()
    assert b"its process is gone" in r.stderr
    result = json.loads(r.stdout)
    assert result["resumed"] is True and result["id"] == journal["id"] and result["reusedObjects"] >= 1
    assert_clean_and_verified(qsnap_bin, repo, 1)
