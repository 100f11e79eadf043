"""Starts the Qdrant test double as a subprocess for other test suites.

    from qdrant_testbed.harness import start_testbed
    with start_testbed(tmp_path, peers=3, api_key="secret") as tb:
        tb.urls          # ["http://127.0.0.1:PORT", ...]
        tb.admin().set_faults({"latency_ms": 50})

    # Qdrant Cloud: TLS front door, node endpoints, JWT RBAC
    with start_testbed(tmp_path, peers=3, cloud="c1", api_key="k" * 32, jwt_rbac=True) as tb:
        tb.url           # "https://c1.localhost:PORT" (any node, per request)
        tb.node_urls     # ["https://node-0-c1.localhost:PORT", ...]
        tb.ca_file       # the CA to trust; tb.session(api_key=...) is a ready requests.Session
"""
from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from .auth import make_jwt  # noqa: F401  (re-exported for tests)
from .tls import TlsFiles, install_localhost_resolver, localhost_resolution, make_tls_files  # noqa: F401

PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)


class AdminClient:
    """Client of the test-only admin API (`/__testbed/...`, no api-key needed)."""

    def __init__(self, url: str, ssl_context: ssl.SSLContext | None = None):
        self.url = url.rstrip("/")
        self.ssl_context = ssl_context

    def _call(self, method: str, path: str, body=None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
        with urllib.request.urlopen(req, timeout=30, context=self.ssl_context) as resp:
            return json.loads(resp.read() or b"{}")

    def set_faults(self, faults: dict) -> dict:
        """Replaces the fault configuration of the whole testbed (all nodes)."""
        return self._call("POST", "/__testbed/faults", faults)

    def clear_faults(self) -> dict:
        return self._call("DELETE", "/__testbed/faults")

    def faults(self) -> dict:
        return self._call("GET", "/__testbed/faults")

    def info(self) -> dict:
        """peer id, storage and snapshots paths of this node and the list of all nodes."""
        return self._call("GET", "/__testbed/info")


class Testbed:
    """A running test double process; stop() (or leaving the `with` block) kills it.

    urls: the public endpoints — one per node, or in Cloud mode the cluster endpoint first, then the node endpoints;
    node_urls: one per node (Cloud: `https://node-<n>-<cluster>.localhost:PORT`); admin_urls: where the test-only
    admin API is reached (Cloud: the internal plain-HTTP ports of the nodes); tls: the TlsFiles (ca_file = tls.ca)."""

    def __init__(self, process: subprocess.Popen, urls: list[str], storage: Path, log: Path,
                 node_urls: list[str] | None = None, admin_urls: list[str] | None = None,
                 tls: TlsFiles | None = None, mtls: bool = False, cloud: str | None = None,
                 api_key: str | None = None):
        self.process = process
        self.urls = urls
        self.url = urls[0] if urls else None
        self.node_urls = node_urls if node_urls is not None else list(urls)
        self.admin_urls = admin_urls if admin_urls is not None else list(self.node_urls)
        self.storage = storage
        self.log = log
        self.tls = tls
        self.mtls = mtls
        self.cloud = cloud
        self.api_key = api_key

    @property
    def ca_file(self) -> Path | None:
        return self.tls.ca if self.tls else None

    @property
    def cluster_url(self) -> str:
        """Cloud mode: the load-balanced cluster endpoint (same as url)."""
        return self.url

    def node_url(self, node: int) -> str:
        return self.node_urls[node]

    def client_cert(self) -> tuple[str, str] | None:
        """(cert, key) to present when the testbed requires client certificates (mtls), else None."""
        return (str(self.tls.client_cert), str(self.tls.client_key)) if self.mtls else None

    def ssl_context(self) -> ssl.SSLContext | None:
        """A client-side context trusting the testbed's CA (with the client certificate under mtls)."""
        if not self.tls:
            return None
        ctx = ssl.create_default_context(cafile=str(self.tls.ca))
        if self.mtls:
            ctx.load_cert_chain(str(self.tls.client_cert), str(self.tls.client_key))
        return ctx

    def session(self, api_key: str | None = None, bearer: str | None = None):
        """A requests.Session trusting the CA (and presenting the client certificate under mtls), sending `api-key`
        or `Authorization: Bearer`. Cloud names resolve through install_localhost_resolver()."""
        import requests
        s = requests.Session()
        s.trust_env = False  # REQUESTS_CA_BUNDLE would otherwise replace `verify`; no proxies for *.localhost
        if self.tls:
            s.verify = str(self.tls.ca)
            s.cert = self.client_cert()
        if api_key:
            s.headers["api-key"] = api_key
        if bearer:
            s.headers["Authorization"] = f"Bearer {bearer}"
        return s

    def admin(self, node: int = 0) -> AdminClient:
        url = self.admin_urls[node]
        return AdminClient(url, self.ssl_context() if url.startswith("https:") else None)

    def snapshots_dir(self, node: int = 0) -> Path:
        return Path(self.admin(node).info()["snapshots_path"])

    def peer_id(self, node: int = 0) -> int:
        return int(self.admin(node).info()["peer_id"])

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe:
                pipe.close()

    def __enter__(self) -> "Testbed":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_testbed(tmp_path, peers: int = 1, version: str = "1.19.0", timeout: float = 30.0,
                  python: str | None = None, tls=None, mtls: bool = False, cloud: str | None = None,
                  snapshots_s3_bucket: str | None = None, snapshots_s3_endpoint: str | None = None,
                  s3_env: dict | None = None, **flags) -> Testbed:
    """Starts `python -m qdrant_testbed` on free ports with storage under tmp_path and waits for READY.

    flags: api_key, alt_api_key, read_only_api_key, jwt_rbac (bool), disk_size, disk_usage_percent, ram_size (CLI
    flags with `_` → `-`; a True value is a bare flag), faults (a dict, passed as --faults JSON), storage (a directory
    to use instead of tmp_path/qdrant-storage).
    tls: True (a throw-away CA and certificates made under tmp_path/tls) or a TlsFiles: serve HTTPS.
    mtls: also require client certificates signed by tls.ca (Testbed.session()/ssl_context() present tls.client_cert).
    cloud: a cluster id: Qdrant Cloud mode (implies tls=True); `urls` = [cluster endpoint, node endpoints...], and
    `*.localhost` names are made to resolve to loopback in this process (install_localhost_resolver).
    snapshots_s3_bucket, snapshots_s3_endpoint: keep snapshots in that S3 bucket (`snapshots_storage: s3`;
    `snapshots_s3_region=` picks the region); s3_env: variables added to the double's environment (its keys:
    AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
    """
    tmp_path = Path(tmp_path)
    storage = Path(flags.pop("storage", tmp_path / "qdrant-storage"))
    storage.mkdir(parents=True, exist_ok=True)
    if cloud and not tls:
        tls = True
    if mtls and not tls:
        tls = True
    if tls is True:
        d = tmp_path / "tls"
        n = 0
        while d.exists():
            n += 1
            d = tmp_path / f"tls-{n}"
        tls = make_tls_files(d, cloud=cloud, nodes=max(peers, 16))
    args = [python or sys.executable, "-m", "qdrant_testbed", "--port", "0", "--storage", str(storage),
            "--peers", str(peers), "--version", version, "--exit-on-stdin-eof"]
    if tls:
        args += ["--tls-cert", str(tls.cert), "--tls-key", str(tls.key)]
        if mtls:
            args += ["--tls-client-ca", str(tls.ca)]
    if cloud:
        args += ["--cloud", cloud]
    if snapshots_s3_bucket:
        args += ["--snapshots-s3-bucket", snapshots_s3_bucket]
    if snapshots_s3_endpoint:
        args += ["--snapshots-s3-endpoint", snapshots_s3_endpoint]
    for key, value in flags.items():
        if value is None or value is False:
            continue
        if value is True:
            args.append("--" + key.replace("_", "-"))
            continue
        if key == "faults":
            value = json.dumps(value)
        args += ["--" + key.replace("_", "-"), str(value)]
    env = dict(os.environ)
    env.update(s3_env or {})
    env["PYTHONPATH"] = PACKAGE_PARENT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    log = tmp_path / f"qdrant-testbed-{int(time.time() * 1000)}.log"
    with open(log, "wb") as errf:
        # stdin stays open while this process lives: if it dies, the testbed sees EOF and exits
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errf, env=env,
                                start_new_session=True)
    lines: list[str] = []
    expected = 1 + (peers if cloud else 0)  # READY, then one NODE line per node in Cloud mode

    def read():
        while len(lines) < expected:
            raw = proc.stdout.readline()
            if not raw:
                return
            lines.append(raw.decode().strip())
            if not lines[0].startswith("READY "):
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    text = lines[0] if lines else ""
    if not text.startswith("READY ") or len(lines) < expected:
        tb = Testbed(proc, [], storage, log)
        tb.stop()
        raise RuntimeError(f"qdrant testbed did not start ({text or 'no READY line'}): {log.read_text()[-2000:]}")
    urls = text[len("READY "):].split(",")
    common = dict(tls=tls or None, mtls=mtls, cloud=cloud, api_key=flags.get("api_key"))
    if not cloud:
        return Testbed(proc, urls, storage, log, **common)
    install_localhost_resolver()
    node_urls, admin_urls = [], []
    for line in lines[1:]:
        _, _, url, internal, _ = line.split(" ")
        node_urls.append(url)
        admin_urls.append(internal[len("internal="):])
    return Testbed(proc, urls, storage, log, node_urls=node_urls, admin_urls=admin_urls, **common)
