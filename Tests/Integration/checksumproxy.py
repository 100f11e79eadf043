"""A store double that rejects flexible-checksum headers the way Backblaze B2 does: a proxy in front of an S3 server
(`rclone serve s3`) answering `400 InvalidArgument: Unsupported header 'x-amz-sdk-checksum-algorithm' received for
this API call.` to any request carrying `x-amz-checksum-*`, `x-amz-sdk-checksum-algorithm` or
`x-amz-checksum-algorithm`, without forwarding it. It counts the rejections and the requests that carried
`Content-MD5` (which the upstream verifies)."""
import socket

from faultproxy import FaultProxy, _Closed, _build_head, _get, _parse_head, _read_head


class ChecksumRejectingProxy(FaultProxy):
    def __init__(self, upstream_port: int):
        super().__init__(upstream_port)
        self.rejected = 0
        self.with_content_md5 = 0
        self.uploads = 0  # PUT requests forwarded

    def _serve(self, client):
        client.settimeout(120)
        upstream = None
        try:
            head, rest = _read_head(client, bytearray())
            start, headers = _parse_head(head)
            method = start.split(" ")[0]
            names = [k.lower() for k, _ in headers]
            offending = next((n for n in names if n.startswith("x-amz-checksum-") or n == "x-amz-sdk-checksum-algorithm"),
                             None)
            expect = (_get(headers, "expect") or "").lower() == "100-continue"
            length = _get(headers, "content-length")
            chunked = "chunked" in (_get(headers, "transfer-encoding") or "").lower()
            body_len = int(length) if length is not None else None
            with self.lock:
                self.requests += 1
                if offending:
                    self.rejected += 1
                else:
                    if "content-md5" in names:
                        self.with_content_md5 += 1
                    if method == "PUT":
                        self.uploads += 1
            if offending:
                if not expect:
                    self._discard_body(client, rest, body_len, chunked)
                name = "x-amz-sdk-checksum-algorithm" if "x-amz-sdk-checksum-algorithm" in names else offending
                body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code><Message>'
                        f"Unsupported header '{name}' received for this API call.</Message></Error>").encode()
                client.sendall(_build_head("HTTP/1.1 400 Bad Request", [
                    ("Content-Type", "application/xml"), ("Content-Length", str(len(body))),
                    ("Connection", "close")]) + body)
                return
            upstream = socket.create_connection(self.upstream, timeout=120)
            out_headers = [(k, v) for k, v in headers
                           if k.lower() not in ("expect", "connection", "keep-alive", "proxy-connection")]
            out_headers.append(("Connection", "close"))
            upstream.sendall(_build_head(start, out_headers))
            if expect:
                client.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
            self._relay_body(client, upstream, rest, body_len, chunked, None)
            self._relay_response(client, upstream, method, None, 0.0)
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
