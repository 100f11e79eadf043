"""Tags, pins and `qsnap forget` on real backups of the Qdrant test double: `backup --tag`, `tag`/`untag`/`pin`/
`unpin` round-trip through `list --json` and `show`, change what `prune` keeps (a pinned backup survives a prune
that would otherwise forget it, `keep-tags` keeps a tagged one), `forget` refuses a pinned or the newest verified
backup without `--force` (exit 3) and deletes it with `--force`, removing every file of the backup, and every
command that writes respects another run's repository lock (exit 5)."""
import datetime as dt
import hashlib
import json
import pathlib
import socket

import pytest

from conftest import run
from qdrant_data import create_collection, start_testbed

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    with start_testbed(tmp_path_factory.mktemp("tags-node"), peers=1) as tb:
        create_collection(tb.urls[0], "small", dim=8, points=40, seed=3)
        yield tb


def backup(qsnap_bin, node, repo, *extra) -> str:
    r = run([qsnap_bin, "backup", "--qdrant", node.urls[0], "--to", str(repo), "--json", *extra])
    assert r.returncode == 0, r.stderr.decode()
    return json.loads(r.stdout)["id"]


def qsnap(qsnap_bin, *args):
    return run([qsnap_bin, *args])


def listing(qsnap_bin, repo) -> dict:
    r = qsnap(qsnap_bin, "list", "--repo", str(repo), "--json")
    assert r.returncode == 0, r.stderr.decode()
    return {b["id"]: b for b in json.loads(r.stdout)["backups"]}


def tree(repo: pathlib.Path) -> dict:
    return {str(p.relative_to(repo)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(repo.rglob("*")) if p.is_file()}


def test_tags_and_pins_round_trip_and_steer_prune(qsnap_bin, node, tmp_path):
    repo = tmp_path / "repo"
    b1 = backup(qsnap_bin, node, repo, "--tag", "release", "--tag", "audited")
    b2 = backup(qsnap_bin, node, repo)
    b3 = backup(qsnap_bin, node, repo, "--tag", "release")
    b4 = backup(qsnap_bin, node, repo)

    ls = listing(qsnap_bin, repo)
    assert [ls[i]["tags"] for i in (b1, b2, b3, b4)] == [["audited", "release"], [], ["release"], []]
    assert not any(b["pinned"] for b in ls.values())
    manifest = json.loads((repo / "backups" / b1 / "manifest.json").read_text())
    assert manifest["tags"] == ["audited", "release"] and manifest["pinned"] is False

    # The label commands, each with its JSON result; `latest` names the newest backup.
    pin = qsnap(qsnap_bin, "pin", b2, "--repo", str(repo), "--json")
    assert pin.returncode == 0, pin.stderr.decode()
    assert json.loads(pin.stdout) == {"id": b2, "action": "pin", "tags": [], "pinned": True, "changed": True}
    again = json.loads(qsnap(qsnap_bin, "pin", b2, "--repo", str(repo), "--json").stdout)
    assert again["changed"] is False
    tag = qsnap(qsnap_bin, "tag", "latest", "nightly", "team:search", "--repo", str(repo), "--json")
    assert tag.returncode == 0 and json.loads(tag.stdout)["id"] == b4
    untag = qsnap(qsnap_bin, "untag", b4, "team:search", "absent", "--repo", str(repo))
    assert untag.returncode == 0 and b"tags nightly" in untag.stdout
    ls = listing(qsnap_bin, repo)
    assert ls[b2]["pinned"] is True and ls[b4]["tags"] == ["nightly"]
    shown = json.loads(qsnap(qsnap_bin, "show", b2, "--repo", str(repo), "--json").stdout)
    assert shown["pinned"] is True and shown["tags"] == [] and shown["id"] == b2
    text = qsnap(qsnap_bin, "show", b1, "--repo", str(repo)).stdout.decode()
    assert "tags: audited, release; not pinned" in text
    assert f"{b2}" in qsnap(qsnap_bin, "list", "--repo", str(repo)).stdout.decode()
    assert not list(repo.rglob("*.qsnap-partial-*")), "manifests are rewritten through a temporary file"
    assert not (repo / "locks" / "repository.json").exists(), "every command released its lock"

    # A bad tag is a usage error and changes nothing.
    before = tree(repo)
    bad = qsnap(qsnap_bin, "tag", b3, "a,b", "--repo", str(repo))
    assert bad.returncode == 2 and b"not a valid tag" in bad.stderr
    assert qsnap(qsnap_bin, "backup", "--qdrant", node.urls[0], "--to", str(repo), "--tag", "x y").returncode == 2
    missing = qsnap(qsnap_bin, "pin", "20200101T000000Z-000000", "--repo", str(repo))
    assert missing.returncode == 2 and b"does not exist" in missing.stderr
    assert tree(repo) == before

    # keep-last 1 keeps b4; keep-tags keeps b1 (release AND audited), not b3 (release only); the pin keeps b2.
    policy = tmp_path / "policy.yaml"
    policy.write_text('keep-last: 1\nkeep-tags:\n  - "release,audited"\n')
    dry = json.loads(qsnap(qsnap_bin, "prune", "--repo", str(repo), "--policy", str(policy), "--json").stdout)
    assert dry["plan"]["deletion_order"] == [b3]
    reasons = {d["id"]: [(r["rule"], r.get("detail")) for r in d["reasons"]] for d in dry["plan"]["decisions"]}
    assert ("tag", "release,audited") in reasons[b1] and any(rule == "pin" for rule, _ in reasons[b2])

    # Unpinned, b2 would go too.
    assert qsnap(qsnap_bin, "unpin", b2, "--repo", str(repo)).returncode == 0
    dry = json.loads(qsnap(qsnap_bin, "prune", "--repo", str(repo), "--policy", str(policy), "--json").stdout)
    assert dry["plan"]["deletion_order"] == [b2, b3]

    # Pinned again, a deleting prune keeps it.
    assert qsnap(qsnap_bin, "pin", b2, "--repo", str(repo)).returncode == 0
    done = qsnap(qsnap_bin, "prune", "--repo", str(repo), "--policy", str(policy), "--yes", "--json")
    assert done.returncode == 0, done.stderr.decode()
    assert [d["id"] for d in json.loads(done.stdout)["deleted"]] == [b3]
    assert sorted(listing(qsnap_bin, repo)) == sorted([b1, b2, b4])
    assert not (repo / "backups" / b3).exists()


def test_old_manifests_without_labels_still_work(qsnap_bin, node, tmp_path):
    repo = tmp_path / "repo"
    b = backup(qsnap_bin, node, repo)
    path = repo / "backups" / b / "manifest.json"
    manifest = json.loads(path.read_text())
    del manifest["tags"], manifest["pinned"]
    path.write_text(json.dumps(manifest, indent=2))
    assert listing(qsnap_bin, repo)[b]["tags"] == [] and listing(qsnap_bin, repo)[b]["pinned"] is False
    shown = json.loads(qsnap(qsnap_bin, "show", b, "--repo", str(repo), "--json").stdout)
    assert shown["tags"] == [] and shown["pinned"] is False
    assert qsnap(qsnap_bin, "tag", b, "legacy", "--repo", str(repo)).returncode == 0
    rewritten = json.loads(path.read_text())
    assert rewritten["tags"] == ["legacy"] and rewritten["pinned"] is False
    assert {k: v for k, v in rewritten.items() if k not in ("tags", "pinned")} == manifest, "nothing else changed"
    assert qsnap(qsnap_bin, "verify", b, "--repo", str(repo)).returncode == 0


def test_forget_refuses_protected_backups_and_deletes_everything(qsnap_bin, node, tmp_path):
    repo = tmp_path / "repo"
    pinned = backup(qsnap_bin, node, repo)
    plain = backup(qsnap_bin, node, repo)
    other = backup(qsnap_bin, node, repo)
    newest = backup(qsnap_bin, node, repo)
    assert qsnap(qsnap_bin, "pin", pinned, "--repo", str(repo)).returncode == 0
    v = qsnap(qsnap_bin, "verify", newest, "--repo", str(repo))
    assert v.returncode == 0, v.stderr.decode()

    before = tree(repo)
    for target, why in ((pinned, b"is pinned"), (newest, b"newest verified")):
        r = qsnap(qsnap_bin, "forget", plain, target, "--repo", str(repo), "--yes")
        assert r.returncode == 3, r.stderr.decode()
        assert why in r.stderr and b"--force" in r.stderr and target.encode() in r.stderr
    assert tree(repo) == before, "a refusal deletes nothing, not even the unprotected backup named with it"
    for ids, needle in (([plain, "20200101T000000Z-000000"], b"does not exist"), (["nonsense"], b"not a backup id")):
        r = qsnap(qsnap_bin, "forget", *ids, "--repo", str(repo), "--yes")
        assert r.returncode == 2 and needle in r.stderr
    dry = qsnap(qsnap_bin, "forget", plain, "--repo", str(repo), "--json")
    assert dry.returncode == 0, dry.stderr.decode()
    assert json.loads(dry.stdout)["executed"] is False and json.loads(dry.stdout)["deleted"][0]["id"] == plain
    assert b"dry run" in qsnap(qsnap_bin, "forget", plain, "--repo", str(repo)).stdout
    assert tree(repo) == before, "without --yes nothing is deleted"

    done = qsnap(qsnap_bin, "forget", plain, other, "--repo", str(repo), "--yes", "--json")
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert report["executed"] is True and [d["id"] for d in report["deleted"]] == [plain, other]
    assert report["forced"] == []
    for gone in (plain, other):
        assert not (repo / "backups" / gone).exists(), "every object, record and the manifest are gone"
    forced = qsnap(qsnap_bin, "forget", pinned, "latest", "--repo", str(repo), "--force", "--yes", "--json")
    assert forced.returncode == 0, forced.stderr.decode()
    report = json.loads(forced.stdout)
    assert [d["id"] for d in report["deleted"]] == [pinned, newest]
    assert {(f["id"], f["protection"]) for f in report["forced"]} == {(pinned, "pinned"), (newest, "newest-verified")}
    assert not (repo / "backups" / pinned).exists() and not (repo / "backups" / newest).exists()
    assert listing(qsnap_bin, repo) == {}
    assert not [p for p in (repo / "backups").rglob("*") if p.is_file()], "no file of any forgotten backup is left"
    assert not (repo / "locks" / "repository.json").exists(), "forget released its lock"


def test_writing_commands_respect_another_runs_lock(qsnap_bin, node, tmp_path):
    repo = tmp_path / "repo"
    b = backup(qsnap_bin, node, repo)
    now = dt.datetime.now(dt.timezone.utc)
    lock = {"version": 1, "purpose": "run nightly", "owner": {"host": "elsewhere", "pid": 4242, "run_id": "busy-run"},
            "created": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "expires": (now + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")}
    (repo / "locks").mkdir(exist_ok=True)
    (repo / "locks" / "repository.json").write_text(json.dumps(lock))
    before = tree(repo)
    for args in (["tag", b, "x"], ["untag", b, "x"], ["pin", b], ["unpin", b], ["forget", b, "--yes", "--force"],
                 ["backup", "--qdrant", node.urls[0], "--to", str(repo)]):
        extra = [] if args[0] == "backup" else ["--repo", str(repo)]
        r = qsnap(qsnap_bin, *args, *extra, "--wait-lock", "1")
        assert r.returncode == 5, (args, r.stderr.decode())
        assert b"locked by" in r.stderr and b"elsewhere" in r.stderr and b"4242" in r.stderr
    assert tree(repo) == before
    # A lock left by a dead process on this host does not block (the killed run is gone).
    lock["owner"] = {"host": socket.gethostname(), "pid": 2 ** 22 + 17, "run_id": "killed-run"}
    (repo / "locks" / "repository.json").write_text(json.dumps(lock))
    r = qsnap(qsnap_bin, "pin", b, "--repo", str(repo))
    assert r.returncode == 0, r.stderr.decode()
    assert b"its process is gone" in r.stderr
    assert not (repo / "locks" / "repository.json").exists()
