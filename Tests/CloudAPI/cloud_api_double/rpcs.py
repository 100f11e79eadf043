"""The BackupService RPCs and their REST mappings, as `google.api.http` and `qdrant.cloud.common.v1.permissions`
declare them in backup.proto. Path variables become named regex groups."""
from __future__ import annotations

import re
from dataclasses import dataclass

PREFIX = "/api/cluster/backup/v1/accounts/"


@dataclass(frozen=True)
class Rpc:
    name: str
    method: str
    template: str  # the proto's path template with the gateway's variable names
    permission: str

    @property
    def regex(self) -> re.Pattern:
        pattern = re.sub(r"\{([a-z_.]+)\}", lambda m: f"(?P<{m.group(1).replace('.', '__')}>[^/]+)", self.template)
        return re.compile("^" + pattern + "$")


RPCS = [
    Rpc("ListBackups", "GET", PREFIX + "{account_id}/backups", "read:backups"),
    Rpc("GetBackup", "GET", PREFIX + "{account_id}/backups/{backup_id}", "read:backups"),
    Rpc("CreateBackup", "POST", PREFIX + "{backup.account_id}/backups", "write:backups"),
    Rpc("UpdateBackup", "PATCH", PREFIX + "{backup.account_id}/backups/{backup.id}", "write:backups"),
    Rpc("DeleteBackup", "DELETE", PREFIX + "{account_id}/backups/{backup_id}", "delete:backups"),
    Rpc("ListBackupRestores", "GET", PREFIX + "{account_id}/backup_restores", "read:backups"),
    Rpc("RestoreBackup", "POST", PREFIX + "{account_id}/backups/{backup_id}/restore", "restore:backups"),
    Rpc("ListBackupSchedules", "GET", PREFIX + "{account_id}/backup_schedules", "read:backup_schedules"),
    Rpc("GetBackupSchedule", "GET", PREFIX + "{account_id}/backup_schedules/{backup_schedule_id}",
        "read:backup_schedules"),
    Rpc("CreateBackupSchedule", "POST", PREFIX + "{backup_schedule.account_id}/backup_schedules",
        "write:backup_schedules"),
    Rpc("UpdateBackupSchedule", "PUT", PREFIX + "{backup_schedule.account_id}/backup_schedules/{backup_schedule.id}",
        "write:backup_schedules"),
    Rpc("DeleteBackupSchedule", "DELETE", PREFIX + "{account_id}/backup_schedules/{backup_schedule_id}",
        "delete:backup_schedules"),
]

ALL_PERMISSIONS = sorted({r.permission for r in RPCS})


def route(method: str, path: str):
    """(rpc, path variables) for a request; (None, None) when no path matches (gateway 404);
    ("method", None) when a path matches with another method (gateway 405)."""
    path_matched = False
    for rpc in RPCS:
        m = rpc.regex.match(path)
        if not m:
            continue
        path_matched = True
        if rpc.method == method:
            return rpc, {k.replace("__", "."): v for k, v in m.groupdict().items()}
    return ("method", None) if path_matched else (None, None)
