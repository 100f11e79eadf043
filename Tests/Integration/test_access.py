"""Keys that cannot do the job are refused before anything changes: a read-only key for backup, restore, migrate and
snapshot creation (exit 3, naming the access needed), a wrong key (the setting to check), and source and target keys
kept apart (--source-api-key-env / --target-api-key-env), none of them ever printed."""
import json

import pytest

from conftest import run
from qdrant_data import call, count, create_collection, start_testbed

pytestmark = pytest.mark.timeout(300)

SRC_KEY, SRC_RO = "source-manage-key-0123456789abcdef", "source-read-only-key-0123456789ab"
DST_KEY, DST_RO = "target-manage-key-0123456789abcdef", "target-read-only-key-0123456789ab"


@pytest.fixture(scope="module")
def clusters(tmp_path_factory):
    base = tmp_path_factory.mktemp("access")
    with start_testbed(base / "src", peers=1, version="1.18.2", api_key=SRC_KEY, read_only_api_key=SRC_RO) as src, \
            start_testbed(base / "dst", peers=1, version="1.18.2", api_key=DST_KEY, read_only_api_key=DST_RO) as dst:
        create_collection(src.urls[0], "docs", dim=8, points=100, api_key=SRC_KEY)
        yield src, dst, base


def names(url, key):
    return sorted(c["name"] for c in call(url + "/collections", api_key=key)["result"]["collections"])


def snapshots(url, key):
    return call(url + "/collections/docs/snapshots", api_key=key)["result"]


def test_backup_with_a_read_only_key_is_refused_before_any_snapshot(qsnap_bin, clusters):
    src, _, base = clusters
    r = run([qsnap_bin, "backup", "--qdrant", src.urls[0], "--to", str(base / "repo-ro"), "--source-api-key-env", "SRC"],
            env={"SRC": SRC_RO})
    assert r.returncode == 3, r.stderr.decode()
    err = r.stderr.decode()
    assert "the source key ($SRC) is read-only" in err and "needs write access to collection docs" in err
    assert SRC_RO not in err + r.stdout.decode()
    assert snapshots(src.urls[0], SRC_KEY) == []


def test_separate_keys_for_source_and_target_and_a_read_only_target(qsnap_bin, clusters):
    src, dst, base = clusters
    repo = str(base / "repo")
    r = run([qsnap_bin, "backup", "--qdrant", src.urls[0], "--to", repo, "--source-api-key-env", "SRC", "--json"],
            env={"SRC": SRC_KEY, "QDRANT_API_KEY": ""})
    assert r.returncode == 0, r.stderr.decode()
    bid = json.loads(r.stdout)["id"]
    # a read-only target key: refused before anything changes, naming the access needed
    r = run([qsnap_bin, "restore", bid, "--repo", repo, "--target", dst.urls[0], "--target-api-key-env", "DST"],
            env={"DST": DST_RO})
    assert r.returncode == 3, r.stderr.decode()
    assert "the target key ($DST) is read-only: restore" in r.stderr.decode()
    assert names(dst.urls[0], DST_KEY) == []
    # a wrong key: the message names the settings to check
    r = run([qsnap_bin, "restore", bid, "--repo", repo, "--target", dst.urls[0], "--target-api-key-env", "DST"],
            env={"DST": "not-the-key"})
    assert r.returncode == 3 and "--target-api-key-env" in r.stderr.decode()
    assert "not-the-key" not in r.stderr.decode()
    # the right keys, each from its own variable
    r = run([qsnap_bin, "restore", bid, "--repo", repo, "--target", dst.urls[0], "--target-api-key-env", "DST"],
            env={"DST": DST_KEY, "QDRANT_API_KEY": SRC_KEY})
    assert r.returncode == 0, r.stderr.decode()
    assert count(dst.urls[0], "docs", api_key=DST_KEY) == 100


def test_migrate_and_snapshot_create_with_read_only_keys(qsnap_bin, clusters):
    src, dst, base = clusters
    r = run([qsnap_bin, "migrate", "--from", src.urls[0], "--to", dst.urls[0], "--collection", "docs", "--as", "m",
             "--source-api-key-env", "SRC", "--target-api-key-env", "DST", "--state-dir", str(base / "state")],
            env={"SRC": SRC_RO, "DST": DST_RO})
    assert r.returncode == 3 and "the target key ($DST) is read-only: migrate" in r.stderr.decode()
    r = run([qsnap_bin, "migrate", "--from", src.urls[0], "--to", dst.urls[0], "--collection", "docs", "--as", "m",
             "--source-api-key-env", "SRC", "--target-api-key-env", "DST", "--state-dir", str(base / "state")],
            env={"SRC": SRC_RO, "DST": DST_KEY})
    assert r.returncode == 0, r.stderr.decode()  # reading the source needs no more than a read-only key
    assert count(dst.urls[0], "m", api_key=DST_KEY) == 100
    r = run([qsnap_bin, "snapshot", "create", "--qdrant", src.urls[0], "--collection", "docs"],
            env={"QDRANT_API_KEY": SRC_RO})
    assert r.returncode == 3 and "read-only" in r.stderr.decode()
    assert snapshots(src.urls[0], SRC_KEY) == []
