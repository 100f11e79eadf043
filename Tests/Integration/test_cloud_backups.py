"""`qsnap cloud backup|schedule` and `qsnap drill --cloud-backups` against the Qdrant Cloud management API double
(Tests/CloudAPI): a backup created, polled to SUCCEEDED, listed, restored in place, read and deleted; schedules
created, listed, updated with a field mask and deleted; failed, skipped and slow backups; every page of a long list;
a wrong key, and keys without write:backups or restore:backups, each with a clear message and exit 3; the Cloud
commands `advise` prints; the Cloud Backups RPO of a drill. The management key never reaches any output (the suite's
secret scan checks too)."""
import datetime as dt
import json
import sys
import time

import pytest

from conftest import REPO_ROOT, run
from qdrant_data import create_collection, start_testbed
from tlsfiles import make_tls_files

sys.path.insert(0, str(REPO_ROOT / "Tests" / "CloudAPI"))
from cloud_api_double.harness import start_cloud_api  # noqa: E402

pytestmark = pytest.mark.timeout(600)

ACCOUNT = "7d0e7c43-92b1-4d35-a4f0-5d3c2b1a0f9e"
CLUSTER = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
EMPTY_CLUSTER = "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"
DRILL_CLUSTER = "c3d4e5f6-a7b8-4c9d-8e1f-2a3b4c5d6e7f"
NO_BACKUP_CLUSTER = "d4e5f6a7-b8c9-4d0e-9f1a-2b3c4d5e6f7a"
FULL_KEY = "cbk-full-key-7f3a9c2e1d"
READ_KEY = "cbk-read-only-key-4b8d21"
NO_RESTORE_KEY = "cbk-no-restore-key-e59a06"
WRONG_KEY = "cbk-wrong-key-93c1f7aa"
KEYS = (FULL_KEY, READ_KEY, NO_RESTORE_KEY, WRONG_KEY)


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    keys = {FULL_KEY: "*", READ_KEY: ["read:backups", "read:backup_schedules"],
            NO_RESTORE_KEY: ["read:backups", "write:backups", "delete:backups"]}
    clusters = [CLUSTER, EMPTY_CLUSTER, DRILL_CLUSTER, NO_BACKUP_CLUSTER]
    with start_cloud_api(tmp_path_factory.mktemp("cloud-api"), ACCOUNT, clusters=clusters, keys=keys,
                         backup_seconds=1.0, restore_seconds=1.0) as a:
        yield a


def cloud(qsnap_bin, api, *args, key=FULL_KEY, account=ACCOUNT, timeout=120):
    """`qsnap cloud ARGS --account-id … --cloud-api-url …` with the key in QDRANT_CLOUD_API_KEY; checks that no key
    appears in its output."""
    env = {"QDRANT_CLOUD_API_KEY": key} if key is not None else {"QDRANT_CLOUD_API_KEY": ""}
    r = run([qsnap_bin, "cloud", *args, "--account-id", account, "--cloud-api-url", api.url], env=env, timeout=timeout)
    for secret in KEYS:
        assert secret.encode() not in r.stdout + r.stderr, f"the key leaked into the output of {args}"
    return r


def ok_json(r):
    assert r.returncode == 0, r.stderr.decode()
    return json.loads(r.stdout)


def calls(api, rpc):
    return [q for q in api.requests() if q["rpc"] == rpc]


def test_backup_create_poll_list_restore_get_delete(qsnap_bin, api):
    r = cloud(qsnap_bin, api, "backup", "create", "--cluster-id", CLUSTER, "--name", "journey-1", "--retention", "7d",
              "--poll-interval", "0.2s", "--json")
    backup = ok_json(r)["backup"]
    assert backup["status"] == "BACKUP_STATUS_SUCCEEDED" and backup["displayName"] == "journey-1"
    assert backup["retentionPeriod"] == "604800s" and backup["clusterId"] == CLUSTER
    assert backup["price"]["originalPricePerHour"] == "12"  # kept verbatim: int64 as a string
    created = calls(api, "CreateBackup")[-1]
    assert created["body"] == {"backup": {"clusterId": CLUSTER, "displayName": "journey-1", "retentionPeriod": "604800s"}}
    assert len(calls(api, "GetBackup")) >= 2, "create polled the backup until it SUCCEEDED"
    bid = backup["id"]

    listed = ok_json(cloud(qsnap_bin, api, "backup", "list", "--cluster-id", CLUSTER, "--json"))["backups"]
    assert bid in [b["id"] for b in listed]
    text = cloud(qsnap_bin, api, "backup", "list", "--cluster-id", CLUSTER)
    assert text.returncode == 0 and f"{bid}  SUCCEEDED" in text.stdout.decode() and "retention 7d" in text.stdout.decode()

    refused = cloud(qsnap_bin, api, "backup", "restore", bid, "--json")
    assert refused.returncode == 3
    assert json.loads(refused.stdout)["error"]["code"] == "cloud.restore-unconfirmed"
    assert "--yes" in refused.stderr.decode() and not calls(api, "RestoreBackup")

    r = cloud(qsnap_bin, api, "backup", "restore", bid, "--cluster-id", CLUSTER, "--yes", "--poll-interval", "0.2s",
              "--json")
    outcome = ok_json(r)
    assert outcome["backup"]["id"] == bid
    assert outcome["restore"]["status"] == "BACKUP_RESTORE_STATUS_SUCCEEDED" and outcome["restore"]["backupId"] == bid
    restore_call = calls(api, "RestoreBackup")[-1]
    assert restore_call["method"] == "POST" and restore_call["path"].endswith(f"/backups/{bid}/restore")
    assert restore_call["body"] is None, "RestoreBackup is a bodiless POST"
    assert all(q["query"].get("clusterId") == [CLUSTER] for q in calls(api, "ListBackupRestores"))
    assert api.state()["restores"][-1]["status"] == "BACKUP_RESTORE_STATUS_SUCCEEDED"

    got = cloud(qsnap_bin, api, "backup", "get", bid)
    assert got.returncode == 0 and "SUCCEEDED" in got.stdout.decode() and "journey-1" in got.stdout.decode()

    mismatch = cloud(qsnap_bin, api, "backup", "restore", bid, "--cluster-id", EMPTY_CLUSTER, "--yes")
    assert mismatch.returncode == 2 and "belongs to cluster" in mismatch.stderr.decode()

    deleted = cloud(qsnap_bin, api, "backup", "delete", bid, "--json")
    assert ok_json(deleted) == {"deleted": bid}
    gone = cloud(qsnap_bin, api, "backup", "get", bid, "--json")
    assert gone.returncode == 2, gone.stderr.decode()
    assert json.loads(gone.stdout)["error"]["code"] == "cloud.not-found"
    assert f"backup {bid} was not found in account {ACCOUNT}" in gone.stderr.decode()


def test_failed_skipped_and_slow_backups(qsnap_bin, api):
    api.control(nextBackupOutcomes=["BACKUP_STATUS_FAILED", "BACKUP_STATUS_SKIPPED"])
    failed = cloud(qsnap_bin, api, "backup", "create", "--cluster-id", CLUSTER, "--name", "will-fail",
                   "--poll-interval", "0.2s", "--json")
    assert failed.returncode == 1
    assert json.loads(failed.stdout)["error"]["code"] == "cloud.backup-failed"
    assert "ended FAILED" in failed.stderr.decode()
    skipped = cloud(qsnap_bin, api, "backup", "create", "--cluster-id", CLUSTER, "--name", "will-skip",
                    "--poll-interval", "0.2s")
    assert skipped.returncode == 1 and "ended SKIPPED" in skipped.stderr.decode()

    api.control(backupSeconds=60)
    try:
        started = time.time()
        slow = cloud(qsnap_bin, api, "backup", "create", "--cluster-id", CLUSTER, "--name", "too-slow",
                     "--timeout", "2s", "--poll-interval", "0.3s", "--json")
        assert slow.returncode == 1 and time.time() - started < 30
        assert json.loads(slow.stdout)["error"]["code"] == "cloud.wait-timeout"
        assert "still RUNNING" in slow.stderr.decode() and "qsnap cloud backup get" in slow.stderr.decode()
        no_wait = ok_json(cloud(qsnap_bin, api, "backup", "create", "--cluster-id", CLUSTER, "--name", "no-wait",
                                "--no-wait", "--json"))
        assert no_wait["backup"]["status"] == "BACKUP_STATUS_RUNNING"
        not_ready = cloud(qsnap_bin, api, "backup", "restore", no_wait["backup"]["id"], "--yes")
        assert not_ready.returncode == 3 and "only a SUCCEEDED backup can be restored" in not_ready.stderr.decode()
    finally:
        api.control(backupSeconds=1.0)


def test_restore_that_fails(qsnap_bin, api):
    seeded = api.seed_backup(accountId=ACCOUNT, clusterId=CLUSTER, displayName="restore-fails",
                             status="BACKUP_STATUS_SUCCEEDED")
    api.control(nextRestoreOutcomes=["BACKUP_RESTORE_STATUS_FAILED"])
    r = cloud(qsnap_bin, api, "backup", "restore", seeded["id"], "--yes", "--poll-interval", "0.2s")
    assert r.returncode == 1 and "ended FAILED" in r.stderr.decode()


def test_local_checks_come_before_any_call(qsnap_bin, api):
    api.clear_requests()
    for args, code, text in [
        (["backup", "create", "--cluster-id", CLUSTER, "--name", "ab"], "cloud.name", "4 to 64"),
        (["backup", "create", "--cluster-id", CLUSTER, "--name", "abcd", "--retention", "12h"], "cloud.retention",
         "86400"),
        (["backup", "create", "--cluster-id", "prod", "--name", "abcd"], "cloud.id", "--cluster-id 'prod'"),
        (["schedule", "create", "--cluster-id", CLUSTER, "--name", "abcd", "--schedule", "daily"], "cloud.schedule",
         "cron"),
    ]:
        r = cloud(qsnap_bin, api, *args, "--json")
        assert r.returncode == 2, (args, r.stderr.decode())
        assert json.loads(r.stdout)["error"]["code"] == code and text in r.stderr.decode()
    no_key = cloud(qsnap_bin, api, "backup", "list", key=None)
    assert no_key.returncode == 2 and "set QDRANT_CLOUD_API_KEY" in no_key.stderr.decode()
    assert api.requests() == [], "nothing was sent"


def test_schedules_create_list_update_delete(qsnap_bin, api):
    s = ok_json(cloud(qsnap_bin, api, "schedule", "create", "--cluster-id", CLUSTER, "--schedule", "0 3 * * *",
                      "--name", "nightly", "--retention", "14d", "--json"))["backupSchedule"]
    assert s["status"] == "BACKUP_SCHEDULE_STATUS_ACTIVE" and s["retentionPeriod"] == "1209600s"
    listed = ok_json(cloud(qsnap_bin, api, "schedule", "list", "--cluster-id", CLUSTER, "--json"))["backupSchedules"]
    assert [x["id"] for x in listed] == [s["id"]]
    text = cloud(qsnap_bin, api, "schedule", "list")
    assert "'0 3 * * *'  nightly  retention 14d" in text.stdout.decode()

    u = ok_json(cloud(qsnap_bin, api, "schedule", "update", s["id"], "--cluster-id", CLUSTER, "--schedule",
                      "0 */6 * * *", "--json"))["backupSchedule"]
    assert u["schedule"] == "0 */6 * * *" and u["retentionPeriod"] == "1209600s" and u["displayName"] == "nightly"
    update = calls(api, "UpdateBackupSchedule")[-1]
    assert update["method"] == "PUT" and update["body"]["updateMask"] == "schedule"
    assert update["body"]["backupSchedule"] == {"clusterId": CLUSTER, "schedule": "0 */6 * * *"}
    u = ok_json(cloud(qsnap_bin, api, "schedule", "update", s["id"], "--cluster-id", CLUSTER, "--retention", "1d",
                      "--json"))["backupSchedule"]
    assert u["retentionPeriod"] == "86400s" and u["schedule"] == "0 */6 * * *"
    assert calls(api, "UpdateBackupSchedule")[-1]["body"]["updateMask"] == "retentionPeriod"
    nothing = cloud(qsnap_bin, api, "schedule", "update", s["id"], "--cluster-id", CLUSTER)
    assert nothing.returncode == 2 and "nothing to update" in nothing.stderr.decode()

    api.seed_backup(accountId=ACCOUNT, clusterId=CLUSTER, displayName="scheduled-1", status="BACKUP_STATUS_SUCCEEDED",
                    backupScheduleId=s["id"])
    taken = ok_json(cloud(qsnap_bin, api, "backup", "list", "--schedule-id", s["id"], "--json"))["backups"]
    assert [b["displayName"] for b in taken] == ["scheduled-1"]
    r = cloud(qsnap_bin, api, "schedule", "delete", s["id"], "--delete-backups")
    assert r.returncode == 0 and "and its backups" in r.stdout.decode()
    assert calls(api, "DeleteBackupSchedule")[-1]["query"] == {"deleteBackups": ["true"]}
    assert ok_json(cloud(qsnap_bin, api, "schedule", "list", "--cluster-id", CLUSTER, "--json"))["backupSchedules"] == []
    assert ok_json(cloud(qsnap_bin, api, "backup", "list", "--schedule-id", s["id"], "--json"))["backups"] == []
    again = cloud(qsnap_bin, api, "schedule", "delete", s["id"])
    assert again.returncode == 2 and f"backup schedule {s['id']} was not found" in again.stderr.decode()


def test_list_follows_every_page(qsnap_bin, api):
    for i in range(7):
        api.seed_backup(accountId=ACCOUNT, clusterId=EMPTY_CLUSTER, displayName=f"page-{i}",
                        status="BACKUP_STATUS_SUCCEEDED")
    api.clear_requests()
    listed = ok_json(cloud(qsnap_bin, api, "backup", "list", "--cluster-id", EMPTY_CLUSTER, "--page-size", "2",
                           "--json"))["backups"]
    assert sorted(b["displayName"] for b in listed) == [f"page-{i}" for i in range(7)]
    pages = calls(api, "ListBackups")
    assert len(pages) == 4 and "pageToken" not in pages[0]["query"]
    assert all(p["query"]["pageSize"] == ["2"] and "pageToken" in p["query"] for p in pages[1:])
    for b in listed:
        assert cloud(qsnap_bin, api, "backup", "delete", b["id"]).returncode == 0


def test_wrong_key_and_missing_permissions(qsnap_bin, api):
    wrong = cloud(qsnap_bin, api, "backup", "list", "--json", key=WRONG_KEY)
    assert wrong.returncode == 3
    err = json.loads(wrong.stdout)["error"]
    assert err["code"] == "cloud.auth" and err["category"] == "refused"
    assert "the management key was refused (QDRANT_CLOUD_API_KEY)" in wrong.stderr.decode()

    no_write = cloud(qsnap_bin, api, "backup", "create", "--cluster-id", CLUSTER, "--name", "nope", "--json",
                     key=READ_KEY)
    assert no_write.returncode == 3
    assert json.loads(no_write.stdout)["error"]["code"] == "cloud.permission"
    assert "lacks the permission write:backups, which CreateBackup needs" in no_write.stderr.decode()

    seeded = api.seed_backup(accountId=ACCOUNT, clusterId=CLUSTER, displayName="perm-test",
                             status="BACKUP_STATUS_SUCCEEDED")
    no_restore = cloud(qsnap_bin, api, "backup", "restore", seeded["id"], "--yes", key=NO_RESTORE_KEY)
    assert no_restore.returncode == 3
    assert "lacks the permission restore:backups, which RestoreBackup needs" in no_restore.stderr.decode()
    no_schedule = cloud(qsnap_bin, api, "schedule", "delete", CLUSTER, key=NO_RESTORE_KEY)
    assert no_schedule.returncode == 3 and "delete:backup_schedules" in no_schedule.stderr.decode()
    other_account = cloud(qsnap_bin, api, "backup", "list", account="9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a")
    assert other_account.returncode == 3 and "belongs to account" in other_account.stderr.decode()


def test_https_with_a_private_ca(qsnap_bin, tmp_path):
    ca, cert, key = make_tls_files(tmp_path / "tls")
    with start_cloud_api(tmp_path / "api", ACCOUNT, clusters=[CLUSTER], keys={FULL_KEY: "*"},
                         tls=(cert, key)) as tls_api:
        assert tls_api.url.startswith("https://")
        trusted = cloud(qsnap_bin, tls_api, "backup", "create", "--cluster-id", CLUSTER, "--name", "over-tls",
                        "--poll-interval", "0.2s", "--cloud-ca-bundle", ca, "--json")
        assert ok_json(trusted)["backup"]["status"] == "BACKUP_STATUS_SUCCEEDED"
        untrusted = cloud(qsnap_bin, tls_api, "backup", "list", "--json")
        assert untrusted.returncode == 1
        assert json.loads(untrusted.stdout)["error"]["code"] == "cloud.tls"
        assert "--cloud-ca-bundle" in untrusted.stderr.decode()


def test_advise_prints_the_cloud_commands(qsnap_bin):
    r = run([qsnap_bin, "advise", "--scenario", "cluster-failure", "--source-env", "cloud", "--same-provider-region",
             "--cloud-account-id", ACCOUNT, "--cloud-cluster-id", CLUSTER])
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode()
    assert "Qdrant Cloud Backups" in out
    assert f"qsnap cloud backup list --account-id {ACCOUNT} --cluster-id {CLUSTER}" in out
    assert f"qsnap cloud backup create --account-id {ACCOUNT} --cluster-id {CLUSTER} --name before-restore " \
           "--retention 7d" in out
    assert f"qsnap cloud backup restore <backup-id> --account-id {ACCOUNT} --cluster-id {CLUSTER} --yes" in out
    assert "QDRANT_CLOUD_API_KEY" in out and "qcloud" not in out


@pytest.fixture(scope="module")
def drill_repo(qsnap_bin, tmp_path_factory):
    with start_testbed(tmp_path_factory.mktemp("cloud-drill-qdrant"), peers=1) as tb:
        create_collection(tb.urls[0], "docs", dim=8, points=30)
        repo = tmp_path_factory.mktemp("cloud-drill-repo") / "repo"
        r = run([qsnap_bin, "backup", "--qdrant", tb.urls[0], "--to", str(repo), "--json"], timeout=300)
        assert r.returncode == 0, r.stderr.decode()
        yield tb, repo


def drill(qsnap_bin, api, tb, repo, report_dir, cluster, *extra, key=FULL_KEY):
    r = run([qsnap_bin, "drill", "--repo", str(repo), "--target", tb.urls[0], "--report-dir", str(report_dir),
             "--cloud-backups", "--account-id", ACCOUNT, "--cluster-id", cluster, "--cloud-api-url", api.url, *extra],
            env={"QDRANT_CLOUD_API_KEY": key}, timeout=400)
    for secret in KEYS:
        assert secret.encode() not in r.stdout + r.stderr
    return r


def test_drill_reports_the_cloud_backups_rpo(qsnap_bin, api, drill_repo, tmp_path):
    tb, repo = drill_repo
    two_hours_ago = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    older = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
    newest = api.seed_backup(accountId=ACCOUNT, clusterId=DRILL_CLUSTER, displayName="rpo-newest",
                             status="BACKUP_STATUS_SUCCEEDED", createdAt=two_hours_ago)
    api.seed_backup(accountId=ACCOUNT, clusterId=DRILL_CLUSTER, displayName="rpo-older", status="BACKUP_STATUS_SUCCEEDED",
                    createdAt=older)
    api.seed_backup(accountId=ACCOUNT, clusterId=DRILL_CLUSTER, displayName="rpo-failed", status="BACKUP_STATUS_FAILED")

    r = drill(qsnap_bin, api, tb, repo, tmp_path / "json", DRILL_CLUSTER, "--json")
    assert r.returncode == 0, r.stderr.decode()
    report = json.loads(r.stdout)
    cloud_rpo = report["cloud_backup"]
    assert cloud_rpo["backup_id"] == newest["id"] and cloud_rpo["display_name"] == "rpo-newest"
    assert cloud_rpo["cluster_id"] == DRILL_CLUSTER and cloud_rpo["account_id"] == ACCOUNT
    assert 7200 <= cloud_rpo["rpo_seconds"] < 7200 + 120 and cloud_rpo["created_at"] == two_hours_ago
    check = next(c for c in report["checks"] if c["name"] == "cloud backups RPO")
    assert check["passed"] and newest["id"] in check["detail"]
    (md,) = (tmp_path / "json").glob("drill-*.md")
    assert "Cloud Backups RPO (newest SUCCEEDED backup's age)" in md.read_text()

    human = drill(qsnap_bin, api, tb, repo, tmp_path / "text", DRILL_CLUSTER)
    assert human.returncode == 0, human.stderr.decode()
    assert f"Cloud Backups RPO 72" in human.stdout.decode() and f"backup {newest['id']}" in human.stdout.decode()


def test_drill_without_a_succeeded_cloud_backup_or_with_a_wrong_key(qsnap_bin, api, drill_repo, tmp_path):
    tb, repo = drill_repo
    r = drill(qsnap_bin, api, tb, repo, tmp_path / "none", NO_BACKUP_CLUSTER, "--json")
    assert r.returncode == 4, r.stderr.decode()
    report = json.loads(r.stdout)
    assert report["cloud_backup"]["backup_id"] is None and report["cloud_backup"]["rpo_seconds"] is None
    assert not next(c for c in report["checks"] if c["name"] == "cloud backups RPO")["passed"]
    assert report["cleanup"]["status"] == "complete"

    wrong = drill(qsnap_bin, api, tb, repo, tmp_path / "wrong", CLUSTER, key=WRONG_KEY)
    assert wrong.returncode == 3 and "the management key was refused" in wrong.stderr.decode()
    assert not list((tmp_path / "wrong").glob("drill-*")), "nothing was drilled"
