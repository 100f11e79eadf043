"""The double's state: accounts with their clusters and management keys, backups, restores and schedules. Backups
and restores change state with time: RUNNING until their delay has passed, then the next outcome queued by the
admin API (default SUCCEEDED). Thread-safe (one lock)."""
from __future__ import annotations

import collections
import datetime as dt
import threading
import time
import uuid as uuidlib
from dataclasses import dataclass, field


@dataclass
class Cluster:
    id: str
    name: str = "qsnap-test"
    cloud_provider_id: str = "aws"
    cloud_provider_region_id: str = "eu-central-1"
    number_of_nodes: int = 3
    version: str = "v1.16.3"


@dataclass
class Account:
    id: str
    clusters: dict[str, Cluster] = field(default_factory=dict)


@dataclass
class Key:
    account_id: str
    permissions: frozenset


def new_id() -> str:
    return str(uuidlib.uuid4())


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Store:
    def __init__(self, accounts: list[Account], keys: dict[str, Key], backup_seconds: float = 1.0,
                 restore_seconds: float = 1.0):
        self.lock = threading.RLock()
        self.accounts = {a.id: a for a in accounts}
        self.keys = keys
        self.backup_seconds = backup_seconds
        self.restore_seconds = restore_seconds
        self.backups: dict[str, dict] = {}
        self.restores: dict[str, dict] = {}
        self.schedules: dict[str, dict] = {}
        self.backup_outcomes: collections.deque[str] = collections.deque()
        self.restore_outcomes: collections.deque[str] = collections.deque()
        self.requests: list[dict] = []

    # -- keys and clusters ----------------------------------------------------------------------------------------
    def key(self, secret: str) -> Key | None:
        return self.keys.get(secret)

    def cluster(self, account_id: str, cluster_id: str) -> Cluster | None:
        account = self.accounts.get(account_id)
        return account.clusters.get(cluster_id) if account else None

    # -- time-driven state ------------------------------------------------------------------------------------------
    def refresh(self):
        """Moves every RUNNING backup or restore whose delay has passed to its outcome."""
        t = time.time()
        for b in self.backups.values():
            if b["status"] == "BACKUP_STATUS_RUNNING" and t >= b["_done_at"]:
                b["status"] = b["_outcome"]
                b["backupDuration"] = f"{max(1, round(b['_done_at'] - b['_started']))}s"
                if b["status"] == "BACKUP_STATUS_SUCCEEDED":
                    b["price"] = {"currency": "USD", "originalPricePerHour": "12", "discountedPricePerHour": "12",
                                  "originalPricePerMonth": "8760", "discountedPricePerMonth": "8760",
                                  "discountPercentage": 0}
        for r in self.restores.values():
            if r["status"] == "BACKUP_RESTORE_STATUS_RUNNING" and t >= r["_done_at"]:
                r["status"] = r["_outcome"]

    def add_backup(self, account_id: str, cluster: Cluster, display_name: str, retention: str | None,
                   schedule_id: str | None = None, status: str | None = None, created: dt.datetime | None = None,
                   delay: float | None = None) -> dict:
        """A new backup: RUNNING for `delay` (default backup_seconds), then the next queued outcome; or, with
        `status`, already in that state (seeding)."""
        t = time.time()
        delay = self.backup_seconds if delay is None else delay
        outcome = self.backup_outcomes.popleft() if self.backup_outcomes and status is None else \
            "BACKUP_STATUS_SUCCEEDED"
        created = created or now()
        backup = {
            "id": new_id(), "createdAt": created, "accountId": account_id, "clusterId": cluster.id,
            "name": f"qdrant-{cluster.id[:8]}-{created.strftime('%Y%m%d%H%M%S%f')}",
            "status": status or "BACKUP_STATUS_RUNNING", "displayName": display_name,
            "retentionPeriod": retention, "backupScheduleId": schedule_id,
            "clusterInfo": {
                "name": cluster.name, "cloudProviderId": cluster.cloud_provider_id,
                "cloudProviderRegionId": cluster.cloud_provider_region_id,
                "configuration": {"lastModifiedAt": None, "numberOfNodes": cluster.number_of_nodes,
                                  "version": cluster.version, "packageId": "00000000-0000-4000-8000-000000000001"},
                "createdAt": "2025-01-01T00:00:00Z",
            },
            "_started": t, "_done_at": t + delay, "_outcome": outcome,
        }
        if status == "BACKUP_STATUS_SUCCEEDED":
            backup["backupDuration"] = "60s"
        self.backups[backup["id"]] = backup
        return backup

    def add_restore(self, backup: dict) -> dict:
        t = time.time()
        outcome = self.restore_outcomes.popleft() if self.restore_outcomes else "BACKUP_RESTORE_STATUS_SUCCEEDED"
        restore = {
            "id": new_id(), "createdAt": now(), "accountId": backup["accountId"], "clusterId": backup["clusterId"],
            "backupId": backup["id"], "status": "BACKUP_RESTORE_STATUS_RUNNING",
            "_done_at": t + self.restore_seconds, "_outcome": outcome,
        }
        self.restores[restore["id"]] = restore
        return restore

    def record(self, entry: dict):
        self.requests.append(entry)
        del self.requests[:-1000]


def public(entity: dict) -> dict:
    """An entity without the double's private `_` fields, timestamps as datetime."""
    return {k: v for k, v in entity.items() if not k.startswith("_")}
