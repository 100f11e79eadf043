"""Encrypted, compressed repositories (`qsnap repo init --encryption aes-256-gcm --compression zstd`): round trips
on a local directory and S3 (backup, verify, restore with equal counts and payloads; the store holds none of a
known payload string), each kind of damage to an object (a flipped byte, a dropped chunk, two swapped chunks, a
truncated end) and a wrong password failing with its own error and exit code with nothing restored, and password
rotation with `qsnap key add|list|remove`."""
import json
import os
import pathlib
import shutil
import struct

import pytest

from conftest import run
from faultproxy import FaultProxy
from qdrant_data import call, count, create_collection, scroll_all, start_testbed
from s3servers import moto_s3, rclone_s3  # noqa: F401  (fixtures)

pytestmark = pytest.mark.timeout(900)

PASSWORD = "correct horse battery staple 7f3a"
CANARY = "QSNAP-CANARY-PLAINTEXT-5d1e9b"
POINTS = 6000
HEADER = 32  # object header: magic, version, compression, salt, nonce prefix
FRAME = 16   # chunk frame header: index, length, flags
TAG = 16


def env_with(password=PASSWORD, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("QSNAP_")}
    if password is not None:
        env["QSNAP_PASSWORD"] = password
    env.update(extra)
    return env


def qs(qsnap_bin, *args, env=None, timeout=300):
    return run([qsnap_bin, *args], env=env if env is not None else env_with(), timeout=timeout)


def load(base):
    """`docs`: POINTS points of 64 random floats (poorly compressible: several 1 MiB chunks per object), every
    payload carrying the canary string."""
    create_collection(base, "docs", dim=64, shards=1, replication=1, points=POINTS)
    pts = [{"id": 100000 + i, "vector": {"dense": [0.25] * 63 + [i / 100]},
            "payload": {"note": f"{CANARY}-{i}", "n": i}} for i in range(200)]
    call(f"{base}/collections/docs/points?wait=true", "PUT", {"points": pts})


@pytest.fixture(scope="module")
def source(tmp_path_factory, qsnap_bin):
    base = tmp_path_factory.mktemp("enc-src")
    with start_testbed(base / "qdrant", peers=1, version="1.18.2") as tb:
        load(tb.urls[0])
        repo = base / "repo"
        r = qs(qsnap_bin, "repo", "init", str(repo), "--encryption", "aes-256-gcm", "--compression", "zstd:3", "--json")
        assert r.returncode == 0, r.stderr.decode()
        init = json.loads(r.stdout)
        assert init["encryption"] == "aes-256-gcm" and init["compression"] == "zstd:3" and len(init["keyID"]) == 16
        r = qs(qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", str(repo), "--json")
        assert r.returncode == 0, r.stderr.decode()
        backup_id = json.loads(r.stdout)["id"]
        plain = base / "plain"
        r = qs(qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", str(plain), "--json", env=env_with(None))
        assert r.returncode == 0, r.stderr.decode()
        yield {"tb": tb, "repo": repo, "id": backup_id, "plain": plain, "points": scroll_all(tb.urls[0], "docs"),
               "key": init["keyID"]}


@pytest.fixture(scope="module")
def target(tmp_path_factory):
    with start_testbed(tmp_path_factory.mktemp("enc-dst") / "q", peers=1, version="1.18.2") as tb:
        yield tb


def collections(tb):
    return sorted(c["name"] for c in call(tb.urls[0] + "/collections")["result"]["collections"])


def stored_files(root):
    return [p for p in pathlib.Path(root).rglob("*") if p.is_file()]


def object_files(repo, backup_id):
    return sorted(p for p in stored_files(pathlib.Path(repo) / "backups" / backup_id / "objects"))


def frames(data):
    """Splits an encrypted object into its header and chunk frames (bytes each)."""
    assert data[:8] == b"QSNAPENC"
    out, pos = [], HEADER
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos + 8:pos + 12])
        end = pos + FRAME + length + TAG
        out.append(data[pos:end])
        pos = end
    return data[:HEADER], out


def test_local_round_trip(qsnap_bin, source, target):
    repo, backup_id = source["repo"], source["id"]
    # the store holds no plaintext: neither the payload canary nor the manifest's collection config
    for p in stored_files(repo):
        data = p.read_bytes()
        assert CANARY.encode() not in data, f"{p} holds plaintext"
        if "backups" in p.parts:
            assert data[:8] == b"QSNAPENC", f"{p} is not encrypted"
    # ...while a plain backup of the same collection does (the canary is findable at all)
    assert any(CANARY.encode() in p.read_bytes() for p in object_files(source["plain"], backup_id_of(source["plain"])))
    config = json.loads((repo / "qsnap-repository.json").read_text())
    assert config["formatVersion"] == 2 and config["encryption"]["algorithm"] == "aes-256-gcm"
    assert "compression" not in json.dumps(config) and "masterKey" not in json.dumps(config)

    r = qs(qsnap_bin, "show", backup_id, "--repo", str(repo), "--json")
    assert r.returncode == 0, r.stderr.decode()
    manifest = json.loads(r.stdout)
    (obj,) = manifest["objects"]
    stored = (repo / obj["key"]).stat().st_size
    assert obj["storedSize"] == stored and obj["size"] != stored
    # the manifest's size and SHA-256 are the plaintext snapshot's: equal to the plain backup's object size order
    plain_size = object_files(source["plain"], backup_id_of(source["plain"]))[0].stat().st_size
    print(f"compression: {obj['size']} bytes → {stored} stored ({stored / obj['size']:.3f}); plain {plain_size}")

    r = qs(qsnap_bin, "verify", backup_id, "--repo", str(repo), "--json")
    assert r.returncode == 0, r.stderr.decode()
    assert json.loads(r.stdout)["ok"] is True
    assert (repo / "backups" / backup_id / "verification.json").read_bytes()[:8] == b"QSNAPENC"

    r = qs(qsnap_bin, "restore", backup_id, "--repo", str(repo), "--target", target.urls[0], "--as", "local",
           "--json")
    assert r.returncode == 0, r.stderr.decode()
    assert count(target.urls[0], "local") == POINTS + 200
    assert scroll_all(target.urls[0], "local") == source["points"]


def first_json(out):
    """The first JSON document of an output (a failed verify prints its outcome, then the error)."""
    return json.JSONDecoder().raw_decode(out.decode())[0]


def backup_id_of(repo):
    return sorted(p.name for p in (pathlib.Path(repo) / "backups").iterdir())[-1]


def test_s3_round_trip(qsnap_bin, source, target, moto_s3):
    import boto3

    moto_s3.make_bucket("enc")
    repo = "s3://enc/q"
    env = env_with(**moto_s3.env())
    r = qs(qsnap_bin, "repo", "init", repo, "--encryption", "aes-256-gcm", "--compression", "zstd", env=env)
    assert r.returncode == 0, r.stderr.decode()
    r = qs(qsnap_bin, "backup", "--qdrant", source["tb"].urls[0], "--to", repo, "--json", "--part-size-mib", "5",
           env=env)
    assert r.returncode == 0, r.stderr.decode()
    backup_id = json.loads(r.stdout)["id"]
    s3 = boto3.client("s3", endpoint_url=moto_s3.endpoint, region_name="us-east-1",
                      aws_access_key_id=moto_s3.access_key, aws_secret_access_key=moto_s3.secret_key)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="enc", Prefix="q/")["Contents"]]
    assert any("/objects/" in k for k in keys) and any(k.endswith("manifest.json") for k in keys)
    for k in keys:
        body = s3.get_object(Bucket="enc", Key=k)["Body"].read()
        assert CANARY.encode() not in body, f"{k} holds plaintext"
        if "/backups/" in k:
            assert body[:8] == b"QSNAPENC"
    r = qs(qsnap_bin, "verify", backup_id, "--repo", repo, env=env)
    assert r.returncode == 0, r.stderr.decode()
    r = qs(qsnap_bin, "restore", backup_id, "--repo", repo, "--target", target.urls[0], "--as", "froms3", env=env)
    assert r.returncode == 0, r.stderr.decode()
    assert count(target.urls[0], "froms3") == POINTS + 200
    assert scroll_all(target.urls[0], "froms3") == source["points"]
    # an encrypted repository cannot be recovered by URL: the node could not decrypt it
    r = qs(qsnap_bin, "restore", backup_id, "--repo", repo, "--target", target.urls[0], "--as", "byurl",
           "--transport", "url", "--json", env=env)
    assert r.returncode == 2 and json.loads(r.stdout)["error"]["code"] == "restore.transport-encrypted"


def test_s3_multipart_parallel_parts_and_resume(qsnap_bin, source, target, rclone_s3):
    """1 MiB parts, two in flight: an interrupted encrypted backup leaves its journal and an unfinished upload; the
    rerun resumes it (discarding the upload), and the result verifies and restores."""
    rclone_s3.make_bucket("encmp")
    repo = "s3://encmp/r"
    env = env_with(**rclone_s3.env())
    assert qs(qsnap_bin, "repo", "init", repo, "--encryption", "aes-256-gcm", "--compression", "zstd:1",
              env=env).returncode == 0
    opts = ["--part-size-mib", "1", "--concurrency", "2"]
    # The connection is killed on every request for part 3 and later: the backup fails with parts stored.
    with FaultProxy(rclone_s3.port, rates={"reset_request": 1.0},
                    only=lambda method, path: method == "PUT" and "partNumber=" in path
                    and int(path.split("partNumber=")[1].split("&")[0]) >= 3) as proxy:
        first = qs(qsnap_bin, "backup", "--qdrant", source["tb"].urls[0], "--to", repo, "--json", *opts,
                   "--attempts", "1", env={**env, "AWS_ENDPOINT_URL": proxy.url})
    assert first.returncode == 1, first.stderr.decode()
    listing = rclone_s3.aws("s3", "ls", "--recursive", "s3://encmp/r/backups/").stdout.decode()
    assert "progress.json" in listing and "manifest.json" not in listing
    second = qs(qsnap_bin, "backup", "--qdrant", source["tb"].urls[0], "--to", repo, "--json", *opts, env=env)
    assert second.returncode == 0, second.stderr.decode()
    assert "resuming interrupted backup" in second.stderr.decode()
    backup_id = json.loads(second.stdout)["id"]
    r = qs(qsnap_bin, "show", backup_id, "--repo", repo, "--json", env=env)
    (obj,) = json.loads(r.stdout)["objects"]
    assert obj["storedSize"] > 2 * 1024 * 1024, "three parts or more"
    r = qs(qsnap_bin, "verify", backup_id, "--repo", repo, env=env)
    assert r.returncode == 0, r.stderr.decode()
    r = qs(qsnap_bin, "restore", backup_id, "--repo", repo, "--target", target.urls[0], "--as", "multipart", env=env)
    assert r.returncode == 0, r.stderr.decode()
    assert scroll_all(target.urls[0], "multipart") == source["points"]


def damage(kind, data):
    header, fs = frames(data)
    assert len(fs) >= 3, f"the object has only {len(fs)} chunk(s)"
    if kind == "flip":
        b = bytearray(fs[1])
        b[FRAME + 100] ^= 0x01
        fs[1] = bytes(b)
    elif kind == "drop":
        del fs[1]
    elif kind == "swap":
        fs[1], fs[2] = fs[2], fs[1]
    elif kind == "truncate":
        return header + b"".join(fs)[:-1000]
    return header + b"".join(fs)


@pytest.mark.parametrize("kind,code", [
    ("flip", "crypto.tampered"),
    ("drop", "crypto.chunk-missing"),
    ("swap", "crypto.chunk-reordered"),
    ("truncate", "crypto.truncated"),
])
def test_damaged_object_is_refused_at_its_chunk(qsnap_bin, source, target, tmp_path, kind, code):
    repo = tmp_path / "repo"
    shutil.copytree(source["repo"], repo)
    (obj,) = object_files(repo, source["id"])
    obj.write_bytes(damage(kind, obj.read_bytes()))
    before = collections(target)
    r = qs(qsnap_bin, "restore", source["id"], "--repo", str(repo), "--target", target.urls[0],
           "--as", f"dmg{kind}", "--json")
    assert r.returncode == 4, (r.returncode, r.stdout.decode(), r.stderr.decode())
    error = json.loads(r.stdout)["error"]
    assert error["code"] == code, error
    assert collections(target) == before, "a damaged object must restore nothing"
    r = qs(qsnap_bin, "verify", source["id"], "--repo", str(repo), "--json")
    assert r.returncode == 4
    (result,) = first_json(r.stdout)["objects"]
    assert result["code"] == code, result
    expected_chunk = {"flip": "chunk 1 ", "drop": "chunk 1 is missing", "swap": "chunks 1 and 2",
                      "truncate": "truncated at chunk"}[kind]
    assert expected_chunk in result["problem"], result["problem"]


def test_wrong_or_missing_password(qsnap_bin, source, target):
    before = collections(target)
    r = qs(qsnap_bin, "restore", source["id"], "--repo", str(source["repo"]), "--target", target.urls[0],
           "--json", env=env_with("not the password"))
    assert r.returncode == 6, r.stderr.decode()
    assert json.loads(r.stdout)["error"]["code"] == "key.wrong-password"
    assert "not the password" not in (r.stdout + r.stderr).decode()
    assert collections(target) == before
    r = qs(qsnap_bin, "backup", "--qdrant", source["tb"].urls[0], "--to", str(source["repo"]), "--json",
           env=env_with(None))
    assert r.returncode == 2 and json.loads(r.stdout)["error"]["code"] == "key.password-missing"
    r = qs(qsnap_bin, "list", "--repo", str(source["repo"]), "--json", env=env_with(None))
    assert r.returncode == 2


def test_init_refuses_a_repository_with_backups(qsnap_bin, source):
    r = qs(qsnap_bin, "repo", "init", str(source["plain"]), "--encryption", "aes-256-gcm", "--json")
    assert r.returncode == 3 and json.loads(r.stdout)["error"]["code"] in ("repo.initialized", "repo.has-backups")
    r = qs(qsnap_bin, "repo", "init", str(source["repo"]), "--encryption", "aes-256-gcm", "--json")
    assert r.returncode == 3 and json.loads(r.stdout)["error"]["code"] == "repo.initialized"


def test_password_rotation(qsnap_bin, source, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(source["repo"], repo)
    new = "a new password, 2026"
    pwfile = tmp_path / "newpw"
    pwfile.write_text(new + "\n")
    r = qs(qsnap_bin, "key", "add", "--repo", str(repo), "--new-password-file", str(pwfile), "--json")
    assert r.returncode == 0, r.stderr.decode()
    added = json.loads(r.stdout)["id"]
    r = qs(qsnap_bin, "key", "list", "--repo", str(repo), "--json")
    keys = json.loads(r.stdout)["keys"]
    assert {k["id"] for k in keys} == {source["key"], added}
    assert [k["id"] for k in keys if k["current"]] == [source["key"]]
    # the key in use cannot be removed
    r = qs(qsnap_bin, "key", "remove", source["key"], "--repo", str(repo))
    assert r.returncode == 3
    # with the new password (from a file): remove the old key
    env_new = env_with(None, QSNAP_PASSWORD_FILE=str(pwfile))
    r = qs(qsnap_bin, "key", "remove", source["key"], "--repo", str(repo), env=env_new)
    assert r.returncode == 0, r.stderr.decode()
    r = qs(qsnap_bin, "key", "list", "--repo", str(repo), "--json", "--password-command", f"cat {pwfile}",
           env=env_with(None))
    assert r.returncode == 0, r.stderr.decode()
    assert [(k["id"], k["current"]) for k in json.loads(r.stdout)["keys"]] == [(added, True)]
    r = qs(qsnap_bin, "list", "--repo", str(repo), "--json")
    assert r.returncode == 6 and json.loads(r.stdout)["error"]["code"] == "key.wrong-password"
    r = qs(qsnap_bin, "verify", source["id"], "--repo", str(repo), env=env_new)
    assert r.returncode == 0, r.stderr.decode()
