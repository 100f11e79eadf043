"""`qsnap migrate` on the test double: a 3-shard collection (dense + sparse + payload indexes) migrated to 1 and to
6 shards with equal counts and points, a filtered subset, embedding-model migrations (--add-vector, --in-place),
resume refusals, and a migration killed at random points 10 times, each rerun ending exact with no duplicate."""
import json
import random
import signal
import subprocess
import time

import pytest

from conftest import run
from qdrant_data import call, count, scroll_all, start_testbed

pytestmark = pytest.mark.timeout(900)

INDEXES = {"tag": "keyword", "n": "integer"}


def make_source(url, name="docs", points=1500):
    call(f"{url}/collections/{name}", "PUT", {
        "vectors": {"dense": {"size": 8, "distance": "Cosine"}}, "sparse_vectors": {"text": {}},
        "shard_number": 3, "replication_factor": 1})
    rng = random.Random(11)
    pts = [{"id": i, "vector": {"dense": [rng.random() for _ in range(8)],
                                "text": {"indices": [i % 97, 200 + i % 13], "values": [1.0, 0.25]}},
            "payload": {"tag": f"t{i % 4}", "n": i, "lang": "fr" if i % 3 == 0 else "en"}} for i in range(points)]
    for k in range(0, points, 500):
        call(f"{url}/collections/{name}/points?wait=true", "PUT", {"points": pts[k:k + 500]})
    for field, schema in INDEXES.items():
        call(f"{url}/collections/{name}/index?wait=true", "PUT", {"field_name": field, "field_schema": schema})


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    with start_testbed(tmp_path_factory.mktemp("mig-src"), peers=3, version="1.18.2") as tb:
        make_source(tb.urls[0])
        yield tb


@pytest.fixture
def target(tmp_path):
    with start_testbed(tmp_path / "dst", peers=3, version="1.18.2") as tb:
        yield tb


def migrate(qsnap_bin, src, dst, tmp_path, *extra, timeout=600):
    return run([qsnap_bin, "migrate", "--from", src.urls[0], "--to", dst.urls[0], "--collection", "docs",
                "--state-dir", str(tmp_path / "state"), "--json", *extra], timeout=timeout)


def by_id(points, rename=None):
    out = {}
    for p in points:
        v = p.get("vector")
        out[p["id"]] = p["payload"]
    return out


def vectors(url, name):
    return {p["id"]: p["vector"] for p in scroll_all(url, name, with_vectors=True)}


def close(a, b):
    if isinstance(a, dict):
        return a.keys() <= b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    return abs(a - b) <= 1e-5 * max(1, abs(a), abs(b))


def schema(url, name):
    return {k: v["data_type"] for k, v in call(f"{url}/collections/{name}")["result"]["payload_schema"].items()}


@pytest.mark.parametrize("shards", [1, 6])
def test_reshards_with_equal_counts_points_and_indexes(qsnap_bin, source, target, tmp_path, shards):
    r = migrate(qsnap_bin, source, target, tmp_path, "--shards", str(shards), "--parallel", "3", "--alias", "prod")
    assert r.returncode == 0, r.stderr.decode()
    result = json.loads(r.stdout)
    assert result["points"] == result["written"] == 1500 and result["streams"] == 3
    assert {c["name"]: c["outcome"] for c in result["checks"]} == {"count": "passed", "samples": "passed", "query": "passed"}
    assert "sparse(text)" in next(c for c in result["checks"] if c["name"] == "query")["detail"]
    info = call(f"{target.urls[0]}/collections/docs")["result"]
    assert info["config"]["params"]["shard_number"] == shards
    assert info["config"]["hnsw_config"]["m"] == 16  # restored after the load
    assert schema(target.urls[0], "docs") == INDEXES
    assert count(target.urls[0], "prod") == 1500
    assert by_id(scroll_all(target.urls[0], "docs")) == by_id(scroll_all(source.urls[0], "docs"))
    src_v, dst_v = vectors(source.urls[0], "docs"), vectors(target.urls[0], "docs")
    assert src_v.keys() == dst_v.keys() and all(close(src_v[i], dst_v[i]) for i in src_v)
    # the journal is gone once done; the source was not written to
    assert list((tmp_path / "state").iterdir()) == []
    assert call(f"{source.urls[0]}/collections/docs")["result"]["config"]["params"]["shard_number"] == 3


def test_filtered_subset(qsnap_bin, source, target, tmp_path):
    flt = {"must": [{"key": "lang", "match": {"value": "fr"}}]}
    r = migrate(qsnap_bin, source, target, tmp_path, "--as", "docs-fr", "--filter", json.dumps(flt))
    assert r.returncode == 0, r.stderr.decode()
    assert json.loads(r.stdout)["points"] == 500
    got = scroll_all(target.urls[0], "docs-fr")
    assert len(got) == 500 and all(p["payload"]["lang"] == "fr" for p in got)
    # @FILE works the same, and a bad filter is a usage error
    (tmp_path / "f.json").write_text(json.dumps({"must": [{"key": "n", "range": {"lt": 10}}]}))
    r = migrate(qsnap_bin, source, target, tmp_path, "--as", "docs-10", "--filter", "@" + str(tmp_path / "f.json"))
    assert r.returncode == 0, r.stderr.decode()
    assert count(target.urls[0], "docs-10") == 10
    r = migrate(qsnap_bin, source, target, tmp_path, "--as", "bad", "--filter", "[1]")
    assert r.returncode == 2


def test_add_vector_migration_keeps_old_vectors_and_adds_an_empty_one(qsnap_bin, tmp_path):
    with start_testbed(tmp_path / "one", peers=1, version="1.18.2") as tb:
        call(f"{tb.urls[0]}/collections/docs", "PUT", {"vectors": {"size": 4, "distance": "Dot"}})
        call(f"{tb.urls[0]}/collections/docs/points?wait=true", "PUT",
             {"points": [{"id": i, "vector": [i, 1.0, 0.0, 0.5], "payload": {"i": i}} for i in range(300)]})
        # an unnamed vector needs a name before a second vector can stand beside it
        r = migrate(qsnap_bin, tb, tb, tmp_path, "--as", "docs-v2", "--add-vector", "text-v2:6:Cosine")
        assert r.returncode == 2 and "--rename-vector =NAME" in r.stderr.decode()
        r = migrate(qsnap_bin, tb, tb, tmp_path, "--as", "docs-v2", "--rename-vector", "=text-v1",
                    "--add-vector", "text-v2:6:Cosine", "--add-vector", "bm25:sparse", "--alias", "docs-live")
        assert r.returncode == 0, r.stderr.decode()
        params = call(f"{tb.urls[0]}/collections/docs-v2")["result"]["config"]["params"]
        assert params["vectors"]["text-v1"]["size"] == 4 and params["vectors"]["text-v2"]["size"] == 6
        assert "bm25" in params["sparse_vectors"]
        p = call(f"{tb.urls[0]}/collections/docs-v2/points", "POST", {"ids": [7], "with_vector": True})["result"][0]
        assert p["vector"] == {"text-v1": [7.0, 1.0, 0.0, 0.5]} and p["payload"] == {"i": 7}
        # backfill the new vector afterwards as an application would, through the alias
        call(f"{tb.urls[0]}/collections/docs-live/points?wait=true", "PUT",
             {"points": [{"id": 7, "vector": {"text-v1": [7.0, 1.0, 0.0, 0.5], "text-v2": [1, 0, 0, 0, 0, 0]},
                          "payload": {"i": 7}}]})
        hits = call(f"{tb.urls[0]}/collections/docs-live/points/query", "POST",
                    {"query": [1, 0, 0, 0, 0, 0], "using": "text-v2", "limit": 1})["result"]["points"]
        assert hits[0]["id"] == 7
        assert count(tb.urls[0], "docs") == 300  # the source is untouched


def test_in_place_adds_a_named_vector_to_the_source(qsnap_bin, tmp_path):
    with start_testbed(tmp_path / "ip", peers=1, version="1.18.2") as tb:
        call(f"{tb.urls[0]}/collections/docs", "PUT", {"vectors": {"v1": {"size": 4, "distance": "Dot"}}})
        call(f"{tb.urls[0]}/collections/docs/points?wait=true", "PUT",
             {"points": [{"id": i, "vector": {"v1": [i, 1.0, 0.0, 0.5]}} for i in range(50)]})
        r = migrate(qsnap_bin, tb, tb, tmp_path, "--in-place", "--add-vector", "bm25:sparse")
        assert r.returncode == 3 and "only a new collection" in r.stderr.decode()
        r = migrate(qsnap_bin, tb, tb, tmp_path, "--in-place", "--add-vector", "v2:8:Cosine")
        assert r.returncode == 0, r.stderr.decode()
        assert json.loads(r.stdout)["mode"] == "in-place"
        vecs = call(f"{tb.urls[0]}/collections/docs")["result"]["config"]["params"]["vectors"]
        assert vecs["v2"]["size"] == 8 and vecs["v1"]["size"] == 4
        assert count(tb.urls[0], "docs") == 50
        assert [c["name"] for c in call(tb.urls[0] + "/collections")["result"]["collections"]] == ["docs"]
    with start_testbed(tmp_path / "old", peers=1, version="1.17.1") as tb:
        call(f"{tb.urls[0]}/collections/docs", "PUT", {"vectors": {"v1": {"size": 4, "distance": "Dot"}}})
        r = migrate(qsnap_bin, tb, tb, tmp_path, "--in-place", "--add-vector", "v2:8:Cosine")
        assert r.returncode == 3 and "1.18" in r.stderr.decode()


def test_existing_target_and_changed_resume_are_refused(qsnap_bin, source, target, tmp_path):
    call(f"{target.urls[0]}/collections/docs", "PUT", {"vectors": {"size": 2, "distance": "Dot"}})
    r = migrate(qsnap_bin, source, target, tmp_path)
    assert r.returncode == 3 and "never writes into a collection it did not create" in r.stderr.decode()
    assert count(target.urls[0], "docs") == 0
    # an interrupted migration (killed at once) then rerun with another filter: refused, then --no-resume starts over
    target.admin().set_faults({"latency_ms": 200})
    proc = subprocess.Popen([qsnap_bin, "migrate", "--from", source.urls[0], "--to", target.urls[0],
                             "--collection", "docs", "--as", "d2", "--state-dir", str(tmp_path / "state")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while not any((tmp_path / "state").glob("migrate-*.json")) and time.time() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    target.admin().clear_faults()
    # the killed run's last upsert may still be in the server (delayed by the latency fault): let it land, or it
    # would land in the fresh target below (the verification would catch it: exit 4)
    time.sleep(1.0)
    r = migrate(qsnap_bin, source, target, tmp_path, "--as", "d2", "--filter", '{"must":[{"key":"n","range":{"lt":5}}]}')
    assert r.returncode == 3 and "--no-resume" in r.stderr.decode()
    r = migrate(qsnap_bin, source, target, tmp_path, "--as", "d2", "--no-resume",
                "--filter", '{"must":[{"key":"n","range":{"lt":5}}]}')
    assert r.returncode == 0, r.stderr.decode()
    assert count(target.urls[0], "d2") == 5


def test_killed_ten_times_each_rerun_ends_exact_without_duplicates(qsnap_bin, source, target, tmp_path):
    ids = sorted(p["id"] for p in scroll_all(source.urls[0], "docs"))
    rng = random.Random(5)
    target.admin().set_faults({"latency_ms": 60})
    killed = 0
    try:
        for round_ in range(10):
            name = f"k{round_}"
            cmd = [qsnap_bin, "migrate", "--from", source.urls[0], "--to", target.urls[0], "--collection", "docs",
                   "--as", name, "--batch", "100", "--parallel", str(1 + round_ % 3), "--state-dir", str(tmp_path / "state")]
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.05, 0.9))
            proc.send_signal(signal.SIGKILL)
            if proc.wait() == 0:
                continue  # it finished first: a rerun would rightly refuse the existing target
            killed += 1
            r = run(cmd + ["--json"], timeout=300)
            assert r.returncode == 0, (round_, r.stderr.decode())
            result = json.loads(r.stdout)
            assert result["points"] == 1500
            got = sorted(p["id"] for p in scroll_all(target.urls[0], name))
            assert got == ids, round_  # exact, no duplicate, none missing
        assert killed >= 8
    finally:
        target.admin().clear_faults()


def test_advise_offers_qsnap_migrate_beside_the_migration_tool(qsnap_bin):
    r = run([qsnap_bin, "advise", "--source", "qdrant", "--source-version", "1.17.0", "--target-version", "1.18.0",
             "--source-shards", "3", "--target-shards", "6", "--collection", "docs", "--json"])
    assert r.returncode == 0, r.stderr.decode()
    text = r.stdout.decode()
    assert "qsnap migrate --from" in text and "--shards 6" in text and "qdrant-migration qdrant" in text
