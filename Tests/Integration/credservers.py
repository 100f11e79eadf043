"""Local stand-ins for the AWS credential sources, behaving as AWS documents them, for test_s3_credentials.py:

* `CredentialServer` — one HTTP server on 127.0.0.1 answering as
  - STS (`POST /`, form body): `AssumeRoleWithWebIdentity` (unsigned; the token must be the expected one) and
    `AssumeRole` (SigV4-signed for service `sts`: the signature is verified against the source key's secret);
  - the EC2 instance metadata service, IMDSv2 only (`PUT /latest/api/token`, then `GET
    /latest/meta-data/iam/security-credentials/[role]` with `X-aws-ec2-metadata-token`; a tokenless GET is 401);
  - the ECS / EKS Pod Identity container endpoint (`GET /container/creds` with an `Authorization` token);
  every source hands out *new* temporary credentials from moto's STS (`MotoIAM.new_session`), each valid for `lifetime`
  seconds, and records the handout (`handouts`: source, access key id, expiry);
* `SigningProxy` — a proxy in front of moto that records the access key id of every request it relays and answers
  `400 ExpiredToken` for keys whose handout expired (as AWS does), without forwarding;
* `MotoIAM` — a moto server (IAM auth on) with an admin user able to create users and keys, and an S3-only role
  whose sessions (`new_session`) sign S3 requests with a session token moto checks.

Every secret handed out is registered with the secret scan (secretscan.register).
"""
import datetime
import hashlib
import hmac
import http.server
import json
import re
import secrets
import threading
import time
import urllib.parse

import secretscan
from faultproxy import FaultProxy, _Closed, _build_head, _get, _parse_head, _read_head
from s3servers import MotoS3

ROLE_NAME = "qsnap-test-role"


class MotoIAM(MotoS3):
    """moto with IAM auth whose three free actions create an admin; `new_key()` makes an S3-only user and key."""

    name = "moto-iam"

    def start(self):
        import os
        import subprocess

        from conftest import VENV_BIN

        env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="3")
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.wait_ready()
        import boto3

        boot = boto3.client("iam", endpoint_url=self.endpoint, region_name="us-east-1",
                            aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        boot.create_user(UserName="admin")
        key = boot.create_access_key(UserName="admin")["AccessKey"]
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        boot.put_user_policy(UserName="admin", PolicyName="all", PolicyDocument=json.dumps(policy))
        self.access_key, self.secret_key = key["AccessKeyId"], key["SecretAccessKey"]
        self.iam = boto3.client("iam", endpoint_url=self.endpoint, region_name="us-east-1",
                                aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key)
        self.sts = boto3.client("sts", endpoint_url=self.endpoint, region_name="us-east-1",
                                aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key)
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
        role = self.iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        self.iam.put_role_policy(RoleName=ROLE_NAME, PolicyName="s3", PolicyDocument=json.dumps(policy))
        self.role_arn = role["Arn"]
        self._lock = threading.Lock()
        self._n = 0
        return self

    def new_session(self, label="session"):
        """Temporary credentials of the S3-only role from moto's own STS: (access key id, secret, session token);
        moto checks the session token of every request signed with them."""
        with self._lock:
            self._n += 1
            n = self._n
        c = self.sts.assume_role(RoleArn=self.role_arn, RoleSessionName=f"{label}-{n}",
                                 DurationSeconds=3600)["Credentials"]
        secretscan.register(c["SecretAccessKey"], "handed-out secret key")
        secretscan.register(c["SessionToken"], "handed-out session token")
        return c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]

    def new_key(self, label="user"):
        """A new IAM user allowed s3:*, and its (access key id, secret)."""
        with self._lock:
            self._n += 1
            name = f"{label}-{self._n}-{secrets.token_hex(3)}"
            self.iam.create_user(UserName=name)
            key = self.iam.create_access_key(UserName=name)["AccessKey"]
            policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
            self.iam.put_user_policy(UserName=name, PolicyName="s3", PolicyDocument=json.dumps(policy))
        secretscan.register(key["SecretAccessKey"], "handed-out secret key")
        return key["AccessKeyId"], key["SecretAccessKey"]


def _iso(t: float) -> str:
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sigv4_valid(method, path, headers: dict, body: bytes, secret: str, service: str) -> bool:
    """Verifies a SigV4 `Authorization` header (empty query) the way a service does."""
    auth = headers.get("authorization", "")
    m = re.match(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                 r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$", auth)
    if not m or m.group(4) != service:
        return False
    _, day, region, _, signed, signature = m.groups()
    names = signed.split(";")
    canonical_headers = "".join(f"{n}:{' '.join(headers.get(n, '').split())}\n" for n in names)
    payload = hashlib.sha256(body).hexdigest()
    canonical = "\n".join([method, path, "", canonical_headers, signed, payload])
    amz_date = headers.get("x-amz-date", "")
    scope = f"{day}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), signature)


class CredentialServer:
    """STS, IMDSv2 and the container endpoint on one port (see the module docstring)."""

    def __init__(self, moto: MotoIAM, *, lifetime: float = 3600, web_identity_token="", role_arn="",
                 source_keys: dict | None = None, container_token=""):
        self.moto = moto
        self.lifetime = lifetime
        self.web_identity_token = web_identity_token
        self.role_arn = role_arn
        self.source_keys = dict(source_keys or {})  # access key id → secret, allowed to sign AssumeRole
        self.container_token = container_token
        self.imds_tokens: set[str] = set()
        self.handouts: list[dict] = []
        self.rejections: list[str] = []
        self.lock = threading.Lock()
        self.proxy = None  # a SigningProxy told about every handout's expiry
        for value in (web_identity_token, container_token, *self.source_keys.values()):
            secretscan.register(value, "credential-server input")
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _send(self, status, body: bytes, ctype="text/xml"):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _headers(self):
                return {k.lower(): v for k, v in self.headers.items()}

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer._sts(self, body)

            def do_PUT(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer._imds_token(self)

            def do_GET(self):
                if self.path.startswith("/latest/"):
                    outer._imds_get(self)
                elif self.path.startswith("/container/"):
                    outer._container(self)
                else:
                    self._send(404, b"not found", "text/plain")

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def _reject(self, h, status, what, body=b""):
        with self.lock:
            self.rejections.append(what)
        h._send(status, body or what.encode(), "text/plain")

    def issue(self, source: str) -> dict:
        """New temporary moto credentials for `source`, with an expiry of `lifetime` seconds (enforced by the proxy)."""
        ak, sk, token = self.moto.new_session(source.replace("sts-", "").lower()[:20])
        expires = time.time() + self.lifetime
        handout = {"source": source, "access_key": ak, "secret": sk, "token": token, "expires": expires}
        with self.lock:
            self.handouts.append(handout)
        if self.proxy is not None:
            self.proxy.expire(ak, expires)
        return handout

    def keys_of(self, source: str) -> list[str]:
        with self.lock:
            return [h["access_key"] for h in self.handouts if h["source"] == source]

    # STS
    def _sts(self, h, body: bytes):
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items()}
        headers = h._headers()
        action = form.get("Action")
        if form.get("Version") != "2011-06-15" or action not in ("AssumeRoleWithWebIdentity", "AssumeRole"):
            return self._sts_error(h, 400, "InvalidAction", f"unknown action {action}")
        if form.get("RoleArn") != self.role_arn:
            return self._sts_error(h, 403, "AccessDenied", "not authorized to assume this role")
        if not re.fullmatch(r"[\w+=,.@-]{2,64}", form.get("RoleSessionName", "")):
            return self._sts_error(h, 400, "ValidationError", "bad RoleSessionName")
        if action == "AssumeRoleWithWebIdentity":
            if "authorization" in headers:
                return self._sts_error(h, 400, "InvalidRequest", "AssumeRoleWithWebIdentity must not be signed")
            if form.get("WebIdentityToken") != self.web_identity_token:
                return self._sts_error(h, 400, "InvalidIdentityToken", "the token is not valid")
        else:
            m = re.search(r"Credential=([^/]+)/", headers.get("authorization", ""))
            secret = self.source_keys.get(m.group(1)) if m else None
            if secret is None or not sigv4_valid("POST", "/", headers, body, secret, "sts"):
                return self._sts_error(h, 403, "SignatureDoesNotMatch", "signature or key not accepted")
        out = self.issue("sts-" + action)
        xml = (f'<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><{action}Result>'
               f"<Credentials><AccessKeyId>{out['access_key']}</AccessKeyId>"
               f"<SecretAccessKey>{out['secret']}</SecretAccessKey><SessionToken>{out['token']}</SessionToken>"
               f"<Expiration>{_iso(out['expires'])}</Expiration></Credentials>"
               f"<AssumedRoleUser><Arn>{self.role_arn}/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>"
               f"</{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>")
        h._send(200, xml.encode())

    def _sts_error(self, h, status, code, message):
        with self.lock:
            self.rejections.append(f"sts {code}")
        xml = (f'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
               f"<Code>{code}</Code><Message>{message}</Message></Error><RequestId>r</RequestId></ErrorResponse>")
        h._send(status, xml.encode())

    # IMDSv2
    def _imds_token(self, h):
        if h.path != "/latest/api/token":
            return h._send(404, b"", "text/plain")
        ttl = h.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
        if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            return self._reject(h, 400, "imds token without a valid ttl")
        token = "imds-" + secrets.token_urlsafe(24)
        secretscan.register(token, "IMDS token")
        with self.lock:
            self.imds_tokens.add(token)
        h._send(200, token.encode(), "text/plain")

    def _imds_get(self, h):
        token = h.headers.get("X-aws-ec2-metadata-token")
        with self.lock:
            known = token in self.imds_tokens
        if not known:
            return self._reject(h, 401, "imds GET without a valid token")
        base = "/latest/meta-data/iam/security-credentials/"
        if h.path == base:
            return h._send(200, f"{ROLE_NAME}\n".encode(), "text/plain")
        if h.path == base + ROLE_NAME:
            out = self.issue("imds")
            doc = {"Code": "Success", "LastUpdated": _iso(time.time()), "Type": "AWS-HMAC",
                   "AccessKeyId": out["access_key"], "SecretAccessKey": out["secret"], "Token": out["token"],
                   "Expiration": _iso(out["expires"])}
            return h._send(200, json.dumps(doc).encode(), "text/plain")
        h._send(404, b"", "text/plain")

    # Container
    def _container(self, h):
        if self.container_token and h.headers.get("Authorization") != self.container_token:
            return self._reject(h, 403, "container request without the authorization token")
        out = self.issue("container")
        doc = {"AccessKeyId": out["access_key"], "SecretAccessKey": out["secret"], "Token": out["token"],
               "Expiration": _iso(out["expires"]), "RoleArn": "arn:aws:iam::123456789012:role/task"}
        h._send(200, json.dumps(doc).encode(), "application/json")


class SigningProxy(FaultProxy):
    """Relays to moto; records the access key id of each request; answers 400 ExpiredToken (not forwarded) for a
    key whose handout has expired. `delay` holds every request that long first (to stretch a backup)."""

    def __init__(self, upstream_port: int, delay: float = 0.0):
        super().__init__(upstream_port)
        self.delay = delay
        self.expiry: dict[str, float] = {}
        self.seen: list[str] = []
        self.requests_seen: list[tuple[str, str, str]] = []  # (access key id, method, path with query)
        self.expired_answers = 0

    def expire(self, access_key, at):
        with self.lock:
            self.expiry[access_key] = at

    def _serve(self, client):
        client.settimeout(120)
        upstream = None
        try:
            head, rest = _read_head(client, bytearray())
            start, headers = _parse_head(head)
            method = start.split(" ")[0]
            m = re.search(r"Credential=([^/]+)/", _get(headers, "authorization") or "")
            key = m.group(1) if m else ""
            now = time.time()
            with self.lock:
                self.requests += 1
                self.seen.append(key)
                self.requests_seen.append((key, method, start.split(" ")[1] if " " in start else "/"))
                expired = key in self.expiry and now >= self.expiry[key]
                if expired:
                    self.expired_answers += 1
            expect = (_get(headers, "expect") or "").lower() == "100-continue"
            length = _get(headers, "content-length")
            chunked = "chunked" in (_get(headers, "transfer-encoding") or "").lower()
            body_len = int(length) if length is not None else None
            if expired:
                if not expect:
                    self._discard_body(client, rest, body_len, chunked)
                body = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>ExpiredToken</Code>'
                        b"<Message>The provided token has expired.</Message><RequestId>PROXY</RequestId></Error>")
                client.sendall(_build_head("HTTP/1.1 400 Bad Request", [
                    ("Content-Type", "application/xml"), ("Content-Length", str(len(body))),
                    ("Connection", "close")]) + body)
                return
            if self.delay:
                time.sleep(self.delay)
            upstream = __import__("socket").create_connection(self.upstream, timeout=120)
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
