"""The HTTP front: routing as the gateway's mux does it, `Authorization: apikey <key>` authentication, the RPC's
permission, then the service; errors as the gateway writes them. Also the test-only admin API under `/__double/`
(no key; loopback only). Never logs or echoes a key."""
from __future__ import annotations

import datetime as dt
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import protojson as pj
from .errors import INVALID_ARGUMENT, NOT_FOUND, PERMISSION_DENIED, UNAUTHENTICATED, UNIMPLEMENTED, RpcError
from .rpcs import route
from .service import BackupService
from .store import Store, public


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "cloud-api-double"
    store: Store
    service: BackupService
    verbose = False

    def log_message(self, fmt, *args):  # the default logs to stderr with the request line only; keep it quiet
        if self.verbose:
            sys.stderr.write("cloud-api-double: " + (fmt % args) + "\n")

    # -- plumbing ---------------------------------------------------------------------------------------------------
    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, payload, headers: dict | None = None):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, val in (headers or {}).items():
            self.send_header(k, val)
        self.end_headers()
        self.wfile.write(body)

    def _error(self, err: RpcError):
        headers = {}
        if err.code == UNAUTHENTICATED:  # grpc-gateway DefaultHTTPErrorHandler sets WWW-Authenticate to the message
            headers["WWW-Authenticate"] = err.message
        self._send(err.http_status, err.body(), headers)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_PUT(self):
        self._handle("PUT")

    def do_PATCH(self):
        self._handle("PATCH")

    def do_DELETE(self):
        self._handle("DELETE")

    # -- requests ---------------------------------------------------------------------------------------------------
    def _handle(self, method: str):
        url = urllib.parse.urlsplit(self.path)
        raw = self._read_body()
        if url.path.startswith("/__double/"):
            return self._admin(method, url.path, raw)
        query = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        entry = {"method": method, "path": url.path, "query": {k: v for k, v in query.items()}, "rpc": None,
                 "status": None, "authorized": False, "body": None}
        try:
            rpc, variables = route(method, url.path)
            if rpc is None:
                raise RpcError(NOT_FOUND, "Not Found")
            if rpc == "method":
                raise RpcError(UNIMPLEMENTED, "Method Not Allowed")
            entry["rpc"] = rpc.name
            with self.store.lock:
                key = self._authenticate()
                account = variables.get("account_id") or variables.get("backup.account_id") or \
                    variables.get("backup_schedule.account_id")
                if rpc.permission not in key.permissions or key.account_id != account:
                    raise RpcError(PERMISSION_DENIED, "permission denied")
                entry["authorized"] = True
                body = None
                if raw:
                    try:
                        body = json.loads(raw)
                    except ValueError as e:
                        raise RpcError(INVALID_ARGUMENT, f"proto: syntax error: {e}") from None
                    entry["body"] = body
                self.store.refresh()
                answer = getattr(self.service, rpc.name)(variables, query, body)
            entry["status"] = 200
            self._send(200, answer)
        except RpcError as err:
            entry["status"] = err.http_status
            entry["error"] = err.body()
            self._error(err)
        except Exception as e:  # noqa: BLE001  (a bug of the double: answer as the gateway would, code 13)
            err = RpcError(13, f"internal error: {type(e).__name__}")
            entry["status"] = err.http_status
            entry["error"] = err.body()
            self._error(err)
        finally:
            with self.store.lock:
                self.store.record(entry)
            if self.verbose:
                sys.stderr.write(f"cloud-api-double: {method} {url.path} {entry['rpc']} → {entry['status']}\n")

    def _authenticate(self):
        header = self.headers.get("Authorization", "")
        scheme, _, secret = header.strip().partition(" ")
        key = self.store.key(secret.strip()) if scheme.lower() == "apikey" and secret.strip() else None
        if key is None:
            raise RpcError(UNAUTHENTICATED, "invalid or missing management key")
        return key

    # -- the test-only admin API ------------------------------------------------------------------------------------
    def _admin(self, method: str, path: str, raw: bytes):
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return self._send(400, {"error": "invalid JSON"})
        s = self.store
        with s.lock:
            if method == "GET" and path == "/__double/state":
                s.refresh()
                dump = {name: [_plain(e) for e in getattr(s, name).values()]
                        for name in ("backups", "restores", "schedules")}
                dump.update(backupSeconds=s.backup_seconds, restoreSeconds=s.restore_seconds,
                            backupOutcomes=list(s.backup_outcomes), restoreOutcomes=list(s.restore_outcomes))
                return self._send(200, dump)
            if method == "GET" and path == "/__double/requests":
                return self._send(200, {"requests": list(s.requests)})
            if method == "POST" and path == "/__double/control":
                if "backupSeconds" in body:
                    s.backup_seconds = float(body["backupSeconds"])
                if "restoreSeconds" in body:
                    s.restore_seconds = float(body["restoreSeconds"])
                for name in body.get("nextBackupOutcomes", []):
                    s.backup_outcomes.append(pj.enum_name(name, pj.BACKUP_STATUS, "outcome"))
                for name in body.get("nextRestoreOutcomes", []):
                    s.restore_outcomes.append(pj.enum_name(name, pj.BACKUP_RESTORE_STATUS, "outcome"))
                return self._send(200, {"ok": True})
            if method == "POST" and path == "/__double/backups":
                cluster = s.cluster(body["accountId"], body["clusterId"])
                if cluster is None:
                    return self._send(404, {"error": "no such cluster"})
                created = pj.parse_timestamp(body["createdAt"]) if body.get("createdAt") else None
                backup = s.add_backup(body["accountId"], cluster, body.get("displayName", "seeded"),
                                      body.get("retentionPeriod"), schedule_id=body.get("backupScheduleId"),
                                      status=body.get("status"), created=created, delay=body.get("seconds"))
                return self._send(200, _plain(backup))
            if method == "DELETE" and path == "/__double/requests":
                s.requests.clear()
                return self._send(200, {"ok": True})
        return self._send(404, {"error": f"no admin route {method} {path}"})


def _plain(entity: dict) -> dict:
    out = public(entity)
    for k, val in out.items():
        if isinstance(val, dt.datetime):
            out[k] = pj.timestamp(val)
    return out


def make_server(store: Store, host: str, port: int, verbose: bool = False) -> ThreadingHTTPServer:
    handler = type("BoundHandler", (Handler,), {"store": store, "service": BackupService(store), "verbose": verbose})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
