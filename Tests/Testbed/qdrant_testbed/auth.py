"""Qdrant's authentication and access control (static keys, JWT RBAC), as the REST middleware and the handlers apply
them (qdrant/qdrant 1.19: src/common/auth/{mod,jwt_parser,claims}.rs, src/actix/auth.rs, lib/storage/src/rbac/mod.rs).

Authentication gives an `Access`: global "r" / "m", or a per-collection list ("r", "rw", "prw"). Every route declares a
`Req` (which check its Qdrant handler makes: global or collection-scoped, with the write / manage / extras
requirements), and `Access.check(...)` raises the 403 `Forbidden: …` errors Qdrant's handlers raise.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time

from .errors import ApiError

JWT_LEEWAY = 30  # seconds (jwt_parser.rs: validation.leeway = 30)
COLLECTION_MODES = ("r", "rw", "prw")


class AuthFailure(Exception):
    """A rejection by the auth middleware: plain-text body, 401 or 403 (src/actix/auth.rs)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def forbidden(msg: str) -> ApiError:
    return ApiError(403, f"Forbidden: {msg}")


class Req:
    """What a handler checks: `check_global_access` (scope "global") or `check_collection_access` (scope
    "collection") with AccessRequirements {write, manage, extras}; "any" = every authenticated caller (lists filtered
    by collection access, telemetry); "open" = no credential needed."""

    def __init__(self, scope: str, write: bool = False, manage: bool = False, extras: bool = False):
        self.scope, self.write, self.manage, self.extras = scope, write, manage, extras

    def __repr__(self):
        flags = [n for n in ("write", "manage", "extras") if getattr(self, n)]
        return f"Req({self.scope}{', ' if flags else ''}{', '.join(flags)})"


OPEN = Req("open")
ANY = Req("any")
G_READ = Req("global")                                     # GET /cluster, full snapshots list/download, /metrics
G_MANAGE = Req("global", manage=True)                      # recover/upload, collection & alias changes, full create
C_READ = Req("collection")                                 # collection info, points reads
C_WRITE = Req("collection", write=True)                    # points writes
C_EXTRAS = Req("collection", extras=True)                  # snapshot list/download, collection cluster info
C_WRITE_EXTRAS = Req("collection", write=True, extras=True)  # snapshot create/delete, shard stream, payload index


class Access:
    """storage::rbac::Access: `mode` "r"/"m" (global) or `collections` {name: "r"|"rw"|"prw"}."""

    def __init__(self, mode: str | None = None, collections: dict | None = None):
        self.mode = mode
        self.collections = collections

    @classmethod
    def full(cls) -> "Access":
        return cls(mode="m")

    @classmethod
    def full_ro(cls) -> "Access":
        return cls(mode="r")

    def __repr__(self):
        return f"Access({self.mode or self.collections})"

    def _global_meets(self, req: Req) -> None:
        if (req.write or req.manage) and self.mode == "r":
            raise forbidden("Global manage access is required")

    def check_global(self, req: Req) -> None:
        if self.mode is None:
            raise forbidden("Global access is required")
        self._global_meets(req)

    def check_collection(self, name: str, req: Req) -> None:
        if self.mode is not None:
            self._global_meets(req)
            return
        mode = self.collections.get(name)
        if mode is None:
            raise forbidden(f"Access to collection {name} is required")
        if req.extras and mode == "prw":
            raise forbidden(f"Only points access is allowed for collection {name}")
        if req.write and mode == "r":
            raise forbidden(f"Write access to collection {name} is required")
        if req.manage:
            raise forbidden("Manage access for this operation is required")

    def can_see(self, name: str) -> bool:
        try:
            self.check_collection(name, C_READ)
            return True
        except ApiError:
            return False

    def check(self, req: Req, collection: str | None) -> None:
        if req.scope == "global":
            self.check_global(req)
        elif req.scope == "collection":
            self.check_collection(collection, req)


# ---------------------------------------------------------------------------------------------------- JWT (HS256)

def _b64url_decode(part: str) -> bytes:
    """base64 URL-safe without padding, as jsonwebtoken's decoder wants it (padding is refused)."""
    if "=" in part or any(c in part for c in "+/"):
        raise ValueError("bad base64")
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("bad base64") from None


def _is_u64(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 2 ** 64


def _parse_access(v):
    """The `access` claim (serde untagged: "r"/"m", or a list of {collection, access, payload?}); None if invalid."""
    if v in ("r", "m"):
        return v
    if not isinstance(v, list):
        return None
    out = []
    for item in v:
        if not isinstance(item, dict) or not isinstance(item.get("collection"), str) \
                or item.get("access") not in COLLECTION_MODES:
            return None
        out.append(item)
    return out


def decode_jwt(token: str, secret: str, now: float | None = None):
    """jwt_parser.rs `JwtParser::decode`: None when the token is not a decodable HS256 JWT for this parser (the caller
    then answers 401 `Invalid API key or JWT`); raises AuthFailure(403, "InvalidSignature"/"ExpiredSignature") or
    AuthFailure(401, <validation message>); else returns the claims (dict, `access` normalised)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    header_b64, payload_b64, signature_b64 = parts
    try:
        header = json.loads(_b64url_decode(header_b64))
    except ValueError:
        return None
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        return None  # unknown algorithm: header parse error; another one: InvalidAlgorithm — both "not a JWT" here
    expected = hmac.new(secret.encode(), f"{header_b64}.{payload_b64}".encode(), hashlib.sha256).digest()
    try:
        signature = _b64url_decode(signature_b64)
    except ValueError:
        signature = b""
    if not hmac.compare_digest(expected, signature):
        raise AuthFailure(403, "InvalidSignature")
    try:
        claims = json.loads(_b64url_decode(payload_b64))
    except ValueError:
        return None
    if not isinstance(claims, dict):
        return None
    # serde deserialisation of `Claims`: wrong types make the token undecodable (None → 401)
    for name in ("sub", "subject"):
        if claims.get(name) is not None and not isinstance(claims[name], str):
            return None
    exp = claims.get("exp")
    if exp is not None and not _is_u64(exp):
        return None
    access = _parse_access(claims["access"]) if "access" in claims else "m"  # missing `access` = manage
    if access is None:
        return None
    ve = claims.get("value_exists")
    if ve is not None:
        if not isinstance(ve, dict) or not isinstance(ve.get("collection"), str) \
                or not isinstance(ve.get("matches"), list) \
                or not all(isinstance(m, dict) and isinstance(m.get("key"), str) and "value" in m
                           and isinstance(m["value"], (str, int, bool)) for m in ve["matches"]):
            return None
    now = time.time() if now is None else now
    if exp is not None and exp < int(now) - JWT_LEEWAY:
        raise AuthFailure(403, "ExpiredSignature")
    if isinstance(access, list):
        # Claims::validate (validator 0.20): unique collection names, no legacy `payload`; the errors of the list items
        # are merged under one key, so the last failing item is the one reported
        seen, error = set(), None
        for item in access:
            if item.get("payload") is not None:
                error = "access.access.payload: The 'payload' constraint is deprecated and should not be used"
            elif item["collection"] in seen:
                error = "access.access.collection: Collection name should be unique"
            seen.add(item["collection"])
        if error:
            raise AuthFailure(401, error)
    claims = dict(claims)
    claims["access"] = access
    return claims


def access_of_claims(claims: dict) -> Access:
    a = claims["access"]
    if isinstance(a, str):
        return Access(mode=a)
    return Access(collections={item["collection"]: item["access"] for item in a})


def make_jwt(secret: str, claims: dict, alg: str = "HS256") -> str:
    """An HS256 token (test helper; any `alg` name can be put in the header to build invalid tokens)."""
    def enc(obj) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()
    head = enc({"alg": alg, "typ": "JWT"}) + "." + enc(claims)
    sig = hmac.new(secret.encode(), head.encode(), hashlib.sha256).digest()
    return head + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()


class Authenticator:
    """AuthKeys::validate_request: api_key / alt_api_key → manage, read_only_api_key → global read, else a JWT when
    jwt_rbac is on (the api keys are the HS256 secrets)."""

    def __init__(self, api_key: str | None, read_only_api_key: str | None, jwt_rbac: bool = False,
                 alt_api_key: str | None = None, value_exists=None):
        self.api_key = api_key or None
        self.alt_api_key = alt_api_key or None
        self.read_only_api_key = read_only_api_key or None
        self.jwt_secrets = [k for k in (self.api_key, self.alt_api_key) if k] if jwt_rbac else []
        self.value_exists = value_exists  # callable(collection, matches) -> "missing" | "nomatch" | "ok"

    @property
    def enabled(self) -> bool:
        return bool(self.api_key or self.alt_api_key or self.read_only_api_key)

    def authenticate(self, headers) -> Access:
        if not self.enabled:
            return Access.full()
        key = headers.get("api-key")
        if key is None:
            auth = headers.get("Authorization")
            if auth is not None and auth.startswith("Bearer "):
                key = auth[len("Bearer "):]
        if key is None:
            raise AuthFailure(401, "Must provide an API key or an Authorization bearer token")
        if any(k and hmac.compare_digest(k.encode(), key.encode()) for k in (self.api_key, self.alt_api_key)):
            return Access.full()
        if self.read_only_api_key and hmac.compare_digest(self.read_only_api_key.encode(), key.encode()):
            return Access.full_ro()
        claims, error = None, None
        for secret in self.jwt_secrets:
            try:
                c = decode_jwt(key, secret)
            except AuthFailure as e:
                error = error or e
                continue
            if c is not None:
                claims = c
                break
        if claims is not None:
            ve = claims.get("value_exists")
            if ve is not None:
                outcome = self.value_exists(ve["collection"], ve["matches"]) if self.value_exists else "missing"
                if outcome == "missing":
                    raise AuthFailure(403, "Invalid JWT, stateful validation failed")
                if outcome != "ok":
                    raise AuthFailure(401, "Invalid JWT, stateful validation failed")
            return access_of_claims(claims)
        if error is not None:
            raise error
        raise AuthFailure(401, "Invalid API key or JWT")
