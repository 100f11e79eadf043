"""The buf.validate rules of backup.proto that the double enforces (field rules and the CEL message rules), with
protovalidate's violation text."""
from __future__ import annotations

import re

from .errors import validation_error

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DISPLAY_NAME = re.compile(r"^[a-zA-Z0-9-_]{4,64}$")
# BackupSchedule.schedule's string.pattern, verbatim; RE2 (Go) `MatchString` semantics = Python re.search.
SCHEDULE = re.compile(r"^(@(annually|yearly|monthly|weekly|daily|hourly|reboot))|(@every (\d+(ns|us|µs|ms|s|m|h))+)|"
                      r"((((\d+,)+\d+|([\d\*]+(\/|-)\d+)|\d+|\*) ?){5,7})$")
RETENTION_MIN, RETENTION_MAX = 86_400, 31_536_000


def uuid(value, path: str):
    if not isinstance(value, str) or not UUID.match(value):
        raise validation_error(path, "value must be a valid UUID", "string.uuid")


def optional_uuid(value, path: str):
    if value is not None:
        uuid(value, path)


def retention(seconds: float | None, path: str):
    if seconds is None:
        return
    if not (RETENTION_MIN <= seconds <= RETENTION_MAX):
        raise validation_error(path, "value must be greater than or equal to 86400s and less than or equal to "
                                     "31536000s", "duration.gte_lte")


def display_name_required(value, rule: str):
    """CreateBackupRequest / CreateBackupScheduleRequest / UpdateBackupRequest: the CEL display_name rule."""
    if not isinstance(value, str) or not DISPLAY_NAME.match(value):
        required = "update" not in rule
        raise validation_error(
            "", ("display_name is required and must be" if required else "display_name must be")
            + " 4-64 characters of letters, digits, hyphens and underscores", rule)


def display_name_field(value, path: str):
    """BackupSchedule.display_name's field rules (min_len 4, max_len 64, pattern)."""
    if value is None:
        return
    if not isinstance(value, str) or not (4 <= len(value) <= 64):
        raise validation_error(path, "value length must be between 4 and 64 characters, inclusive", "string.len_range")
    if not re.match(r"^[a-zA-Z0-9-_]+$", value):
        raise validation_error(path, "value does not match regex pattern `^[a-zA-Z0-9-_]+$`", "string.pattern")


def schedule(value, path: str):
    if not isinstance(value, str) or not SCHEDULE.search(value):
        raise validation_error(path, f"value does not match regex pattern `{SCHEDULE.pattern}`", "string.pattern")


def page_size(value, path: str = "page_size"):
    if value is not None and not (0 < value <= 250):
        raise validation_error(path, "value must be greater than 0 and less than or equal to 250", "int32.gt_lte")
