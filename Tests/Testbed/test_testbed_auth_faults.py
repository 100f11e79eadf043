"""Authentication rules and fault knobs of the test double."""
from __future__ import annotations

import hashlib
import json
import http.client
import urllib.parse
import time

import pytest
import requests
from qdrant_client import models
from qdrant_client.http.exceptions import UnexpectedResponse

from qdrant_testbed.harness import start_testbed
from testbed_helpers import make_collection

pytestmark = pytest.mark.timeout(90)


def test_auth_rules(tmp_path, client_for, http_for):
    with start_testbed(tmp_path, api_key="full-key", read_only_api_key="ro-key") as tb:
        anon = http_for(tb.url)
        assert anon.get("/").status_code == 200 and anon.get("/healthz").status_code == 200
        r = anon.get("/collections", validate=False)
        assert r.status_code == 401 and r.headers["Content-Type"].startswith("text/plain")
        assert r.text == "Must provide an API key or an Authorization bearer token"
        r = http_for(tb.url, api_key="wrong").get("/collections", validate=False)
        assert r.status_code == 401 and r.text == "Invalid API key or JWT"
        r = requests.get(tb.url + "/collections", headers={"Authorization": "Bearer full-key"}, timeout=10)
        assert r.status_code == 200
        admin = client_for(tb.url, api_key="full-key")
        make_collection(admin, "sec", shards=1, points=3)
        ro = client_for(tb.url, api_key="ro-key")
        assert ro.count("sec", exact=True).count == 4
        assert ro.list_snapshots("sec") == []
        for call in (lambda: ro.create_snapshot("sec"), lambda: ro.delete_collection("sec"),
                     lambda: ro.recover_snapshot("sec", "file:///x")):
            with pytest.raises(UnexpectedResponse) as e:
                call()
            assert e.value.status_code == 403
            assert json.loads(e.value.content)["status"] == {"error": "Forbidden: Global manage access is required"}
        r = requests.get(tb.url + "/collections/sec/shards/0/snapshot", headers={"api-key": "ro-key"}, timeout=10)
        assert r.status_code == 403 and r.text == "Forbidden: Global manage access is required"  # download: text
        # upload: auth is checked before the body is spooled
        r = requests.post(tb.url + "/collections/sec/snapshots/upload", headers={"api-key": "ro-key"},
                          files={"snapshot": ("x.snapshot", b"0" * 1024)}, timeout=10)
        assert r.status_code == 403
        assert not list((tb.snapshots_dir() / "tmp").rglob("upload-*"))
        # the admin API is open and not part of the Qdrant surface
        assert requests.get(tb.url + "/__testbed/faults", timeout=10).status_code == 200


def test_latency_and_nth_call_error(testbed, client_for):
    c = client_for(testbed.url)
    c.create_collection("f", vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
    admin = testbed.admin()
    admin.set_faults({"latency_ms": 300})
    t0 = time.monotonic()
    c.get_collections()
    assert time.monotonic() - t0 >= 0.3
    admin.set_faults({"errors": [{"method": "POST", "path": "/collections/[^/]+/snapshots", "nth": 2,
                                  "status": 503, "message": "Service internal error: injected"}]})
    c.create_snapshot("f", wait=True)
    with pytest.raises(UnexpectedResponse) as e:
        c.create_snapshot("f", wait=True)
    assert e.value.status_code == 503
    c.create_snapshot("f", wait=True)  # only the 2nd call fails
    assert admin.faults()["counters"] == {"0": 3}
    admin.clear_faults()


def test_truncated_and_corrupted_downloads(testbed, client_for):
    c = client_for(testbed.url)
    make_collection(c, "dl", shards=1, points=5)
    d = c.create_snapshot("dl", wait=True)
    url = f"{testbed.url}/collections/dl/snapshots/{d.name}"
    testbed.admin().set_faults({"truncate_downloads": {"after_bytes": 1000}})
    conn = http.client.HTTPConnection(urllib.parse.urlsplit(testbed.url).netloc, timeout=10)
    conn.request("GET", f"/collections/dl/snapshots/{d.name}")
    resp = conn.getresponse()
    assert int(resp.getheader("Content-Length")) == d.size  # declared length unchanged
    with pytest.raises(http.client.IncompleteRead) as e:
        resp.read()
    assert len(e.value.partial) == 1000
    conn.close()
    r = requests.get(f"{testbed.url}/collections/dl/shards/0/snapshot", timeout=10, stream=True)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        b"".join(r.iter_content(4096))
    testbed.admin().set_faults({"corrupt_downloads": {"offset": 700}})
    body = requests.get(url, timeout=10).content
    assert len(body) == d.size and hashlib.sha256(body).hexdigest() != d.checksum
    testbed.admin().clear_faults()
    assert hashlib.sha256(requests.get(url, timeout=10).content).hexdigest() == d.checksum


def test_snapshot_creation_that_never_finishes(tmp_path, http_for):
    with start_testbed(tmp_path, faults={"hang_snapshot_creation": True}) as tb:
        http = http_for(tb.url)
        http.put("/collections/h", json={"vectors": {"size": 2, "distance": "Dot"}}).raise_for_status()
        r = http.post("/collections/h/snapshots?wait=false")
        assert r.status_code == 202 and "result" not in r.json()
        time.sleep(0.5)
        tel = http.get("/telemetry?details_level=2").json()["result"]
        running = {s["id"]: s for s in tel["collections"]["snapshots"]}
        assert running["h"]["running_snapshots"] == 1
        assert http.get("/collections/h/snapshots").json()["result"] == []
        tb.admin().clear_faults()
        time.sleep(0.3)
        tel = http.get("/telemetry?details_level=2").json()["result"]
        assert {s["id"]: s for s in tel["collections"]["snapshots"]}["h"]["running_snapshots"] == 0


def test_download_ranges(testbed, client_for):
    c = client_for(testbed.url)
    make_collection(c, "rg", shards=1, points=3)
    d = c.create_snapshot("rg", wait=True)
    url = f"{testbed.url}/collections/rg/snapshots/{d.name}"
    full = requests.get(url, timeout=10).content
    r = requests.get(url, headers={"Range": "bytes=100-199"}, timeout=10)
    assert r.status_code == 206 and r.content == full[100:200]
    assert r.headers["Content-Range"] == f"bytes 100-199/{d.size}"
    r = requests.get(url, headers={"Range": "bytes=1000-"}, timeout=10)
    assert r.status_code == 206 and r.content == full[1000:]
    r = requests.get(url, headers={"Range": f"bytes={d.size + 10}-"}, timeout=10)
    assert r.status_code == 416
