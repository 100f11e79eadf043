"""Malicious and damaged archives (see malicious.py): `qsnap inspect` refuses each with exit 3 and a message naming
the defect; `qsnap verify` of a backup whose object is such an archive — with a manifest whose SHA-256 and size
match it, in a local directory and in S3 — fails with exit 4 naming the defect. Nothing is written anywhere: not
next to the archive, not in the working or temporary directory, not in the repository."""
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys

import boto3
import pytest

from conftest import run
from malicious import KINDS, valid_collection
from qdrant_data import call, create_collection, start_testbed
from s3servers import rclone_s3  # noqa: F401  (fixture)

pytestmark = pytest.mark.timeout(300)


def tree(root: pathlib.Path) -> dict:
    """Every file below root with its size and modification time."""
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(root.rglob("*"))}


@pytest.fixture(scope="module")
def archives(tmp_path_factory):
    d = tmp_path_factory.mktemp("malicious")
    out = {}
    for kind in KINDS.values():
        path = d / kind.name / kind.file_name
        path.parent.mkdir()
        path.write_bytes(kind.build())
        out[kind.name] = path
    return out


@pytest.fixture(scope="module")
def base_repo(qsnap_bin, tmp_path_factory):
    """A real one-object backup from a single-node test double (its object gets replaced per case)."""
    work = tmp_path_factory.mktemp("malicious-base")
    with start_testbed(work / "tb", peers=1) as tb:
        create_collection(tb.urls[0], "small", dim=8, points=20)
        repo = work / "repo"
        r = run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", str(repo), "--json"], timeout=120)
        assert r.returncode == 0, r.stderr.decode()
    backup_id = json.loads(r.stdout)["id"]
    manifest = json.loads((repo / "backups" / backup_id / "manifest.json").read_text())
    assert len(manifest["objects"]) == 1
    return repo, backup_id


def planted_repo(base, dest: pathlib.Path, data: bytes) -> tuple[pathlib.Path, str]:
    """A copy of the base repository whose object is `data`, with the manifest's SHA-256 and size updated."""
    repo, backup_id = base
    shutil.copytree(repo, dest)
    manifest_path = dest / "backups" / backup_id / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    obj = manifest["objects"][0]
    (dest / obj["key"]).write_bytes(data)
    obj["sha256"] = hashlib.sha256(data).hexdigest()
    obj["size"] = len(data)
    manifest_path.write_text(json.dumps(manifest, indent=2))
    return dest, backup_id


def test_generator_covers_the_required_kinds():
    required = {"absolute-path", "dotdot", "symlink-escape", "hardlink-escape", "char-device", "block-device",
                "duplicate-entry", "huge-declared-size", "truncated-tar", "gzip-bomb", "non-tar", "nested-traversal",
                "overlong-name", "invalid-utf8"}
    assert required <= set(KINDS) and len(KINDS) >= 12


def test_the_sound_variant_is_accepted(qsnap_bin, tmp_path):
    """The defects are the only reason for refusal: the same archive without one inspects fine."""
    path = tmp_path / "good-collection.snapshot"
    path.write_bytes(valid_collection())
    r = run([qsnap_bin, "inspect", "--json", str(path)])
    assert r.returncode == 0, r.stderr.decode()
    assert json.loads(r.stdout)["kind"] == "collection"


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("mode", ["headers", "deep", "stdin"])
def test_inspect_refuses(qsnap_bin, archives, kind, mode, tmp_path):
    k = KINDS[kind]
    path = archives[kind]
    cwd, tmp = tmp_path / "cwd", tmp_path / "tmp"
    cwd.mkdir()
    tmp.mkdir()
    before = tree(path.parent)
    env = {"TMPDIR": str(tmp)}
    if mode == "stdin":
        r = run_in([qsnap_bin, "inspect", "-"], cwd, env, stdin=path.read_bytes())
    else:
        r = run_in([qsnap_bin, "inspect", *(["--headers-only"] if mode == "headers" else []), str(path)], cwd, env)
    err = r.stderr.decode(errors="replace")
    assert r.returncode == 3, f"{kind}: exit {r.returncode}: {err}"
    assert k.phrase in err, err
    assert err.startswith("qsnap: error: ") and len(err.splitlines()) == 1
    j = run_in([qsnap_bin, "inspect", "--json", str(path)], cwd, env) if mode == "deep" else None
    if j is not None:
        doc = json.loads(j.stdout or j.stderr)
        assert j.returncode == 3 and json.dumps(doc).find(k.identifier) >= 0, (j.stdout, j.stderr)
    assert tree(path.parent) == before and not any(cwd.iterdir()) and not any(tmp.iterdir())


def run_in(cmd, cwd, env, stdin=None):
    """Runs cmd in cwd (its output is captured for the secret scan by the conftest hook)."""
    return subprocess.run(cmd, cwd=cwd, env={**os.environ, **env}, input=stdin, capture_output=True, timeout=120)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_verify_refuses_local(qsnap_bin, base_repo, archives, kind, tmp_path):
    k = KINDS[kind]
    repo, backup_id = planted_repo(base_repo, tmp_path / "repo", archives[kind].read_bytes())
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    before = tree(repo)
    r = run_in([qsnap_bin, "verify", backup_id, "--repo", str(repo)], tmp_path, {"TMPDIR": str(tmp)})
    out = (r.stdout + r.stderr).decode(errors="replace")
    assert r.returncode == 4, f"{kind}: exit {r.returncode}: {out}"
    assert "FAIL" in out and k.phrase in out, out
    assert tree(repo) == before, "verify wrote into the repository"
    assert not (repo / "backups" / backup_id / "verification.json").exists()
    assert not any(tmp.iterdir())


@pytest.fixture(scope="module")
def s3_planted(rclone_s3, base_repo, archives, tmp_path_factory):
    """Every case uploaded to rclone's S3 as its own repository `s3://malicious/<kind>`."""
    rclone_s3.make_bucket("malicious")
    client = boto3.client("s3", endpoint_url=rclone_s3.endpoint, region_name="us-east-1",
                          aws_access_key_id=rclone_s3.access_key, aws_secret_access_key=rclone_s3.secret_key)
    work = tmp_path_factory.mktemp("malicious-s3")
    for kind, path in archives.items():
        repo, _ = planted_repo(base_repo, work / kind, path.read_bytes())
        for f in sorted(repo.rglob("*")):
            if f.is_file():
                client.put_object(Bucket="malicious", Key=f"{kind}/{f.relative_to(repo)}", Body=f.read_bytes())
    return client


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_verify_refuses_s3(qsnap_bin, rclone_s3, s3_planted, base_repo, kind, tmp_path):
    """The S3 path streams the object through a pipe into the inspector."""
    k = KINDS[kind]
    _, backup_id = base_repo
    listing = lambda: sorted((o["Key"], o["Size"]) for o in  # noqa: E731
                             s3_planted.list_objects_v2(Bucket="malicious", Prefix=f"{kind}/").get("Contents", []))
    before = listing()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    r = run_in([qsnap_bin, "verify", backup_id, "--repo", f"s3://malicious/{kind}"], tmp_path,
               {**rclone_s3.env(), "TMPDIR": str(tmp)})
    out = (r.stdout + r.stderr).decode(errors="replace")
    assert r.returncode == 4, f"{kind}: exit {r.returncode}: {out}"
    assert k.phrase in out, out
    assert listing() == before, "verify wrote into the repository"
    assert not any(tmp.iterdir())


@pytest.fixture(scope="module")
def restore_target(tmp_path_factory):
    """An empty single-node test double to restore into."""
    work = tmp_path_factory.mktemp("malicious-target")
    with start_testbed(work / "tb", peers=1) as tb:
        yield tb, work / "tb"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_restore_refuses(qsnap_bin, base_repo, archives, restore_target, kind, tmp_path):
    """restore must refuse the archive itself (exit 3 or 4, naming the defect) before the target sees a byte."""
    k = KINDS[kind]
    tb, storage = restore_target
    repo, backup_id = planted_repo(base_repo, tmp_path / "repo", archives[kind].read_bytes())
    collections = lambda: sorted(c["name"] for c in call(f"{tb.urls[0]}/collections")["result"]["collections"])  # noqa: E731
    aliases = lambda: call(f"{tb.urls[0]}/aliases")["result"]["aliases"]  # noqa: E731
    before = (collections(), aliases(), tree(storage / "qdrant-storage" / "snapshots"))
    r = run_in([qsnap_bin, "restore", backup_id, "--repo", str(repo), "--target", tb.urls[0], "--collection", "small",
                "--as", f"evil-{kind}"], tmp_path, {})
    out = (r.stdout + r.stderr).decode(errors="replace")
    assert (collections(), aliases(), tree(storage / "qdrant-storage" / "snapshots")) == before, \
        "restore changed the target"
    assert r.returncode in (3, 4), f"{kind}: exit {r.returncode}: {out[-600:]}"
    assert k.phrase in out, out[-600:]


def test_fuzz_corpus_replays_without_a_crash(qsnap_bin, tmp_path):
    """The fuzz target's replay tool (QSnapFuzz, built beside qsnap) runs the seed corpus made from the real
    fixtures and the generated archives through all three inspection modes (file, path, feed): every input is
    handled, none crashes."""
    tool = pathlib.Path(qsnap_bin).with_name("QSnapFuzz")
    if not tool.exists():
        pytest.skip(f"{tool} is not built (swift build --product QSnapFuzz)")
    from helpers import ROOT, SHARED

    corpus = tmp_path / "corpus"
    made = run([sys.executable, str(ROOT / "Fuzz" / "make_corpus.py"), "--shared", str(SHARED), str(corpus)], timeout=180)
    assert made.returncode == 0, made.stderr.decode()
    seeds = sorted(corpus.iterdir())
    assert len(seeds) >= 40 and any(p.name.startswith("real-full-snapshot") for p in seeds)
    r = run([str(tool), str(corpus)], timeout=180)
    assert r.returncode == 0, r.stderr.decode()[-2000:]
    line = r.stdout.decode().strip().splitlines()[-1]
    assert line.startswith(f"replayed {len(seeds)} inputs: ")
    accepted = int(line.split(": ")[1].split(" ")[0])
    assert accepted >= 10, line  # the real shrunk snapshots and the sound generated one are accepted
    for identifier in ("archive.path-traversal", "archive.link", "archive.not-tar", "archive.invalid-name"):
        assert identifier in line, line
