"""Fixtures for the test double's tests: a running testbed, OpenAPI-validated qdrant-client and HTTP calls."""
from __future__ import annotations

import gzip
import json
import re
import sys
import warnings
from pathlib import Path

import pytest
import requests
from openapi_schema_validator import OAS30Validator

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from qdrant_testbed.harness import start_testbed  # noqa: E402

from testbed_helpers import OPENAPI_PATH  # noqa: E402


class OpenApi:
    """Validates JSON responses against Qdrant's 1.19 OpenAPI plus the envelope rules the server follows."""

    def __init__(self, path: Path):
        with gzip.open(path) as f:
            self.spec = json.load(f)
        self.routes = []
        for template, ops in self.spec["paths"].items():
            rx = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
            self.routes.append((template.count("{"), re.compile(rx), template, ops))
        self.routes.sort(key=lambda r: r[0])  # literal segments win over parameters
        self.checked = 0

    def operation(self, method: str, path: str):
        for _, rx, template, ops in self.routes:
            if rx.match(path) and method.lower() in ops:
                return template, ops[method.lower()]
        return None, None

    def validate(self, method: str, path: str, status: int, content_type: str, body: bytes,
                 override: dict | None = None) -> None:
        """override: a schema to use instead of the OpenAPI's where the server is documented to differ."""
        template, op = self.operation(method, path.rstrip("/") or "/")
        assert op is not None, f"{method} {path} is not in Qdrant's OpenAPI"
        if not content_type.startswith("application/json"):
            return
        doc = json.loads(body)
        if template != "/":
            # envelope as the server sends it (qdrant-api.md §1.1)
            if status == 200:
                assert doc.get("status") == "ok" and "result" in doc and isinstance(doc.get("time"), float), doc
            elif status == 202:
                assert doc.get("status") == "accepted" and "result" not in doc, doc
            elif status >= 400:
                assert "result" not in doc and isinstance(doc["status"]["error"], str), doc
        responses = op["responses"]
        resp = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX") or responses.get("default")
        if status == 202 and str(status) not in responses:
            resp = responses.get("200")
        assert resp is not None, f"no response {status} for {method} {template}"
        schema = override or resp["content"]["application/json"]["schema"]
        root = dict(schema)
        root["components"] = self.spec["components"]
        OAS30Validator(root).validate(doc)
        self.checked += 1


@pytest.fixture(scope="session")
def openapi() -> OpenApi:
    return OpenApi(OPENAPI_PATH)


@pytest.fixture
def testbed(tmp_path):
    with start_testbed(tmp_path) as tb:
        yield tb


class Http:
    """requests wrapper: every JSON response is validated against the OpenAPI."""

    def __init__(self, base: str, api: OpenApi, api_key: str | None = None):
        self.base = base.rstrip("/")
        self.api = api
        self.session = requests.Session()
        if api_key:
            self.session.headers["api-key"] = api_key

    def call(self, method: str, path: str, validate: bool = True, override=None, **kw) -> requests.Response:
        r = self.session.request(method, self.base + path, timeout=60, **kw)
        if validate:
            self.api.validate(method, path.split("?")[0], r.status_code, r.headers.get("Content-Type", ""),
                              r.content, override)
        return r

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, **kw):
        return self.call("POST", path, **kw)

    def put(self, path, **kw):
        return self.call("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    def patch(self, path, **kw):
        return self.call("PATCH", path, **kw)


@pytest.fixture
def http_for(openapi):
    return lambda url, api_key=None: Http(url, openapi, api_key)


@pytest.fixture
def client_for(openapi):
    """qdrant-client (REST) whose every response is validated against the OpenAPI."""
    from qdrant_client import QdrantClient

    clients = []

    def make(url: str, api_key: str | None = None) -> QdrantClient:
        def hook(response):
            response.read()
            path = response.request.url.path
            openapi.validate(response.request.method, path, response.status_code,
                             response.headers.get("content-type", ""), response.content)

        warnings.filterwarnings("ignore", message="Api key is used with an insecure connection")
        c = QdrantClient(url=url, api_key=api_key, prefer_grpc=False, timeout=60,
                         event_hooks={"response": [hook]}, check_compatibility=False)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()
