"""`qsnap drill` on a 3-peer cluster of the Qdrant test double: a backup restored into scratch collections with
real RTO/RPO figures in a JSON and a Markdown report, nothing left behind; with faults injected (a failed upload,
then also a failed first deletion) the drill fails with exit 4, still reports, and still leaves no scratch
collection."""
import json
import time

import pytest

from conftest import run
from qdrant_data import call, count, create_alias, create_collection, start_testbed

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with start_testbed(tmp_path_factory.mktemp("drill-cluster"), peers=3, version="1.18.2") as tb:
        create_collection(tb.urls[0], "docs", dim=16, shards=3, replication=1, points=500)
        create_collection(tb.urls[0], "small", dim=8, points=40, seed=5)
        create_alias(tb.urls[0], "prod", "docs")
        yield tb


@pytest.fixture(scope="module")
def repo(qsnap_bin, cluster, tmp_path_factory):
    path = tmp_path_factory.mktemp("drill-repo") / "repo"
    r = run([qsnap_bin, "backup", "--qdrant", cluster.urls[0], "--to", str(path), "--json"], timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    return path, json.loads(r.stdout)["id"]


def collections(tb):
    return sorted(c["name"] for c in call(f"{tb.urls[0]}/collections")["result"]["collections"])


def aliases(tb):
    return {a["alias_name"]: a["collection_name"] for a in call(f"{tb.urls[0]}/aliases")["result"]["aliases"]}


def drill(qsnap_bin, tb, repo_path, report_dir, *extra):
    return run([qsnap_bin, "drill", "--repo", str(repo_path), "--target", ",".join(tb.urls),
                "--report-dir", str(report_dir), "--json", *extra], timeout=400)


def test_drill_reports_real_figures_and_leaves_nothing(qsnap_bin, cluster, repo, tmp_path):
    path, backup_id = repo
    before_c, before_a = collections(cluster), aliases(cluster)
    time.sleep(1.0)  # the backup is at least a second old: RPO is measurable
    r = drill(qsnap_bin, cluster, path, tmp_path / "reports")
    assert r.returncode == 0, r.stderr.decode()
    report = json.loads(r.stdout)
    assert report["passed"] is True and report["error"] is None
    assert report["backup_id"] == backup_id
    assert 0 < report["rto_seconds"] < 300
    assert report["rpo_seconds"] >= 1.0
    by_name = {c["name"]: c for c in report["collections"]}
    assert by_name["docs"]["expected_points"] == by_name["docs"]["restored_points"] == 500
    assert by_name["small"]["expected_points"] == by_name["small"]["restored_points"] == 40
    assert all(c["scratch_name"].startswith("qsnap-drill-") for c in report["collections"])
    assert all(ch["passed"] for ch in report["checks"]) and len(report["checks"]) == 4
    assert report["cleanup"]["status"] == "complete"
    assert sorted(report["cleanup"]["removed"]) == sorted(c["scratch_name"] for c in report["collections"])
    assert collections(cluster) == before_c, "no scratch collection is left"
    assert aliases(cluster) == before_a, "the target's aliases are untouched"
    (json_file,) = (tmp_path / "reports").glob("drill-*.json")
    (md_file,) = (tmp_path / "reports").glob("drill-*.md")
    assert json.loads(json_file.read_text()) == report
    md = md_file.read_text()
    assert "PASSED" in md and "RTO" in md and "| docs |" in md and "Status: **complete**" in md


def test_drill_with_a_fault_fails_reports_and_still_cleans_up(qsnap_bin, cluster, repo, tmp_path):
    path, _ = repo
    before = collections(cluster)
    # The second upload into a scratch collection fails; the first deletion of a scratch collection fails too,
    # so the restore's own cleanup cannot remove it and the drill's cleanup must.
    cluster.admin(0).set_faults({"errors": [
        {"method": "POST", "path": "/collections/qsnap-drill-.*/snapshots/upload", "nth": 2, "times": 1,
         "status": 500, "message": "Service internal error: injected fault"},
        {"method": "DELETE", "path": "/collections/qsnap-drill-.*", "nth": 1, "times": 1,
         "status": 500, "message": "Service internal error: injected delete fault"},
    ]})
    try:
        r = drill(qsnap_bin, cluster, path, tmp_path / "reports", "--collection", "docs")
        seen = cluster.admin(0).faults()["counters"]
    finally:
        cluster.admin(0).clear_faults()
    assert r.returncode == 4, r.stderr.decode()
    report = json.loads(r.stdout)
    assert report["passed"] is False and "injected fault" in report["error"]
    assert [c["passed"] for c in report["checks"]] == [False]
    assert report["cleanup"]["status"] == "complete" and report["cleanup"]["leftover"] == []
    assert int(seen.get("1", 0)) >= 1, "the injected delete fault was hit"
    assert collections(cluster) == before, "no scratch collection is left after a failed drill"
    assert "FAILED" in next((tmp_path / "reports").glob("drill-*.md")).read_text()


def test_drill_of_a_missing_backup_is_a_usage_error(qsnap_bin, cluster, tmp_path):
    r = run([qsnap_bin, "drill", "--repo", str(tmp_path / "empty"), "--target", cluster.urls[0]])
    assert r.returncode == 2
    assert b"no backup" in r.stderr
