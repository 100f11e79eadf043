"""Backups through the fault-injecting proxy (faultproxy.py), in front of S3 (rclone, moto) or of a Qdrant node:
503 SlowDown, 500, connection resets mid-body in both directions, slow and truncated responses at seeded rates.

Every run must end one of two ways: completed — a manifest whose objects are byte-identical to what the node serves
(SHA-256 and size), `qsnap verify` passes, no multipart upload left open — or a clean failure: non-zero exit, no
manifest, nothing listed as a backup. Across the seeds at least one run must complete and faults must have been
injected. A single-peer double is used: in cluster mode the backup would find the other peers' real URLs in
`/cluster` and go around the proxy."""
import hashlib
import json
import os
import sys

import boto3
import pytest

from conftest import run
from faultproxy import FaultProxy
from qdrant_data import call, count, create_collection, download, start_testbed
from s3servers import moto_s3, rclone_s3  # noqa: F401  (fixtures)

pytestmark = pytest.mark.timeout(300)

S3_RATES = {"slowdown": 0.07, "error500": 0.05, "reset_request": 0.05, "reset_response": 0.05, "truncate": 0.05,
            "slow": 0.05}
QDRANT_RATES = {"slowdown": 0.06, "error500": 0.05, "reset_request": 0.04, "reset_response": 0.06, "truncate": 0.06,
                "slow": 0.05}
FIGURES = {"runs": 0, "completed": 0, "failed_cleanly": 0, "requests": 0, "faults": 0}


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """One node: `docs` (about 2.5 MiB of snapshot: multipart with 1 MiB parts) and `small`."""
    with start_testbed(tmp_path_factory.mktemp("faults"), peers=1) as tb:
        create_collection(tb.urls[0], "docs", dim=96, points=3000, seed=3)
        create_collection(tb.urls[0], "small", dim=8, points=40, seed=4)
        yield tb


@pytest.fixture(scope="module", autouse=True)
def report_figures():
    yield
    line = (f"fault proxy: {FIGURES['runs']} backup and restore runs, {FIGURES['completed']} completed, "
            f"{FIGURES['failed_cleanly']} failed cleanly; {FIGURES['requests']} requests, {FIGURES['faults']} faults injected")
    print("\n" + line, file=sys.stderr)
    from secretscan import add_figure

    add_figure(line)


def s3_client(s3):
    return boto3.client("s3", endpoint_url=s3.endpoint, region_name="us-east-1",
                        aws_access_key_id=s3.access_key, aws_secret_access_key=s3.secret_key)


def multipart_uploads(client, bucket):
    try:
        return client.list_multipart_uploads(Bucket=bucket).get("Uploads") or []
    except client.exceptions.ClientError as e:  # rclone answers NoSuchUpload when there are none
        assert e.response["Error"]["Code"] == "NoSuchUpload", e
        return []


def check_completed(qsnap_bin, tb, manifest, read_object, verify_cmd, env=None):
    """The manifest's objects are what the node serves; verify passes; the server snapshots are then removed."""
    assert {c["name"] for c in manifest["collections"]} == {"docs", "small"}
    assert len(manifest["objects"]) == 2
    for o in manifest["objects"]:
        stored = read_object(o["key"])
        assert len(stored) == o["size"] and hashlib.sha256(stored).hexdigest() == o["sha256"], o["key"]
        served = download(f"{tb.urls[0]}/collections/{o['collection']}/snapshots/{o['snapshotName']}")
        assert stored == served, f"{o['key']} differs from what the node serves"
    v = run(verify_cmd, env=env)
    assert v.returncode == 0, v.stdout.decode() + v.stderr.decode()


def drop_server_snapshots(tb):
    for c in ("docs", "small"):
        for s in call(f"{tb.urls[0]}/collections/{c}/snapshots")["result"]:
            call(f"{tb.urls[0]}/collections/{c}/snapshots/{s['name']}", "DELETE")


def last_line(r):
    lines = r.stderr.decode(errors="replace").strip().splitlines()
    return lines[-1] if lines and r.returncode else "ok"


def tally(proxy, completed):
    FIGURES["runs"] += 1
    FIGURES["completed" if completed else "failed_cleanly"] += 1
    FIGURES["requests"] += proxy.requests
    FIGURES["faults"] += proxy.faults


MADE_BUCKETS: set[str] = set()
S3_SEEDS = [("rclone", 1), ("rclone", 2), ("rclone", 3), ("rclone", 4), ("moto", 5), ("moto", 6)]


@pytest.mark.parametrize("server,seed", S3_SEEDS, ids=[f"{s}-seed{n}" for s, n in S3_SEEDS])
def test_backup_through_faulty_s3(qsnap_bin, source, server, seed, request):
    s3 = request.getfixturevalue(f"{server}_s3")
    bucket = f"faults-{server}"
    if bucket not in MADE_BUCKETS:
        s3.make_bucket(bucket)
        MADE_BUCKETS.add(bucket)
    client = s3_client(s3)
    prefix = f"seed-{seed}"
    repo = f"s3://{bucket}/{prefix}"
    # rclone takes 1 MiB parts (multipart for `docs`); moto enforces S3's 5 MiB minimum
    part = "1" if server == "rclone" else "5"
    backup = [qsnap_bin, "backup", "--qdrant", source.urls[0], "--to", repo, "--json", "--keep-server-snapshots",
              "--part-size-mib", part, "--concurrency", "2", "--attempts", "6"]
    with FaultProxy(s3.port, seed=seed, rates=S3_RATES, flavor="s3", slow_seconds=0.3) as proxy:
        r = run(backup, env={**s3.env(), "AWS_ENDPOINT_URL": proxy.url}, timeout=240)
    completed = r.returncode == 0
    tally(proxy, completed)
    print(f"{server} seed {seed}: exit {r.returncode}; proxy {proxy.figures()}; {last_line(r)}")

    def manifests():
        keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket, Prefix=prefix + "/").get("Contents", [])]
        return [k for k in keys if k.endswith("/manifest.json")]

    try:
        if not completed:
            err = r.stderr.decode(errors="replace")
            assert r.returncode in (1, 4), err
            assert err.strip(), "a failure must say why"
            assert manifests() == [], f"a failed backup left a manifest: {manifests()}"
            ls = run([qsnap_bin, "list", "--repo", repo, "--json"], env=s3.env())
            assert ls.returncode == 0 and json.loads(ls.stdout)["backups"] == []
            # nothing lost: the same backup run again without the faults completes
            r = run(backup, env=s3.env(), timeout=240)
            assert r.returncode == 0, r.stderr.decode()
        backup_id = json.loads(r.stdout)["id"]
        assert manifests() == [f"{prefix}/backups/{backup_id}/manifest.json"]
        manifest = json.loads(client.get_object(Bucket=bucket, Key=manifests()[0])["Body"].read())
        check_completed(qsnap_bin, source, manifest,
                        lambda key: client.get_object(Bucket=bucket, Key=f"{prefix}/{key}")["Body"].read(),
                        [qsnap_bin, "verify", backup_id, "--repo", repo], env=s3.env())
        assert not [u for u in multipart_uploads(client, bucket) if u["Key"].startswith(prefix + "/")], \
            "a multipart upload was left open"
    finally:
        drop_server_snapshots(source)


# (seed, which requests may get a fault): every request, or only GETs (listings and the streamed downloads)
QDRANT_SEEDS = [(11, "all"), (12, "all"), (13, "get"), (14, "get")]


@pytest.mark.parametrize("seed,scope", QDRANT_SEEDS, ids=[f"seed{n}-{w}" for n, w in QDRANT_SEEDS])
def test_backup_through_faulty_qdrant(qsnap_bin, source, seed, scope, tmp_path):
    """The proxy sits between qsnap and the node: snapshot creation, listing and the streamed downloads get faults."""
    node_port = int(source.urls[0].rsplit(":", 1)[1])
    repo = tmp_path / "repo"
    only = (lambda method, path: method == "GET") if scope == "get" else None
    with FaultProxy(node_port, seed=seed, rates=QDRANT_RATES, flavor="qdrant", slow_seconds=0.3, only=only) as proxy:
        r = run([qsnap_bin, "backup", "--qdrant", proxy.url, "--to", str(repo), "--json", "--keep-server-snapshots"],
                timeout=240)
    completed = r.returncode == 0
    tally(proxy, completed)
    print(f"qdrant seed {seed} ({scope}): exit {r.returncode}; proxy {proxy.figures()}; {last_line(r)}")
    try:
        if not completed:
            err = r.stderr.decode(errors="replace")
            assert r.returncode in (1, 4), err
            assert list(repo.rglob("manifest.json")) == [], "a failed backup left a manifest"
            assert not list(repo.rglob("*.qsnap-partial-*")), "a partial object was left behind"
            if repo.exists():
                ls = run([qsnap_bin, "list", "--repo", str(repo), "--json"])
                assert ls.returncode == 0 and json.loads(ls.stdout)["backups"] == []
            # nothing lost: the same backup run again without the faults completes
            r = run([qsnap_bin, "backup", "--qdrant", source.urls[0], "--to", str(repo), "--json",
                     "--keep-server-snapshots"], timeout=240)
            assert r.returncode == 0, r.stderr.decode()
        backup_id = json.loads(r.stdout)["id"]
        manifests = list(repo.rglob("manifest.json"))
        assert [m.parent.name for m in manifests] == [backup_id]
        manifest = json.loads(manifests[0].read_text())
        check_completed(qsnap_bin, source, manifest, lambda key: (repo / key).read_bytes(),
                        [qsnap_bin, "verify", backup_id, "--repo", str(repo)])
        assert not list(repo.rglob("*.qsnap-partial-*"))
    finally:
        drop_server_snapshots(source)


@pytest.fixture(scope="module")
def restore_setup(qsnap_bin, source, rclone_s3, tmp_path_factory):
    """A backup of `source` in rclone's S3 and an empty single-node target."""
    rclone_s3.make_bucket("faults-restore")
    repo = "s3://faults-restore/r"
    r = run([qsnap_bin, "backup", "--qdrant", source.urls[0], "--to", repo, "--json", "--collection", "docs"],
            env=rclone_s3.env(), timeout=240)
    assert r.returncode == 0, r.stderr.decode()
    with start_testbed(tmp_path_factory.mktemp("faults-target"), peers=1) as target:
        yield repo, json.loads(r.stdout)["id"], target


# (seed, where the proxy sits)
RESTORE_SEEDS = [(21, "s3"), (22, "s3"), (31, "qdrant"), (32, "qdrant")]


@pytest.mark.parametrize("seed,where", RESTORE_SEEDS, ids=[f"{w}-seed{n}" for n, w in RESTORE_SEEDS])
def test_restore_through_faults(qsnap_bin, rclone_s3, restore_setup, seed, where):
    """A restore reading S3 through the proxy, or talking to the target node through it: either the collection is
    restored whole (exact count, alias switched) or the run fails and the target has no new collection or alias."""
    repo, backup_id, target = restore_setup
    name = f"docs-s{seed}"
    env = rclone_s3.env()
    target_url = target.urls[0]
    if where == "s3":
        proxy = FaultProxy(rclone_s3.port, seed=seed, rates=S3_RATES, flavor="s3", slow_seconds=0.3)
        env = {**env, "AWS_ENDPOINT_URL": proxy.url}
    else:
        proxy = FaultProxy(int(target_url.rsplit(":", 1)[1]), seed=seed, rates=QDRANT_RATES, flavor="qdrant",
                           slow_seconds=0.3)
    with proxy:
        r = run([qsnap_bin, "restore", backup_id, "--repo", repo, "--target", proxy.url if where == "qdrant" else target_url,
                 "--collection", "docs", "--as", name, "--json"], env=env, timeout=240)
    completed = r.returncode == 0
    tally(proxy, completed)
    print(f"restore via {where} seed {seed}: exit {r.returncode}; proxy {proxy.figures()}; {last_line(r)}")
    collections = [c["name"] for c in call(f"{target_url}/collections")["result"]["collections"]]
    aliases = {a["alias_name"]: a["collection_name"] for a in call(f"{target_url}/aliases")["result"]["aliases"]}
    mine = [c for c in collections if c.startswith(name + "-")]
    if completed:
        assert name in aliases and aliases[name] in mine, (aliases, collections)
        assert count(target_url, aliases[name]) == 3000
    else:
        assert r.returncode in (1, 3, 4), r.stderr.decode()
        assert name not in aliases, f"a failed restore switched the alias: {aliases}"
        assert not mine, f"a failed restore left a collection behind: {mine}"


def test_faults_were_injected_and_runs_completed():
    """Runs last in this module (pytest keeps file order): the seeded runs above did meet faults and did finish."""
    if FIGURES["runs"] < len(S3_SEEDS) + len(QDRANT_SEEDS) + len(RESTORE_SEEDS):
        pytest.skip("only part of this module ran")
    assert FIGURES["faults"] >= 10, FIGURES
    assert FIGURES["completed"] >= 1, FIGURES


def test_proxy_injects_each_fault_kind(tmp_path):
    """The proxy itself: each fault kind, forced at rate 1, does what it says to a plain HTTP client."""
    import http.client
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    body = os.urandom(300_000)
    hosts = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hosts.append(self.headers["Host"])
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_PUT(self):
            n = int(self.headers["Content-Length"])
            got = self.rfile.read(n)
            self.send_response(200)
            self.send_header("Content-Length", "64")
            self.end_headers()
            self.wfile.write(hashlib.sha256(got).hexdigest().encode())

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        def fetch(proxy, method="GET", data=None):
            conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=10)
            conn.request(method, "/x", body=data, headers={"Host": "signed-host:9000"})
            resp = conn.getresponse()
            return resp.status, resp.read()

        with FaultProxy(server.server_port, rates={}) as p:
            assert fetch(p) == (200, body)
            assert hosts == ["signed-host:9000"], "the Host header must reach the upstream unchanged"
            payload = os.urandom(200_000)
            assert fetch(p, "PUT", payload) == (200, hashlib.sha256(payload).hexdigest().encode())
        with FaultProxy(server.server_port, rates={"slowdown": 1.0}) as p:
            status, text = fetch(p)
            assert status == 503 and b"<Code>SlowDown</Code>" in text and p.counts["slowdown"] == 1
        with FaultProxy(server.server_port, rates={"error500": 1.0}, flavor="qdrant") as p:
            status, text = fetch(p)
            assert status == 500 and json.loads(text)["status"]["error"]
        with FaultProxy(server.server_port, rates={"truncate": 1.0}, seed=3) as p:
            with pytest.raises(http.client.IncompleteRead):
                fetch(p)
        with FaultProxy(server.server_port, rates={"reset_response": 1.0}, seed=3) as p:
            with pytest.raises((ConnectionError, http.client.IncompleteRead)):
                fetch(p)
        with FaultProxy(server.server_port, rates={"reset_request": 1.0}, seed=3) as p:
            with pytest.raises((ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine)):
                fetch(p, "PUT", os.urandom(200_000))
        with FaultProxy(server.server_port, rates={"slow": 1.0}, slow_seconds=0.4) as p:
            import time

            t = time.monotonic()
            assert fetch(p) == (200, body)
            assert time.monotonic() - t >= 0.4
    finally:
        server.shutdown()
