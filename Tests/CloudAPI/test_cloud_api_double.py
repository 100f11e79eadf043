"""The Qdrant Cloud API double itself (cloud_api_double), over HTTP with `requests`: authentication and
permissions with the gateway's error bodies and statuses, protojson, validation, pagination, the backup and restore
state machines, schedules with field masks, routing errors."""
import sys
import time
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cloud_api_double.harness import start_cloud_api  # noqa: E402

pytestmark = pytest.mark.timeout(120)

ACCOUNT = "0b7c3f7e-1d2a-4c8e-9f10-2a3b4c5d6e7f"
OTHER_ACCOUNT = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b"
CLUSTER = "c1c1c1c1-0000-4000-8000-000000000001"
CLUSTER2 = "c2c2c2c2-0000-4000-8000-000000000002"
OTHER_CLUSTER = "c3c3c3c3-0000-4000-8000-000000000003"
FULL = "double-test-full-key-8f2e"
READER = "double-test-reader-key-51ab"
NO_RESTORE = "double-test-norestore-key-c3d4"
OTHER = "double-test-other-account-key-77"
PREFIX = f"/api/cluster/backup/v1/accounts/{ACCOUNT}"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    keys = {FULL: "*", READER: ["read:backups", "read:backup_schedules"],
            NO_RESTORE: ["read:backups", "write:backups", "delete:backups"], f"{OTHER}@{OTHER_ACCOUNT}": "*"}
    with start_cloud_api(tmp_path_factory.mktemp("cloud-api"), ACCOUNT, clusters=[CLUSTER, CLUSTER2], keys=keys,
                         backup_seconds=0.4, restore_seconds=0.4,
                         extra_accounts=[(OTHER_ACCOUNT, [OTHER_CLUSTER])]) as a:
        yield a


def call(api, method, path, key=FULL, **kw):
    headers = kw.pop("headers", {})
    if key is not None:
        headers["Authorization"] = f"apikey {key}"
    return requests.request(method, api.url + path, headers=headers, timeout=10, **kw)


def create(api, name="nightly-1", retention="604800s", cluster=CLUSTER, key=FULL):
    backup = {"clusterId": cluster, "displayName": name}
    if retention:
        backup["retentionPeriod"] = retention
    return call(api, "POST", f"{PREFIX}/backups", key=key, json={"backup": backup})


def wait_backup(api, backup_id, status="BACKUP_STATUS_SUCCEEDED", timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        b = call(api, "GET", f"{PREFIX}/backups/{backup_id}").json()["backup"]
        if b["status"] != "BACKUP_STATUS_RUNNING":
            assert b["status"] == status
            return b
        time.sleep(0.1)
    raise AssertionError("backup still running")


def assert_status(r, http, code, message=None):
    assert r.status_code == http, r.text
    body = r.json()
    assert set(body) == {"code", "message", "details"} and body["code"] == code and body["details"] == []
    if message:
        assert message in body["message"], body
    return body


def test_authentication_401_with_the_gateway_body(api):
    for headers in ({}, {"Authorization": "apikey not-a-known-key"}, {"Authorization": f"Bearer {FULL}"},
                    {"Authorization": "apikey"}):
        r = requests.get(api.url + f"{PREFIX}/backups", headers=headers, timeout=10)
        body = assert_status(r, 401, 16)
        assert r.headers["WWW-Authenticate"] == body["message"]
        assert FULL not in r.text


def test_permission_denied_403(api):
    assert_status(create(api, key=READER), 403, 7)
    assert_status(call(api, "DELETE", f"{PREFIX}/backup_schedules/{CLUSTER}", key=READER), 403, 7)
    # a key of another account, on this account
    assert_status(call(api, "GET", f"{PREFIX}/backups", key=OTHER), 403, 7)
    assert call(api, "GET", f"/api/cluster/backup/v1/accounts/{OTHER_ACCOUNT}/backups", key=OTHER).status_code == 200
    assert call(api, "GET", f"{PREFIX}/backups", key=READER).status_code == 200


def test_create_runs_then_succeeds_in_protojson(api):
    r = create(api, name="nightly_2026-01-02")
    assert r.status_code == 200, r.text
    b = r.json()["backup"]
    assert b["status"] == "BACKUP_STATUS_RUNNING" and b["displayName"] == "nightly_2026-01-02"
    assert b["accountId"] == ACCOUNT and b["clusterId"] == CLUSTER and b["retentionPeriod"] == "604800s"
    assert b["deletedAt"] is None and b["backupDuration"] is None  # EmitUnpopulated: unset messages are null
    assert "backupScheduleId" not in b and "price" not in b  # proto3 optional: left out when unset
    assert b["createdAt"].endswith("Z") and b["name"]
    assert b["clusterInfo"]["configuration"]["numberOfNodes"] == 3
    done = wait_backup(api, b["id"])
    assert done["backupDuration"].endswith("s")
    assert done["price"]["originalPricePerHour"] == "12"  # int64 as a JSON string


def test_input_accepts_proto_names_and_discards_unknown_fields(api):
    r = call(api, "POST", f"{PREFIX}/backups", json={"backup": {"cluster_id": CLUSTER, "display_name": "snake-case",
                                                                "retention_period": "86400s", "surprise": 1}})
    assert r.status_code == 200, r.text
    assert r.json()["backup"]["retentionPeriod"] == "86400s"
    assert create(api, retention=None).json()["backup"].get("retentionPeriod") is None


@pytest.mark.parametrize("name", ["abc", "x" * 65, "has space", "dots.are.bad", ""])
def test_display_name_rule(api, name):
    assert_status(create(api, name=name), 400, 3, "display_name is required and must be 4-64 characters")


@pytest.mark.parametrize("retention", ["86399s", "31536001s", "3600s"])
def test_retention_range(api, retention):
    assert_status(create(api, retention=retention), 400, 3, "backup.retention_period")


def test_other_validation_and_not_found(api):
    assert_status(create(api, retention="7d"), 400, 3, "google.protobuf.Duration")
    assert_status(create(api, cluster="not-a-uuid"), 400, 3, "backup.cluster_id: value must be a valid UUID")
    assert_status(create(api, cluster=OTHER_CLUSTER), 404, 5)  # a cluster of another account
    r = call(api, "POST", f"{PREFIX}/backups", json={"backup": {"clusterId": CLUSTER, "displayName": "abcd",
                                                                "status": "BACKUP_STATUS_SUCCEEDED"}})
    assert_status(r, 400, 3, "read-only fields")
    assert_status(call(api, "POST", f"{PREFIX}/backups", json={}), 400, 3, "backup: value is required")
    assert_status(call(api, "POST", f"{PREFIX}/backups", data=b"{nope", headers={"Content-Type": "application/json"}),
                  400, 3)
    missing = "00000000-0000-4000-8000-0000000000ff"
    assert_status(call(api, "GET", f"{PREFIX}/backups/{missing}"), 404, 5)
    assert_status(call(api, "DELETE", f"{PREFIX}/backups/{missing}"), 404, 5)
    assert_status(call(api, "GET", f"{PREFIX}/backups/x"), 400, 3)


def test_pagination(api):
    for i in range(5):
        assert create(api, name=f"page-{i}", cluster=CLUSTER2).status_code == 200
    everything = call(api, "GET", f"{PREFIX}/backups", params={"clusterId": CLUSTER2}).json()
    assert len(everything["items"]) == 5 and "nextPageToken" not in everything and "totalSize" not in everything
    seen, token, pages = [], None, 0
    while True:
        params = {"clusterId": CLUSTER2, "pageSize": 2}
        if token:
            params["pageToken"] = token
        page = call(api, "GET", f"{PREFIX}/backups", params=params).json()
        pages += 1
        assert page["totalSize"] == 5
        seen += [b["id"] for b in page["items"]]
        token = page.get("nextPageToken")
        if not token:
            break
    assert pages == 3 and seen == [b["id"] for b in everything["items"]]
    assert_status(call(api, "GET", f"{PREFIX}/backups", params={"pageSize": 0}), 400, 3, "page_size")
    assert_status(call(api, "GET", f"{PREFIX}/backups", params={"page_size": 251}), 400, 3, "page_size")
    first = call(api, "GET", f"{PREFIX}/backups", params={"clusterId": CLUSTER2, "pageSize": 2}).json()
    assert_status(call(api, "GET", f"{PREFIX}/backups", params={"pageSize": 2, "pageToken": first["nextPageToken"]}),
                  400, 3, "page token")


def test_failed_and_skipped_backups(api):
    api.control(nextBackupOutcomes=["BACKUP_STATUS_FAILED", "BACKUP_STATUS_SKIPPED"])
    failed = create(api, name="will-fail").json()["backup"]
    skipped = create(api, name="will-skip").json()["backup"]
    wait_backup(api, failed["id"], "BACKUP_STATUS_FAILED")
    wait_backup(api, skipped["id"], "BACKUP_STATUS_SKIPPED")
    assert_status(call(api, "POST", f"{PREFIX}/backups/{failed['id']}/restore"), 400, 9)


def test_restore_state_machine(api):
    b = create(api, name="to-restore").json()["backup"]
    assert_status(call(api, "POST", f"{PREFIX}/backups/{b['id']}/restore"), 400, 9, "BACKUP_STATUS_RUNNING")
    wait_backup(api, b["id"])
    assert_status(call(api, "POST", f"{PREFIX}/backups/{b['id']}/restore", key=NO_RESTORE), 403, 7)
    r = call(api, "POST", f"{PREFIX}/backups/{b['id']}/restore")
    assert r.status_code == 200 and r.json() == {}
    assert_status(call(api, "POST", f"{PREFIX}/backups/{b['id']}/restore"), 400, 9, "already running")
    restores = call(api, "GET", f"{PREFIX}/backup_restores", params={"clusterId": CLUSTER}).json()["items"]
    mine = [x for x in restores if x["backupId"] == b["id"]]
    assert len(mine) == 1 and mine[0]["status"] == "BACKUP_RESTORE_STATUS_RUNNING" and mine[0]["deletedAt"] is None
    time.sleep(0.6)
    restores = call(api, "GET", f"{PREFIX}/backup_restores", params={"cluster_id": CLUSTER}).json()["items"]
    assert [x["status"] for x in restores if x["backupId"] == b["id"]] == ["BACKUP_RESTORE_STATUS_SUCCEEDED"]
    api.control(nextRestoreOutcomes=["BACKUP_RESTORE_STATUS_FAILED"])
    assert call(api, "POST", f"{PREFIX}/backups/{b['id']}/restore").status_code == 200
    time.sleep(0.6)
    restores = call(api, "GET", f"{PREFIX}/backup_restores").json()["items"]
    assert restores[0]["backupId"] == b["id"] and restores[0]["status"] == "BACKUP_RESTORE_STATUS_FAILED"


def test_delete_backup(api):
    b = create(api, name="to-delete").json()["backup"]
    r = call(api, "DELETE", f"{PREFIX}/backups/{b['id']}", params={"force": "true"})
    assert r.status_code == 200 and r.json() == {}
    assert_status(call(api, "GET", f"{PREFIX}/backups/{b['id']}"), 404, 5)


def test_schedules_with_field_masks(api):
    path = f"{PREFIX}/backup_schedules"
    body = {"backupSchedule": {"clusterId": CLUSTER, "schedule": "0 3 * * *", "displayName": "nightly",
                               "retentionPeriod": "1209600s"}}
    s = call(api, "POST", path, json=body).json()["backupSchedule"]
    assert s["status"] == "BACKUP_SCHEDULE_STATUS_ACTIVE" and s["schedule"] == "0 3 * * *"
    for bad, where in (("every day", "backup_schedule.schedule"), ("", "backup_schedule.schedule")):
        assert_status(call(api, "POST", path, json={"backupSchedule": {**body["backupSchedule"], "schedule": bad}}),
                      400, 3, where)
    assert_status(call(api, "POST", path, json={"backupSchedule": {**body["backupSchedule"], "displayName": "x"}}),
                  400, 3, "display_name is required")
    assert call(api, "POST", path, json={"backupSchedule": {**body["backupSchedule"], "schedule": "@every 6h"}}) \
        .status_code == 200
    listed = call(api, "GET", path, params={"clusterId": CLUSTER}).json()["items"]
    assert s["id"] in [x["id"] for x in listed]
    assert_status(call(api, "GET", f"{path}/{s['id']}"), 400, 3, "cluster_id")  # cluster_id is required
    got = call(api, "GET", f"{path}/{s['id']}", params={"clusterId": CLUSTER}).json()["backupSchedule"]
    assert got == s
    # masked update: only the schedule changes
    r = call(api, "PUT", f"{path}/{s['id']}", json={"backupSchedule": {"clusterId": CLUSTER, "schedule": "0 */6 * * *"},
                                                    "updateMask": "schedule"})
    assert r.status_code == 200, r.text
    u = r.json()["backupSchedule"]
    assert u["schedule"] == "0 */6 * * *" and u["retentionPeriod"] == "1209600s" and u["displayName"] == "nightly"
    r = call(api, "PUT", f"{path}/{s['id']}", json={"backupSchedule": {"clusterId": CLUSTER, "retentionPeriod": "86400s"},
                                                    "updateMask": "retentionPeriod"})
    assert r.json()["backupSchedule"]["retentionPeriod"] == "86400s"
    assert_status(call(api, "PUT", f"{path}/{s['id']}", json={"backupSchedule": {"clusterId": CLUSTER},
                                                              "updateMask": "retention_period"}), 400, 3, "invalid path")
    assert_status(call(api, "PUT", f"{path}/{s['id']}", json={"backupSchedule": {"clusterId": CLUSTER2,
                                                                                 "schedule": "@daily"},
                                                              "updateMask": "schedule"}), 404, 5)
    assert_status(call(api, "PUT", f"{path}/{s['id']}", key=READER,
                       json={"backupSchedule": {"clusterId": CLUSTER}, "updateMask": "schedule"}), 403, 7)
    # delete with deleteBackups removes the backups it took
    api.seed_backup(accountId=ACCOUNT, clusterId=CLUSTER, displayName="from-schedule",
                    status="BACKUP_STATUS_SUCCEEDED", backupScheduleId=s["id"])
    taken = call(api, "GET", f"{PREFIX}/backups", params={"backupScheduleId": s["id"]}).json()["items"]
    assert len(taken) == 1
    assert call(api, "DELETE", f"{path}/{s['id']}", params={"deleteBackups": "true"}).json() == {}
    assert call(api, "GET", f"{PREFIX}/backups", params={"backupScheduleId": s["id"]}).json()["items"] == []
    assert_status(call(api, "DELETE", f"{path}/{s['id']}"), 404, 5)


def test_routing_errors(api):
    assert_status(call(api, "GET", "/api/cluster/backup/v1/nothing"), 404, 5, "Not Found")
    assert_status(call(api, "PATCH", f"{PREFIX}/backup_restores"), 501, 12, "Method Not Allowed")


def test_seeded_backups_and_request_log_never_hold_a_key(api):
    seeded = api.seed_backup(accountId=ACCOUNT, clusterId=CLUSTER, displayName="old-one",
                             status="BACKUP_STATUS_SUCCEEDED", createdAt="2026-01-01T00:00:00Z")
    assert call(api, "GET", f"{PREFIX}/backups/{seeded['id']}").json()["backup"]["createdAt"] == "2026-01-01T00:00:00Z"
    log = str(api.requests()) + api.log.read_text()
    for secret in (FULL, READER, NO_RESTORE, OTHER):
        assert secret not in log
