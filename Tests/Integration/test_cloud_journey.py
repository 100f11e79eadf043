"""Self-hosted → Qdrant Cloud, end to end, reaching the Cloud cluster only the way a Cloud user can: through its TLS
cluster endpoint (and the node endpoints qsnap finds behind it), with an api key or a JWT. advise recommends
snapshots, doctor passes, backup, check, restore through the one endpoint with the alias; counts, payloads and a query
equal through the alias. Read-only keys are refused before any change, and a wrong CA, a wrong key and an expired JWT
each fail naming what to fix."""
import json
import time

import pytest

from conftest import run
from qdrant_data import call, count, create_alias, create_collection, scroll_all, start_testbed
from qdrant_testbed.auth import make_jwt

pytestmark = pytest.mark.timeout(900)

SELF_KEY = "self-hosted-key-0123456789abcdef0123"
CLOUD_KEY, CLOUD_RO = "cloud-manage-key-0123456789abcdef0123", "cloud-read-only-key-0123456789abcdef"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    base = tmp_path_factory.mktemp("cloud")
    with start_testbed(base / "self", peers=3, version="1.17.2", api_key=SELF_KEY) as src, \
            start_testbed(base / "cloud", peers=3, version="1.18.1", cloud="c1", api_key=CLOUD_KEY,
                          read_only_api_key=CLOUD_RO, jwt_rbac=True) as cloud:
        create_collection(src.urls[0], "docs", dim=16, shards=3, replication=1, points=600, api_key=SELF_KEY)
        create_alias(src.urls[0], "prod", "docs", api_key=SELF_KEY)
        yield {"src": src, "cloud": cloud, "base": base, "ca": str(cloud.ca_file),
               "points": scroll_all(src.urls[0], "docs", api_key=SELF_KEY)}


def q(qsnap_bin, w, *args, env=None, timeout=600):
    merged = {"SELF_KEY": SELF_KEY, "CLOUD_KEY": CLOUD_KEY, "QDRANT_API_KEY": ""}
    merged.update(env or {})
    return run([qsnap_bin, *args], env=merged, timeout=timeout)


def cloud_call(w, path, method="GET", body=None, key=CLOUD_KEY):
    s = w["cloud"].session(api_key=key)
    r = s.request(method, w["cloud"].cluster_url + path, json=body, timeout=60)
    r.raise_for_status()
    return r.json()


def test_the_journey(qsnap_bin, world):
    w = world
    src, cloud = w["src"].urls[0], w["cloud"].cluster_url
    repo = str(w["base"] / "repo")
    tls = ["--qdrant-ca-bundle", w["ca"]]
    keys = ["--source-api-key-env", "SELF_KEY", "--target-api-key-env", "CLOUD_KEY"]

    r = q(qsnap_bin, w, "advise", "--from", src, "--to", cloud, "--collection", "docs", "--json", *keys, *tls)
    assert r.returncode == 0, r.stderr.decode()
    doc = json.loads(r.stdout)
    method = next(d for d in doc["domains"] if d["domain"] == "migration")["recommendation"]["method"]
    assert method == "snapshots"

    r = q(qsnap_bin, w, "doctor", "--qdrant", src, "--target", cloud, "--repo", repo, "--json", *keys, *tls)
    report = json.loads(r.stdout)
    assert r.returncode == 0, json.dumps(report, indent=1)
    checks = {(c["scope"], c["check"]): c for c in report["checks"]}
    assert checks[("target", "tls")]["status"] == "PASS"
    assert checks[("target", "nodes")]["detail"].startswith("3 node(s)")
    assert "node-0-c1.localhost" in checks[("target", "nodes")]["detail"]

    r = q(qsnap_bin, w, "backup", "--qdrant", src, "--to", repo, "--source-api-key-env", "SELF_KEY", "--json")
    assert r.returncode == 0, r.stderr.decode()
    bid = json.loads(r.stdout)["id"]

    r = q(qsnap_bin, w, "check", bid, "--repo", repo, "--target", cloud, "--target-api-key-env", "CLOUD_KEY",
          "--json", *tls)
    assert r.returncode == 0, r.stdout.decode() + r.stderr.decode()
    assert json.loads(r.stdout)["verdict"] == "ok"

    # --transport url is asked for, but a Cloud node cannot download: qsnap uploads and says so
    r = q(qsnap_bin, w, "restore", bid, "--repo", repo, "--target", cloud, "--target-api-key-env", "CLOUD_KEY",
          "--collection", "docs", "--alias", "docs", "--transport", "url", "--object-base-url", "http://127.0.0.1:9",
          "--json", *tls)
    assert r.returncode == 0, r.stderr.decode()
    assert "uploading" in r.stderr.decode() and "instead" in r.stderr.decode()
    result = json.loads(r.stdout)
    staged = result["collections"][0]["collection"]
    assert result["aliases"]["docs"] == staged
    # through the alias, on the cluster endpoint: counts, payloads and a query equal
    got = cloud_call(w, "/collections/docs/points/count", "POST", {"exact": True})["result"]["count"]
    assert got == 600
    pts, offset = [], None
    while True:
        body = {"limit": 500, "with_payload": True, **({"offset": offset} if offset is not None else {})}
        page = cloud_call(w, "/collections/docs/points/scroll", "POST", body)["result"]
        pts += page["points"]
        offset = page["next_page_offset"]
        if offset is None:
            break
    assert {p["id"]: p["payload"] for p in pts} == {p["id"]: p["payload"] for p in w["points"]}
    vec = next(p for p in scroll_all(src, "docs", api_key=SELF_KEY, with_vectors=True))["vector"]
    hits = cloud_call(w, "/collections/docs/points/query", "POST",
                      {"query": vec["dense"], "using": "dense", "limit": 3})["result"]["points"]
    assert len(hits) == 3
    out = r.stdout.decode() + r.stderr.decode()
    assert CLOUD_KEY not in out and SELF_KEY not in out


def test_read_only_keys_are_refused_before_any_change(qsnap_bin, world):
    w = world
    cloud = w["cloud"].cluster_url
    tls = ["--qdrant-ca-bundle", w["ca"]]
    repo = str(w["base"] / "repo-ro")
    before = cloud_call(w, "/collections")["result"]["collections"]
    r = q(qsnap_bin, w, "backup", "--qdrant", cloud, "--to", repo, "--source-api-key-env", "RO", *tls,
          env={"RO": CLOUD_RO})
    assert r.returncode == 3 and "read-only" in r.stderr.decode() and "backup" in r.stderr.decode()
    # a JWT scoped to the collection cannot read the cluster's topology (global read): refused, saying why
    jwt = make_jwt(CLOUD_KEY, {"access": [{"collection": "docs", "access": "rw"}], "exp": int(time.time()) + 600})
    r = q(qsnap_bin, w, "backup", "--qdrant", cloud, "--to", repo, "--source-api-key-env", "J", *tls, env={"J": jwt})
    assert r.returncode == 3 and "GET /cluster needs global read access" in r.stderr.decode()
    # a global read-only JWT: its claims say no before anything is asked
    jwt = make_jwt(CLOUD_KEY, {"access": "r", "exp": int(time.time()) + 600})
    r = q(qsnap_bin, w, "backup", "--qdrant", cloud, "--to", repo, "--source-api-key-env", "J", *tls, env={"J": jwt})
    assert r.returncode == 3 and "is read-only: backup" in r.stderr.decode() and "needs write access to collection" in r.stderr.decode()
    bid = sorted((w["base"] / "repo" / "backups").iterdir())[0].name
    r = q(qsnap_bin, w, "restore", bid, "--repo", str(w["base"] / "repo"), "--target", cloud,
          "--target-api-key-env", "RO", "--as", "ro-try", *tls, env={"RO": CLOUD_RO})
    assert r.returncode == 3 and "the target key ($RO) is read-only: restore" in r.stderr.decode()
    assert cloud_call(w, "/collections")["result"]["collections"] == before
    assert not list((w["base"] / "repo-ro").glob("backups/*")) if (w["base"] / "repo-ro").exists() else True
    out = r.stdout.decode() + r.stderr.decode()
    assert CLOUD_RO not in out and jwt not in out


def test_wrong_ca_wrong_key_and_expired_jwt_name_the_fix(qsnap_bin, world, tmp_path):
    w = world
    cloud = w["cloud"].cluster_url
    # no CA: the system trust store does not know the test CA
    r = q(qsnap_bin, w, "doctor", "--target", cloud, "--target-api-key-env", "CLOUD_KEY")
    assert r.returncode == 3
    assert "TLS with" in r.stdout.decode() and "--qdrant-ca-bundle" in r.stdout.decode()
    r = q(qsnap_bin, w, "snapshot", "list", "--qdrant", cloud, "--collection", "docs")
    assert r.returncode == 1 and "--qdrant-ca-bundle" in r.stderr.decode()
    tls = ["--qdrant-ca-bundle", w["ca"]]
    r = q(qsnap_bin, w, "snapshot", "list", "--qdrant", cloud, "--collection", "docs", *tls,
          env={"QDRANT_API_KEY": "not-the-key"})
    assert r.returncode == 3 and "--api-key" in r.stderr.decode() and "not-the-key" not in r.stderr.decode()
    expired = make_jwt(CLOUD_KEY, {"access": "m", "exp": int(time.time()) - 3600})
    r = q(qsnap_bin, w, "restore", "latest", "--repo", str(w["base"] / "repo"), "--target", cloud,
          "--target-api-key-env", "J", "--as", "x", *tls, env={"J": expired})
    assert r.returncode == 3 and "expired" in r.stderr.decode() and "issue a new token" in r.stderr.decode()
    # the server agrees: an expired token is refused by it too (403 ExpiredSignature), also named
    r = q(qsnap_bin, w, "snapshot", "list", "--qdrant", cloud, "--collection", "docs", *tls,
          env={"QDRANT_API_KEY": expired})
    assert r.returncode == 3 and "expired" in r.stderr.decode()


def test_mutual_tls_needs_the_client_certificate(qsnap_bin, tmp_path):
    with start_testbed(tmp_path / "m", peers=1, version="1.18.1", tls=True, mtls=True) as tb:
        url = tb.urls[0]
        ca = ["--qdrant-ca-bundle", str(tb.tls.ca)]
        r = run([qsnap_bin, "snapshot", "list", "--qdrant", url, *ca])
        assert r.returncode == 1 and "--qdrant-client-cert" in r.stderr.decode()
        r = run([qsnap_bin, "snapshot", "list", "--qdrant", url, *ca, "--qdrant-client-cert", str(tb.tls.client_cert),
                 "--qdrant-client-key", str(tb.tls.client_key), "--json"])
        assert r.returncode == 0, r.stderr.decode()
        r = run([qsnap_bin, "snapshot", "list", "--qdrant", url, *ca, "--qdrant-client-cert", str(tb.tls.client_cert)])
        assert r.returncode == 2 and "go together" in r.stderr.decode()


def test_node_urls_given_by_hand_win_and_are_checked(qsnap_bin, world):
    w = world
    cloud = w["cloud"]
    tls = ["--qdrant-ca-bundle", w["ca"]]
    bid = sorted((w["base"] / "repo" / "backups").iterdir())[0].name
    maps = []
    for n in range(3):
        maps += ["--node-url", f"{cloud.peer_id(n)}={cloud.admin_urls[n]}"]
    r = q(qsnap_bin, w, "restore", bid, "--repo", str(w["base"] / "repo"), "--target", cloud.cluster_url,
          "--target-api-key-env", "CLOUD_KEY", "--collection", "docs", "--as", "by-hand", "--json", *tls, *maps)
    assert r.returncode == 0, r.stderr.decode()
    nodes = {rec["node"] for c in json.loads(r.stdout)["collections"] for rec in c["recoveries"]}
    assert nodes and nodes <= set(cloud.admin_urls), nodes
    wrong = ["--node-url", f"{cloud.peer_id(0)}={cloud.admin_urls[1]}"]
    r = q(qsnap_bin, w, "check", bid, "--repo", str(w["base"] / "repo"), "--target", cloud.cluster_url,
          "--target-api-key-env", "CLOUD_KEY", *tls, *wrong)
    assert r.returncode == 2 and "answers as peer" in r.stderr.decode()
