"""`qsnap prune` on a repository holding real backups of the Qdrant test double plus a long fake history made
from copies of a real backup under old ids: the dry run changes nothing, `--yes` deletes exactly the planned
backups (checked against an independent computation of the policy), pins and the newest verified backup
survive, interrupted backups past the grace period are removed, and the same policy prunes the snapshots stored
on the node."""
import datetime as dt
import hashlib
import json
import os
import pathlib
import shutil
import time

import pytest

from conftest import run
from qdrant_data import call, create_collection, start_testbed
from s3servers import moto_s3, rclone_s3  # noqa: F401  (fixtures)

pytestmark = pytest.mark.timeout(600)

PIN = "20260805T100000Z-0a0b0c"


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    # Three peers (the cluster layout qsnap backs up per node); `small` has its only shard on the first node.
    with start_testbed(tmp_path_factory.mktemp("prune-node"), peers=3) as tb:
        create_collection(tb.urls[0], "docs", dim=16, shards=3, points=300)
        create_collection(tb.urls[0], "small", dim=8, points=40, seed=3)
        yield tb


def fake_id(day: dt.datetime, suffix: str) -> str:
    return day.strftime("%Y%m%dT%H%M%SZ") + "-" + suffix


def clone_backup(repo: pathlib.Path, source_id: str, new_id: str):
    """Copies a real backup under another id: objects, and the manifest rewritten to the new id and keys."""
    src, dst = repo / "backups" / source_id, repo / "backups" / new_id
    shutil.copytree(src / "objects", dst / "objects")
    manifest = json.loads((src / "manifest.json").read_text())
    manifest["id"] = new_id
    for o in manifest["objects"]:
        o["key"] = o["key"].replace(source_id, new_id)
    (dst / "manifest.json").write_text(json.dumps(manifest, indent=2))


def tree(repo: pathlib.Path) -> dict:
    """Every file below the repository with its SHA-256 (to prove a dry run changes nothing)."""
    return {str(p.relative_to(repo)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(repo.rglob("*")) if p.is_file()}


def expected_keep(ids: list[str], daily: int, monthly: int, pins: set[str], newest_verified: str) -> set[str]:
    """Independent computation of restic's keep-daily/keep-monthly walk (newest first, one per bucket)."""
    # Newest first by the time in the id (to the second); ties broken by id ascending, as the planner documents.
    ordered = sorted(ids, key=lambda i: (-int(i[:8] + i[9:15]), i))
    keep = set(pins) | {newest_verified}
    for count, width in ((daily, 8), (monthly, 6)):
        last = None
        for i in ordered:
            if count == 0:
                break
            bucket = i[:width]
            if bucket != last:
                keep.add(i)
                last = bucket
                count -= 1
    return keep


def test_prune_dry_run_then_yes_deletes_exactly_the_plan(qsnap_bin, node, tmp_path):
    repo = tmp_path / "repo"
    real = []
    for _ in range(3):
        r = run([qsnap_bin, "backup", "--qdrant", node.urls[0], "--to", str(repo), "--json"])
        assert r.returncode == 0, r.stderr.decode()
        real.append(json.loads(r.stdout)["id"])
    v = run([qsnap_bin, "verify", real[-1], "--repo", str(repo), "--json"])
    assert v.returncode == 0, v.stderr.decode()

    # A long history: one backup a day from 1 August to 30 September 2026, plus the pinned one.
    fakes = []
    day = dt.datetime(2026, 8, 1, 10, 0, 0)
    while day <= dt.datetime(2026, 9, 30, 10, 0, 0):
        fakes.append(fake_id(day, hashlib.sha256(day.isoformat().encode()).hexdigest()[:6]))
        day += dt.timedelta(days=1)
    fakes = [f for f in fakes if not f.startswith("20260805")] + [PIN]
    for f in fakes:
        clone_backup(repo, real[0], f)

    # An interrupted backup long ago (journal + one object, no manifest) and one that may still be running.
    old_int = repo / "backups" / "20260101T000000Z-dead00"
    (old_int / "objects" / "docs" / "peer-0").mkdir(parents=True)
    (old_int / "objects" / "docs" / "peer-0" / "partial.snapshot").write_bytes(b"x" * 1000)
    (old_int / "progress.json").write_text('{"id": "20260101T000000Z-dead00"}')
    now_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-beef00"
    young_int = repo / "backups" / now_id
    young_int.mkdir(parents=True)
    (young_int / "progress.json").write_text("{}")

    policy = tmp_path / "policy.yaml"
    policy.write_text(f"keep-daily: 5\nkeep-monthly: 3\npins: [{PIN}]\nmax-deletions-per-run: 500\n")

    before = tree(repo)
    dry = run([qsnap_bin, "prune", "--repo", str(repo), "--policy", str(policy), "--json"])
    assert dry.returncode == 0, dry.stderr.decode()
    assert tree(repo) == before, "a dry run must not change the repository"
    report = json.loads(dry.stdout)
    assert report["executed"] is False
    planned = report["plan"]["deletion_order"]
    all_ids = real + fakes
    keep = expected_keep(all_ids, 5, 3, {PIN}, real[-1])
    assert set(planned) == set(all_ids) - keep
    assert planned == sorted(planned), "oldest first"
    assert {i["id"]: i["action"] for i in report["interrupted"]} == {
        "20260101T000000Z-dead00": "would delete", now_id: "kept: within grace"}
    reasons = {d["id"]: [r["rule"] for r in d["reasons"]] for d in report["plan"]["decisions"]}
    assert "pin" in reasons[PIN]
    text = run([qsnap_bin, "prune", "--repo", str(repo), "--policy", str(policy)])
    assert b"dry run" in text.stdout and b"forget" in text.stdout

    done = run([qsnap_bin, "prune", "--repo", str(repo), "--policy", str(policy), "--yes", "--json"])
    assert done.returncode == 0, done.stderr.decode()
    result = json.loads(done.stdout)
    assert [d["id"] for d in result["deleted"]] == planned
    left = sorted(p.name for p in (repo / "backups").iterdir())
    assert left == sorted(keep | {now_id})
    for i in keep:
        manifest = json.loads((repo / "backups" / i / "manifest.json").read_text())
        for o in manifest["objects"]:
            assert (repo / o["key"]).is_file(), "kept backups keep every object"
    assert PIN in left and real[-1] in left
    assert not old_int.exists(), "the interrupted backup past the grace period is gone"
    assert (young_int / "progress.json").exists(), "a possibly running backup is left alone"
    assert not (repo / "locks" / "repository.json").exists(), "the prune released its lock"
    ls = run([qsnap_bin, "list", "--repo", str(repo), "--json"])
    assert sorted(b["id"] for b in json.loads(ls.stdout)["backups"]) == sorted(keep)

    # A second run has nothing left to do.
    again = run([qsnap_bin, "prune", "--repo", str(repo), "--policy", str(policy), "--yes", "--json"])
    assert again.returncode == 0 and json.loads(again.stdout)["deleted"] == []


def test_prune_finishes_an_interrupted_deletion(qsnap_bin, node, tmp_path):
    """A folder left with its deletion marker (objects gone, manifest still there) is never listed as a backup
    to keep and is removed by the next prune."""
    repo = tmp_path / "repo"
    r = run([qsnap_bin, "backup", "--qdrant", node.urls[0], "--to", str(repo), "--json", "--collection", "small"])
    assert r.returncode == 0, r.stderr.decode()
    real = json.loads(r.stdout)["id"]
    half = "20250101T000000Z-aa00aa"
    clone_backup(repo, real, half)
    shutil.rmtree(repo / "backups" / half / "objects")
    (repo / "backups" / half / "deleting.json").write_text('{"backup_id": "%s"}' % half)
    policy = tmp_path / "p.yaml"
    policy.write_text("keep-last: 10\n")
    dry = json.loads(run([qsnap_bin, "prune", "--repo", str(repo), "--policy", str(policy), "--json"]).stdout)
    assert [d["id"] for d in dry["deleted"]] == [half] and dry["deleted"][0]["resumed"] is True
    assert half not in [d["id"] for d in dry["plan"]["decisions"]]
    done = run([qsnap_bin, "prune", "--repo", str(repo), "--policy", str(policy), "--yes", "--json"])
    assert done.returncode == 0, done.stderr.decode()
    assert not (repo / "backups" / half).exists()
    assert (repo / "backups" / real / "manifest.json").exists()


def test_prune_server_snapshots_on_the_node(qsnap_bin, node, tmp_path):
    base = node.urls[0]
    for _ in range(3):
        call(f"{base}/collections/small/snapshots?wait=true", "POST")
        time.sleep(1.1)  # snapshot names carry the time to the second
    names = [s["name"] for s in call(f"{base}/collections/small/snapshots")["result"]]
    assert len(names) == 3
    newest = max(call(f"{base}/collections/small/snapshots")["result"], key=lambda s: (s["creation_time"], s["name"]))
    repo = tmp_path / "empty-repo"
    policy = tmp_path / "p.yaml"
    policy.write_text("keep-last: 1\n")
    dry = run([qsnap_bin, "prune", "--repo", str(repo), "--policy", str(policy), "--qdrant", base, "--json"])
    assert dry.returncode == 0, dry.stderr.decode()
    groups = [g for g in json.loads(dry.stdout)["server_snapshots"] if g["scope"] == 'collection "small"']
    assert len(groups) == 1 and len(groups[0]["forgotten"]) == 2 and groups[0]["kept"] == [newest["name"]]
    assert len(call(f"{base}/collections/small/snapshots")["result"]) == 3, "dry run deletes nothing"
    done = run([qsnap_bin, "prune", "--repo", str(repo), "--policy", str(policy), "--qdrant", base, "--yes"])
    assert done.returncode == 0, done.stderr.decode()
    assert [s["name"] for s in call(f"{base}/collections/small/snapshots")["result"]] == [newest["name"]]
    call(f"{base}/collections/small/snapshots/{newest['name']}", "DELETE")


def s3_keys(s3, bucket, prefix):
    listing = s3.aws("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", prefix)
    return sorted(o["Key"] for o in json.loads(listing.stdout or b"{}").get("Contents", []))


def s3_uploads(s3, bucket):
    r = s3.aws("s3api", "list-multipart-uploads", "--bucket", bucket, check=False)
    if r.returncode != 0:
        assert b"NoSuchUpload" in r.stderr, r.stderr.decode()
        return []
    return json.loads(r.stdout or b"{}").get("Uploads") or []


@pytest.mark.parametrize("server", ["rclone", "moto"])
def test_prune_on_s3_deletes_backups_and_aborts_uploads_of_interrupted_ones(qsnap_bin, node, tmp_path, server, request):
    s3 = request.getfixturevalue(f"{server}_s3")
    bucket = f"prune-{server}"
    s3.make_bucket(bucket)
    repo = f"s3://{bucket}/q"
    ids = []
    for _ in range(3):
        r = run([qsnap_bin, "backup", "--qdrant", node.urls[0], "--to", repo, "--json", "--collection", "small"],
                env=s3.env())
        assert r.returncode == 0, r.stderr.decode()
        ids.append(json.loads(r.stdout)["id"])
    # An interrupted backup from long ago: its journal, one stored object and an unfinished multipart upload.
    old = "20250101T000000Z-0ddba1"
    body = tmp_path / "body"
    body.write_bytes(b"{}")
    s3.aws("s3api", "put-object", "--bucket", bucket, "--key", f"q/backups/{old}/progress.json", "--body", str(body))
    s3.aws("s3api", "put-object", "--bucket", bucket, "--key", f"q/backups/{old}/objects/small/peer-1/a.snapshot",
           "--body", str(body))
    s3.aws("s3api", "create-multipart-upload", "--bucket", bucket, "--key",
           f"q/backups/{old}/objects/small/peer-2/b.snapshot")
    assert len(s3_uploads(s3, bucket)) == 1
    policy = tmp_path / "p.yaml"
    policy.write_text("keep-last: 1\n")

    before = s3_keys(s3, bucket, "q/")
    dry = run([qsnap_bin, "prune", "--repo", repo, "--policy", str(policy), "--json"], env=s3.env())
    assert dry.returncode == 0, dry.stderr.decode()
    assert json.loads(dry.stdout)["plan"]["deletion_order"] == ids[:2]
    assert s3_keys(s3, bucket, "q/") == before and len(s3_uploads(s3, bucket)) == 1, "a dry run changes nothing"

    done = run([qsnap_bin, "prune", "--repo", repo, "--policy", str(policy), "--yes", "--json"], env=s3.env())
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert [d["id"] for d in report["deleted"]] == ids[:2]
    assert [(i["id"], i["action"], i["aborted_uploads"]) for i in report["interrupted"]] == [(old, "deleted", 1)]
    after = s3_keys(s3, bucket, "q/")
    assert all(k.startswith(f"q/backups/{ids[2]}/") or not k.startswith("q/backups/") for k in after)
    assert f"q/backups/{ids[2]}/manifest.json" in after
    assert not any(k.startswith(f"q/backups/{i}/") for i in ids[:2] + [old] for k in after)
    assert "q/locks/repository.json" not in after and len(after) < len(before)
    assert s3_uploads(s3, bucket) == [], "the unfinished upload of the interrupted backup was aborted"


def test_prune_rejects_a_bad_policy(qsnap_bin, tmp_path):
    policy = tmp_path / "bad.yaml"
    policy.write_text("keep-dayly: 3\n")
    r = run([qsnap_bin, "prune", "--repo", str(tmp_path / "r"), "--policy", str(policy)])
    assert r.returncode == 2
    assert b"bad.yaml:1" in r.stderr and b"keep-daily" in r.stderr
