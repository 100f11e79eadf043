"""Small helpers shared by the test double's tests."""
from __future__ import annotations

import hashlib
import http.server
import os
import tarfile
import threading
from pathlib import Path

import qdrant_edge
from qdrant_client import models

REPO = Path(__file__).resolve().parent.parent.parent
SHARED = Path(os.environ.get("SHARED_DIR") or REPO.parent / "shared")
OPENAPI_PATH = SHARED / "fixtures" / "qdrant" / "qdrant-openapi-1.19.json.gz"
SHARD_FIXTURE = SHARED / "fixtures" / "qdrant" / "shard-snapshot-2026.snapshot"


def make_collection(client, name: str, shards: int = 2, points: int = 30, rf: int = 1) -> dict:
    client.create_collection(name, vectors_config=models.VectorParams(size=4, distance=models.Distance.COSINE),
                             shard_number=shards, replication_factor=rf)
    pts = [models.PointStruct(id=i, vector=[float(i), 1.0, 2.0, 3.0], payload={"n": i, "s": f"p{i}"})
           for i in range(1, points + 1)]
    pts.append(models.PointStruct(id="3f1a2c9e-0b7d-4c55-9a10-2f6e8d4b7c11", vector=[0.5, 0.5, 0.5, 0.5],
                                  payload={"uuid": True}))
    client.upsert(name, points=pts, wait=True)
    return all_points(client, name)


def all_points(client, name: str) -> dict:
    out, offset = {}, None
    while True:
        page, offset = client.scroll(name, limit=100, offset=offset, with_payload=True)
        out.update({p.id: p.payload for p in page})
        if offset is None:
            return out


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def download(http, path: str, dest: Path) -> Path:
    r = http.get(path, validate=False, headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200, r.text
    dest.write_bytes(r.content)
    if "Content-Length" in r.headers:
        assert int(r.headers["Content-Length"]) == len(r.content)
    return dest


def edge_points(snapshot: Path, workdir: Path) -> dict:
    """Unpacks a shard archive with Qdrant Edge into a fresh directory, loads it, returns {id: payload}."""
    target = workdir / f"edge-{snapshot.name}"
    target.mkdir(parents=True)
    qdrant_edge.EdgeShard.unpack_snapshot(str(snapshot), str(target))
    shard = qdrant_edge.EdgeShard.load(str(target))
    try:
        recs, _ = shard.scroll(qdrant_edge.ScrollRequest(limit=10_000, with_payload=True))
        return {(r.id if isinstance(r.id, int) else str(r.id)): r.payload for r in recs}
    finally:
        shard.close()


def shard_folder_as_archive(collection_snapshot: Path, shard_id: int, dest: Path) -> Path:
    """Extracts the `<shard_id>/` folder of a collection snapshot (without its WAL) as a shard archive."""
    with tarfile.open(collection_snapshot) as src, tarfile.open(dest, "w", format=tarfile.GNU_FORMAT) as out:
        prefix = f"{shard_id}/"
        for m in src:
            if not m.name.startswith(prefix) or not m.isreg() or m.name.startswith(prefix + "wal/"):
                continue
            m2 = tarfile.TarInfo(m.name[len(prefix):])
            m2.size = m.size
            out.addfile(m2, src.extractfile(m))
    return dest


class FileServer:
    """A local HTTP server serving one directory and recording the request headers (presigned-URL stand-in)."""

    def __init__(self, directory: Path):
        self.requests: list[dict] = []
        outer = self

        class H(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **k):
                super().__init__(*a, directory=str(directory), **k)

            def do_GET(self):
                outer.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}})
                super().do_GET()

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class StallingServer:
    """Serves one file's bytes with its full Content-Length, but sends only the first `head` bytes until
    `release()` (or, with `cut=True`, closes the connection there): a download in progress, or one cut short."""

    def __init__(self, data: bytes, head: int, cut: bool = False):
        self.release_event = threading.Event()
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[:head])
                self.wfile.flush()
                if cut:
                    self.close_connection = True
                    return
                outer.release_event.wait(60)
                self.wfile.write(data[head:])

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/stalled.snapshot"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def release(self) -> None:
        self.release_event.set()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release()
        self.httpd.shutdown()
        self.httpd.server_close()
