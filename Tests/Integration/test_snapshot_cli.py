"""`qsnap snapshot create|list|download|delete|recover` on the Qdrant test double: a round trip on one node and on a
3-node cluster (collection and shard scopes), a corrupt download refused with exit 4 and nothing left behind, a good
archive recovered into a fresh node with equal counts, and malicious or mismatching archives refused before the
target sees a byte."""
import hashlib
import json
import pathlib

import pytest

from conftest import run
from malicious import KINDS
from qdrant_data import call, count, create_collection, scroll_all, start_testbed

pytestmark = pytest.mark.timeout(600)

API_KEY = "snap-cli-key-5f1c9e"


def qsnap(qsnap_bin, *args, timeout=180):
    return run([qsnap_bin, "snapshot", *[str(a) for a in args]], timeout=timeout)


def ok_json(result):
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def sha256(path) -> str:
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def files(directory) -> list[str]:
    return sorted(p.name for p in pathlib.Path(directory).rglob("*") if p.is_file())


def collections(url, api_key=None):
    return sorted(c["name"] for c in call(url + "/collections", api_key=api_key)["result"]["collections"])


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """A standalone node with docs (2 shards, 300 points)."""
    base = tmp_path_factory.mktemp("snap-single")
    with start_testbed(base, version="1.18.2") as tb:
        create_collection(tb.urls[0], "docs", dim=16, shards=2, points=300)
        yield tb


@pytest.fixture(scope="module")
def good_archive(qsnap_bin, single, tmp_path_factory):
    """A verified download of a collection snapshot of `single`, with its .checksum sidecar; the server copy deleted."""
    out = tmp_path_factory.mktemp("snap-good")
    made = ok_json(qsnap(qsnap_bin, "create", "--qdrant", single.urls[0], "--collection", "docs", "--json"))["snapshots"]
    name = made[0]["name"]
    got = ok_json(qsnap(qsnap_bin, "download", name, "--qdrant", single.urls[0], "--collection", "docs",
                        "--output", out, "--json"))
    ok_json(qsnap(qsnap_bin, "delete", name, "--qdrant", single.urls[0], "--collection", "docs", "--json"))
    return pathlib.Path(got["path"])


@pytest.fixture
def fresh(tmp_path):
    with start_testbed(tmp_path / "fresh", version="1.18.2") as tb:
        yield tb


def test_single_node_round_trip(qsnap_bin, single, tmp_path):
    url = single.urls[0]
    made = ok_json(qsnap(qsnap_bin, "create", "--qdrant", url, "--collection", "docs", "--json"))["snapshots"]
    assert len(made) == 1
    snap = made[0]
    assert snap["node"] == url and snap["kind"] == "collection" and snap["collection"] == "docs"
    assert "peerId" not in snap  # standalone
    server_file = single.snapshots_dir(0) / "docs" / snap["name"]
    assert server_file.stat().st_size == snap["size"] and sha256(server_file) == snap["checksum"]
    # text output: node, name, size, checksum
    text = qsnap(qsnap_bin, "list", "--qdrant", url, "--collection", "docs")
    assert text.returncode == 0 and snap["name"] in text.stdout.decode() and snap["checksum"] in text.stdout.decode()
    listed = ok_json(qsnap(qsnap_bin, "list", "--qdrant", url, "--collection", "docs", "--json"))["snapshots"]
    assert [s["name"] for s in listed] == [snap["name"]] and listed[0]["checksum"] == snap["checksum"]
    # download into a directory: the file keeps its name, sidecar beside it, nothing else
    got = ok_json(qsnap(qsnap_bin, "download", snap["name"], "--qdrant", url, "--collection", "docs",
                        "--output", tmp_path, "--json"))
    assert got["verified"] is True and got["checksumSource"] == "listing" and got["sha256"] == snap["checksum"]
    assert pathlib.Path(got["path"]) == tmp_path / snap["name"]
    assert sha256(got["path"]) == snap["checksum"]
    assert (tmp_path / (snap["name"] + ".checksum")).read_text() == snap["checksum"]
    assert files(tmp_path) == sorted([snap["name"], snap["name"] + ".checksum"])
    # an existing destination is not overwritten (usage)
    again = qsnap(qsnap_bin, "download", snap["name"], "--qdrant", url, "--collection", "docs", "--output", tmp_path)
    assert again.returncode == 2 and b"exists" in again.stderr
    # delete: gone from the node and its listing
    deleted = ok_json(qsnap(qsnap_bin, "delete", snap["name"], "--qdrant", url, "--collection", "docs", "--json"))
    assert deleted["deleted"]["name"] == snap["name"]
    assert not server_file.exists()
    assert ok_json(qsnap(qsnap_bin, "list", "--qdrant", url, "--collection", "docs", "--json"))["snapshots"] == []
    missing = qsnap(qsnap_bin, "delete", snap["name"], "--qdrant", url, "--collection", "docs")
    assert missing.returncode == 2 and b"no snapshot" in missing.stderr


def test_full_storage_snapshots_on_a_single_node(qsnap_bin, single, tmp_path):
    url = single.urls[0]
    made = ok_json(qsnap(qsnap_bin, "create", "--qdrant", url, "--json"))["snapshots"]
    assert len(made) == 1 and made[0]["kind"] == "full" and made[0]["name"].startswith("full-snapshot")
    target = tmp_path / "full.snapshot"
    got = ok_json(qsnap(qsnap_bin, "download", made[0]["name"], "--qdrant", url, "--output", target, "--json"))
    assert got["path"] == str(target) and sha256(target) == made[0]["checksum"]
    inspected = ok_json(run([qsnap_bin, "inspect", target, "--json"]))
    assert inspected["kind"] == "full" and inspected["archive"]["checksumVerified"] is True  # the sidecar
    ok_json(qsnap(qsnap_bin, "delete", made[0]["name"], "--qdrant", url, "--json"))
    assert ok_json(qsnap(qsnap_bin, "list", "--qdrant", url, "--json"))["snapshots"] == []


def test_cluster_round_trip_collection_and_shard(qsnap_bin, tmp_path):
    with start_testbed(tmp_path / "q", peers=3, api_key=API_KEY) as tb:
        create_collection(tb.urls[0], "docs", dim=8, shards=3, replication=2, points=90, api_key=API_KEY)
        create_collection(tb.urls[0], "one", dim=8, shards=1, replication=1, points=10, api_key=API_KEY)
        key = ("--api-key", API_KEY)
        # one URL is enough: the peers are discovered; every node holds 2 of the 3 shards
        made = ok_json(qsnap(qsnap_bin, "create", "--qdrant", tb.urls[1], "--collection", "docs", *key, "--json"))
        made = made["snapshots"]
        assert sorted(s["node"] for s in made) == sorted(tb.urls)
        assert {s["peerId"] for s in made} == {tb.peer_id(i) for i in range(3)}
        for s in made:
            node = tb.urls.index(s["node"])
            assert sha256(tb.snapshots_dir(node) / "docs" / s["name"]) == s["checksum"]
        # a collection on one node only: only that node snapshots it
        one = ok_json(qsnap(qsnap_bin, "create", "--qdrant", tb.urls[0], "--collection", "one", *key, "--json"))
        assert [s["node"] for s in one["snapshots"]] == [tb.urls[0]]
        # shard 1 lives on 2 nodes
        shard = ok_json(qsnap(qsnap_bin, "create", "--qdrant", tb.urls[0], "--collection", "docs", "--shard", 1,
                              *key, "--json"))["snapshots"]
        assert len(shard) == 2 and all(s["kind"] == "shard" and s["shard"] == 1 for s in shard)
        listed = ok_json(qsnap(qsnap_bin, "list", "--qdrant", tb.urls[0], "--collection", "docs", "--shard", 1,
                               *key, "--json"))["snapshots"]
        assert sorted((s["node"], s["name"]) for s in listed) == sorted((s["node"], s["name"]) for s in shard)
        # download a shard snapshot from a chosen node (shard snapshot names carry no peer id: two nodes list it)
        name = shard[0]["name"]
        if shard[1]["name"] == name:
            amb = qsnap(qsnap_bin, "download", name, "--qdrant", tb.urls[0], "--collection", "docs", "--shard", 1,
                        *key, "--output", tmp_path)
            assert amb.returncode == 2 and b"--node" in amb.stderr
        got = ok_json(qsnap(qsnap_bin, "download", name, "--qdrant", tb.urls[0], "--collection", "docs", "--shard", 1,
                            "--node", shard[0]["node"], *key, "--output", tmp_path / "s1.snapshot", "--json"))
        assert got["node"] == shard[0]["node"] and got["sha256"] == shard[0]["checksum"]
        assert ok_json(run([qsnap_bin, "inspect", tmp_path / "s1.snapshot", "--json"]))["kind"] == "shard"
        # full-storage snapshots are refused in a cluster; a shard that does not exist is a usage error
        full = qsnap(qsnap_bin, "create", "--qdrant", tb.urls[0], *key)
        assert full.returncode == 3 and b"single-node" in full.stderr
        assert qsnap(qsnap_bin, "create", "--qdrant", tb.urls[0], "--collection", "docs", "--shard", 9, *key).returncode == 2
        assert qsnap(qsnap_bin, "list", "--qdrant", tb.urls[0], "--collection", "nope", *key).returncode == 2
        # delete everything made, each on its node
        for s in made + one["snapshots"]:
            ok_json(qsnap(qsnap_bin, "delete", s["name"], "--qdrant", tb.urls[0], "--collection", s["collection"], *key,
                          "--json"))
        for s in shard:
            ok_json(qsnap(qsnap_bin, "delete", s["name"], "--node", s["node"], "--qdrant", tb.urls[0], "--collection",
                          "docs", "--shard", 1, *key, "--json"))
        for scope in (["--collection", "docs"], ["--collection", "one"], ["--collection", "docs", "--shard", 1]):
            assert ok_json(qsnap(qsnap_bin, "list", "--qdrant", tb.urls[0], *scope, *key, "--json"))["snapshots"] == []
        assert not any(f.endswith(".snapshot") for i in range(3) for f in files(tb.snapshots_dir(i)))


def test_corrupt_download_exits_4_and_leaves_no_file(qsnap_bin, single, tmp_path):
    url = single.urls[0]
    made = ok_json(qsnap(qsnap_bin, "create", "--qdrant", url, "--collection", "docs", "--json"))["snapshots"][0]
    admin = single.admin(0)
    try:
        admin.set_faults({"corrupt_downloads": {"offset": 1500, "path": "/collections/docs/snapshots/.*"}})
        for output in (tmp_path, tmp_path / "named.snapshot"):
            r = qsnap(qsnap_bin, "download", made["name"], "--qdrant", url, "--collection", "docs", "--output", output,
                      "--json")
            assert r.returncode == 4, r.stderr.decode()
            err = json.loads(r.stdout)["error"]
            assert err["code"] == "snapshot.checksum" and made["checksum"] in err["error"]
            assert files(tmp_path) == []  # neither the file nor its temporary copy
        # a transfer cut short fails too, and leaves nothing either
        admin.set_faults({"truncate_downloads": {"after_bytes": 5000, "path": "/collections/docs/snapshots/.*"}})
        r = qsnap(qsnap_bin, "download", made["name"], "--qdrant", url, "--collection", "docs", "--output", tmp_path)
        assert r.returncode != 0 and files(tmp_path) == []
    finally:
        admin.clear_faults()
    got = ok_json(qsnap(qsnap_bin, "download", made["name"], "--qdrant", url, "--collection", "docs", "--output",
                        tmp_path, "--json"))
    assert got["verified"] and sha256(got["path"]) == made["checksum"]
    ok_json(qsnap(qsnap_bin, "delete", made["name"], "--qdrant", url, "--collection", "docs", "--json"))


def test_recover_good_archive_into_fresh_node(qsnap_bin, single, good_archive, fresh):
    url = fresh.urls[0]
    r = qsnap(qsnap_bin, "recover", good_archive, "--qdrant", url, "--collection", "restored", "--json")
    result = ok_json(r)
    assert result["sha256"] == sha256(good_archive) and result["checksumSource"] == "sidecar"
    assert result["kind"] == "collection" and result["priority"] == "snapshot"
    assert collections(url) == ["restored"]
    assert count(url, "restored") == count(single.urls[0], "docs") == 300
    assert scroll_all(url, "restored") == scroll_all(single.urls[0], "docs")
    # the copy Qdrant keeps of an upload is removed from the node
    assert not any(f.endswith(".snapshot") for f in files(fresh.snapshots_dir(0)))
    # a shard snapshot into an existing collection of the same config
    shard = ok_json(qsnap(qsnap_bin, "create", "--qdrant", single.urls[0], "--collection", "docs", "--shard", 0,
                          "--json"))["snapshots"][0]
    local = good_archive.parent / "shard0"
    local.mkdir()
    got = ok_json(qsnap(qsnap_bin, "download", shard["name"], "--qdrant", single.urls[0], "--collection", "docs",
                        "--shard", 0, "--output", local, "--json"))
    call(f"{url}/collections/restored/points/delete?wait=true", "POST", {"points": list(range(0, 300, 2))})
    assert count(url, "restored") < 300
    ok_json(qsnap(qsnap_bin, "recover", got["path"], "--qdrant", url, "--collection", "restored", "--shard", 0,
                  "--priority", "no_sync", "--json"))
    assert count(url, "restored") == 300
    ok_json(qsnap(qsnap_bin, "delete", shard["name"], "--qdrant", single.urls[0], "--collection", "docs", "--shard", 0,
                  "--json"))


def test_malicious_archives_are_refused_before_the_target_sees_them(qsnap_bin, fresh, tmp_path):
    url = fresh.urls[0]
    snapshots = fresh.snapshots_dir(0)
    before = files(snapshots)
    for kind in KINDS.values():
        path = tmp_path / kind.name / kind.file_name
        path.parent.mkdir()
        path.write_bytes(kind.build())
        r = qsnap(qsnap_bin, "recover", path, "--qdrant", url, "--collection", "evil", "--json")
        assert r.returncode == 3, (kind.name, r.returncode, r.stderr.decode())
        err = json.loads(r.stdout)["error"]
        assert err["category"] == "refused", (kind.name, err)
        if kind.file_name.endswith(".snapshot"):
            assert err["code"] == kind.identifier and kind.phrase in err["error"], (kind.name, err)
        assert collections(url) == [] and files(snapshots) == before, kind.name


def test_recover_checksum_mismatch_and_wrong_kind(qsnap_bin, good_archive, fresh, tmp_path):
    url = fresh.urls[0]
    copy = tmp_path / good_archive.name
    copy.write_bytes(good_archive.read_bytes())
    # a wrong --checksum: exit 4, nothing sent
    r = qsnap(qsnap_bin, "recover", copy, "--qdrant", url, "--collection", "c", "--checksum", "0" * 64, "--json")
    assert r.returncode == 4 and json.loads(r.stdout)["error"]["code"] == "archive.checksum"
    # a sidecar that does not match: exit 4
    (tmp_path / (copy.name + ".checksum")).write_text("f" * 64)
    r = qsnap(qsnap_bin, "recover", copy, "--qdrant", url, "--collection", "c")
    assert r.returncode == 4, r.stderr.decode()
    # a collection snapshot given as a shard: refused
    (tmp_path / (copy.name + ".checksum")).unlink()
    r = qsnap(qsnap_bin, "recover", copy, "--qdrant", url, "--collection", "c", "--shard", 0)
    assert r.returncode == 3 and b"not a shard snapshot" in r.stderr
    # usage: several nodes, a bad priority
    assert qsnap(qsnap_bin, "recover", copy, "--qdrant", f"{url},{url}", "--collection", "c").returncode == 2
    assert qsnap(qsnap_bin, "recover", copy, "--qdrant", url, "--collection", "c", "--priority", "x").returncode == 2
    assert collections(url) == []
    assert not any(f.endswith(".snapshot") for f in files(fresh.snapshots_dir(0)))
