"""Qdrant Cloud mode of the test double: TLS and mutual TLS, JWT RBAC, the read-only key, the front door (cluster and
node endpoints, streaming, keep-alive) and the refusal of URL recovery."""
from __future__ import annotations

import hashlib
import io
import os
import socket
import ssl
import time

import jwt as pyjwt
import pytest
import requests
from qdrant_client import models

from conftest import Http
from qdrant_testbed.harness import make_jwt, make_tls_files, start_testbed

pytestmark = pytest.mark.timeout(180)

SECRET = "cloud-secret-key-of-32-bytes-or-more"
RO_KEY = "read-only-key"


def token(claims: dict, secret: str = SECRET, alg: str = "HS256") -> str:
    """Tokens are made with PyJWT, independently of the double's own JWT code."""
    return pyjwt.encode(claims, secret, algorithm=alg)


def http(tb, openapi, api_key=None, bearer=None, base=None) -> Http:
    """An OpenAPI-validating client on the testbed's public endpoint (CA trusted, client cert under mTLS)."""
    h = Http(base or tb.url, openapi)
    h.session = tb.session(api_key=api_key, bearer=bearer)
    return h


def forbidden(r: requests.Response, message: str, plain: bool = False) -> None:
    assert r.status_code == 403, (r.status_code, r.text)
    if plain:
        assert r.headers["Content-Type"].startswith("text/plain") and r.text == message, r.text
    else:
        assert r.json()["status"] == {"error": message}, r.text


def vm_hwm(pid: int) -> int:
    """Peak resident set size of a process, in bytes."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


# ------------------------------------------------------------------------------------------------------------ TLS

def test_tls_with_the_right_ca_and_not_with_another(tmp_path, openapi):
    with start_testbed(tmp_path, tls=True, api_key=SECRET) as tb:
        assert tb.url.startswith("https://127.0.0.1:")
        h = http(tb, openapi, api_key=SECRET)
        assert h.get("/collections").json()["result"] == {"collections": []}
        assert h.get("/").json()["version"] == "1.19.0"
        other = make_tls_files(tmp_path / "other", name="another CA")
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(tb.url + "/", verify=str(other.ca), timeout=10)
        with pytest.raises(requests.exceptions.ConnectionError):  # plain HTTP on the TLS port
            requests.get(tb.url.replace("https://", "http://") + "/", timeout=10)
        # the certificate names localhost too
        r = requests.get(tb.url.replace("127.0.0.1", "localhost") + "/", verify=str(tb.ca_file), timeout=10)
        assert r.status_code == 200
        assert tb.admin().info()["peers"][0]["url"].startswith("https://")


def test_mutual_tls_requires_a_client_certificate(tmp_path, openapi):
    with start_testbed(tmp_path, tls=True, mtls=True) as tb:
        h = http(tb, openapi)
        assert h.get("/collections").status_code == 200
        with pytest.raises((requests.exceptions.SSLError, requests.exceptions.ConnectionError)):
            requests.get(tb.url + "/collections", verify=str(tb.ca_file), timeout=10)
        stranger = make_tls_files(tmp_path / "stranger", name="stranger CA")
        with pytest.raises((requests.exceptions.SSLError, requests.exceptions.ConnectionError)):
            requests.get(tb.url + "/collections", verify=str(tb.ca_file), timeout=10,
                         cert=(str(stranger.client_cert), str(stranger.client_key)))
        assert tb.admin().faults()["config"] == {}  # the harness's admin client presents the certificate


def test_cloud_front_door_with_mutual_tls(tmp_path, openapi):
    with start_testbed(tmp_path, peers=2, cloud="m1", mtls=True, api_key=SECRET) as tb:
        assert http(tb, openapi, api_key=SECRET).get("/cluster").status_code == 200
        with pytest.raises((requests.exceptions.SSLError, requests.exceptions.ConnectionError)):
            requests.get(tb.url + "/cluster", verify=str(tb.ca_file), headers={"api-key": SECRET}, timeout=10)


# ------------------------------------------------------------------------------------------------------------ JWT

def test_jwt_rbac(tmp_path, openapi):
    with start_testbed(tmp_path, api_key=SECRET, read_only_api_key=RO_KEY, jwt_rbac=True) as tb:
        manage = http(tb, openapi, bearer=token({"access": "m"}))
        for name in ("a", "b"):
            manage.put(f"/collections/{name}", json={"vectors": {"size": 2, "distance": "Dot"}}).raise_for_status()
            manage.put(f"/collections/{name}/points", json={"points": [
                {"id": 1, "vector": [1.0, 2.0], "payload": {"tenant": "t1", "tags": ["x", "y"]}}]}).raise_for_status()
        manage.post("/collections/aliases", json={"actions": [
            {"create_alias": {"collection_name": "a", "alias_name": "a_alias"}},
            {"create_alias": {"collection_name": "b", "alias_name": "b_alias"}}]}).raise_for_status()
        snap = manage.post("/collections/a/snapshots").json()["result"]["name"]

        # global read ("r"): reads and snapshot lists/downloads, no writes
        ro = http(tb, openapi, api_key=token({"access": "r", "exp": int(time.time()) + 300}))
        assert {c["name"] for c in ro.get("/collections").json()["result"]["collections"]} == {"a", "b"}
        assert [s["name"] for s in ro.get("/collections/a/snapshots").json()["result"]] == [snap]
        assert ro.get(f"/collections/a/snapshots/{snap}", validate=False).status_code == 200
        assert ro.get("/snapshots").status_code == 200 and ro.get("/cluster").status_code == 200
        forbidden(ro.post("/collections/a/snapshots"), "Forbidden: Global manage access is required")
        forbidden(ro.put("/collections/a/points", json={"points": []}), "Forbidden: Global manage access is required")
        forbidden(ro.put("/collections/a/snapshots/recover", json={"location": "file:///x.snapshot"}),
                  "Forbidden: Global manage access is required")

        # per-collection rw on `a`
        rw = http(tb, openapi, bearer=token({"access": [{"collection": "a", "access": "rw"}]}))
        assert rw.get("/collections").json()["result"]["collections"] == [{"name": "a"}]
        assert rw.get("/aliases").json()["result"]["aliases"] == []  # the alias name itself is not permitted
        assert rw.post("/collections/a/snapshots").status_code == 200
        assert rw.put("/collections/a/index", json={"field_name": "tenant", "field_schema": "keyword"}).status_code == 200
        assert rw.get("/collections/a/shards/0/snapshot", validate=False).status_code == 200
        forbidden(rw.post("/collections/b/snapshots"), "Forbidden: Access to collection b is required")
        forbidden(rw.get("/collections/b"), "Forbidden: Access to collection b is required")
        forbidden(rw.get("/snapshots"), "Forbidden: Global access is required")
        forbidden(rw.get("/cluster"), "Forbidden: Global access is required")
        forbidden(rw.delete("/collections/a"), "Forbidden: Global access is required")
        forbidden(rw.put("/collections/a/snapshots/recover", json={"location": "file:///x.snapshot"}),
                  "Forbidden: Global access is required")
        forbidden(rw.post("/collections/aliases", json={"actions": []}), "Forbidden: Global access is required")
        forbidden(rw.get(f"/collections/b/snapshots/{snap}", validate=False),
                  "Forbidden: Access to collection b is required", plain=True)  # download: plain text
        r = rw.post("/collections/a/snapshots/upload", validate=False, files={"snapshot": ("s.snapshot", b"0" * 64)})
        forbidden(r, "Forbidden: Global access is required", plain=True)  # upload pre-check: plain text

        # an alias named in the token
        both = http(tb, openapi, bearer=token({"access": [{"collection": "a", "access": "r"},
                                                          {"collection": "a_alias", "access": "r"}]}))
        assert both.get("/aliases").json()["result"]["aliases"] == [
            {"alias_name": "a_alias", "collection_name": "a"}]
        assert both.get("/collections/a/aliases").json()["result"]["aliases"] == [
            {"alias_name": "a_alias", "collection_name": "a"}]

        # per-collection r and prw
        r_only = http(tb, openapi, bearer=token({"access": [{"collection": "a", "access": "r"}]}))
        assert r_only.get("/collections/a/snapshots").status_code == 200
        forbidden(r_only.post("/collections/a/snapshots"), "Forbidden: Write access to collection a is required")
        prw = http(tb, openapi, bearer=token({"access": [{"collection": "a", "access": "prw"}]}))
        assert prw.put("/collections/a/points", json={"points": [{"id": 2, "vector": [0.0, 1.0]}]}).status_code == 200
        forbidden(prw.get("/collections/a/snapshots"), "Forbidden: Only points access is allowed for collection a")
        forbidden(prw.post("/collections/a/snapshots"), "Forbidden: Only points access is allowed for collection a")

        # `access` missing = manage; `exp` within the 30 s leeway still valid
        assert http(tb, openapi, bearer=token({"sub": "x"})).delete("/collections/b").status_code == 200
        assert http(tb, openapi, bearer=token({"access": "m", "exp": int(time.time()) - 10})).get(
            "/collections").status_code == 200

        # middleware rejections: plain text
        def raw(key):
            return requests.get(tb.url + "/collections", headers={"api-key": key}, verify=str(tb.ca_file)
                                if tb.ca_file else True, timeout=10)

        r = raw(token({"access": "m", "exp": int(time.time()) - 40}))
        assert (r.status_code, r.text) == (403, "ExpiredSignature")
        assert r.headers["Content-Type"].startswith("text/plain")
        r = raw(token({"access": "m"}, secret="another-secret-of-32-bytes-or-more"))
        assert (r.status_code, r.text) == (403, "InvalidSignature")
        r = raw(token({"access": "m", "exp": int(time.time()) - 40}, secret="another-secret-of-32-bytes-or-more"))
        assert (r.status_code, r.text) == (403, "InvalidSignature")  # the signature is checked first
        for bad in ("not-a-jwt", "a.b.c", token({"access": "m"}, secret=SECRET * 2, alg="HS512"), token({"access": "x"}),
                    token({"access": [{"collection": "a", "access": "w"}]})):
            r = raw(bad)
            assert (r.status_code, r.text) == (401, "Invalid API key or JWT"), bad
        r = raw(token({"access": [{"collection": "a", "access": "r"}, {"collection": "a", "access": "rw"}]}))
        assert (r.status_code, r.text) == (401, "access.access.collection: Collection name should be unique")
        r = raw(token({"access": [{"collection": "a", "access": "r", "payload": {"k": "v"}}]}))
        assert (r.status_code, r.text) == (
            401, "access.access.payload: The 'payload' constraint is deprecated and should not be used")
        r = requests.get(tb.url + "/collections", timeout=10)
        assert (r.status_code, r.text) == (401, "Must provide an API key or an Authorization bearer token")
        assert make_jwt(SECRET, {"access": "r"}).count(".") == 2  # the harness's own token maker
        assert raw(make_jwt(SECRET, {"access": "r"})).status_code == 200

        # value_exists (stateful validation)
        def ve(collection, key, value):
            return raw(token({"access": "r", "value_exists": {"collection": collection,
                                                              "matches": [{"key": key, "value": value}]}}))
        assert ve("a", "tenant", "t1").status_code == 200
        assert ve("a", "tags", "y").status_code == 200
        r = ve("a", "tenant", "t2")
        assert (r.status_code, r.text) == (401, "Invalid JWT, stateful validation failed")
        r = ve("missing", "tenant", "t1")
        assert (r.status_code, r.text) == (403, "Invalid JWT, stateful validation failed")

        # the static keys still work beside JWTs
        assert raw(SECRET).status_code == 200 and raw(RO_KEY).status_code == 200


def test_jwt_is_refused_without_jwt_rbac(tmp_path):
    with start_testbed(tmp_path, api_key=SECRET) as tb:
        r = requests.get(tb.url + "/collections", headers={"Authorization": "Bearer " + token({"access": "m"})},
                         timeout=10)
        assert (r.status_code, r.text) == (401, "Invalid API key or JWT")


def test_read_only_key_through_the_cloud(tmp_path, openapi):
    with start_testbed(tmp_path, peers=2, cloud="ro1", api_key=SECRET, read_only_api_key=RO_KEY) as tb:
        node0 = tb.node_urls[0]
        admin = http(tb, openapi, api_key=SECRET, base=node0)
        admin.put("/collections/c", json={"vectors": {"size": 2, "distance": "Dot"}, "shard_number": 2}).raise_for_status()
        full = admin.post("/snapshots").json()["result"]  # first: it makes (and removes) same-named collection snapshots
        snap = admin.post("/collections/c/snapshots").json()["result"]
        ro = http(tb, openapi, api_key=RO_KEY, base=node0)
        assert [s["name"] for s in ro.get("/collections/c/snapshots").json()["result"]] == [snap["name"]]
        assert [s["name"] for s in ro.get("/snapshots").json()["result"]] == [full["name"]]
        body = ro.get(f"/collections/c/snapshots/{snap['name']}", validate=False).content
        assert hashlib.sha256(body).hexdigest() == snap["checksum"]
        assert ro.get(f"/snapshots/{full['name']}", validate=False).status_code == 200
        assert ro.get("/collections/c/shards/0/snapshots").status_code == 200
        for r in (ro.post("/collections/c/snapshots"), ro.post("/snapshots"),
                  ro.post("/collections/c/shards/0/snapshots"),
                  ro.delete(f"/collections/c/snapshots/{snap['name']}"),
                  ro.put("/collections/c/snapshots/recover",
                         json={"location": f"file://{tb.snapshots_dir(0)}/c/{snap['name']}"})):
            forbidden(r, "Forbidden: Global manage access is required")
        forbidden(ro.get("/collections/c/shards/0/snapshot", validate=False),
                  "Forbidden: Global manage access is required", plain=True)
        r = ro.post("/collections/c/snapshots/upload", validate=False, files={"snapshot": ("s.snapshot", b"0" * 64)})
        forbidden(r, "Forbidden: Global manage access is required", plain=True)


# ---------------------------------------------------------------------------------------------------- front door

def test_cluster_and_node_endpoints(tmp_path, openapi):
    with start_testbed(tmp_path, peers=3, cloud="c1", api_key=SECRET) as tb:
        port = tb.url.rsplit(":", 1)[1]
        assert tb.urls == [f"https://c1.localhost:{port}"] + [f"https://node-{n}-c1.localhost:{port}"
                                                               for n in range(3)]
        assert tb.node_urls == tb.urls[1:] and all(u.startswith("http://127.0.0.1:") for u in tb.admin_urls)
        peer_ids = [tb.peer_id(n) for n in range(3)]
        # node endpoints reach their node
        for n, url in enumerate(tb.node_urls):
            res = http(tb, openapi, api_key=SECRET, base=url).get("/cluster").json()["result"]
            assert res["peer_id"] == peer_ids[n]
            assert {int(p): v["uri"] for p, v in res["peers"].items()} == {
                peer_ids[i]: f"http://qdrant-c1-{i}.qdrant-headless.c1.svc.cluster.local:6335/" for i in range(3)}
        # the cluster endpoint spreads requests over the nodes, even on one kept-alive connection
        h = http(tb, openapi, api_key=SECRET)
        seen = [h.get("/cluster").json()["result"]["peer_id"] for _ in range(60)]
        assert set(seen) == set(peer_ids)
        assert max(seen.count(p) for p in peer_ids) < 45
        # one connection served them all (keep-alive through the front door)
        sock = socket.create_connection(("127.0.0.1", int(port)))
        ctx = ssl.create_default_context(cafile=str(tb.ca_file))
        with ctx.wrap_socket(sock, server_hostname=f"node-1-c1.localhost") as s:
            for _ in range(3):
                s.sendall(f"GET /cluster HTTP/1.1\r\nHost: node-1-c1.localhost:{port}\r\napi-key: {SECRET}\r\n\r\n"
                          .encode())
                head = b""
                while b"\r\n\r\n" not in head:
                    head += s.recv(1)
                length = int([ln for ln in head.decode().split("\r\n")
                              if ln.lower().startswith("content-length:")][0].split(":")[1])
                body = b""
                while len(body) < length:
                    body += s.recv(length - len(body))
                assert head.startswith(b"HTTP/1.1 200") and str(peer_ids[1]).encode() in body
        # a name the cluster does not have
        r = requests.get(f"https://127.0.0.1:{port}/", verify=str(tb.ca_file), timeout=10)
        assert r.status_code == 421
        with pytest.raises(requests.exceptions.SSLError):  # wrong CA on the front door
            requests.get(tb.url + "/", verify=str(make_tls_files(tmp_path / "x", name="x CA").ca), timeout=10)
        # qdrant-client through the cluster endpoint
        from qdrant_client import QdrantClient
        client = QdrantClient(url=tb.node_urls[2], api_key=SECRET, verify=tb.ssl_context(), timeout=30,
                              check_compatibility=False)
        try:
            client.create_collection("q", vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
            assert [c.name for c in client.get_collections().collections] == ["q"]
        finally:
            client.close()


def test_url_recovery_is_refused_in_the_cloud(tmp_path, openapi):
    with start_testbed(tmp_path, peers=2, cloud="u1", api_key=SECRET, read_only_api_key=RO_KEY) as tb:
        h = http(tb, openapi, api_key=SECRET, base=tb.node_urls[0])
        h.put("/collections/c", json={"vectors": {"size": 2, "distance": "Dot"}}).raise_for_status()
        snap = h.post("/collections/c/snapshots").json()["result"]["name"]
        msg = "Forbidden: Snapshot recovery from remote URLs is disabled in the configuration"
        for loc in (f"{tb.node_urls[0]}/collections/c/snapshots/{snap}", "http://example.com/x.snapshot"):
            forbidden(h.put("/collections/c/snapshots/recover", json={"location": loc}), msg)
            forbidden(h.put("/collections/c/shards/0/snapshots/recover", json={"location": loc}), msg)
        # checked before the access check, as in Qdrant
        forbidden(http(tb, openapi, api_key=RO_KEY, base=tb.node_urls[0]).put(
            "/collections/c/snapshots/recover", json={"location": "https://example.com/x.snapshot"}), msg)
        # a file:// location on the node that holds the file works
        r = h.put("/collections/c/snapshots/recover", json={"location": f"file://{tb.snapshots_dir(0)}/c/{snap}"})
        assert r.status_code == 200, r.text


class Zeros(io.RawIOBase):
    """A readable file: `head`, `size` zero bytes, `tail` (requests sends it with its Content-Length)."""

    def __init__(self, head: bytes, size: int, tail: bytes):
        self.head, self.size, self.tail = head, size, tail
        self.total = len(head) + size + len(tail)
        self.pos = 0

    def __len__(self):
        return self.total

    def readable(self):
        return True

    def tell(self):
        return self.pos

    def readinto(self, b):
        n = min(len(b), self.total - self.pos)
        h, z = len(self.head), len(self.head) + self.size
        done = 0
        while done < n:
            q = self.pos + done
            if q < h:
                k = min(n - done, h - q)
                b[done:done + k] = self.head[q:q + k]
            elif q < z:
                k = min(n - done, z - q)
                b[done:done + k] = bytes(k)
            else:
                k = min(n - done, self.total - q)
                b[done:done + k] = self.tail[q - z:q - z + k]
            done += k
        self.pos += n
        return n


def test_large_upload_and_download_stream_through_the_front_door(tmp_path, openapi):
    size = 256 << 20
    with start_testbed(tmp_path, peers=2, cloud="big", api_key=SECRET) as tb:
        node = tb.node_urls[1]
        h = http(tb, openapi, api_key=SECRET, base=node)
        h.put("/collections/c", json={"vectors": {"size": 2, "distance": "Dot"}, "shard_number": 2}).raise_for_status()
        h.put("/collections/c/points", json={"points": [{"id": i, "vector": [1.0, float(i)]} for i in range(20)]})
        snap = h.post("/collections/c/snapshots").json()["result"]
        snap_bytes = h.get(f"/collections/c/snapshots/{snap['name']}", validate=False).content
        baseline = vm_hwm(tb.process.pid)

        # download: a large file in node 1's snapshots directory
        big = tb.snapshots_dir(1) / "c" / "big.snapshot"
        expected = hashlib.sha256()
        with open(big, "wb") as f:
            for i in range(size >> 20):
                block = hashlib.sha256(str(i).encode()).digest() * (1 << 15)  # 1 MiB
                f.write(block)
                expected.update(block)
        sha = hashlib.sha256()
        got = 0
        with h.session.get(f"{node}/collections/c/snapshots/big.snapshot", stream=True, timeout=120) as r:
            assert r.status_code == 200 and int(r.headers["Content-Length"]) == size
            for chunk in r.iter_content(1 << 20):
                sha.update(chunk)
                got += len(chunk)
        assert got == size and sha.hexdigest() == expected.hexdigest()
        big.unlink()

        # the streamed shard snapshot (chunked) through the cluster endpoint's node
        r = h.get("/collections/c/shards/1/snapshot", validate=False)
        assert r.status_code == 200 and r.headers.get("Transfer-Encoding") == "chunked" and len(r.content) > 0

        # upload with Content-Length: a real snapshot padded with zeros after its end-of-archive blocks
        boundary = "qsnapboundary"
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"snapshot\"; filename=\"padded.snapshot\""
                f"\r\nContent-Type: application/octet-stream\r\n\r\n").encode() + snap_bytes
        tail = f"\r\n--{boundary}--\r\n".encode()
        r = h.session.post(f"{node}/collections/c/snapshots/upload?priority=snapshot",
                           data=Zeros(head, size, tail), timeout=300,
                           headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert r.status_code == 200, r.text
        # and chunked: a generator body
        def gen():
            yield head
            zero = bytes(1 << 20)
            for _ in range(size >> 20):
                yield zero
            yield tail
        r = h.session.post(f"{node}/collections/c/snapshots/upload", data=gen(), timeout=300,
                           headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert r.status_code == 200, r.text
        assert h.post("/collections/c/points/count", json={"exact": True}).json()["result"]["count"] == 20
        # neither the front door nor the node held a body whole
        assert vm_hwm(tb.process.pid) - baseline < size // 2, (baseline, vm_hwm(tb.process.pid))


def test_download_faults_pass_through_the_front_door(tmp_path):
    with start_testbed(tmp_path, peers=2, cloud="f1", api_key=SECRET) as tb:
        s = tb.session(api_key=SECRET)
        node = tb.node_urls[0]
        s.put(node + "/collections/c", json={"vectors": {"size": 2, "distance": "Dot"}}).raise_for_status()
        s.put(node + "/collections/c/points", json={"points": [{"id": i, "vector": [1.0, i]} for i in range(50)]})
        snap = s.post(node + "/collections/c/snapshots").json()["result"]
        tb.admin().set_faults({"truncate_downloads": {"after_bytes": 5000}})
        with pytest.raises(requests.exceptions.ChunkedEncodingError):  # requests' name for a cut-short body
            s.get(f"{node}/collections/c/snapshots/{snap['name']}", timeout=30).content
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            s.get(f"{node}/collections/c/shards/0/snapshot", timeout=30).content
        tb.admin().set_faults({"errors": [{"method": "GET", "path": "/collections", "status": 503,
                                           "message": "Service internal error: injected"}]})
        r = s.get(tb.url + "/collections", timeout=30)
        assert r.status_code == 503 and r.json()["status"]["error"] == "Service internal error: injected"
        tb.admin(1).clear_faults()
        # an unhealthy node: the balancer avoids it, its node endpoint answers 503
        peer0 = tb.peer_id(0)
        tb.admin().set_faults({"down_nodes": [1]})
        assert {s.get(tb.url + "/cluster", timeout=10).json()["result"]["peer_id"] for _ in range(20)} == {peer0}
        r = s.get(tb.node_urls[1] + "/cluster", timeout=10)
        assert (r.status_code, r.text) == (503, "no healthy upstream")
        tb.admin().set_faults({"down_nodes": [0, 1]})
        assert s.get(tb.url + "/cluster", timeout=10).status_code == 503
        tb.admin().clear_faults()
        assert s.get(tb.node_urls[1] + "/cluster", timeout=10).status_code == 200
        body = s.get(f"{node}/collections/c/snapshots/{snap['name']}", timeout=30).content
        assert hashlib.sha256(body).hexdigest() == snap["checksum"]


def test_upload_refused_early_through_the_front_door(tmp_path):
    with start_testbed(tmp_path, cloud="e1", api_key=SECRET, read_only_api_key=RO_KEY) as tb:
        s = tb.session(api_key=RO_KEY)
        r = s.post(tb.url + "/collections/c/snapshots/upload", files={"snapshot": ("s.snapshot", bytes(8 << 20))},
                   timeout=60)
        assert (r.status_code, r.text) == (403, "Forbidden: Global manage access is required")
        # the session goes on working on a new connection
        assert s.get(tb.url + "/collections", timeout=10).status_code == 200
        # a one-node Cloud cluster still runs in cluster mode
        res = s.get(tb.url + "/cluster", timeout=10).json()["result"]
        assert res["status"] == "enabled" and [v["uri"] for v in res["peers"].values()] == [
            "http://qdrant-e1-0.qdrant-headless.e1.svc.cluster.local:6335/"]


def test_parallel_streams_through_the_front_door(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    with start_testbed(tmp_path, peers=2, cloud="p1", api_key=SECRET) as tb:
        s = tb.session(api_key=SECRET)
        s.put(tb.node_urls[0] + "/collections/c", json={"vectors": {"size": 2, "distance": "Dot"}}).raise_for_status()
        digests = {}
        for n in range(2):
            d = tb.snapshots_dir(n) / "c"
            d.mkdir(parents=True, exist_ok=True)
            data = os.urandom(1 << 20) * 24
            (d / f"n{n}.snapshot").write_bytes(data)
            digests[n] = hashlib.sha256(data).hexdigest()

        def download(i: int) -> bool:
            n = i % 2
            with tb.session(api_key=SECRET) as own:
                r = own.get(f"{tb.node_urls[n]}/collections/c/snapshots/n{n}.snapshot", timeout=60)
                return r.status_code == 200 and hashlib.sha256(r.content).hexdigest() == digests[n]

        def read(_: int) -> bool:
            return s.get(tb.url + "/collections", timeout=30).status_code == 200

        with ThreadPoolExecutor(8) as pool:
            downloads = list(pool.map(download, range(8)))
        assert all(downloads)
        assert all(read(i) for i in range(20))
        # a node endpoint the cluster does not have
        r = s.get(f"https://node-7-p1.localhost:{tb.url.rsplit(':', 1)[1]}/", timeout=10)
        assert r.status_code == 421


def test_cli_generates_its_certificates(tmp_path):
    """`--tls-generate DIR` for callers that start the double as a process (qsnap's Swift tests)."""
    import subprocess
    import sys
    from pathlib import Path

    import qdrant_testbed
    from qdrant_testbed.harness import localhost_resolution

    env = dict(os.environ, PYTHONPATH=str(Path(qdrant_testbed.__file__).resolve().parent.parent))
    proc = subprocess.Popen([sys.executable, "-m", "qdrant_testbed", "--port", "0", "--storage", str(tmp_path / "s"),
                             "--cloud", "g1", "--tls-generate", str(tmp_path / "tls"), "--tls-client-ca",
                             str(tmp_path / "tls" / "ca.pem"), "--api-key", SECRET, "--exit-on-stdin-eof"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    try:
        ready = proc.stdout.readline().decode().split()
        node = proc.stdout.readline().decode().split()
        assert ready[0] == "READY" and node[0] == "NODE" and node[1] == "0"
        url = ready[1].split(",")[0]
        with localhost_resolution(), requests.Session() as s:
            s.trust_env = False
            r = s.get(url + "/collections", verify=str(tmp_path / "tls" / "ca.pem"), headers={"api-key": SECRET},
                      cert=(str(tmp_path / "tls" / "client-cert.pem"), str(tmp_path / "tls" / "client-key.pem")),
                      timeout=10)
            assert r.status_code == 200
    finally:
        proc.stdin.close()
        proc.wait(timeout=20)
        proc.stdout.close()


def test_cloud_with_jwt_and_given_certificates(tmp_path, openapi):
    tls = make_tls_files(tmp_path / "certs", cloud="j1")
    with start_testbed(tmp_path, peers=2, cloud="j1", tls=tls, api_key=SECRET, read_only_api_key=RO_KEY,
                       jwt_rbac=True) as tb:
        assert tb.ca_file == tls.ca
        manage = http(tb, openapi, bearer=token({"access": "m", "exp": int(time.time()) + 60}))
        manage.put("/collections/c", json={"vectors": {"size": 2, "distance": "Dot"}, "shard_number": 2}).raise_for_status()
        rw = token({"access": [{"collection": "c", "access": "rw"}]})
        on1 = http(tb, openapi, bearer=rw, base=tb.node_urls[1])
        snap = on1.post("/collections/c/snapshots").json()["result"]["name"]
        assert [s["name"] for s in on1.get("/collections/c/snapshots").json()["result"]] == [snap]
        # snapshots are node-local: node 0 has none
        assert http(tb, openapi, bearer=rw, base=tb.node_urls[0]).get("/collections/c/snapshots").json()["result"] == []
        forbidden(on1.put("/collections/c/snapshots/recover",
                          json={"location": f"file://{tb.snapshots_dir(1)}/c/{snap}"}),
                  "Forbidden: Global access is required")
        forbidden(on1.get("/cluster"), "Forbidden: Global access is required")
        ro = http(tb, openapi, api_key=RO_KEY, base=tb.node_urls[1])
        assert ro.get(f"/collections/c/snapshots/{snap}", validate=False).status_code == 200
        r = requests.get(tb.url + "/collections", headers={"api-key": token({"access": "m"}, secret="x" * 32)},
                         verify=str(tls.ca), timeout=10)
        assert (r.status_code, r.text) == (403, "InvalidSignature")
