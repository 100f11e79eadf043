"""Qdrant Cloud's front door: one TLS listener in front of the internal nodes, routing each request by its Host header.

* `<cluster>.localhost`        → a node picked at random for every request (the Cloud load balancer)
* `node-<n>-<cluster>.localhost` → node n (Cloud's node-specific endpoints: the host prefixed with `node-{n}-`)

A streaming HTTP/1.1 reverse proxy: request and response bodies are relayed piece by piece as they arrive
(Content-Length, chunked — relayed with its framing — or until close), never buffered whole; client connections are
kept alive (one pooled plain-HTTP connection per node and client connection); status lines and headers are passed
through unchanged, interim `100 Continue` answers included. A node that answers before the request body is complete
(an upload refused by auth) gets its answer relayed at once, and the client connection is then closed. A body cut short
by a node (a truncation fault) is relayed as far as it goes and the client connection closed, so the client sees the
same truncation.
"""
from __future__ import annotations

import random
import re
import select
import socket
import ssl
import sys
import threading
import time

from .tls import server_handshake

PIECE = 1 << 18
HEAD_LIMIT = 1 << 16


class Incomplete(Exception):
    """The peer closed the connection in the middle of a message."""


class BadMessage(Exception):
    pass


class Conn:
    """A socket with a read buffer (plain or TLS)."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = bytearray()

    def pending(self) -> bool:
        return bool(self.buf) or (isinstance(self.sock, ssl.SSLSocket) and self.sock.pending() > 0)

    def recv_some(self, n: int = PIECE) -> bytes:
        if self.buf:
            data = bytes(self.buf[:n])
            del self.buf[:n]
            return data
        return self.sock.recv(n)

    def readline(self) -> bytes:
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                line = bytes(self.buf[:i + 1])
                del self.buf[:i + 1]
                return line
            if len(self.buf) > HEAD_LIMIT:
                raise BadMessage("header line too long")
            data = self.sock.recv(1 << 16)
            if not data:
                line = bytes(self.buf)
                self.buf.clear()
                return line
            self.buf += data

    def sendall(self, data: bytes) -> None:
        self.sock.sendall(data)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class Head:
    def __init__(self, start: str, headers: list[tuple[str, str]], raw: bytes):
        self.start = start
        self.headers = headers
        self.raw = raw

    def get(self, name: str) -> str | None:
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    def has_token(self, name: str, token: str) -> bool:
        return any(k.lower() == name and token in [t.strip().lower() for t in v.split(",")] for k, v in self.headers)


def read_head(conn: Conn) -> Head | None:
    """A request or response head; None on a clean end of stream before it starts."""
    line = conn.readline()
    while line in (b"\r\n", b"\n"):  # stray empty lines between messages
        line = conn.readline()
    if not line:
        return None
    raw = [line]
    headers = []
    size = len(line)
    while True:
        h = conn.readline()
        if not h or not h.endswith(b"\n"):
            raise Incomplete("head cut short")
        raw.append(h)
        size += len(h)
        if size > HEAD_LIMIT:
            raise BadMessage("head too large")
        if h in (b"\r\n", b"\n"):
            break
        text = h.decode("latin-1").rstrip("\r\n")
        if ":" not in text:
            raise BadMessage(f"bad header line {text!r}")
        k, v = text.split(":", 1)
        headers.append((k.strip(), v.strip()))
    return Head(line.decode("latin-1").rstrip("\r\n"), headers, b"".join(raw))


def body_framing(head: Head, request_method: str | None = None, status: int | None = None) -> tuple[str, int]:
    """("chunked", 0) | ("length", n) | ("close", 0). request_method/status given for a response."""
    if status is not None and (request_method == "HEAD" or 100 <= status < 200 or status in (204, 304)):
        return "length", 0
    if head.has_token("transfer-encoding", "chunked"):
        return "chunked", 0
    cl = head.get("content-length")
    if cl is not None:
        if not cl.isdigit():
            raise BadMessage("bad Content-Length")
        return "length", int(cl)
    return ("length", 0) if status is None else ("close", 0)


class Body:
    """The raw bytes of a message body (chunked framing kept), piece by piece as they arrive: next() returns b"" at
    the end, raises Incomplete if the body is cut short; `done` turns true as soon as the last piece is read."""

    def __init__(self, conn: Conn, framing: tuple[str, int]):
        self.conn = conn
        self.kind, n = framing
        self.remaining = n          # "length": body bytes left; "chunked": bytes left in the current chunk + CRLF
        self.done = self.kind == "length" and n == 0
        self.trailers = False       # "chunked": reading the trailer section after the last chunk

    def next(self) -> bytes:
        if self.done:
            return b""
        conn = self.conn
        if self.kind == "length":
            data = conn.recv_some(min(self.remaining, PIECE))
            if not data:
                raise Incomplete("body cut short")
            self.remaining -= len(data)
            self.done = self.remaining == 0
            return data
        if self.kind == "close":
            data = conn.recv_some(PIECE)
            self.done = not data
            return data
        if self.remaining:  # chunk data
            data = conn.recv_some(min(self.remaining, PIECE))
            if not data:
                raise Incomplete("chunk cut short")
            self.remaining -= len(data)
            return data
        line = conn.readline()
        if not line.endswith(b"\n"):
            raise Incomplete("chunked body cut short")
        if self.trailers:
            self.done = line in (b"\r\n", b"\n")
            return line
        try:
            size = int(line.split(b";")[0].strip() or b"x", 16)
        except ValueError:
            raise BadMessage("bad chunk size") from None
        if size == 0:
            self.trailers = True
        else:
            self.remaining = size + 2
        return line


def readable(conn: Conn, timeout: float = 0.0) -> bool:
    if conn.pending():
        return True
    try:
        return bool(select.select([conn.sock], [], [], timeout)[0])
    except (OSError, ValueError):
        return True  # let the read report it


class FrontDoor:
    """The Cloud listener. nodes: [(host, port)] of the internal plain-HTTP nodes, index n = node n."""

    def __init__(self, cluster_id: str, nodes: list[tuple[str, int]], ssl_context: ssl.SSLContext,
                 host: str = "127.0.0.1", port: int = 0, log=None, faults=None):
        self.cluster_id = cluster_id.lower()
        self.nodes = nodes
        self.ssl_context = ssl_context
        self.listener = socket.create_server((host, port), backlog=128)
        self.port = self.listener.getsockname()[1]
        self.stopping = False
        self.log = log
        self.faults = faults  # `down_nodes`: nodes the balancer considers unhealthy
        self.counts = [0] * len(nodes)  # requests routed to each node
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.accept_loop, daemon=True, name="frontdoor")
        node_rx = r"node-(\d+)-" + re.escape(self.cluster_id) + r"\.localhost"
        self.node_host = re.compile(node_rx + r"\.?")
        self.cluster_host = re.compile(re.escape(self.cluster_id) + r"\.localhost\.?")

    # ------------------------------------------------------------------ public

    def cluster_url(self) -> str:
        return f"https://{self.cluster_id}.localhost:{self.port}"

    def node_url(self, n: int) -> str:
        return f"https://node-{n}-{self.cluster_id}.localhost:{self.port}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping = True
        try:
            self.listener.close()
        except OSError:
            pass

    # ------------------------------------------------------------------ plumbing

    def accept_loop(self) -> None:
        while not self.stopping:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                if self.stopping:
                    return
                time.sleep(0.05)
                continue
            threading.Thread(target=self.serve, args=(sock,), daemon=True, name="frontdoor-conn").start()

    def route(self, host: str | None) -> int | None:
        """The node for a Host header: n, -1 (no healthy node for it) or None (not one of our names)."""
        if not host:
            return None
        down = self.faults.down_nodes() if self.faults is not None else set()
        name = host.strip().lower()
        if name.startswith("["):
            return None
        name = name.rsplit(":", 1)[0] if ":" in name else name
        m = self.node_host.fullmatch(name)
        if m:
            n = int(m.group(1))
            if n >= len(self.nodes):
                return None
            return -1 if n in down else n
        if self.cluster_host.fullmatch(name):
            healthy = [i for i in range(len(self.nodes)) if i not in down]
            return random.choice(healthy) if healthy else -1
        return None

    def backend(self, pool: dict, n: int) -> Conn:
        b = pool.get(n)
        if b is not None and not b.pending() and readable(b):  # closed (or garbage) while idle: reconnect
            b.close()
            b = None
        if b is None:
            s = socket.create_connection(self.nodes[n], timeout=30)
            s.settimeout(None)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            b = pool[n] = Conn(s)
        return b

    def serve(self, raw: socket.socket) -> None:
        tls = server_handshake(self.ssl_context, raw)
        if tls is None:
            return
        tls.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        tls.settimeout(600)  # idle keep-alive limit
        client = Conn(tls)
        pool: dict[int, Conn] = {}
        try:
            while not self.stopping:
                if not self.exchange(client, pool):
                    break
        except (Incomplete, BadMessage, OSError, ssl.SSLError) as e:
            if self.log:
                self.log(f"[frontdoor] connection ended: {e!r}")
        except Exception:  # a bug: log it, drop the connection
            import traceback
            traceback.print_exc()
        finally:
            for b in pool.values():
                b.close()
            try:
                tls.close()
            except OSError:
                pass

    def answer(self, client: Conn, status: int, reason: str, text: str) -> None:
        data = text.encode()
        client.sendall(f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n"
                       f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data)

    def exchange(self, client: Conn, pool: dict) -> bool:
        """Relays one request and its response; False when the client connection must end."""
        req = read_head(client)
        if req is None:
            return False
        parts = req.start.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            self.answer(client, 400, "Bad Request", "Bad request line")
            return False
        method, _, version = parts
        req_framing = body_framing(req)
        n = self.route(req.get("host"))
        if n is None:
            self.answer(client, 421, "Misdirected Request",
                        f"Unknown host {req.get('host')!r}: use {self.cluster_id}.localhost or "
                        f"node-<n>-{self.cluster_id}.localhost")
            return False
        if n == -1:  # what a balancer answers when no healthy upstream is left for the name
            self.answer(client, 503, "Service Unavailable", "no healthy upstream")
            return False
        with self.lock:
            self.counts[n] += 1
        if self.log:
            self.log(f"[frontdoor] {req.get('host')} {method} {parts[1]} -> node {n}")
        keep_alive = version == "HTTP/1.1" and not req.has_token("connection", "close")
        try:
            b = self.backend(pool, n)
            b.sendall(req.raw)
        except OSError as e:
            pool.pop(n, None)
            self.answer(client, 502, "Bad Gateway", f"node {n} unreachable: {e}")
            return False
        body = Body(client, req_framing)
        final = None
        backend_ok = True
        # send the body, watching the node: interim answers (100 Continue) are relayed, a final one ends the upload
        while not body.done:
            if readable(b):
                head = read_head(b)
                if head is None:
                    backend_ok = False
                    break
                if self.interim(head):
                    client.sendall(head.raw)
                    continue
                final = head
                break
            if not client.pending():
                r = select.select([client.sock, b.sock], [], [], 600)[0]
                if not r:
                    raise Incomplete("request body stalled")
                if client.sock not in r:
                    continue
            piece = body.next()
            try:
                b.sendall(piece)
            except OSError:
                backend_ok = False
                break
        while final is None and backend_ok:
            head = read_head(b)
            if head is None:
                break
            if self.interim(head):
                client.sendall(head.raw)
                continue
            final = head
        if final is None:
            pool.pop(n, None)
            b.close()
            self.answer(client, 502, "Bad Gateway", f"node {n} closed the connection without an answer")
            return False
        try:
            status = int(final.start.split(" ")[1])
        except (IndexError, ValueError):
            raise BadMessage("bad status line") from None
        raw = final.raw
        if not body.done and not final.has_token("connection", "close"):
            raw = raw[:-2] + b"Connection: close\r\n\r\n" if raw.endswith(b"\r\n\r\n") else raw
        client.sendall(raw)
        resp_framing = body_framing(final, method, status)
        resp_body = Body(b, resp_framing)
        try:
            while not resp_body.done:
                piece = resp_body.next()
                if piece:
                    client.sendall(piece)
        except Incomplete:
            pool.pop(n, None)
            b.close()
            return False  # the node cut its answer short: so does the client connection
        if resp_framing[0] == "close" or final.has_token("connection", "close"):
            pool.pop(n, None)
            b.close()
            if resp_framing[0] == "close":
                return False
        if not body.done:
            self.linger(client)
            return False
        return keep_alive and not final.has_token("connection", "close")

    @staticmethod
    def interim(head: Head) -> bool:
        try:
            status = int(head.start.split(" ")[1])
        except (IndexError, ValueError):
            return False
        return 100 <= status < 200 and status != 101

    def linger(self, client: Conn) -> None:
        """The client was still sending a body the node refused: drain a moment before closing, so it gets the
        answer rather than a reset."""
        n = 0
        try:
            client.sock.settimeout(0.5)
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                data = client.recv_some()
                if not data:
                    break
                n += len(data)
        except (OSError, ssl.SSLError) as e:
            if self.log:
                self.log(f"[frontdoor] linger: {e!r} after {n} bytes")


def log_to_stderr(msg: str) -> None:
    sys.stderr.write(msg + "\n")
