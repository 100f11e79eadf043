"""protojson as the gateway's default marshaler uses it (grpc-gateway runtime/marshaler_registry.go:
`EmitUnpopulated: true` on output, `DiscardUnknown: true` on input):

* field names lowerCamelCase on output; on input the JSON name or the proto (snake_case) name;
* unset singular scalars are written with their zero value (`""`, the enum's `*_UNSPECIFIED`), unset message fields
  as `null`, empty repeated fields as `[]`; proto3 `optional` fields are left out when unset;
* enums as their value names (numbers accepted on input); Timestamp RFC 3339 with `Z`; Duration `"<s>[.f]s"`;
  int64 as JSON strings; FieldMask as comma-separated lowerCamelCase paths (an underscore in a path is refused).
"""
from __future__ import annotations

import datetime as dt
import re

from .errors import INVALID_ARGUMENT, RpcError

# Field kinds: "string", "enum:<UNSPECIFIED name>", "message" (null when unset), "optional" (left out when unset),
# "repeated".
BACKUP = {
    "id": "string", "createdAt": "message", "accountId": "string", "clusterId": "string", "name": "string",
    "status": "enum:BACKUP_STATUS_UNSPECIFIED", "deletedAt": "message", "backupDuration": "message",
    "backupScheduleId": "optional", "retentionPeriod": "optional", "clusterInfo": "message", "displayName": "string",
    "price": "optional",
}
BACKUP_RESTORE = {
    "id": "string", "createdAt": "message", "accountId": "string", "clusterId": "string", "backupId": "string",
    "status": "enum:BACKUP_RESTORE_STATUS_UNSPECIFIED", "deletedAt": "message",
}
BACKUP_SCHEDULE = {
    "id": "string", "createdAt": "message", "accountId": "string", "clusterId": "string", "schedule": "string",
    "retentionPeriod": "optional", "deletedAt": "message", "status": "enum:BACKUP_SCHEDULE_STATUS_UNSPECIFIED",
    "displayName": "optional",
}
LIST_RESPONSE = {"items": "repeated", "totalSize": "optional", "nextPageToken": "optional"}

BACKUP_STATUS = ["BACKUP_STATUS_UNSPECIFIED", "BACKUP_STATUS_RUNNING", "BACKUP_STATUS_SKIPPED", "BACKUP_STATUS_FAILED",
                 "BACKUP_STATUS_SUCCEEDED", "BACKUP_STATUS_FAILED_TO_SYNC", "BACKUP_STATUS_NOT_FOUND",
                 "BACKUP_STATUS_UNKNOWN"]
BACKUP_RESTORE_STATUS = ["BACKUP_RESTORE_STATUS_UNSPECIFIED", "BACKUP_RESTORE_STATUS_RUNNING",
                         "BACKUP_RESTORE_STATUS_FAILED", "BACKUP_RESTORE_STATUS_SUCCEEDED",
                         "BACKUP_RESTORE_STATUS_FAILED_TO_SYNC", "BACKUP_RESTORE_STATUS_NOT_FOUND",
                         "BACKUP_RESTORE_STATUS_SKIPPED"]
BACKUP_SCHEDULE_STATUS = ["BACKUP_SCHEDULE_STATUS_UNSPECIFIED", "BACKUP_SCHEDULE_STATUS_ACTIVE",
                          "BACKUP_SCHEDULE_STATUS_FAILED_TO_SYNC", "BACKUP_SCHEDULE_STATUS_NOT_FOUND",
                          "BACKUP_SCHEDULE_STATUS_DISABLED"]


def emit(values: dict, fields: dict) -> dict:
    """The message `values` (camelCase keys, set fields only) as the gateway writes it."""
    out = {}
    for name, kind in fields.items():
        value = values.get(name)
        if value is not None:
            out[name] = value
        elif kind == "string":
            out[name] = ""
        elif kind.startswith("enum:"):
            out[name] = kind[5:]
        elif kind == "message":
            out[name] = None
        elif kind == "repeated":
            out[name] = []
        # "optional": left out
    return out


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def snake(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def read_message(obj, fields: dict, where: str) -> dict:
    """An input message with its keys normalised to camelCase; unknown fields discarded; `null` = unset."""
    if obj is None:
        return {}
    if not isinstance(obj, dict):
        raise RpcError(INVALID_ARGUMENT, f"proto: syntax error: {where}: unexpected token {type(obj).__name__}")
    out = {}
    for key, value in obj.items():
        name = camel(key) if "_" in key else key
        if name in fields and value is not None:
            out[name] = value
    return out


def enum_name(value, names: list[str], where: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value < len(names):
            return names[value]
        return str(value)
    if isinstance(value, str) and value in names:
        return value
    raise RpcError(INVALID_ARGUMENT, f"proto: invalid value for enum field {where}: {value!r}")


DURATION = re.compile(r"^(-)?(\d+)(?:\.(\d{1,9}))?s$")


def parse_duration(value, where: str) -> float:
    """A protojson Duration (`"604800s"`, `"1.5s"`) in seconds."""
    m = DURATION.match(value) if isinstance(value, str) else None
    if not m:
        raise RpcError(INVALID_ARGUMENT, f"proto: invalid google.protobuf.Duration value {value!r} ({where})")
    seconds = int(m.group(2)) + (int(m.group(3).ljust(9, "0")) / 1e9 if m.group(3) else 0)
    return -seconds if m.group(1) else seconds


def duration(seconds: float) -> str:
    """Seconds as protojson writes a Duration: `604800s`, `1.500s` (0, 3, 6 or 9 fractional digits)."""
    whole = int(seconds)
    nanos = round((seconds - whole) * 1e9)
    if nanos == 0:
        return f"{whole}s"
    frac = f"{nanos:09d}"
    for digits in (3, 6):
        if frac[digits:] == "0" * (9 - digits):
            frac = frac[:digits]
            break
    return f"{whole}.{frac}s"


def timestamp(when: dt.datetime) -> str:
    """RFC 3339 in UTC with `Z`, fractional digits as protojson writes them (0, 3, 6 or 9)."""
    when = when.astimezone(dt.timezone.utc)
    base = when.strftime("%Y-%m-%dT%H:%M:%S")
    if when.microsecond == 0:
        return base + "Z"
    frac = f"{when.microsecond:06d}"
    if frac.endswith("000"):
        frac = frac[:3]
    return f"{base}.{frac}Z"


def parse_timestamp(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def parse_field_mask(value, where: str) -> list[str]:
    """A protojson FieldMask: lowerCamelCase paths joined by commas, each turned into its proto (snake_case) path.
    protojson refuses a path with an underscore (it must be written in lowerCamelCase)."""
    if value is None or value == "":
        return []
    if not isinstance(value, str):
        raise RpcError(INVALID_ARGUMENT, f"proto: invalid google.protobuf.FieldMask value ({where})")
    paths = []
    for p in value.split(","):
        if "_" in p or not re.fullmatch(r"[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*", p):
            raise RpcError(INVALID_ARGUMENT,
                           f"proto: google.protobuf.FieldMask.paths contains invalid path: {p!r} ({where})")
        paths.append(snake(p))
    return paths


def int64(value: int) -> str:
    """int64 and uint64 are JSON strings in protojson."""
    return str(int(value))
