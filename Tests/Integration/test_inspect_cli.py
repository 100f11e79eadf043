"""End-to-end checks of `qsnap inspect` as a user runs it: exit codes, JSON schema, stdin, nothing written."""
import gzip
import hashlib
import json
import os
import shutil
import subprocess

import pytest

from helpers import QSNAP, fixture


def run(*args, stdin=None, cwd=None):
    return subprocess.run([QSNAP, *args], input=stdin, capture_output=True, cwd=cwd, timeout=120)


def test_version_and_help():
    v = run("--version")
    assert v.returncode == 0 and v.stdout.decode().strip()
    h = run("--help")
    assert h.returncode == 0
    text = h.stdout.decode()
    assert "inspect" in text and "Exit codes" in text


def test_unknown_flag_is_usage_error():
    r = run("inspect", "--no-such-flag", fixture("shard-snapshot-2026.snapshot"))
    assert r.returncode == 2


def test_json_schema_of_full_snapshot(tmp_path):
    r = run("inspect", "--json", fixture("full-snapshot-2023-12.snapshot.gz"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["schemaVersion"] == 1
    assert doc["kind"] == "full"
    assert doc["segmentFormat"] == "rocksdb"
    assert set(doc) >= {"archive", "kind", "segmentFormat", "collections", "aliases", "totals"}
    names = sorted(c["name"] for c in doc["collections"])
    assert names[0] == "test_collection" and len(names) == 6
    tc = next(c for c in doc["collections"] if c["name"] == "test_collection")
    assert tc["config"]["vectors"][0] == {"name": "image", "size": 256, "distance": "Dot", "datatype": "float32"}
    assert tc["config"]["sparseVectors"][0]["name"] == "text"
    assert tc["shards"][0]["isLocal"] is True
    assert doc["totals"]["restoreDiskBytes"] > doc["totals"]["unpackedBytes"] > 0
    assert os.listdir(tmp_path) == [], "inspect must not write files"


def test_stdin_and_checksum_sidecar(tmp_path):
    raw = gzip.decompress(open(fixture("full-snapshot-2023-06.snapshot.gz"), "rb").read())
    sha = hashlib.sha256(raw).hexdigest()
    r = run("inspect", "--json", "--checksum", sha, "-", stdin=raw)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["archive"]["sha256"] == sha and doc["archive"]["checksumVerified"] is True
    bad = run("inspect", "--checksum", "0" * 64, "-", stdin=raw)
    assert bad.returncode == 4
    assert b"SHA-256" in bad.stderr

    copy = tmp_path / "c-shard-3-2026-01-02-23-45-00.snapshot"
    shutil.copy(fixture("shard-snapshot-2026.snapshot"), copy)
    (tmp_path / (copy.name + ".checksum")).write_text("f" * 64)
    r = run("inspect", str(copy))
    assert r.returncode == 4 and b"sidecar" in r.stderr


def test_unsafe_archive_exit_code_and_json_error(tmp_path):
    import tarfile
    import io
    bad = tmp_path / "evil.snapshot"
    with tarfile.open(bad, "w", format=tarfile.GNU_FORMAT) as t:
        info = tarfile.TarInfo("0/../../../etc/evil")
        info.size = 1
        t.addfile(info, io.BytesIO(b"x"))
    r = run("inspect", "--json", str(bad))
    assert r.returncode == 3
    assert b"0/../../../etc/evil" in r.stderr
    assert json.loads(r.stdout)["error"]["code"] == "archive.path-traversal"
    assert sorted(os.listdir(tmp_path)) == ["evil.snapshot"]


def test_missing_file_is_usage_error():
    r = run("inspect", "/definitely/not/here.snapshot")
    assert r.returncode == 2
    assert b"cannot open" in r.stderr
