"""`qsnap advise` as a user runs it: facts from flags, and facts read live from two Qdrant test doubles."""
import json

import pytest

from conftest import run
from qdrant_data import create_collection, start_testbed

pytestmark = pytest.mark.timeout(300)


def migration(doc):
    return next(d for d in doc["domains"] if d["domain"] == "migration")


def test_shard_change_from_flags_recommends_the_migration_tool(qsnap_bin):
    r = run([qsnap_bin, "advise", "--source", "qdrant", "--source-shards", "3", "--target-shards", "6", "--json"])
    assert r.returncode == 0, r.stderr.decode()
    doc = json.loads(r.stdout)
    assert doc["schemaVersion"] == 1
    m = migration(doc)
    assert m["recommendation"]["method"] == "migration-tool"
    assert any("qdrant-migration" in s["text"] for s in m["nextSteps"])


def test_live_facts_same_shape_recommend_snapshots(qsnap_bin, tmp_path):
    with start_testbed(tmp_path / "a", peers=1, version="1.18.2") as src, \
         start_testbed(tmp_path / "b", peers=1, version="1.19.0", api_key="target-secret-key") as dst:
        create_collection(src.urls[0], "docs", shards=2, points=20)
        r = run([qsnap_bin, "advise", "--from", src.urls[0], "--to", dst.urls[0], "--collection", "docs",
                 "--target-shards", "2", "--json", "--explain"], env={"QDRANT_API_KEY": "target-secret-key"})
        assert r.returncode in (0, 3), r.stderr.decode()
        doc = json.loads(r.stdout)
        facts = json.dumps(doc["facts"])
        assert "1.18.2" in facts and "1.19.0" in facts, "versions are read from the live clusters"
        assert migration(doc)["recommendation"]["method"] == "snapshots"
        assert b"target-secret-key" not in r.stdout + r.stderr


def test_invalid_policy_file_names_file_and_line(qsnap_bin, tmp_path):
    bad = tmp_path / "advice"
    bad.mkdir()
    (bad / "broken.yaml").write_text("version: 1\nrules:\n  - id: x\n    when: {fact: nope, equals: 1\n")
    r = run([qsnap_bin, "advise", "--policies", str(tmp_path), "--source", "pinecone"])
    assert r.returncode == 2
    assert b"broken.yaml:" in r.stderr
