"""Full-storage backups restore over the API: each collection snapshot is streamed out of the full archive into
`…/snapshots/upload` (inspected and hashed first, no local staging file), the aliases are recreated, into a single
node or a cluster; `qsnap drill` works on full backups too; exact point ids above 2^63 survive a restore."""
import json

import pytest

from conftest import run
from qdrant_data import call, count, create_alias, create_collection, scroll_all, start_testbed

pytestmark = pytest.mark.timeout(600)

MARK = "-qsnap-"
BIG_IDS = [2**63, 2**63 + 1, 2**64 - 1, 2**53 + 1, 18_000_000_000_000_000_001]


@pytest.fixture(scope="module")
def full_backup(tmp_path_factory, qsnap_bin):
    """A single node with 3 collections (one with ids ≥ 2^63) and 2 aliases, backed up with --kind full."""
    base = tmp_path_factory.mktemp("full-src")
    repo = base / "repo"
    with start_testbed(base / "qdrant", peers=1, version="1.18.2") as tb:
        create_collection(tb.urls[0], "docs", dim=16, points=300)
        create_collection(tb.urls[0], "small", dim=8, points=40, seed=2, named=False)
        create_collection(tb.urls[0], "big", dim=4, points=0, seed=3)
        pts = [{"id": i, "vector": {"dense": [0.1 * (k + 1), 0.2, 0.3, 0.4]}, "payload": {"id": i, "k": k}}
               for k, i in enumerate(BIG_IDS)]
        call(f"{tb.urls[0]}/collections/big/points?wait=true", "PUT", {"points": pts})
        create_alias(tb.urls[0], "prod", "docs")
        create_alias(tb.urls[0], "tiny", "small")
        r = run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", str(repo), "--kind", "full", "--json"],
                timeout=300)
        assert r.returncode == 0, r.stderr.decode()
        bid = json.loads(r.stdout)["id"]
        points = {n: scroll_all(tb.urls[0], n, with_vectors=True) for n in ("docs", "small", "big")}
    manifest = json.loads((repo / "backups" / bid / "manifest.json").read_text())
    return {"repo": str(repo), "id": bid, "points": points, "manifest": manifest}


def aliases(url):
    return {a["alias_name"]: a["collection_name"] for a in call(url + "/aliases")["result"]["aliases"]}


def by_id(points):
    return {p["id"]: (p["payload"], p["vector"]) for p in points}


def test_manifest_samples_exact_big_ids(full_backup):
    big = next(c for c in full_backup["manifest"]["collections"] if c["name"] == "big")
    assert sorted(s["id"] for s in big["samples"]) == sorted(BIG_IDS)


@pytest.mark.parametrize("peers", [1, 3])
def test_full_backup_restores_every_collection_and_alias(qsnap_bin, full_backup, tmp_path, peers):
    with start_testbed(tmp_path / "dst", peers=peers, version="1.18.2") as tb:
        r = run([qsnap_bin, "restore", full_backup["id"], "--repo", full_backup["repo"],
                 "--target", ",".join(tb.urls), "--json"], timeout=300)
        assert r.returncode == 0, r.stderr.decode()
        result = json.loads(r.stdout)
        bid = full_backup["id"]
        staged = {n: f"{n}{MARK}{bid}" for n in ("docs", "small", "big")}
        assert aliases(tb.urls[0]) == {"docs": staged["docs"], "prod": staged["docs"], "small": staged["small"],
                                       "tiny": staged["small"], "big": staged["big"]}
        for name, points in full_backup["points"].items():
            assert count(tb.urls[0], name) == len(points)
            assert by_id(scroll_all(tb.urls[0], name, with_vectors=True)) == by_id(points)
        # the exact ids came back, by value, through the alias
        got = call(f"{tb.urls[0]}/collections/big/points", "POST", {"ids": BIG_IDS, "with_payload": True})["result"]
        assert sorted(p["id"] for p in got) == sorted(BIG_IDS)
        assert all(p["payload"]["id"] == p["id"] for p in got)
        big = next(c for c in result["collections"] if c["source"] == "big")
        assert big["samplesChecked"] == len(BIG_IDS)
        # the uploaded nested snapshot files were removed from the node afterwards
        for url in tb.urls:
            for name in staged.values():
                snaps = call(f"{url}/collections/{name}/snapshots").get("result", [])
                assert snaps == [], snaps


def test_drill_on_a_full_backup(qsnap_bin, full_backup, tmp_path):
    with start_testbed(tmp_path / "dr", peers=1, version="1.18.2") as tb:
        r = run([qsnap_bin, "drill", "--repo", full_backup["repo"], "--target", tb.urls[0],
                 "--report-dir", str(tmp_path / "reports"), "--json"], timeout=300)
        assert r.returncode == 0, r.stderr.decode() + r.stdout.decode()
        report = json.loads(r.stdout)
        assert report["passed"] is True, report
        names = call(tb.urls[0] + "/collections")["result"]["collections"]
        assert names == [] and aliases(tb.urls[0]) == {}
