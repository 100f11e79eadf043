"""A fault-injecting HTTP/1.1 reverse proxy for tests: 127.0.0.1 in front of one upstream (an S3 server or a Qdrant
node), with a seeded RNG.

Per request it draws one of the faults (or none) with the configured rates:

* `slowdown` — 503 with an S3 `SlowDown` XML body (`flavor="s3"`) or Qdrant's JSON error envelope; the request is
  not forwarded;
* `error500` — 500 `InternalError` likewise;
* `reset_request` — forwards the request head and part of its body to the upstream, then resets both connections;
* `reset_response` — forwards the request, relays part of the response body, then resets the client connection;
* `truncate` — relays the response head (Content-Length unchanged) and part of the body, then closes cleanly;
* `slow` — holds the response `slow_seconds` before relaying it, then trickles the body.

Bodies are streamed both ways in 64 KiB pieces (never buffered whole). The Host header is forwarded unchanged, so
SigV4 signatures made for the proxy's address still verify upstream (rclone and moto check them against the Host
they receive). `Expect: 100-continue` is answered by the proxy. Every response closes its connection.
"""
import random
import socket
import threading
import time

FAULTS = ("slowdown", "error500", "reset_request", "reset_response", "truncate", "slow")
CHUNK = 64 * 1024


class _Closed(Exception):
    pass


def _read_head(sock, buf: bytearray):
    """Reads up to the end of an HTTP head; returns (head bytes, rest of the buffer)."""
    while b"\r\n\r\n" not in buf:
        data = sock.recv(CHUNK)
        if not data:
            raise _Closed()
        buf += data
        if len(buf) > 1 << 20:
            raise _Closed()
    end = buf.index(b"\r\n\r\n") + 4
    return bytes(buf[:end]), bytearray(buf[end:])


def _parse_head(head: bytes):
    lines = head.decode("latin-1").split("\r\n")
    start = lines[0]
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return start, headers


def _get(headers, name):
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


def _build_head(start, headers):
    return (start + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n").encode("latin-1")


def _reset(sock):
    """Closes with RST (SO_LINGER 0)."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    except OSError:
        pass
    sock.close()


class FaultProxy:
    """The proxy. `rates` maps fault names to probabilities (their sum at most 1); `seed` fixes the draws."""

    def __init__(self, upstream_port: int, *, seed: int = 0, rates: dict | None = None, flavor: str = "s3",
                 slow_seconds: float = 0.5, upstream_host: str = "127.0.0.1", only=None, max_faults: int | None = None):
        unknown = set(rates or {}) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults {unknown}")
        self.upstream = (upstream_host, upstream_port)
        self.rates = dict(rates or {})
        self.flavor = flavor
        self.slow_seconds = slow_seconds
        self.only = only  # optional predicate (method, path) -> bool: which requests may get a fault
        self.max_faults = max_faults
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.counts = {name: 0 for name in FAULTS}
        self.requests = 0
        self.bytes_up = 0
        self.bytes_down = 0
        self.errors: list[str] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopping = False
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    # lifecycle
    def start(self):
        self._acceptor.start()
        return self

    def stop(self):
        self._stopping = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self.sock.close()
        self._acceptor.join(timeout=5)
        for t in list(self._threads):
            t.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def faults(self) -> int:
        """Faults injected so far."""
        return sum(self.counts.values())

    def figures(self) -> str:
        counts = ", ".join(f"{k}={v}" for k, v in self.counts.items() if v)
        return f"{self.requests} requests, {self.faults} faults ({counts or 'none'})"

    # internals
    def _draw(self, method, path):
        with self.lock:
            self.requests += 1
            x = self.rng.random()
            fraction = self.rng.random()
            if self.only is not None and not self.only(method, path):
                return None, fraction
            if self.max_faults is not None and self.faults >= self.max_faults:
                return None, fraction
            acc = 0.0
            for name in FAULTS:
                acc += self.rates.get(name, 0.0)
                if x < acc:
                    self.counts[name] += 1
                    return name, fraction
            return None, fraction

    def _accept(self):
        while not self._stopping:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            t = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads = [x for x in self._threads if x.is_alive()] + [t]
            t.start()

    def _error_response(self, client, status):
        if self.flavor == "s3":
            code, text = ("SlowDown", "Please reduce your request rate.") if status == 503 else \
                ("InternalError", "We encountered an internal error. Please try again.")
            body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{text}</Message>'
                    f"<RequestId>FAULTPROXY</RequestId></Error>").encode()
            ctype = "application/xml"
        else:
            body = (b'{"status":{"error":"Service internal error: injected fault"},"time":0.0}')
            ctype = "application/json"
        reason = "Slow Down" if status == 503 else "Internal Server Error"
        client.sendall(_build_head(f"HTTP/1.1 {status} {reason}", [
            ("Content-Type", ctype), ("Content-Length", str(len(body))), ("Connection", "close")]) + body)

    def _serve(self, client):
        client.settimeout(120)
        upstream = None
        try:
            head, rest = _read_head(client, bytearray())
            start, headers = _parse_head(head)
            method, path = start.split(" ")[0], start.split(" ")[1] if " " in start else "/"
            fault, fraction = self._draw(method, path)
            expect = (_get(headers, "expect") or "").lower() == "100-continue"
            length = _get(headers, "content-length")
            chunked = "chunked" in (_get(headers, "transfer-encoding") or "").lower()
            body_len = int(length) if length is not None else None

            if fault in ("slowdown", "error500"):
                if not expect:  # the client sends its body: take it before answering
                    self._discard_body(client, rest, body_len, chunked)
                self._error_response(client, 503 if fault == "slowdown" else 500)
                return

            upstream = socket.create_connection(self.upstream, timeout=120)
            out_headers = [(k, v) for k, v in headers
                           if k.lower() not in ("expect", "connection", "keep-alive", "proxy-connection")]
            out_headers.append(("Connection", "close"))
            upstream.sendall(_build_head(start, out_headers))
            if expect:
                client.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            cut = None
            if fault == "reset_request":
                total = body_len if body_len is not None else 1 << 20
                cut = int(total * fraction)
            sent = self._relay_body(client, upstream, rest, body_len, chunked, cut)
            if fault == "reset_request":
                with self.lock:
                    self.bytes_up += sent
                _reset(upstream)
                upstream = None
                _reset(client)
                client = None
                return
            with self.lock:
                self.bytes_up += sent
            self._relay_response(client, upstream, method, fault, fraction)
            if fault == "reset_response":
                _reset(client)
                client = None
        except (_Closed, OSError, ValueError, IndexError) as e:
            with self.lock:
                self.errors.append(f"{type(e).__name__}: {e}")
        finally:
            for s in (upstream, client):
                if s is not None:
                    try:
                        s.close()
                    except OSError:
                        pass

    def _discard_body(self, client, rest, body_len, chunked):
        if chunked:
            self._relay_chunked(client, None, rest, None)
        elif body_len:
            remaining = body_len - len(rest)
            while remaining > 0:
                data = client.recv(min(CHUNK, remaining))
                if not data:
                    raise _Closed()
                remaining -= len(data)

    def _relay_body(self, client, upstream, rest, body_len, chunked, cut):
        """Relays the request body; with `cut`, stops after that many bytes. Returns bytes relayed."""
        if chunked:
            return self._relay_chunked(client, upstream, rest, cut)
        if not body_len:
            return 0
        sent = 0
        pending = bytes(rest[:body_len])
        while True:
            if pending:
                if cut is not None and sent + len(pending) >= cut:
                    upstream.sendall(pending[: max(0, cut - sent)])
                    return cut
                upstream.sendall(pending)
                sent += len(pending)
            if sent >= body_len:
                return sent
            pending = client.recv(min(CHUNK, body_len - sent))
            if not pending:
                raise _Closed()

    def _relay_chunked(self, client, upstream, rest, cut):
        """Relays a chunked body verbatim, following its framing to find the end."""
        buf = bytearray(rest)
        sent = 0

        def need(n):
            while len(buf) < n:
                data = client.recv(CHUNK)
                if not data:
                    raise _Closed()
                buf.extend(data)

        def emit(data):
            nonlocal sent
            if upstream is None:
                return False
            if cut is not None and sent + len(data) >= cut:
                upstream.sendall(bytes(data[: max(0, cut - sent)]))
                sent = cut
                return True
            upstream.sendall(bytes(data))
            sent += len(data)
            return False

        while True:
            while b"\r\n" not in buf:
                need(len(buf) + 1)
            line_end = buf.index(b"\r\n") + 2
            size = int(bytes(buf[:line_end]).split(b";")[0].strip() or b"0", 16)
            if emit(buf[:line_end]):
                return sent
            del buf[:line_end]
            if size == 0:  # trailers up to an empty line
                while True:
                    while b"\r\n" not in buf:
                        need(len(buf) + 1)
                    end = buf.index(b"\r\n") + 2
                    line = bytes(buf[:end])
                    if emit(line):
                        return sent
                    del buf[:end]
                    if line == b"\r\n":
                        return sent
            remaining = size + 2
            while remaining > 0:
                if not buf:
                    need(1)
                piece = buf[: min(len(buf), remaining)]
                if emit(piece):
                    return sent
                remaining -= len(piece)
                del buf[: len(piece)]

    def _relay_response(self, client, upstream, method, fault, fraction):
        head, rest = _read_head(upstream, bytearray())
        start, headers = _parse_head(head)
        out = [(k, v) for k, v in headers if k.lower() not in ("connection", "keep-alive")]
        out.append(("Connection", "close"))
        if fault == "slow":
            time.sleep(self.slow_seconds)
        client.sendall(_build_head(start, out))
        if method == "HEAD":
            return
        length = _get(headers, "content-length")
        expected = int(length) if length is not None else None
        limit = None
        if fault in ("truncate", "reset_response"):
            limit = int((expected if expected is not None else 1 << 20) * fraction)
        relayed = 0
        pending = bytes(rest)
        while True:
            if pending:
                if limit is not None and relayed + len(pending) >= limit:
                    client.sendall(pending[: max(0, limit - relayed)])
                    relayed = limit
                    break
                client.sendall(pending)
                relayed += len(pending)
                if fault == "slow":
                    time.sleep(0.01)
            if expected is not None and relayed >= expected:
                break
            pending = upstream.recv(CHUNK)
            if not pending:
                break
        with self.lock:
            self.bytes_down += relayed
