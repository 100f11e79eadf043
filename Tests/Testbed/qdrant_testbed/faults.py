"""Fault knobs of the test double, set at start (`--faults JSON`) or at run time (`/__testbed/faults`)."""
from __future__ import annotations

import re
import threading


class Faults:
    """Current fault configuration, shared by every node of the process.

    JSON shape (every key optional):
      latency_ms: int                  added before every API response
      errors: [{method, path (regex, full match), nth (1-based, default 1), times (default 1),
                status (default 500), message}]
      truncate_downloads: {after_bytes, path (regex, optional)}
      corrupt_downloads: {offset (default 0), path (regex, optional)}
      hang_snapshot_creation: bool     creations block until the faults are cleared, then fail
      slow_downloads: {bytes_per_second, path (regex, optional)}   snapshot downloads are paced (a slow network)
      collection_data: {collection (regex, full match), replica_state, alter_payload, alter_vector,
                        drop_payload_schema}   what the matching collections report: every replica in
                                       `replica_state` (e.g. "Dead"), retrieved points with a changed payload or
                                       vector, an empty payload schema (a storage that lost or changed data)
      down_nodes: [int]                Cloud mode: the front door treats these nodes as unhealthy — the cluster
                                       endpoint balances over the others, their node endpoints answer 503
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.config: dict = {}
        self.counters: dict[int, int] = {}
        self.release = threading.Event()

    def set(self, config: dict) -> None:
        _validate(config)
        with self.lock:
            self.config = dict(config)
            self.counters = {}
            if not config.get("hang_snapshot_creation"):
                self.release.set()
            else:
                self.release = threading.Event()

    def clear(self) -> None:
        with self.lock:
            self.config = {}
            self.counters = {}
            self.release.set()

    def snapshot(self) -> dict:
        with self.lock:
            return {"config": dict(self.config),
                    "counters": {str(k): v for k, v in self.counters.items()}}

    def latency(self) -> float:
        with self.lock:
            return float(self.config.get("latency_ms", 0)) / 1000.0

    def injected_error(self, method: str, path: str) -> tuple[int, str] | None:
        with self.lock:
            for i, rule in enumerate(self.config.get("errors", [])):
                if rule.get("method", method).upper() != method.upper():
                    continue
                if not re.fullmatch(rule.get("path", ".*"), path):
                    continue
                n = self.counters.get(i, 0) + 1
                self.counters[i] = n
                nth = int(rule.get("nth", 1))
                times = int(rule.get("times", 1))
                if nth <= n < nth + times:
                    status = int(rule.get("status", 500))
                    return status, rule.get("message", "Service internal error: injected fault")
            return None

    def download_fault(self, path: str) -> tuple[str, int] | None:
        with self.lock:
            t = self.config.get("truncate_downloads")
            if t and re.fullmatch(t.get("path", ".*"), path):
                return "truncate", int(t.get("after_bytes", 0))
            c = self.config.get("corrupt_downloads")
            if c and re.fullmatch(c.get("path", ".*"), path):
                return "corrupt", int(c.get("offset", 0))
            return None

    def collection_data(self, collection: str) -> dict:
        """The `collection_data` fault when it names `collection`, else {}."""
        with self.lock:
            rule = self.config.get("collection_data")
            if rule and re.fullmatch(rule.get("collection", ".*"), collection):
                return dict(rule)
            return {}

    def down_nodes(self) -> set[int]:
        with self.lock:
            return set(self.config.get("down_nodes", []))

    def download_rate(self, path: str) -> float | None:
        """Bytes per second a download of `path` is paced to, or None."""
        with self.lock:
            rule = self.config.get("slow_downloads")
            if rule and re.fullmatch(rule.get("path", ".*"), path):
                return float(rule.get("bytes_per_second", 1 << 20))
            return None

    def hang_event(self) -> threading.Event | None:
        with self.lock:
            return self.release if self.config.get("hang_snapshot_creation") else None


def _validate(config) -> None:
    if not isinstance(config, dict):
        raise ValueError("faults must be a JSON object")
    known = {"latency_ms", "errors", "truncate_downloads", "corrupt_downloads", "hang_snapshot_creation",
             "collection_data", "down_nodes", "slow_downloads"}
    unknown = set(config) - known
    if unknown:
        raise ValueError(f"unknown fault keys: {sorted(unknown)}")
    down = config.get("down_nodes", [])
    if not isinstance(down, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in down):
        raise ValueError("down_nodes must be a list of node indexes")
    for rule in config.get("errors", []):
        re.compile(rule.get("path", ".*"))
    data = config.get("collection_data")
    if data is not None:
        unknown = set(data) - {"collection", "replica_state", "alter_payload", "alter_vector", "drop_payload_schema"}
        if unknown:
            raise ValueError(f"unknown collection_data keys: {sorted(unknown)}")
        re.compile(data.get("collection", ".*"))
