"""A restore never touches what qsnap did not make, and two restores of one collection never interleave: staging
collections carry qsnap's metadata marker (Qdrant >= 1.16), a collection merely named like one survives every
restore, and the second of two concurrent restores is refused with exit 5 by the target-side restore lock."""
import json
import os
import socket
import subprocess
import time

import pytest

from conftest import run
from qdrant_data import call, count, create_alias, create_collection, start_testbed

pytestmark = pytest.mark.timeout(600)

MARK = "-qsnap-"
LOCK = "qsnap-restore-lock-docs"


@pytest.fixture(scope="module")
def backup(tmp_path_factory, qsnap_bin):
    base = tmp_path_factory.mktemp("safety-src")
    repo = base / "repo"
    with start_testbed(base / "qdrant", peers=1, version="1.18.2") as tb:
        create_collection(tb.urls[0], "docs", dim=8, points=300)
        r = run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", str(repo), "--json"], timeout=300)
        assert r.returncode == 0, r.stderr.decode()
        return {"repo": str(repo), "id": json.loads(r.stdout)["id"]}


@pytest.fixture
def target(tmp_path):
    with start_testbed(tmp_path / "dst", peers=1, version="1.18.2") as tb:
        yield tb


def restore_cmd(qsnap_bin, bk, tb, *extra):
    return [qsnap_bin, "restore", bk["id"], "--repo", bk["repo"], "--target", tb.urls[0], "--json", *extra]


def names(tb):
    return sorted(c["name"] for c in call(tb.urls[0] + "/collections")["result"]["collections"])


def metadata(tb, name):
    return call(f"{tb.urls[0]}/collections/{name}")["result"]["config"].get("metadata")


def test_staging_collection_carries_the_marker(qsnap_bin, backup, target):
    r = run(restore_cmd(qsnap_bin, backup, target), timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    staged = f"docs{MARK}{backup['id']}"
    assert metadata(target, staged)["qsnap_restore"] == {"base": "docs", "backup": backup["id"]}
    assert names(target) == [staged]  # the restore lock is gone


def test_lookalike_collections_survive_every_restore(qsnap_bin, backup, target):
    # unaliased, named exactly like a leftover of an earlier restore of docs, but not made by qsnap
    lookalike = f"docs{MARK}20200101T000000Z-abcdef"
    create_collection(target.urls[0], lookalike, dim=8, points=5)
    r = run(restore_cmd(qsnap_bin, backup, target), timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    assert json.loads(r.stdout)["removedStale"] == []
    assert count(target.urls[0], lookalike) == 5
    # a second restore (of the same backup under another name) leaves it too
    r = run(restore_cmd(qsnap_bin, backup, target, "--as", "docs2"), timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    assert count(target.urls[0], lookalike) == 5


def test_a_foreign_collection_with_the_staging_name_refuses(qsnap_bin, backup, target):
    staged = f"docs{MARK}{backup['id']}"
    create_collection(target.urls[0], staged, dim=8, points=3)
    r = run(restore_cmd(qsnap_bin, backup, target), timeout=300)
    assert r.returncode == 3, r.stderr.decode()
    assert "qsnap did not make" in r.stdout.decode() + r.stderr.decode()
    assert count(target.urls[0], staged) == 3 and names(target) == [staged]


def test_a_marked_leftover_is_removed(qsnap_bin, backup, target):
    leftover = f"docs{MARK}20200101T000000Z-abcdef"
    create_collection(target.urls[0], leftover, dim=8, points=5)
    call(f"{target.urls[0]}/collections/{leftover}", "PATCH",
         {"metadata": {"qsnap_restore": {"base": "docs", "backup": "20200101T000000Z-abcdef"}}})
    r = run(restore_cmd(qsnap_bin, backup, target), timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    assert json.loads(r.stdout)["removedStale"] == [leftover]
    assert leftover not in names(target)


def test_second_concurrent_restore_is_refused_with_exit_5(qsnap_bin, backup, target):
    target.admin().set_faults({"latency_ms": 400})  # the first restore holds the lock for several seconds
    first = subprocess.Popen(restore_cmd(qsnap_bin, backup, target), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        while LOCK not in names(target):
            assert first.poll() is None, first.communicate()
            assert time.time() < deadline, "the first restore never took the lock"
            time.sleep(0.1)
        second = run(restore_cmd(qsnap_bin, backup, target, "--as", "docs"), timeout=120)
        assert second.returncode == 5, second.stderr.decode()
        err = json.loads(second.stdout)["error"]
        assert err["code"] == "restore.locked" and f"pid {first.pid}" in err["error"], err
        out, errs = first.communicate(timeout=300)
        assert first.returncode == 0, errs.decode()
    finally:
        if first.poll() is None:
            first.kill()
        target.admin().clear_faults()
    assert names(target) == [f"docs{MARK}{backup['id']}"]


def test_a_lock_left_by_a_dead_process_on_this_host_is_taken_over(qsnap_bin, backup, target):
    dead = subprocess.Popen(["true"])
    dead.wait()
    holder = {"host": socket.gethostname(), "pid": dead.pid, "backup": "x", "started": "2026-01-01T00:00:00Z"}
    call(f"{target.urls[0]}/collections/{LOCK}", "PUT",
         {"vectors": {"size": 1, "distance": "Dot"}, "metadata": {"qsnap_restore_lock": holder}})
    r = run(restore_cmd(qsnap_bin, backup, target), timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    assert LOCK not in names(target)


def test_a_lock_held_on_another_host_is_not_broken(qsnap_bin, backup, target):
    holder = {"host": "elsewhere.example", "pid": os.getpid(), "backup": "x", "started": "2026-01-01T00:00:00Z"}
    call(f"{target.urls[0]}/collections/{LOCK}", "PUT",
         {"vectors": {"size": 1, "distance": "Dot"}, "metadata": {"qsnap_restore_lock": holder}})
    r = run(restore_cmd(qsnap_bin, backup, target), timeout=300)
    assert r.returncode == 5, r.stderr.decode()
    assert "delete the collection qsnap-restore-lock-docs by hand" in json.loads(r.stdout)["error"]["error"]
    assert names(target) == [LOCK]
