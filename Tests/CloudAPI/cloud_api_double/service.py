"""BackupService: one method per RPC of backup.proto, taking the path variables, the query parameters (non-path
fields of GET, DELETE and bodiless POST) and the JSON body (`body: "*"` RPCs), returning the response message."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json

from . import protojson as pj
from . import validation as v
from .errors import FAILED_PRECONDITION, INVALID_ARGUMENT, NOT_FOUND, RpcError
from .store import Store, new_id, public


def _query(query: dict, name: str):
    """A query parameter by its JSON name or its proto name (the gateway accepts both); the last value wins."""
    for key in (name, pj.snake(name)):
        if key in query:
            return query[key][-1]
    return None


def _bool(value, where: str) -> bool:
    if value is None:
        return False
    if value in ("true", "1", "True"):
        return True
    if value in ("false", "0", "False"):
        return False
    raise RpcError(INVALID_ARGUMENT, f"proto: invalid value for bool field {where}: {value!r}")


def _int(value, where: str):
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise RpcError(INVALID_ARGUMENT, f"proto: invalid value for int32 field {where}: {value!r}") from None


def _out(entity: dict, fields: dict) -> dict:
    values = public(entity)
    for key in ("createdAt", "deletedAt"):
        if isinstance(values.get(key), dt.datetime):
            values[key] = pj.timestamp(values[key])
    return pj.emit(values, fields)


class BackupService:
    def __init__(self, store: Store):
        self.store = store

    # -- pagination -------------------------------------------------------------------------------------------------
    def _page(self, items: list[dict], fields: dict, query: dict, filters: tuple) -> dict:
        size = _int(_query(query, "pageSize"), "page_size")
        v.page_size(size)
        token = _query(query, "pageToken")
        signature = hashlib.sha256(json.dumps(filters).encode()).hexdigest()[:16]
        offset = 0
        if token is not None:
            try:
                decoded = json.loads(base64.urlsafe_b64decode(token.encode() + b"=" * (-len(token) % 4)))
                offset, sig = int(decoded["o"]), decoded["s"]
            except (ValueError, KeyError, TypeError):
                raise RpcError(INVALID_ARGUMENT, "invalid page token") from None
            if sig != signature:
                raise RpcError(INVALID_ARGUMENT, "page token does not match the other parameters of the request")
        answer = {"items": []}
        if size is None:
            answer["items"] = [_out(i, fields) for i in items[offset:]]
        else:
            answer["items"] = [_out(i, fields) for i in items[offset:offset + size]]
            answer["totalSize"] = len(items)
            if offset + size < len(items):
                raw = json.dumps({"o": offset + size, "s": signature}).encode()
                answer["nextPageToken"] = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        return pj.emit(answer, pj.LIST_RESPONSE)

    @staticmethod
    def _newest_first(entities) -> list[dict]:
        return sorted(entities, key=lambda e: (e["createdAt"], e["id"]), reverse=True)

    def _backup(self, account_id: str, backup_id: str) -> dict:
        v.uuid(backup_id, "backup_id")
        b = self.store.backups.get(backup_id)
        if b is None or b["accountId"] != account_id:
            raise RpcError(NOT_FOUND, f"backup {backup_id} not found")
        return b

    def _cluster(self, account_id: str, cluster_id: str):
        cluster = self.store.cluster(account_id, cluster_id)
        if cluster is None:
            raise RpcError(NOT_FOUND, f"cluster {cluster_id} not found")
        return cluster

    def _schedule(self, account_id: str, schedule_id: str, cluster_id: str | None = None) -> dict:
        v.uuid(schedule_id, "backup_schedule_id")
        s = self.store.schedules.get(schedule_id)
        if s is None or s["accountId"] != account_id or (cluster_id is not None and s["clusterId"] != cluster_id):
            raise RpcError(NOT_FOUND, f"backup schedule {schedule_id} not found")
        return s

    # -- backups ----------------------------------------------------------------------------------------------------
    def ListBackups(self, path: dict, query: dict, body) -> dict:
        account = path["account_id"]
        v.uuid(account, "account_id")
        cluster, schedule = _query(query, "clusterId"), _query(query, "backupScheduleId")
        v.optional_uuid(cluster, "cluster_id")
        v.optional_uuid(schedule, "backup_schedule_id")
        items = [b for b in self.store.backups.values() if b["accountId"] == account
                 and (cluster is None or b["clusterId"] == cluster)
                 and (schedule is None or b.get("backupScheduleId") == schedule)]
        return self._page(self._newest_first(items), pj.BACKUP, query, ("ListBackups", account, cluster, schedule))

    def GetBackup(self, path: dict, query: dict, body) -> dict:
        v.uuid(path["account_id"], "account_id")
        return {"backup": _out(self._backup(path["account_id"], path["backup_id"]), pj.BACKUP)}

    def CreateBackup(self, path: dict, query: dict, body) -> dict:
        account = path["backup.account_id"]
        raw = (body or {}).get("backup")
        if raw is None:
            raise v.validation_error("backup", "value is required", "required")
        b = pj.read_message(raw, pj.BACKUP, "backup")
        read_only = ("id", "createdAt", "name", "deletedAt", "backupDuration", "backupScheduleId", "clusterInfo",
                     "price")
        status = pj.enum_name(b["status"], pj.BACKUP_STATUS, "backup.status") if "status" in b else None
        if any(b.get(f) not in (None, "") for f in read_only) or status not in (None, "BACKUP_STATUS_UNSPECIFIED"):
            raise v.validation_error("", "read-only fields (id, created_at, name, status, deleted_at, backup_duration, "
                                         "backup_schedule_id, cluster_info, price) must not be set on create",
                                     "create_backup.no_read_only_fields")
        v.display_name_required(b.get("displayName"), "create_backup.display_name_rule")
        v.uuid(account, "backup.account_id")
        v.uuid(b.get("clusterId"), "backup.cluster_id")
        retention = None
        if "retentionPeriod" in b:
            seconds = pj.parse_duration(b["retentionPeriod"], "backup.retention_period")
            v.retention(seconds, "backup.retention_period")
            retention = pj.duration(seconds)
        cluster = self._cluster(account, b["clusterId"])
        backup = self.store.add_backup(account, cluster, b["displayName"], retention)
        return {"backup": _out(backup, pj.BACKUP)}

    def UpdateBackup(self, path: dict, query: dict, body) -> dict:
        account = path["backup.account_id"]
        raw = pj.read_message((body or {}).get("backup"), pj.BACKUP, "backup")
        v.display_name_required(raw.get("displayName"), "update_backup.display_name_rule")
        backup = self._backup(account, path["backup.id"])
        backup["displayName"] = raw["displayName"]
        return {"backup": _out(backup, pj.BACKUP)}

    def DeleteBackup(self, path: dict, query: dict, body) -> dict:
        account = path["account_id"]
        v.uuid(account, "account_id")
        backup = self._backup(account, path["backup_id"])
        _bool(_query(query, "force"), "force")  # hybrid only: accepted, no effect on managed clusters
        del self.store.backups[backup["id"]]
        return {}

    def ListBackupRestores(self, path: dict, query: dict, body) -> dict:
        account = path["account_id"]
        v.uuid(account, "account_id")
        cluster = _query(query, "clusterId")
        v.optional_uuid(cluster, "cluster_id")
        items = [r for r in self.store.restores.values()
                 if r["accountId"] == account and (cluster is None or r["clusterId"] == cluster)]
        return self._page(self._newest_first(items), pj.BACKUP_RESTORE, query,
                          ("ListBackupRestores", account, cluster))

    def RestoreBackup(self, path: dict, query: dict, body) -> dict:
        account = path["account_id"]
        v.uuid(account, "account_id")
        backup = self._backup(account, path["backup_id"])
        if backup["status"] != "BACKUP_STATUS_SUCCEEDED":
            raise RpcError(FAILED_PRECONDITION, f"backup {backup['id']} cannot be restored: its status is "
                                                f"{backup['status']}")
        if any(r["clusterId"] == backup["clusterId"] and r["status"] == "BACKUP_RESTORE_STATUS_RUNNING"
               for r in self.store.restores.values()):
            raise RpcError(FAILED_PRECONDITION, f"a restore into cluster {backup['clusterId']} is already running")
        self.store.add_restore(backup)
        return {}

    # -- schedules --------------------------------------------------------------------------------------------------
    def ListBackupSchedules(self, path: dict, query: dict, body) -> dict:
        account = path["account_id"]
        v.uuid(account, "account_id")
        cluster = _query(query, "clusterId")
        v.optional_uuid(cluster, "cluster_id")
        items = [s for s in self.store.schedules.values()
                 if s["accountId"] == account and (cluster is None or s["clusterId"] == cluster)]
        return self._page(self._newest_first(items), pj.BACKUP_SCHEDULE, query,
                          ("ListBackupSchedules", account, cluster))

    def GetBackupSchedule(self, path: dict, query: dict, body) -> dict:
        account = path["account_id"]
        v.uuid(account, "account_id")
        cluster = _query(query, "clusterId")
        v.uuid(cluster, "cluster_id")  # a required field of GetBackupScheduleRequest
        return {"backupSchedule": _out(self._schedule(account, path["backup_schedule_id"], cluster),
                                       pj.BACKUP_SCHEDULE)}

    @staticmethod
    def _check_schedule_fields(s: dict):
        v.uuid(s.get("clusterId"), "backup_schedule.cluster_id")
        v.schedule(s.get("schedule"), "backup_schedule.schedule")
        v.display_name_field(s.get("displayName"), "backup_schedule.display_name")
        if s.get("retentionPeriod") is not None:
            seconds = pj.parse_duration(s["retentionPeriod"], "backup_schedule.retention_period")
            v.retention(seconds, "backup_schedule.retention_period")
            s["retentionPeriod"] = pj.duration(seconds)

    def CreateBackupSchedule(self, path: dict, query: dict, body) -> dict:
        account = path["backup_schedule.account_id"]
        raw = (body or {}).get("backupSchedule", (body or {}).get("backup_schedule"))
        if raw is None:
            raise v.validation_error("backup_schedule", "value is required", "required")
        s = pj.read_message(raw, pj.BACKUP_SCHEDULE, "backup_schedule")
        status = pj.enum_name(s["status"], pj.BACKUP_SCHEDULE_STATUS, "status") if "status" in s else None
        if any(s.get(f) not in (None, "") for f in ("id", "createdAt", "deletedAt")) or \
                status not in (None, "BACKUP_SCHEDULE_STATUS_UNSPECIFIED"):
            raise v.validation_error("", "read-only fields (id, created_at, deleted_at, status) must not be set on "
                                         "create", "create_backup_schedule.no_read_only_fields")
        v.display_name_required(s.get("displayName"), "create_backup_schedule.display_name_rule")
        v.uuid(account, "backup_schedule.account_id")
        self._check_schedule_fields(s)
        self._cluster(account, s["clusterId"])
        schedule = {"id": new_id(), "createdAt": dt.datetime.now(dt.timezone.utc), "accountId": account,
                    "clusterId": s["clusterId"], "schedule": s["schedule"], "retentionPeriod": s.get("retentionPeriod"),
                    "status": "BACKUP_SCHEDULE_STATUS_ACTIVE", "displayName": s["displayName"]}
        self.store.schedules[schedule["id"]] = schedule
        return {"backupSchedule": _out(schedule, pj.BACKUP_SCHEDULE)}

    def UpdateBackupSchedule(self, path: dict, query: dict, body) -> dict:
        account = path["backup_schedule.account_id"]
        schedule_id = path["backup_schedule.id"]
        body = body or {}
        raw = body.get("backupSchedule", body.get("backup_schedule"))
        if raw is None:
            raise v.validation_error("backup_schedule", "value is required", "required")
        s = pj.read_message(raw, pj.BACKUP_SCHEDULE, "backup_schedule")
        mask = pj.parse_field_mask(body.get("updateMask", body.get("update_mask")), "update_mask")
        v.uuid(account, "backup_schedule.account_id")
        if mask:
            # The gateway's patch_source: GetBackupSchedule(account_id, cluster_id = backup_schedule.cluster_id,
            # backup_schedule_id = backup_schedule.id), then the masked fields merged onto the current schedule.
            v.uuid(s.get("clusterId"), "cluster_id")
            current = self._schedule(account, schedule_id, s["clusterId"])
            merged = {k: current.get(k) for k in ("clusterId", "schedule", "retentionPeriod", "displayName")}
            for p in mask:
                name = pj.camel(p)
                if name not in ("schedule", "retentionPeriod", "displayName", "clusterId", "status"):
                    raise RpcError(INVALID_ARGUMENT, f"invalid update_mask path {p!r} for BackupSchedule")
                merged[name] = s.get(name)
        else:
            current = self._schedule(account, schedule_id)
            merged = {k: s.get(k) for k in ("clusterId", "schedule", "retentionPeriod", "displayName")}
        self._check_schedule_fields(merged)
        if merged["clusterId"] != current["clusterId"]:
            raise RpcError(INVALID_ARGUMENT, "cluster_id of a backup schedule cannot change")
        current.update({k: merged[k] for k in ("schedule", "retentionPeriod")})
        if merged.get("displayName") is not None:
            current["displayName"] = merged["displayName"]
        return {"backupSchedule": _out(current, pj.BACKUP_SCHEDULE)}

    def DeleteBackupSchedule(self, path: dict, query: dict, body) -> dict:
        account = path["account_id"]
        v.uuid(account, "account_id")
        schedule = self._schedule(account, path["backup_schedule_id"])
        if _bool(_query(query, "deleteBackups"), "delete_backups"):
            for b in [b for b in self.store.backups.values() if b.get("backupScheduleId") == schedule["id"]]:
                del self.store.backups[b["id"]]
        del self.store.schedules[schedule["id"]]
        return {}

