"""`qsnap restore` on the Qdrant test double: a 3-node backup restored into a fresh 3-node double, failures and
SIGKILL mid-way leave the alias and no staging collection behind, a reader through the alias never sees it
missing during the switch, and the `url` transport served by a local HTTP server."""
import functools
import http.server
import json
import os
import signal
import subprocess
import threading
import time
import urllib.error

import pytest

from conftest import free_port, run
from qdrant_data import call, count, create_alias, create_collection, scroll_all, start_testbed
from s3servers import moto_s3, rclone_s3  # noqa: F401  (fixtures)

pytestmark = pytest.mark.timeout(600)

MARK = "-qsnap-"


@pytest.fixture(scope="module")
def source(tmp_path_factory, qsnap_bin):
    """A 3-node source (docs: 3 shards × 2 replicas, small: 1 shard; alias prod → docs) and two backups of it:
    A with 900 docs points, B after 100 more points were added."""
    base = tmp_path_factory.mktemp("restore-src")
    repo = base / "repo"
    with start_testbed(base / "qdrant", peers=3, version="1.18.2") as tb:
        create_collection(tb.urls[0], "docs", dim=32, shards=3, replication=2, points=900)
        create_collection(tb.urls[0], "small", dim=8, shards=1, replication=1, points=50, seed=2)
        create_alias(tb.urls[0], "prod", "docs")
        ids, docs_at = [], []
        for extra in (0, 100):
            if extra:
                pts = [{"id": 5000 + i, "vector": {"dense": [0.5] * 31 + [i / 100]}, "payload": {"n": 5000 + i}}
                       for i in range(extra)]
                call(f"{tb.urls[0]}/collections/docs/points?wait=true", "PUT", {"points": pts})
            r = run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", str(repo), "--json"],
                    timeout=300)
            assert r.returncode == 0, r.stderr.decode()
            ids.append(json.loads(r.stdout)["id"])
            docs_at.append(scroll_all(tb.urls[0], "docs"))
            time.sleep(1.1)  # backup ids carry the second
        points = {"small": scroll_all(tb.urls[0], "small"), "docs_a": docs_at[0], "docs_b": docs_at[1]}
        yield {"tb": tb, "repo": str(repo), "a": ids[0], "b": ids[1], "points": points}


@pytest.fixture
def target(tmp_path):
    with start_testbed(tmp_path / "dst", peers=3, version="1.18.0") as tb:
        yield tb


def restore(qsnap_bin, src, tb, backup, *extra, timeout=300):
    return run([qsnap_bin, "restore", backup, "--repo", src["repo"], "--target", ",".join(tb.urls), *extra],
               timeout=timeout)


def collections(tb):
    return sorted(c["name"] for c in call(tb.urls[0] + "/collections")["result"]["collections"])


def aliases(tb):
    return {a["alias_name"]: a["collection_name"] for a in call(tb.urls[0] + "/aliases")["result"]["aliases"]}


def test_three_node_backup_restores_into_fresh_three_node_cluster(qsnap_bin, source, target):
    r = restore(qsnap_bin, source, target, source["b"], "--json")
    assert r.returncode == 0, r.stderr.decode()
    result = json.loads(r.stdout)
    docs, small = (f"{n}{MARK}{source['b']}" for n in ("docs", "small"))
    assert result["aliases"] == {"docs": docs, "prod": docs, "small": small}
    assert collections(target) == sorted([docs, small])
    assert aliases(target) == {"docs": docs, "prod": docs, "small": small}
    by_name = {c["source"]: c for c in result["collections"]}
    assert by_name["docs"]["points"] == 1000 and by_name["docs"]["samplesChecked"] == 16
    # equal counts and payloads, through every name, and every node answers the same
    src_docs = source["points"]["docs_b"]
    for url in target.urls:
        assert count(url, "docs") == count(url, "prod") == 1000
        assert scroll_all(url, "docs") == src_docs
        assert scroll_all(url, "small") == source["points"]["small"]
    for name in (docs, small):
        info = call(f"{target.urls[0]}/collections/{name}")["result"]
        assert info["config"]["params"]["shard_number"] == (3 if name == docs else 1)
        # the uploaded snapshot files were removed from the nodes
        for url in target.urls:
            assert call(f"{url}/collections/{name}/snapshots")["result"] == []
    # every replica is Active on every node
    for url in target.urls:
        view = call(f"{url}/collections/{docs}/cluster")["result"]
        assert all(s["state"] == "Active" for s in view["local_shards"] + view["remote_shards"])


def test_dry_run_prints_the_plan_and_changes_nothing(qsnap_bin, source, target):
    r = restore(qsnap_bin, source, target, source["a"], "--dry-run", "--json")
    assert r.returncode == 0, r.stderr.decode()
    plan = json.loads(r.stdout)
    assert plan["backupID"] == source["a"] and all(g["passed"] for g in plan["gates"])
    assert {c["staging"] for c in plan["collections"]} == {f"docs{MARK}{source['a']}", f"small{MARK}{source['a']}"}
    assert collections(target) == [] and aliases(target) == {}


def test_alias_of_a_foreign_collection_is_refused_then_a_failed_restore_keeps_it(qsnap_bin, source, target):
    url = target.urls[0]
    create_collection(url, "docs-v1", dim=32, shards=3, replication=1, points=40, seed=9)
    create_alias(url, "docs", "docs-v1")
    r = restore(qsnap_bin, source, target, source["a"], "--collection", "docs", "--json")
    assert r.returncode == 3, r.stderr.decode()
    gates = {g["gate"]: g for g in json.loads(r.stdout)["gates"]}
    assert not gates["alias"]["passed"] and "--take-over-alias" in gates["alias"]["detail"]
    assert collections(target) == ["docs-v1"]

    # the second upload fails with a 500: the staging collection goes, the alias stays on docs-v1
    target.admin(0).set_faults({"errors": [{"method": "POST", "path": "/collections/[^/]+/snapshots/upload",
                                            "nth": 2, "times": 1, "status": 500,
                                            "message": "Service internal error: injected fault"}]})
    r = restore(qsnap_bin, source, target, source["a"], "--collection", "docs", "--take-over-alias")
    assert r.returncode == 1, r.stderr.decode()
    assert b"injected fault" in r.stderr
    assert target.admin(0).faults()["counters"]["0"] >= 2  # the fault was hit
    target.admin(0).clear_faults()
    assert collections(target) == ["docs-v1"]
    assert aliases(target) == {"docs": "docs-v1"}
    assert count(url, "docs") == 40

    # with the fault gone the same command succeeds, and the old collection keeps a rollback alias
    r = restore(qsnap_bin, source, target, source["a"], "--collection", "docs", "--take-over-alias", "--json")
    assert r.returncode == 0, r.stderr.decode()
    restored = f"docs{MARK}{source['a']}"
    assert aliases(target) == {"docs": restored, "prod": restored, "docs-qsnap-previous": "docs-v1"}
    assert count(url, "docs") == 900 and count(url, "docs-qsnap-previous") == 40


def test_verification_failure_removes_the_staging_collection(qsnap_bin, source, target, tmp_path):
    # a backup whose manifest claims one point more than its snapshots hold: the count check fails (exit 4)
    import shutil
    repo = tmp_path / "repo"
    shutil.copytree(source["repo"], repo)
    mpath = repo / "backups" / source["a"] / "manifest.json"
    manifest = json.loads(mpath.read_text())
    for c in manifest["collections"]:
        if c["name"] == "small":
            c["pointsCount"] += 1
    mpath.write_text(json.dumps(manifest))
    r = run([qsnap_bin, "restore", source["a"], "--repo", str(repo), "--target", ",".join(target.urls),
             "--collection", "small"])
    assert r.returncode == 4, r.stderr.decode()
    assert b"51" in r.stderr and b"50 points" in r.stderr
    assert collections(target) == [] and aliases(target) == {}


def test_sigkill_mid_restore_then_rerun_leaves_no_staging_collection(qsnap_bin, source, target):
    first, staging = (f"docs{MARK}{source[k]}" for k in ("a", "b"))
    r = restore(qsnap_bin, source, target, source["a"], "--collection", "docs")
    assert r.returncode == 0, r.stderr.decode()
    target.admin(0).set_faults({"latency_ms": 400})
    proc = subprocess.Popen([qsnap_bin, "restore", source["b"], "--repo", source["repo"], "--target",
                             ",".join(target.urls), "--collection", "docs"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while staging not in collections(target):
            assert proc.poll() is None, "restore ended before it could be killed"
            assert time.time() < deadline
            time.sleep(0.2)
        time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    target.admin(0).clear_faults()
    # the killed run left its staging collection, without an alias, and its restore lock (the next restore on this
    # host takes it over: its holder is gone); the alias is still on the old collection
    assert collections(target) == sorted([first, staging, "qsnap-restore-lock-docs"])
    assert aliases(target) == {"docs": first, "prod": first}
    assert count(target.urls[0], "docs") == 900

    r = run([qsnap_bin, "check", source["b"], "--repo", source["repo"], "--target", ",".join(target.urls),
             "--collection", "docs", "--json"])
    assert r.returncode == 0, r.stderr.decode()
    assert json.loads(r.stdout)["collections"][0]["stale"] == [staging]

    r = restore(qsnap_bin, source, target, source["b"], "--collection", "docs", "--json")
    assert r.returncode == 0, r.stderr.decode()
    assert json.loads(r.stdout)["removedStale"] == [staging]
    assert collections(target) == sorted([first, staging])
    assert aliases(target) == {"docs": staging, "prod": staging, "docs-qsnap-previous": first}
    assert count(target.urls[0], "docs") == 1000


def test_reader_through_the_alias_never_sees_it_missing(qsnap_bin, source, target):
    first, second = (f"docs{MARK}{source[k]}" for k in ("a", "b"))
    r = restore(qsnap_bin, source, target, source["a"], "--collection", "docs")
    assert r.returncode == 0, r.stderr.decode()
    seen, errors, stop = [], [], threading.Event()

    def reader(url):
        query = {"query": [0.5] * 32, "using": "dense", "limit": 3}
        while not stop.is_set():
            try:
                seen.append(count(url, "docs"))
                assert len(call(f"{url}/collections/docs/points/query", "POST", query)["result"]["points"]) == 3
            except Exception as e:  # noqa: BLE001  (any failure is a finding)
                errors.append(repr(e))

    threads = [threading.Thread(target=reader, args=(u,)) for u in target.urls[:2]]
    for t in threads:
        t.start()
    try:
        r = restore(qsnap_bin, source, target, source["b"], "--collection", "docs")
    finally:
        time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join()
    assert r.returncode == 0, r.stderr.decode()
    assert errors == []
    assert set(seen) == {900, 1000} and len(seen) > 20
    assert seen[-1] == 1000
    assert aliases(target) == {"docs": second, "prod": second, "docs-qsnap-previous": first}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_url_transport_recovers_from_a_served_repository(qsnap_bin, source, target):
    port = free_port()
    handler = functools.partial(_QuietHandler, directory=source["repo"])
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        r = restore(qsnap_bin, source, target, source["a"], "--collection", "small", "--transport", "url")
        assert r.returncode == 2 and b"--object-base-url" in r.stderr
        assert collections(target) == []
        r = restore(qsnap_bin, source, target, source["a"], "--collection", "small", "--transport", "url",
                    "--object-base-url", f"http://127.0.0.1:{port}/", "--json")
        assert r.returncode == 0, r.stderr.decode()
        assert json.loads(r.stdout)["transport"] == "url"
    finally:
        server.shutdown()
        server.server_close()
    assert scroll_all(target.urls[0], "small") == source["points"]["small"]


@pytest.mark.parametrize("server", ["rclone", "moto"])
def test_restore_streams_from_an_s3_repository(qsnap_bin, source, target, server, request):
    s3 = request.getfixturevalue(f"{server}_s3")
    bucket = f"rs-{server}"
    s3.make_bucket(bucket)
    s3.aws("s3", "cp", "--recursive", "--quiet", source["repo"], f"s3://{bucket}/q")
    # --transport upload asked for (the default from S3 is presigned URLs: test_presigned_restore.py)
    r = run([qsnap_bin, "restore", source["a"], "--repo", f"s3://{bucket}/q", "--target", ",".join(target.urls),
             "--transport", "upload", "--json"], env=s3.env(), timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    result = json.loads(r.stdout)
    assert result["transport"] == "upload"
    assert all(c["recoveries"] and all(x["key"].startswith(f"backups/{source['a']}/objects/") for x in c["recoveries"])
               for c in result["collections"])
    assert scroll_all(target.urls[1], "prod") == source["points"]["docs_a"]
    assert scroll_all(target.urls[0], "small") == source["points"]["small"]
    assert s3.secret_key.encode() not in r.stdout + r.stderr


def test_shard_backup_restores_shard_by_shard(qsnap_bin, source, target, tmp_path):
    repo = tmp_path / "shard-repo"
    r = run([qsnap_bin, "backup", "--qdrant", source["tb"].urls[0], "--to", str(repo), "--kind", "shard",
             "--collection", "docs", "--json"], timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    backup_id = json.loads(r.stdout)["id"]
    r = run([qsnap_bin, "restore", backup_id, "--repo", str(repo), "--target", ",".join(target.urls), "--json"],
            timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    result = json.loads(r.stdout)
    (restored,) = result["collections"]
    assert len(restored["recoveries"]) == 3  # one per shard
    assert restored["points"] == 1000 and restored["samplesChecked"] == 16
    for url in target.urls:
        assert scroll_all(url, "docs") == source["points"]["docs_b"]
    info = call(f"{target.urls[0]}/collections/{restored['collection']}")["result"]
    assert info["config"]["params"]["shard_number"] == 3 and info["config"]["params"]["replication_factor"] == 2


def test_map_sends_a_source_peer_to_the_named_node(qsnap_bin, source, target):
    peers = [source["tb"].peer_id(i) for i in range(3)]
    r = restore(qsnap_bin, source, target, source["a"], "--collection", "docs", "--dry-run", "--json",
                "--map", f"{peers[0]}={target.urls[2]}", "--map", f"{peers[2]}={target.urls[0]}")
    assert r.returncode == 0, r.stderr.decode()
    objects = {o["sourcePeer"]: o for o in json.loads(r.stdout)["collections"][0]["objects"]}
    assert objects[peers[0]]["node"] == target.urls[2] and objects[peers[2]]["node"] == target.urls[0]
    r = restore(qsnap_bin, source, target, source["a"], "--dry-run", "--map", f"12345={target.urls[0]}")
    assert r.returncode == 2 and b"not a source peer" in r.stderr
    r = restore(qsnap_bin, source, target, source["a"], "--dry-run", "--map", f"{peers[0]}=http://elsewhere:6333")
    assert r.returncode == 2 and b"not one of the --target URLs" in r.stderr
    r = restore(qsnap_bin, source, target, source["a"], "--dry-run", "--map", "nonsense")
    assert r.returncode == 2
    assert collections(target) == []


# --- the upload transport inspects what it streams and holds the last bytes back until the object passed ---

def planted(src, dest, backup_id, mutate, *, update_manifest=True):
    """A copy of the source repository where mutate(index, data) may replace the bytes of backup_id's objects (None
    keeps them); with update_manifest the manifest records the new size and SHA-256, else it keeps the old ones."""
    import hashlib
    import shutil
    shutil.copytree(src["repo"], dest)
    mpath = dest / "backups" / backup_id / "manifest.json"
    manifest = json.loads(mpath.read_text())
    for i, obj in enumerate(manifest["objects"]):
        path = dest / obj["key"]
        data = mutate(i, obj, path.read_bytes())
        if data is None:
            continue
        path.write_bytes(data)
        if update_manifest:
            obj["sha256"], obj["size"] = hashlib.sha256(data).hexdigest(), len(data)
    mpath.write_text(json.dumps(manifest, indent=2))
    return dest


PADDING = ("padding.bin", os.urandom(6 << 20))  # makes an upload stream several chunks before the archive's end


def appended(data: bytes, tail: list[tuple[str, bytes]] = ()) -> bytes:
    """The snapshot with `tail` entries appended after its own (tarfile's append mode: before the end marker)."""
    import io
    import tarfile
    out = io.BytesIO(data)
    with tarfile.open(fileobj=out, mode="a", format=tarfile.GNU_FORMAT) as t:
        for name, content in tail:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            t.addfile(info, io.BytesIO(content))
    return out.getvalue()


def flip_inside_a_file(data: bytes) -> bytes:
    """One byte changed inside the data of the largest regular entry: the archive stays well-formed."""
    import io
    import tarfile
    members = [m for m in tarfile.open(fileobj=io.BytesIO(data)).getmembers()
               if m.isreg() and not m.issparse() and m.size and m.offset_data + m.size <= len(data)]
    m = max(members, key=lambda m: m.size)
    b = bytearray(data)
    b[m.offset_data + m.size // 2] ^= 0xFF
    return bytes(b)


def snapshot_files(tb):
    """Every file below the nodes' snapshot directories (uploads are spooled there too)."""
    return sorted(str(p.relative_to(tb.storage)) for p in tb.storage.rglob("*")
                  if p.is_file() and "snapshots" in p.relative_to(tb.storage).parts)


def settled(probe, timeout=5.0):
    """probe() once it returns a falsy value (the node may still be discarding an aborted upload), else its last value."""
    deadline = time.time() + timeout
    while (value := probe()) and time.time() < deadline:
        time.sleep(0.1)
    return value


def test_upload_of_an_unsafe_archive_is_aborted_before_the_node_recovers_it(qsnap_bin, source, target, tmp_path):
    """The escaping entry comes last: the node has received many chunks of the archive when the inspection refuses
    it, but never its last bytes, so it never recovers it and keeps nothing."""
    small = f"small{MARK}{source['a']}"
    stored = lambda: sorted(str(p.relative_to(target.storage)) for p in target.storage.rglob("*")  # noqa: E731
                            if "collections" in p.relative_to(target.storage).parts)
    before = stored()
    repo = planted(source, tmp_path / "repo", source["a"],
                   lambda i, obj, data: appended(data, [PADDING, ("0/../../../escaped", b"owned")])
                   if obj["collection"] == "small" else None)
    (obj,) = [o for o in json.loads((repo / "backups" / source["a"] / "manifest.json").read_text())["objects"]
              if o["collection"] == "small"]
    assert obj["size"] > 6 << 20
    r = run([qsnap_bin, "restore", source["a"], "--repo", str(repo), "--target", ",".join(target.urls),
             "--collection", "small", "--json"], timeout=300)
    assert r.returncode == 3, r.stderr.decode()
    err = json.loads(r.stdout)["error"] if r.stdout else {}
    message = err.get("error", "") + r.stderr.decode()
    assert "escaped" in message and "aborted before the node could recover it" in message, message
    assert collections(target) == [] and aliases(target) == {}
    assert small not in collections(target)
    assert settled(lambda: snapshot_files(target)) == []
    assert stored() == before, "the node recovered data from the refused archive"
    # the same archive without the escaping entry restores
    repo = planted(source, tmp_path / "repo-ok", source["a"],
                   lambda i, obj, data: appended(data, [PADDING])
                   if obj["collection"] == "small" else None)
    r = run([qsnap_bin, "restore", source["a"], "--repo", str(repo), "--target", ",".join(target.urls),
             "--collection", "small"], timeout=300)
    assert r.returncode == 0, r.stderr.decode()
    assert scroll_all(target.urls[0], "small") == source["points"]["small"]


def test_upload_of_a_damaged_archive_is_refused_with_exit_4_and_leaves_nothing(qsnap_bin, source, target, tmp_path):
    """A well-formed archive whose SHA-256 differs from the manifest's: refused before its last bytes are sent."""
    base = planted(source, tmp_path / "base", source["a"],
                   lambda i, obj, data: appended(data, [PADDING])
                   if obj["collection"] == "small" else None)
    repo = planted({"repo": base}, tmp_path / "repo", source["a"],
                   lambda i, obj, data: flip_inside_a_file(data) if obj["collection"] == "small" else None,
                   update_manifest=False)
    r = run([qsnap_bin, "restore", source["a"], "--repo", str(repo), "--target", ",".join(target.urls),
             "--collection", "small"], timeout=300)
    assert r.returncode == 4, r.stderr.decode()
    assert b"SHA-256" in r.stderr and b"aborted before the node could recover it" in r.stderr
    assert collections(target) == [] and aliases(target) == {}
    assert settled(lambda: snapshot_files(target)) == []


def test_a_damaged_later_object_removes_the_staging_collection_an_earlier_one_created(
        qsnap_bin, source, target, tmp_path):
    """docs is recovered from more than one snapshot: whichever of them is damaged, the restore exits 4 and the
    target is left as it was; when an earlier snapshot had created the staging collection, it is removed."""
    r = restore(qsnap_bin, source, target, source["a"], "--collection", "docs", "--json")
    assert r.returncode == 0, r.stderr.decode()
    sent = sorted({x["key"] for x in json.loads(r.stdout)["collections"][0]["recoveries"]})
    assert len(sent) >= 2
    before = (collections(target), aliases(target))
    removed = 0
    for n, key in enumerate(sent):
        repo = planted(source, tmp_path / f"repo-{n}", source["a"],
                       lambda i, obj, data: flip_inside_a_file(data) if obj["key"] == key else None,
                       update_manifest=False)
        r = run([qsnap_bin, "restore", source["a"], "--repo", str(repo), "--target", ",".join(target.urls),
                 "--collection", "docs", "--as", "again", "-v"], timeout=300)
        assert r.returncode == 4, r.stderr.decode()
        assert b"SHA-256" in r.stderr and b"aborted before the node could recover it" in r.stderr
        removed += b"removed the staging collection again" in r.stderr
        assert (collections(target), aliases(target)) == before
        assert settled(lambda: snapshot_files(target)) == []
    assert removed >= 1
