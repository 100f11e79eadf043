"""HTTP/1.1 front of the test double: Qdrant's REST paths, envelopes, auth and the test-only admin API."""
from __future__ import annotations

import json
import socket
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import config_diff, convert, filters, jsonpos
from .auth import ANY, C_EXTRAS, C_READ, C_WRITE, C_WRITE_EXTRAS, G_MANAGE, G_READ, OPEN, Access, AuthFailure, Req
from .errors import ApiError, bad_input, bad_request, forbidden, format_error, not_found, standalone_mode, validation
from .store import Cluster, Peer, validate_snapshot_name

OPEN_PATHS = ("/", "/healthz")
SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")
PRIORITIES = ("no_sync", "snapshot", "replica")


class Route:
    def __init__(self, method: str, pattern: str, handler: str, access: Req, download: bool = False,
                 late: bool = False, early: bool = False):
        """access: the check Qdrant's handler makes; late: the handler checks it itself (after validating its body);
        early: refused before the body is read, plain text (ActixAccessManage)."""
        self.method = method
        self.parts = pattern.strip("/").split("/") if pattern != "/" else []
        self.handler = handler
        self.access = access
        self.download = download
        self.late = late
        self.early = early

    def match(self, method: str, segments: list[str]) -> dict | None:
        if method != self.method or len(segments) != len(self.parts):
            return None
        args = {}
        for p, s in zip(self.parts, segments):
            if p.startswith("{"):
                args[p[1:-1]] = s
            elif p != s:
                return None
        return args


ROUTES = [
    Route("GET", "/", "root", OPEN),
    Route("GET", "/healthz", "healthz", OPEN),
    Route("GET", "/telemetry", "telemetry", ANY),
    Route("GET", "/quotas", "quotas", G_READ),
    Route("GET", "/metrics", "metrics", G_READ),
    Route("GET", "/cluster", "cluster", G_READ),
    Route("POST", "/cluster/recover", "cluster_recover", G_MANAGE),
    Route("DELETE", "/cluster/peer/{peer_id}", "remove_peer", G_MANAGE),
    Route("GET", "/collections", "list_collections", ANY),
    Route("GET", "/aliases", "list_aliases", ANY),
    Route("POST", "/collections/aliases", "update_aliases", G_MANAGE),
    Route("GET", "/snapshots", "list_full", G_READ),
    Route("POST", "/snapshots", "create_full", G_MANAGE),
    Route("GET", "/snapshots/{name}", "download_full", G_READ, download=True),
    Route("DELETE", "/snapshots/{name}", "delete_full", G_MANAGE),
    Route("GET", "/collections/{c}", "get_collection", C_READ),
    Route("PUT", "/collections/{c}", "create_collection", G_MANAGE),
    Route("PATCH", "/collections/{c}", "update_collection", G_MANAGE),
    Route("DELETE", "/collections/{c}", "delete_collection", G_MANAGE),
    Route("GET", "/collections/{c}/exists", "collection_exists", C_READ),
    Route("GET", "/collections/{c}/aliases", "collection_aliases", C_READ),
    Route("GET", "/collections/{c}/cluster", "collection_cluster", C_EXTRAS),
    Route("PUT", "/collections/{c}/index", "create_index", C_WRITE_EXTRAS),
    Route("PUT", "/collections/{c}/vectors/{vector}", "create_vector", C_WRITE_EXTRAS),
    Route("DELETE", "/collections/{c}/vectors/{vector}", "delete_vector", C_WRITE_EXTRAS),
    Route("PUT", "/collections/{c}/points", "upsert", C_WRITE),
    Route("POST", "/collections/{c}/points/delete", "delete_points", C_WRITE),
    Route("POST", "/collections/{c}/points", "retrieve", C_READ),
    Route("GET", "/collections/{c}/points/{id}", "get_point", C_READ),
    Route("POST", "/collections/{c}/points/scroll", "scroll", C_READ),
    Route("POST", "/collections/{c}/points/count", "count", C_READ),
    Route("POST", "/collections/{c}/points/query", "query", C_READ),
    Route("POST", "/collections/{c}/points/search", "search", C_READ),
    Route("GET", "/collections/{c}/snapshots", "list_collection_snapshots", C_EXTRAS),
    Route("POST", "/collections/{c}/snapshots", "create_collection_snapshot", C_WRITE_EXTRAS),
    # recover: the body is parsed and the remote-URL refusal made before the manage check (snapshot_api.rs)
    Route("PUT", "/collections/{c}/snapshots/recover", "recover_collection", G_MANAGE, late=True),
    # upload: ActixAccessManage rejects before the body is read, with a plain-text 403
    Route("POST", "/collections/{c}/snapshots/upload", "upload_collection", G_MANAGE, early=True),
    Route("GET", "/collections/{c}/snapshots/{name}", "download_collection_snapshot", C_EXTRAS, download=True),
    Route("DELETE", "/collections/{c}/snapshots/{name}", "delete_collection_snapshot", C_WRITE_EXTRAS),
    Route("GET", "/collections/{c}/shards/{sid}/snapshots", "list_shard_snapshots", C_EXTRAS),
    Route("POST", "/collections/{c}/shards/{sid}/snapshots", "create_shard_snapshot", C_WRITE_EXTRAS),
    Route("PUT", "/collections/{c}/shards/{sid}/snapshots/recover", "recover_shard", G_MANAGE, late=True),
    Route("POST", "/collections/{c}/shards/{sid}/snapshots/upload", "upload_shard", G_MANAGE, early=True),
    Route("GET", "/collections/{c}/shards/{sid}/snapshots/{name}", "download_shard_snapshot", C_EXTRAS,
          download=True),
    Route("DELETE", "/collections/{c}/shards/{sid}/snapshots/{name}", "delete_shard_snapshot", C_WRITE_EXTRAS),
    Route("GET", "/collections/{c}/shards/{sid}/snapshot", "stream_shard_snapshot", C_WRITE_EXTRAS, download=True),
]


class NoContent(Exception):
    """Raised after a handler has written its own response."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle plus delayed ACKs add ~40 ms to
    # every response on a kept-alive connection (real Qdrant servers set TCP_NODELAY too).
    disable_nagle_algorithm = True
    server_version = "qdrant"
    sys_version = ""
    cluster: Cluster
    peer: Peer

    def version_string(self) -> str:
        return "qdrant"

    def log_message(self, fmt, *args):  # quiet; set QDRANT_TESTBED_LOG=1 to see requests
        if os.environ.get("QDRANT_TESTBED_LOG"):
            sys.stderr.write(f"[{self.peer.index}] " + fmt % args + "\n")

    # ------------------------------------------------------------------ plumbing

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def dispatch(self, method: str) -> None:
        self.t0 = time.monotonic()
        self.body_consumed = False
        url = urllib.parse.urlsplit(self.path)
        raw_path = url.path.rstrip("/") or "/"
        self.query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        segments = [urllib.parse.unquote(s) for s in raw_path.strip("/").split("/")] if raw_path != "/" else []
        self.download = False
        try:
            if segments[:1] == ["__testbed"]:
                self.admin(method, segments[1:])
                return
            route, args = None, None
            for r in ROUTES:
                args = r.match(method, segments)
                if args is not None:
                    route = r
                    break
            if route is None:
                self.finish_unread()
                self.send_text(404, "")
                return
            self.download = route.download
            self.route = route
            self.check_auth(route, raw_path, args)
            faults = self.cluster.faults
            lat = faults.latency()
            if lat:
                time.sleep(lat)
            injected = faults.injected_error(method, raw_path)
            if injected:
                raise ApiError(*injected)
            result = getattr(self, "h_" + route.handler)(**args)
            if result is not None:
                self.finish_unread()
                status, payload = result
                self.send_json(status, payload)
        except NoContent:
            pass
        except ApiError as e:
            self.finish_unread()
            if self.download or e.status in (401, 403) and getattr(e, "plain", False):
                self.send_text(e.status, e.message, e.headers)
            else:
                self.send_json(e.status, {"status": {"error": e.message}, "time": self.elapsed()}, e.headers)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as e:  # a bug or an Edge failure: report it like Qdrant's service errors
            traceback.print_exc()
            self.finish_unread()
            msg = f"Service internal error: {e}"
            if self.download:
                self.send_text(500, msg)
            else:
                self.send_json(500, {"status": {"error": msg}, "time": self.elapsed()})

    def elapsed(self) -> float:
        return round(time.monotonic() - self.t0, 6)

    def finish_unread(self) -> None:
        """If the request body was not read, drop the connection after answering (keep-alive is unsafe)."""
        if not self.body_consumed and (self.headers.get("Content-Length", "0") not in ("", "0")
                                       or "chunked" in self.headers.get("Transfer-Encoding", "").lower()):
            self.close_connection = True
            self.unread_body = True

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            if getattr(self, "unread_body", False):
                self.linger()

    def linger(self) -> None:
        """Lingering close, as HTTP servers do after answering a request whose body they did not read (e.g. an
        upload refused by auth): half-close, then drain what the client still sends for a moment. Closing at once
        with unread bytes makes the kernel send a reset, and the client can lose the answer."""
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.5)
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline and self.connection.recv(256 * 1024):
                pass
        except OSError:
            pass

    def send_json(self, status: int, payload, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if getattr(self, "unread_body", False):
            self.send_header("Connection", "close")  # the body was not read: this connection ends here
        self.end_headers()
        self.wfile.write(data)

    def send_text(self, status: int, text: str, headers: dict | None = None) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if getattr(self, "unread_body", False):
            self.send_header("Connection", "close")  # the body was not read: this connection ends here
        self.end_headers()
        self.wfile.write(data)

    def ok(self, result, status: int = 200):
        return status, {"result": result, "status": "ok", "time": self.elapsed()}

    def accepted(self):
        return 202, {"status": "accepted", "time": self.elapsed()}

    # ------------------------------------------------------------------ request bodies

    def read_body_to(self, out) -> int:
        n = 0
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                remaining = size
                while remaining:
                    chunk = self.rfile.read(min(remaining, 1 << 20))
                    if not chunk:
                        raise bad_request("incomplete chunked body")
                    out.write(chunk)
                    remaining -= len(chunk)
                    n += len(chunk)
                self.rfile.readline(65537)
        else:
            remaining = int(self.headers.get("Content-Length") or 0)
            while remaining:
                chunk = self.rfile.read(min(remaining, 1 << 20))
                if not chunk:
                    raise bad_request("incomplete body")
                out.write(chunk)
                remaining -= len(chunk)
                n += len(chunk)
        self.body_consumed = True
        return n

    def json_body(self, required: bool = True):
        import io
        buf = io.BytesIO()
        self.read_body_to(buf)
        raw = buf.getvalue()
        self.raw_body = raw
        if not raw:
            if required:
                raise format_error("EOF while parsing a value at line 1 column 0")
            return {}
        try:
            return json.loads(raw)
        except ValueError as e:
            raise format_error(f"{e}") from None

    def qparam(self, name: str, default=None):
        v = self.query.get(name)
        return v[-1] if v else default

    def wait_param(self) -> bool:
        v = self.qparam("wait")
        if v is None:
            return True
        if v in ("true", "false"):
            return v == "true"
        raise bad_request(f"Deserialize error in query parameters: wait: provided string was not `true` or `false`")

    def checksum_param(self, value):
        if value is not None and not SHA256_RE.match(value):
            raise validation("query parameters" if self.qparam("checksum") else "JSON body",
                             f"checksum: invalid_sha256_hash")
        return value

    def priority_param(self, value):
        if value is not None and value not in PRIORITIES:
            raise bad_request(f"Deserialize error in query parameters: priority: unknown variant `{value}`, "
                              f"expected one of `no_sync`, `snapshot`, `replica`")
        return value

    # ------------------------------------------------------------------ auth

    def check_auth(self, route: Route, path: str, args: dict) -> None:
        """Authentication (the middleware: plain-text 401/403) then, unless the handler does it later, the access
        check its Qdrant handler makes (403 `Forbidden: …`, JSON; plain text on downloads and before uploads)."""
        self.access = Access.full()
        if route.access is OPEN or path in OPEN_PATHS or path.startswith("/readyz") or path.startswith("/livez"):
            return
        try:
            self.access = self.cluster.auth.authenticate(self.headers)
        except AuthFailure as e:
            self.auth_fail(e.status, e.message)
        if not route.late:
            self.authorize(route.access, args.get("c"), plain=route.early)

    def authorize(self, req: Req, collection: str | None = None, plain: bool = False) -> None:
        try:
            self.access.check(req, collection)
        except ApiError as e:
            e.plain = plain
            raise

    def auth_fail(self, status: int, msg: str):
        e = ApiError(status, msg)
        e.plain = True
        raise e

    def refuse_url_location(self, location) -> None:
        """Qdrant Cloud blocks outbound traffic; answered as `service.enable_snapshot_url_recovery: false` does
        (src/actix/api/snapshot_api.rs, checked before the access check)."""
        if self.cluster.cloud and isinstance(location, str) \
                and urllib.parse.urlsplit(location).scheme.lower() in ("http", "https"):
            raise forbidden("Snapshot recovery from remote URLs is disabled in the configuration")

    # ------------------------------------------------------------------ admin (test-only, not in the OpenAPI)

    def admin(self, method: str, segments: list[str]) -> None:
        c = self.cluster
        if segments == ["faults"]:
            if method == "GET":
                self.send_json(200, c.faults.snapshot())
                return
            if method in ("POST", "PUT"):
                body = self.json_body()
                try:
                    c.faults.set(body)
                except (ValueError, re.error) as e:
                    self.send_json(400, {"error": str(e)})
                    return
                self.send_json(200, c.faults.snapshot())
                return
            if method == "DELETE":
                self.finish_unread()
                c.faults.clear()
                self.send_json(200, c.faults.snapshot())
                return
        if segments == ["info"] and method == "GET":
            self.send_json(200, {"peer_index": self.peer.index, "peer_id": self.peer.peer_id,
                                 "storage": self.peer.root, "snapshots_path": self.peer.snapshots_dir,
                                 "peers": [{"peer_id": p.peer_id, "url": f"{p.scheme}://127.0.0.1:{p.port}",
                                            "snapshots_path": p.snapshots_dir} for p in c.peers],
                                 **self.peer.storage.info()})  # S3 mode: snapshots_storage, bucket, endpoint
            return
        self.finish_unread()
        self.send_json(404, {"error": "unknown admin endpoint"})

    # ------------------------------------------------------------------ service

    def h_root(self):
        self.finish_unread()
        self.send_json(200, {"title": "qdrant - vector search engine", "version": self.cluster.version,
                             "commit": "74f3e85b94" + "0" * 30})
        raise NoContent

    def h_healthz(self):
        self.send_text(200, "healthz check passed")
        raise NoContent

    def h_telemetry(self):
        c = self.cluster
        level = min(int(self.qparam("details_level", "0") or 0), 4)
        app = {"name": "qdrant", "version": c.version, "startup": c.started.isoformat().replace("+00:00", "Z")}
        if level >= 1:
            app["system"] = {"distribution": "debian", "distribution_version": "12", "is_docker": False,
                             "cores": os.cpu_count(), "ram_size": c.ram_size_kib(), "disk_size": c.disk_size_kib(),
                             "cpu_flags": "", "cpu_endian": "little"}
        else:
            app["system"] = {"is_docker": False, "cores": os.cpu_count(), "ram_size": c.ram_size_kib(),
                             "disk_size": c.disk_size_kib(), "cpu_flags": ""}
        with c.lock:
            names = [n for n in sorted(c.collections) if self.access.can_see(n)]  # filtered by access, as Qdrant's
        collections = {"number_of_collections": len(names)}
        if level >= 2:
            snaps = []
            for n in names:
                st = c.running.get((self.peer.index, n)) or {"running_snapshots": 0, "running_snapshot_recovery": 0,
                                                             "total_snapshot_creations": 0}
                snaps.append({"id": n, **st})
            collections["snapshots"] = snaps
        cluster = {"enabled": c.distributed}
        if level >= 3 and c.distributed:
            cluster["peer_metadata"] = {str(p.peer_id): {"version": c.version} for p in c.peers}
        return self.ok({"id": c.process_id, "app": app, "collections": collections, "cluster": cluster})

    def h_quotas(self):
        c = self.cluster
        usage = {"resident_memory_percent": None, "disk_usage_percent": c.disk_usage()}
        result = {"config": {"enabled": False}, "usage": usage}
        if c.distributed:
            result["peers"] = {str(p.peer_id): {"exceeded": False, **usage} for p in c.peers}
        return self.ok(result)

    def h_metrics(self):
        text = f'# TYPE app_info gauge\napp_info{{name="qdrant",version="{self.cluster.version}"}} 1\n'
        self.send_text(200, text)
        raise NoContent

    def h_cluster(self):
        c = self.cluster
        if not c.distributed:
            return self.ok({"status": "disabled"})
        leader = c.peers[0].peer_id
        return self.ok({
            "status": "enabled", "peer_id": self.peer.peer_id,
            "peers": {str(p.peer_id): {"uri": self.peer_uri(p)} for p in c.peers},
            "raft_info": {"term": 1, "commit": 1, "pending_operations": 0, "leader": leader,
                          "role": "Leader" if self.peer.peer_id == leader else "Follower", "is_voter": True},
            "consensus_thread_status": {"consensus_thread_status": "working",
                                        "last_update": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())},
            "message_send_failures": {}})

    def peer_uri(self, p) -> str:
        """The p2p URI a peer announces: on Qdrant Cloud an internal Kubernetes name, unreachable from outside."""
        c = self.cluster.cloud
        if c:
            return f"http://qdrant-{c}-{p.index}.qdrant-headless.{c}.svc.cluster.local:6335/"
        return f"http://127.0.0.1:{p.port + 2}/"

    def h_cluster_recover(self):
        # src/actix/api/cluster_api.rs `recover_current_peer`: toc.request_snapshot() needs the consensus
        # proposal sender, which a standalone node lacks (StorageError::StandaloneMode → 405).
        if not self.cluster.distributed:
            raise standalone_mode()
        return self.ok(True)  # asks consensus for a Raft snapshot; nothing for the double to do

    def h_remove_peer(self, peer_id):
        # src/actix/api/cluster_api.rs `remove_peer`: the path is a u64 (actix's own Path: 404 when it is not),
        # then the shards check (unless force=true), then the standalone refusal.
        if not peer_id.isdigit() or int(peer_id) >= 2 ** 64:
            self.finish_unread()
            self.send_text(404, f"can not parse \"{peer_id}\" to a u64")
            raise NoContent
        force = self.qparam("force", "false")
        if force not in ("true", "false"):
            raise bad_request("Deserialize error in query parameters: force: provided string was not `true` or `false`")
        pid = int(peer_id)
        c = self.cluster
        index = next((p.index for p in c.peers if p.peer_id == pid), None)
        if force == "false" and index is not None and c.peer_has_shards(index):
            raise bad_request(f"Cannot remove peer {pid} as there are shards on it")
        if not c.distributed:
            raise standalone_mode()
        # A real cluster proposes RemovePeer to consensus; the double's peers are fixed at start.
        raise ApiError(500, "Service internal error: the test double cannot remove peers")

    # ------------------------------------------------------------------ collections and aliases

    def h_list_collections(self):
        with self.cluster.lock:
            names = list(self.cluster.collections)
        return self.ok({"collections": [{"name": n} for n in names if self.access.can_see(n)]})

    def h_list_aliases(self):
        # toc.list_aliases: aliases of the permitted collections whose alias name is itself permitted
        return self.ok({"aliases": [a for a in self.cluster.list_aliases()
                                    if self.access.can_see(a["collection_name"]) and self.access.can_see(a["alias_name"])]})

    def h_collection_aliases(self, c):
        col = self.cluster.get(c)
        return self.ok({"aliases": [a for a in self.cluster.list_aliases(col.name)
                                    if self.access.can_see(a["alias_name"])]})

    def h_update_aliases(self):
        body = self.json_body()
        actions = body.get("actions")
        if not isinstance(actions, list):
            raise format_error("missing field `actions`")
        self.cluster.update_aliases(actions)
        return self.ok(True)

    def h_create_collection(self, c):
        body = self.json_body(required=False)
        cfg = self.cluster.build_config(body)
        self.cluster.create_collection(c, cfg)
        return self.ok(True)

    def h_update_collection(self, c):
        """`PATCH /collections/{c}`: optimizers, params, hnsw, per-vector, quantization, sparse-vector and strict-mode
        diffs merged into the stored config, and `metadata` merged by top-level keys (`null` deletes one)."""
        body = self.json_body()
        diff = config_diff.parse_update(body, self.raw_body)
        self.cluster.update_collection(c, diff)
        return self.ok(True)

    def h_delete_collection(self, c):
        return self.ok(self.cluster.delete_collection(c))

    def h_collection_exists(self, c):
        with self.cluster.lock:
            real = self.cluster.resolve(c)
            return self.ok({"exists": real in self.cluster.collections})

    def h_get_collection(self, c):
        col = self.cluster.get(c)
        cfg = {k: v for k, v in col.config.items() if k != "uuid"}
        n = self.cluster.count(col)
        schema = {k: _index_info(v, n) for k, v in col.payload_schema.items()}
        if self.cluster.faults.collection_data(col.name).get("drop_payload_schema"):
            schema = {}
        return self.ok({"status": "green", "optimizer_status": "ok", "indexed_vectors_count": 0,
                        "points_count": n, "segments_count": self.cluster.segments_count(col), "config": cfg,
                        "payload_schema": schema})

    def h_collection_cluster(self, c):
        cl = self.cluster
        col = cl.get(c)
        forced = cl.faults.collection_data(col.name).get("replica_state")
        local, remote = [], []
        for sid in sorted(col.placement):
            for p in col.placement[sid]:
                state = forced or col.states.get((sid, p), "Dead")
                if p == self.peer.index:
                    local.append({"shard_id": sid, "points_count": cl.count(col, sid, p), "state": state})
                else:
                    remote.append({"shard_id": sid, "peer_id": cl.peers[p].peer_id, "state": state})
        return self.ok({"peer_id": self.peer.peer_id, "shard_count": col.shard_number, "local_shards": local,
                        "remote_shards": remote, "shard_transfers": []})

    def h_create_index(self, c):
        body = self.json_body()
        col = self.cluster.get(c)
        schema = body.get("field_schema")
        if not isinstance(body.get("field_name"), str) or not isinstance(schema, (str, dict)):
            raise format_error("expected `field_name` and `field_schema`")
        with self.cluster.lock:
            col.payload_schema[body["field_name"]] = schema  # kept as sent: payload_index.json holds it so
            self.cluster.save()
        return self.ok({"operation_id": 0, "status": "completed" if self.wait_param() else "acknowledged"})

    # ------------------------------------------------------------------ points

    def h_upsert(self, c):
        body = self.json_body()
        if not isinstance(body, dict) or not ("points" in body or "batch" in body):
            raise format_error(f"Invalid PointInsertOperations format "
                              f"{jsonpos.end_of_body(self.raw_body)}")
        col = self.cluster.get(c)
        points = convert.points_in(body)
        # `update_mode` (Qdrant >= 1.17; an unknown field before, hence ignored); `update_filter` (conditional upsert)
        mode = body.get("update_mode") if self.cluster.version_at_least(1, 17) else None
        if mode is not None and mode not in UPDATE_MODES:
            where = jsonpos.end_of_body(self.raw_body)  # the body is buffered (a custom Deserialize): its end
            if isinstance(mode, str):
                raise format_error(f"unknown variant `{mode}`, expected one of "
                                   + ", ".join(f"`{m}`" for m in UPDATE_MODES) + f" {where}")
            raise format_error(f"{filters.invalid_type(mode, 'enum UpdateMode')} {where}")
        condition = filters.parse(body, self.raw_body, "", self.cluster.slice_ids(col), key="update_filter",
                                  bool_ids=self.cluster.bool_ids(col))
        self.cluster.upsert(col, points, mode, condition)
        return self.ok({"operation_id": 0, "status": "completed" if self.wait_param() else "acknowledged"})

    def vector_path(self, c: str, vector: str) -> None:
        """The named-vector routes exist from Qdrant 1.18 on (an unknown route before: bare 404); then the path is
        validated as `VectorNamePath` is (422)."""
        if not self.cluster.version_at_least(1, 18):
            import io
            self.read_body_to(io.BytesIO())  # read, so that the connection stays usable
            self.send_text(404, "")
            raise NoContent
        problems = []
        if not 1 <= len(c) <= 255:
            problems.append("collection_name: must be from 1 to 255 characters")
        if len(vector.encode()) > 200:
            problems.append("vector_name: vector name must be at most 200 bytes long")
        else:
            bad = next((ch for ch in '<>:"/\\|?*\0\x1f' if ch in vector), None)
            if bad is not None:
                problems.append(f'vector_name: vector name cannot contain "{bad}" char')
        if problems:
            raise validation("path parameters", "[" + "; ".join(problems) + "]")

    def h_create_vector(self, c, vector):
        self.vector_path(c, vector)
        body = self.json_body()
        config = parse_vector_config(body, self.raw_body)
        wait = self.wait_param()
        self.cluster.create_vector(c, vector, config)
        return self.ok({"operation_id": 0, "status": "completed" if wait else "acknowledged"})

    def h_delete_vector(self, c, vector):
        self.vector_path(c, vector)
        wait = self.wait_param()
        self.cluster.delete_vector(c, vector)
        return self.ok({"operation_id": 0, "status": "completed" if wait else "acknowledged"})

    def h_delete_points(self, c):
        body = self.json_body()
        col = self.cluster.get(c)
        if "points" not in body and body.get("filter") is not None:  # PointsSelector: {"points"} or {"filter"}
            self.cluster.delete_by_filter(col, filters.parse(body, self.raw_body, "", self.cluster.slice_ids(col),
                                                            bool_ids=self.cluster.bool_ids(col)))
        else:
            ids = [convert.point_id(i) for i in body.get("points", [])]
            self.cluster.delete_points(col, ids)
        return self.ok({"operation_id": 0, "status": "completed" if self.wait_param() else "acknowledged"})

    def h_retrieve(self, c):
        body = self.json_body()
        col = self.cluster.get(c)
        wp, wv = body.get("with_payload", True), body.get("with_vector", False)
        ids = [convert.point_id(i) for i in body.get("ids", [])]
        recs = self.cluster.retrieve(col, ids, wp, wv)
        out = [convert.record_out(r, wp, wv) for r in recs]
        fault = self.cluster.faults.collection_data(col.name)
        for point in out[:1]:
            if fault.get("alter_payload") and point["payload"] is not None:
                point["payload"] = dict(point["payload"], altered_by_fault=True)
            if fault.get("alter_vector") and point["vector"] is not None:
                point["vector"] = _altered_vector(point["vector"])
        return self.ok(out)

    def h_get_point(self, c, id):
        col = self.cluster.get(c)
        pid = convert.point_id(int(id) if id.isdigit() else id)
        recs = self.cluster.retrieve(col, [pid], True, True)
        if not recs:
            raise not_found(f"No point with id {id} found")
        return self.ok(convert.record_out(recs[0], True, True))

    def request_filter(self, body: dict, col, prefix: str):
        """The body's `filter` as an Edge filter (Qdrant's 400/422 errors when malformed); prefix names the
        flattened inner request in validation messages, as actix-web-validator does."""
        return filters.parse(body, getattr(self, "raw_body", b""), prefix, self.cluster.slice_ids(col),
                             bool_ids=self.cluster.bool_ids(col))

    def h_scroll(self, c):
        body = self.json_body(required=False)
        col = self.cluster.get(c)
        flt = self.request_filter(body, col, "scroll_request")
        if body.get("order_by"):
            raise bad_request("order_by is not supported by the test double")
        offset = body.get("offset")
        offset = convert.point_id(offset) if offset is not None else None
        limit = int(body.get("limit") or 10)
        wp, wv = body.get("with_payload", True), body.get("with_vector", body.get("with_vectors", False))
        recs, nxt = self.cluster.scroll(col, offset, limit, wp, wv, flt)
        return self.ok({"points": [convert.record_out(r, wp, wv) for r in recs], "next_page_offset": nxt})

    def h_count(self, c):
        body = self.json_body(required=False)
        col = self.cluster.get(c)
        flt = self.request_filter(body, col, "count_request")
        return self.ok({"count": self.cluster.count(col, flt=flt)})

    def _query_vector(self, q, using):
        if isinstance(q, dict) and "nearest" in q:
            q = q["nearest"]
        if isinstance(q, dict) and "name" in q and "vector" in q:
            using, q = q["name"], q["vector"]
        if isinstance(q, (list, dict)):
            return convert.vector_in(q), using
        raise bad_request("only nearest-vector queries are supported by the test double")

    def h_query(self, c):
        body = self.json_body()
        col = self.cluster.get(c)
        flt = self.request_filter(body, col, "internal")
        if body.get("prefetch"):
            raise bad_request("prefetch is not supported by the test double")
        wp, wv = body.get("with_payload", False), body.get("with_vector", body.get("with_vectors", False))
        if isinstance(body.get("query"), dict) and "sample" in body["query"]:
            # `{"sample": "random"}` (Qdrant >= 1.11): `limit` distinct points drawn at random, score 0.
            if body["query"]["sample"] != "random":
                raise format_error("unknown variant of `sample`, expected `random`")
            recs = self.cluster.sample(col, int(body.get("limit") or 10), wp, wv, flt)
            return self.ok({"points": [dict(convert.record_out(r, wp, wv), version=0, score=0.0) for r in recs]})
        vec, using = self._query_vector(body.get("query"), body.get("using"))
        hits = self.cluster.query(col, vec, using, int(body.get("limit") or 10), int(body.get("offset") or 0),
                                  wp, wv, body.get("score_threshold"), flt)
        return self.ok({"points": [convert.scored_out(h, wp, wv) for h in hits]})

    def h_search(self, c):
        body = self.json_body()
        col = self.cluster.get(c)
        flt = self.request_filter(body, col, "search_request")
        vec, using = self._query_vector(body.get("vector"), None)
        wp, wv = body.get("with_payload", False), body.get("with_vector", False)
        hits = self.cluster.query(col, vec, using, int(body.get("limit") or 10), int(body.get("offset") or 0),
                                  wp, wv, body.get("score_threshold"), flt)
        return self.ok([convert.scored_out(h, wp, wv) for h in hits])

    # ------------------------------------------------------------------ snapshots: helpers

    def run(self, fn, *args):
        """`wait` semantics: the job always runs in its own thread; wait=false answers 202 at once."""
        wait = self.wait_param()
        box: dict = {}

        def job():
            try:
                box["result"] = fn(*args)
            except Exception as e:  # logged only, like Qdrant
                box["error"] = e
                if not wait:
                    sys.stderr.write(f"background task failed: {e}\n")

        t = threading.Thread(target=job, daemon=True)
        t.start()
        if not wait:
            return self.accepted()
        t.join()
        if "error" in box:
            raise box["error"]
        return self.ok(box["result"])

    def send_file(self, path: str, fault_key: str) -> None:
        """actix-files style download: Content-Length, ETag, Last-Modified, single byte ranges."""
        st = os.stat(path)
        size = st.st_size
        fault = self.cluster.faults.download_fault(fault_key)
        start, end = 0, size - 1
        status = 200
        rng = self.headers.get("Range")
        m = re.fullmatch(r"bytes=(\d*)-(\d*)", rng.strip()) if rng else None
        if m and (m.group(1) or m.group(2)):
            if m.group(1):
                start = int(m.group(1))
                end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
            else:
                start = max(0, size - int(m.group(2)))
            if start >= size or start > end:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                raise NoContent
            status = 206
        length = end - start + 1 if size else 0
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Disposition", f'attachment; filename="{os.path.basename(path)}"')
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f'"{int(st.st_mtime):x}:{size:x}"')
        self.send_header("Last-Modified", self.date_time_string(int(st.st_mtime)))
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        limit = length
        if fault and fault[0] == "truncate":
            limit = min(length, fault[1])
        sent = 0
        rate = self.cluster.faults.download_rate(fault_key)
        began = time.monotonic()
        with open(path, "rb") as f:
            f.seek(start)
            while sent < limit:
                if rate:  # a slow network: never ahead of `rate` bytes per second
                    ahead = sent / rate - (time.monotonic() - began)
                    if ahead > 0:
                        time.sleep(ahead)
                chunk = f.read(min(1 << 20 if not rate else max(4096, int(rate / 10)), limit - sent))
                if not chunk:
                    break
                pos = start + sent
                if fault and fault[0] == "corrupt" and pos <= fault[1] < pos + len(chunk):
                    b = bytearray(chunk)
                    b[fault[1] - pos] ^= 0xFF
                    chunk = bytes(b)
                self.wfile.write(chunk)
                sent += len(chunk)
        if sent < length:
            self.wfile.flush()
            self.close_connection = True
        raise NoContent

    def send_snapshot(self, directory: str, name: str) -> None:
        """A snapshot download: the local file (send_file), or the object streamed through the node as Qdrant's
        `SnapshotStream::ByteStream` answers: 200 `application/octet-stream`, chunked, no length, no ranges."""
        source = self.peer.storage.open(directory, name)
        if isinstance(source, str):
            self.send_file(source, self.raw_path())  # raises NoContent
            return
        self.send_stream(source, self.raw_path())

    def send_stream(self, source, fault_key: str) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            writer = ChunkedWriter(self.wfile, self.cluster.faults.download_fault(fault_key))
            rate = self.cluster.faults.download_rate(fault_key)
            began, sent = time.monotonic(), 0
            for chunk in source.iter_chunks(1 << 16 if not rate else max(4096, int(rate / 10))):
                if rate:  # a slow network: never ahead of `rate` bytes per second
                    ahead = sent / rate - (time.monotonic() - began)
                    if ahead > 0:
                        time.sleep(ahead)
                writer.write(chunk)
                sent += len(chunk)
            writer.close()
        except Truncated:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # the object store failed mid-body: the 200 ends without its last chunk
            traceback.print_exc()
            self.close_connection = True
        finally:
            source.close()
        raise NoContent

    def spool_multipart(self, dest_dir: str) -> tuple[str, str | None]:
        """Streams a multipart body, writing the `snapshot` part straight into a temp file in dest_dir, as Qdrant's
        multipart form does; returns (its path, its filename). The file is created when the part begins and removed
        if the body ends early (a client that aborts the upload leaves nothing behind)."""
        ctype = self.headers.get("Content-Type", "")
        m = re.search(r'boundary="?([^";]+)"?', ctype)
        if not ctype.startswith("multipart/form-data") or not m:
            raise bad_request("Content type error: expected multipart/form-data")
        delim = b"--" + m.group(1).encode()
        term = b"\r\n" + delim
        body = UploadBody(self.rfile, self.headers)
        buf = bytearray(4 << 20)
        view = memoryview(buf)
        filled, pos = 0, 0
        result: tuple[str, str | None] | None = None
        out_fd, out_path = -1, None

        def fill() -> bool:
            """Moves the unread bytes to the front and reads more; False at the end of the body."""
            nonlocal filled, pos
            if pos:
                buf[:filled - pos] = buf[pos:filled]
                filled, pos = filled - pos, 0
            if filled == len(buf):
                raise bad_request("Multipart stream is incomplete")  # a part header larger than the buffer
            n = body.readinto(view[filled:])
            filled += n
            return n > 0

        def find(needle: bytes) -> int:
            while True:
                i = buf.find(needle, pos, filled)
                if i >= 0:
                    return i
                if not fill():
                    return -1

        try:
            pos = find(delim)
            if pos < 0:
                if body.total == 0:
                    raise bad_request("Multipart stream is incomplete")
                raise bad_request("Multipart form has no `snapshot` field")
            while True:  # pos is at a delimiter
                while filled - pos < len(delim) + 2 and fill():
                    pass
                hstart = pos + len(delim)
                if buf[hstart:hstart + 2] == b"--" or filled - pos < len(delim) + 2:
                    break
                pos = hstart
                hend = find(b"\r\n\r\n")
                if hend < 0:
                    break
                headers = bytes(buf[pos:hend]).decode("utf-8", "replace")
                pos = hend + 4
                keep = result is None and re.search(r'name="snapshot"', headers) is not None
                if keep:
                    fn = re.search(r'filename="([^"]*)"', headers)
                    os.makedirs(dest_dir, exist_ok=True)
                    out_fd, out_path = tempfile.mkstemp(dir=dest_dir, prefix="upload-")
                while True:  # the part's data, up to the next delimiter
                    i = buf.find(term, pos, filled)
                    stop = i if i >= 0 else max(pos, filled - len(term) + 1)
                    if keep:
                        chunk = view[pos:stop]
                        while len(chunk):
                            chunk = chunk[os.write(out_fd, chunk):]
                    pos = stop
                    if i >= 0:
                        pos = i + 2
                        break
                    if not fill():
                        raise bad_request("Multipart stream is incomplete")
                if keep:
                    os.close(out_fd)
                    out_fd = -1
                    result = (out_path, fn.group(1) if fn else None)
            while fill():  # the epilogue
                pos = filled
            self.body_consumed = True
            if result is None:
                raise bad_request("Multipart form has no `snapshot` field")
            return result
        except BaseException:
            if out_fd >= 0:
                os.close(out_fd)
            if out_path and os.path.exists(out_path):
                os.unlink(out_path)
            raise

    def recover_body(self):
        body = self.json_body()
        loc = body.get("location")
        if not isinstance(loc, str):
            raise ApiError(422, "Validation error in JSON body: location: missing field `location`")
        prio = body.get("priority")
        if prio is not None and prio not in PRIORITIES:
            raise format_error(f"unknown variant `{prio}`")
        ck = body.get("checksum")
        if ck is not None and not SHA256_RE.match(ck):
            raise validation("JSON body", "checksum: invalid_sha256_hash")
        return loc, prio, ck, body.get("api_key")

    def sid(self, sid: str) -> int:
        if not sid.isdigit():
            raise bad_request(f"Deserialize error in path parameters: invalid digit found in string")
        return int(sid)

    # ------------------------------------------------------------------ full snapshots

    def h_list_full(self):
        return self.ok(self.peer.storage.list(self.peer.snapshots_dir))

    def h_create_full(self):
        return self.run(self.cluster.create_full_snapshot, self.peer)

    def h_download_full(self, name):
        self.send_snapshot(self.peer.snapshots_dir, name)

    def h_delete_full(self, name):
        d = self.peer.snapshots_dir
        validate_snapshot_name(name)
        self.peer.storage.check(d, name)
        return self.run(self.peer.storage.delete, d, name)

    def raw_path(self) -> str:
        return urllib.parse.urlsplit(self.path).path.rstrip("/")

    # ------------------------------------------------------------------ collection snapshots

    def coll_dir(self, c) -> str:
        col = self.cluster.get(c)
        return os.path.join(self.peer.snapshots_dir, col.name)

    def h_list_collection_snapshots(self, c):
        return self.ok(self.peer.storage.list(self.coll_dir(c)))

    def h_create_collection_snapshot(self, c):
        self.cluster.get(c)
        return self.run(self.cluster.create_collection_snapshot, self.peer, c)

    def h_download_collection_snapshot(self, c, name):
        self.send_snapshot(self.coll_dir(c), name)

    def h_delete_collection_snapshot(self, c, name):
        d = self.coll_dir(c)
        self.peer.storage.check(d, name)
        return self.run(self.peer.storage.delete, d, name)

    def h_recover_collection(self, c):
        loc, prio, ck, key = self.recover_body()
        self.refuse_url_location(loc)
        self.authorize(G_MANAGE)
        return self.run(self.cluster.recover_collection, self.peer, c, loc, prio, ck, key)

    def h_upload_collection(self, c):
        from .store import validate_collection_name
        for ch in '<>:"/\\|?*\0\x1f':
            if ch in c:
                raise validation("path parameters", "collection_name: invalid characters")
        validate_collection_name(c)
        ck = self.checksum_param(self.qparam("checksum"))
        prio = self.priority_param(self.qparam("priority"))
        wait = self.wait_param()
        path, filename = self.spool_multipart(os.path.join(self.peer.snapshots_dir, "tmp", "upload"))
        try:
            if ck:
                from .archives import sha256_file
                computed = sha256_file(path)
                if computed.lower() != ck.lower():
                    raise ApiError(400, f"Checksum mismatch: expected {computed}, actual {ck}")
            real = self.cluster.resolve(c)
            dest_dir = os.path.join(self.peer.snapshots_dir, real)
            os.makedirs(dest_dir, exist_ok=True)
            base = os.path.basename(filename) if filename else str(uuid.uuid4())
            if base in ("", ".", ".."):
                base = str(uuid.uuid4())
            dest = os.path.join(dest_dir, base)
            os.replace(path, dest)  # the uploaded file stays in the snapshots directory, like Qdrant
        finally:
            if os.path.exists(path):
                os.unlink(path)
        url = "file://" + urllib.parse.quote(dest)
        self.query["wait"] = ["true" if wait else "false"]
        return self.run(self.cluster.recover_collection, self.peer, c, url, prio, None, None)

    # ------------------------------------------------------------------ shard snapshots

    def h_list_shard_snapshots(self, c, sid):
        col = self.cluster.local_shard(self.peer, c, self.sid(sid))
        return self.ok(self.peer.storage.list(self.cluster.shard_snapshots_dir(self.peer, col.name, int(sid))))

    def h_create_shard_snapshot(self, c, sid):
        self.cluster.local_shard(self.peer, c, self.sid(sid))
        return self.run(self.cluster.create_shard_snapshot, self.peer, c, int(sid))

    def _shard_snapshot_dir(self, c, sid, name) -> str:
        """The shard's snapshot directory once the shard and `name` are checked (`get_shard_snapshot_path`)."""
        s = self.sid(sid)
        col = self.cluster.get(c)
        if s not in col.placement:
            raise not_found(f"shard {s} not found")
        if self.peer.storage.remote and self.peer.index not in col.placement[s]:
            # the bucket is shared: Qdrant refuses a shard this node does not hold before looking
            raise bad_input(f"Shard {s} is not a local or queue proxy shard")
        validate_snapshot_name(name)
        d = self.cluster.shard_snapshots_dir(self.peer, col.name, s)
        self.peer.storage.check(d, name)
        return d

    def h_download_shard_snapshot(self, c, sid, name):
        self.send_snapshot(self._shard_snapshot_dir(c, sid, name), name)

    def h_delete_shard_snapshot(self, c, sid, name):
        d = self._shard_snapshot_dir(c, sid, name)
        return self.run(self.peer.storage.delete, d, name)

    def h_recover_shard(self, c, sid):
        loc, prio, ck, key = self.recover_body()
        self.refuse_url_location(loc)
        self.authorize(G_MANAGE)
        s = self.sid(sid)
        self.cluster.get(c)
        return self.run(self.cluster.recover_shard, self.peer, c, s, loc, prio, ck, key)

    def h_upload_shard(self, c, sid):
        s = self.sid(sid)
        ck = self.checksum_param(self.qparam("checksum"))
        prio = self.priority_param(self.qparam("priority"))
        col = self.cluster.get(c)
        if s not in col.placement:
            raise not_found(f"shard {s} not found")
        work = tempfile.mkdtemp(dir=self.peer.tmp_dir, prefix="shard-upload-")
        try:
            path, _ = self.spool_multipart(work)
            if ck:
                from .archives import sha256_file
                computed = sha256_file(path)
                if computed.lower() != ck.lower():
                    raise ApiError(400, f"Checksum mismatch: expected {computed}, actual {ck}")
            wait = self.wait_param()
            if not wait:
                def job():
                    try:
                        self.cluster.recover_shard_file(self.peer, col, s, path, prio)
                    except Exception as e:
                        sys.stderr.write(f"background task failed: {e}\n")
                    finally:
                        shutil.rmtree(work, ignore_errors=True)
                threading.Thread(target=job, daemon=True).start()
                work = None
                return self.accepted()
            self.cluster.recover_shard_file(self.peer, col, s, path, prio)
            # The server returns `()` here: `"result": null` although the OpenAPI says boolean.
            return self.ok(None)
        finally:
            if work:
                shutil.rmtree(work, ignore_errors=True)

    def h_stream_shard_snapshot(self, c, sid):
        s = self.sid(sid)
        col = self.cluster.local_shard(self.peer, c, s)
        from .store import now_stamp
        fault = self.cluster.faults.download_fault(self.raw_path())
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Disposition",
                         f'attachment; filename="{col.name}-shard-{s}-{now_stamp()}.snapshot"')
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        writer = ChunkedWriter(self.wfile, fault)
        try:
            self.cluster.stream_shard_snapshot(self.peer, col, s, writer)
            writer.close()
        except Truncated:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # like Qdrant: a failure mid-stream leaves a 200 with a truncated body
            traceback.print_exc()
            self.close_connection = True
        raise NoContent


UPDATE_MODES = ("upsert", "insert_only", "update_only")
DATATYPES = ("float32", "float16", "uint8", "turbo4")


def parse_vector_config(body, raw: bytes) -> dict:
    """`VectorNameConfig` (untagged: `{"dense": DenseVectorConfig}` or `{"sparse": SparseVectorConfig}`), as
    `lib/segment/src/data_types/vector_name_config.rs` deserializes and validates it."""
    def fail():
        return format_error("data did not match any variant of untagged enum "
                           f"VectorNameConfig {jsonpos.end_of_body(raw)}")

    if not isinstance(body, dict):
        raise fail()
    if isinstance(body.get("dense"), dict):
        d = body["dense"]
        size, distance = d.get("size"), d.get("distance")
        multi, datatype = d.get("multivector_config"), d.get("datatype")
        ok = (isinstance(size, int) and not isinstance(size, bool) and size >= 0
              and distance in convert.DISTANCES
              and (multi is None or (isinstance(multi, dict) and multi.get("comparator") == "max_sim"))
              and (datatype is None or datatype in DATATYPES))
        if ok:
            if not 1 <= size <= 65536:
                raise validation("JSON body", f"[dense.size: value {size} invalid, must be from 1 to 65536]")
            if datatype == "turbo4":
                raise bad_request("the turbo4 datatype is not supported by the test double")
            return {"dense": {"size": size, "distance": distance, "multivector_config": multi,
                              "datatype": datatype}}
    if isinstance(body.get("sparse"), dict):
        sp = body["sparse"]
        modifier, datatype = sp.get("modifier"), sp.get("datatype")
        if (modifier is None or modifier in ("none", "idf")) and (datatype is None or datatype in DATATYPES):
            if datatype == "turbo4":
                raise validation("JSON body", "[sparse.datatype: sparse vectors do not support the `turbo4` datatype]")
            return {"sparse": {"modifier": modifier, "datatype": datatype}}
    raise fail()


def _altered_vector(v):
    """The same shape with its first number changed (a `collection_data.alter_vector` fault)."""
    if isinstance(v, dict):
        if "values" in v:
            return dict(v, values=[v["values"][0] + 1.0] + v["values"][1:])
        first = sorted(v)[0]
        return dict(v, **{first: _altered_vector(v[first])})
    if v and isinstance(v[0], list):
        return [_altered_vector(v[0])] + v[1:]
    return [v[0] + 1.0] + v[1:]


def _index_info(schema, points: int) -> dict:
    """PayloadIndexInfo of a stored PayloadFieldSchema (a type name or a params object)."""
    if isinstance(schema, str):
        return {"data_type": schema, "points": points}
    return {"data_type": schema.get("type"), "params": schema, "points": points}


class Truncated(Exception):
    pass


class UploadBody:
    """An upload's request body read into caller buffers, with Content-Length or chunked framing."""

    def __init__(self, rfile, headers):
        self.rfile = rfile
        self.chunked = "chunked" in headers.get("Transfer-Encoding", "").lower()
        self.remaining = 0 if self.chunked else int(headers.get("Content-Length") or 0)
        self.total = 0
        self.ended = False
        self.after_chunk = False

    def readinto(self, view) -> int:
        """Fills view with the next body bytes; 0 at the end of the body."""
        if self.remaining == 0:
            if not self.chunked or self.ended:
                self.ended = True
                return 0
            if self.after_chunk:
                self.rfile.readline(65537)
            line = self.rfile.readline(65537)
            if not line:
                raise bad_request("incomplete chunked body")
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                    pass
                self.ended = True
                return 0
            self.remaining, self.after_chunk = size, True
        n = self.rfile.readinto(view[:min(len(view), self.remaining)])
        if not n:
            raise bad_request("incomplete chunked body" if self.chunked else "incomplete body")
        self.remaining -= n
        self.total += n
        return n


class ChunkedWriter:
    """Chunked transfer encoding with optional truncation/corruption faults."""

    def __init__(self, wfile, fault):
        self.wfile = wfile
        self.fault = fault
        self.buf = bytearray()
        self.sent = 0

    def write(self, data: bytes) -> None:
        if self.fault and self.fault[0] == "corrupt":
            off = self.fault[1]
            start = self.sent + len(self.buf)
            if start <= off < start + len(data):
                b = bytearray(data)
                b[off - start] ^= 0xFF
                data = bytes(b)
        self.buf += data
        if self.fault and self.fault[0] == "truncate" and self.sent + len(self.buf) >= self.fault[1]:
            keep = self.fault[1] - self.sent
            if keep > 0:
                self._emit(bytes(self.buf[:keep]))
            self.wfile.flush()
            raise Truncated()
        if len(self.buf) >= 1 << 16:
            self._emit(bytes(self.buf))
            self.buf = bytearray()

    def _emit(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.sent += len(data)

    def close(self) -> None:
        if self.buf:
            self._emit(bytes(self.buf))
            self.buf = bytearray()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class Server(ThreadingHTTPServer):
    request_queue_size = 128
    daemon_threads = True
    allow_reuse_address = True
    ssl_context = None  # an ssl.SSLContext: HTTPS (the handshake runs in the connection's thread)

    def finish_request(self, request, client_address):
        if self.ssl_context is None:
            return super().finish_request(request, client_address)
        from .tls import server_handshake
        tls_sock = server_handshake(self.ssl_context, request)
        if tls_sock is None:
            return
        try:
            self.RequestHandlerClass(tls_sock, client_address, self)
        finally:
            try:
                tls_sock.close()
            except OSError:
                pass

    def handle_error(self, request, client_address):
        import ssl
        exc = sys.exc_info()[1]
        if isinstance(exc, (ssl.SSLError, ConnectionError, TimeoutError)):
            return  # a client that went away or failed TLS
        super().handle_error(request, client_address)


def make_server(cluster: Cluster, peer: Peer, port: int, host: str = "127.0.0.1", ssl_context=None) -> Server:
    handler = type(f"Handler{peer.index}", (Handler,), {"cluster": cluster, "peer": peer})
    srv = Server((host, port), handler)
    srv.ssl_context = ssl_context
    peer.port = srv.server_address[1]
    peer.scheme = "https" if ssl_context is not None else "http"
    return srv
