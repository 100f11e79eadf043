"""`qsnap check` (and the same gates inside `qsnap restore`) on the Qdrant test double: each gate refuses its bad
case with exit 3 and its figures, and only its own --force flag skips it."""
import json

import pytest

from conftest import run
from qdrant_data import call, create_collection, start_testbed

pytestmark = pytest.mark.timeout(300)


def make_backup(qsnap_bin, tmp, version):
    repo = tmp / "repo"
    # three nodes each holding every shard (replication 3): every node snapshot is complete, so a single-node
    # target can take it
    with start_testbed(tmp / "qdrant", peers=3, version=version) as tb:
        create_collection(tb.urls[0], "docs", dim=16, shards=2, replication=3, points=300)
        r = run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", str(repo), "--json"], timeout=300)
        assert r.returncode == 0, r.stderr.decode()
        return str(repo), json.loads(r.stdout)["id"]


@pytest.fixture(scope="module")
def backup_116(tmp_path_factory, qsnap_bin):
    return make_backup(qsnap_bin, tmp_path_factory.mktemp("src116"), "1.16.3")


@pytest.fixture(scope="module")
def backup_118(tmp_path_factory, qsnap_bin):
    return make_backup(qsnap_bin, tmp_path_factory.mktemp("src118"), "1.18.2")


def check(qsnap_bin, backup, tb, *extra, command="check"):
    repo, bid = backup
    r = run([qsnap_bin, command, bid, "--repo", repo, "--target", ",".join(tb.urls), "--json", *extra], timeout=300)
    doc = json.loads(r.stdout) if r.stdout.strip() else None
    return r, doc


def gates(doc):
    return {g["gate"]: g for g in doc["gates"]}


def collections(tb):
    return [c["name"] for c in call(tb.urls[0] + "/collections")["result"]["collections"]]


def test_all_gates_pass_on_a_fitting_target(qsnap_bin, backup_118, tmp_path):
    with start_testbed(tmp_path / "dst", version="1.19.0") as tb:
        r, doc = check(qsnap_bin, backup_118, tb)
        assert r.returncode == 0, r.stderr.decode()
        assert doc["verdict"] == "ok"
        assert set(gates(doc)) == {"version", "disk", "ram", "topology", "alias"}
        assert all(g["passed"] and not g["forced"] for g in doc["gates"])
        assert gates(doc)["version"]["figures"] == {"source": "1.18.2", "target": "1.19.0",
                                                    "allowedMinors": "1.18 or 1.19"}


def test_version_gate_refuses_a_116_backup_on_a_118_target(qsnap_bin, backup_116, tmp_path):
    with start_testbed(tmp_path / "dst", version="1.18.0") as tb:
        r, doc = check(qsnap_bin, backup_116, tb)
        assert r.returncode == 3, r.stderr.decode()
        v = gates(doc)["version"]
        assert not v["passed"] and doc["verdict"] == "refused"
        assert "1.16 → 1.17 → 1.18" in v["detail"] and b"--force-version" in r.stderr
        assert all(g["passed"] for name, g in gates(doc).items() if name != "version")
        # restore refuses the same way and changes nothing
        r, doc = check(qsnap_bin, backup_116, tb, command="restore")
        assert r.returncode == 3 and collections(tb) == []
        # only --force-version skips it
        r, doc = check(qsnap_bin, backup_116, tb, "--force-disk", "--force-ram", "--force-topology")
        assert r.returncode == 3
        r, doc = check(qsnap_bin, backup_116, tb, "--force-version")
        assert r.returncode == 0, r.stderr.decode()
        assert gates(doc)["version"]["forced"] is True


def test_version_gate_refuses_an_older_target(qsnap_bin, backup_118, tmp_path):
    with start_testbed(tmp_path / "dst", version="1.17.4") as tb:
        r, doc = check(qsnap_bin, backup_118, tb)
        assert r.returncode == 3
        assert "older than the source" in gates(doc)["version"]["detail"]


def test_disk_gate_refuses_too_little_free_space(qsnap_bin, backup_118, tmp_path):
    # 1 MiB disk at 90 % usage: ~100 KiB free, less than twice the backup's snapshots
    with start_testbed(tmp_path / "dst", version="1.18.2", disk_size=1 << 20, disk_usage_percent=90) as tb:
        r, doc = check(qsnap_bin, backup_118, tb)
        assert r.returncode == 3, r.stderr.decode()
        d = gates(doc)["disk"]
        assert not d["passed"]
        (url,) = tb.urls
        assert int(d["figures"][f"{url}.freeBytes"]) == (1 << 20) * 10 // 100
        assert int(d["figures"][f"{url}.needBytes"]) > int(d["figures"][f"{url}.freeBytes"])
        r, doc = check(qsnap_bin, backup_118, tb, command="restore")
        assert r.returncode == 3 and collections(tb) == []
        r, doc = check(qsnap_bin, backup_118, tb, "--force-disk")
        assert r.returncode == 0 and gates(doc)["disk"]["forced"]


def test_ram_gate_refuses_too_little_memory(qsnap_bin, backup_118, tmp_path):
    # 300 points × 16 dims × 4 bytes = 19200 bytes of vectors; give the target 10 KiB
    with start_testbed(tmp_path / "dst", version="1.18.2", ram_size=10 * 1024) as tb:
        r, doc = check(qsnap_bin, backup_118, tb)
        assert r.returncode == 3
        ram = gates(doc)["ram"]
        assert not ram["passed"] and ram["figures"]["needBytes"] == "19200"
        r, doc = check(qsnap_bin, backup_118, tb, "--force-ram")
        assert r.returncode == 0


def test_topology_gate_refuses_a_shard_count_mismatch(qsnap_bin, backup_118, tmp_path):
    with start_testbed(tmp_path / "dst", version="1.18.2") as tb:
        create_collection(tb.urls[0], "docs", dim=16, shards=1, points=10)
        r, doc = check(qsnap_bin, backup_118, tb)
        assert r.returncode == 3, r.stderr.decode()
        t = gates(doc)["topology"]
        assert not t["passed"]
        assert t["figures"]["replacedShardNumber"] == "1" and t["figures"]["shardNumber"] == "2"
        assert "shard_number" in t["detail"]
        r, doc = check(qsnap_bin, backup_118, tb, command="restore")
        assert r.returncode == 3 and collections(tb) == ["docs"]
        # under another name there is nothing to collide with
        r, doc = check(qsnap_bin, backup_118, tb, "--as", "docs2")
        assert r.returncode == 0, r.stderr.decode()


def test_text_output_lists_each_gate_with_its_figures(qsnap_bin, backup_118, tmp_path):
    repo, bid = backup_118
    with start_testbed(tmp_path / "dst", version="1.18.2") as tb:
        r = run([qsnap_bin, "check", bid, "--repo", repo, "--target", tb.urls[0]])
        assert r.returncode == 0, r.stderr.decode()
        out = r.stdout.decode()
        for gate in ("version", "disk", "ram", "topology", "alias"):
            assert f"PASS   {gate}:" in out
        assert "needBytes" in out and "all gates pass" in out
