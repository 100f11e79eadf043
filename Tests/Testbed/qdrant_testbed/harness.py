"""Starts the Qdrant test double as a subprocess for other test suites.

    from qdrant_testbed.harness import start_testbed
    with start_testbed(tmp_path, peers=3, api_key="secret") as tb:
        tb.urls          # ["http://127.0.0.1:PORT", ...]
        tb.admin().set_faults({"latency_ms": 50})
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)


class AdminClient:
    """Client of the test-only admin API (`/__testbed/...`, no api-key needed)."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")

    def _call(self, method: str, path: str, body=None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"{}")

    def set_faults(self, faults: dict) -> dict:
        """Replaces the fault configuration of the whole testbed (all nodes)."""
        return self._call("POST", "/__testbed/faults", faults)

    def clear_faults(self) -> dict:
        return self._call("DELETE", "/__testbed/faults")

    def faults(self) -> dict:
        return self._call("GET", "/__testbed/faults")

    def info(self) -> dict:
        """peer id, storage and snapshots paths of this node and the list of all nodes."""
        return self._call("GET", "/__testbed/info")


class Testbed:
    """A running test double process; stop() (or leaving the `with` block) kills it."""

    def __init__(self, process: subprocess.Popen, urls: list[str], storage: Path, log: Path):
        self.process = process
        self.urls = urls
        self.url = urls[0]
        self.storage = storage
        self.log = log

    def admin(self, node: int = 0) -> AdminClient:
        return AdminClient(self.urls[node])

    def snapshots_dir(self, node: int = 0) -> Path:
        return Path(self.admin(node).info()["snapshots_path"])

    def peer_id(self, node: int = 0) -> int:
        return int(self.admin(node).info()["peer_id"])

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe:
                pipe.close()

    def __enter__(self) -> "Testbed":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_testbed(tmp_path, peers: int = 1, version: str = "1.19.0", timeout: float = 30.0,
                  python: str | None = None, **flags) -> Testbed:
    """Starts `python -m qdrant_testbed` on free ports with storage under tmp_path and waits for READY.

    flags: api_key, read_only_api_key, disk_size, disk_usage_percent, ram_size (CLI flags with `_` → `-`),
    faults (a dict, passed as --faults JSON), storage (a directory to use instead of tmp_path/qdrant-storage).
    """
    tmp_path = Path(tmp_path)
    storage = Path(flags.pop("storage", tmp_path / "qdrant-storage"))
    storage.mkdir(parents=True, exist_ok=True)
    args = [python or sys.executable, "-m", "qdrant_testbed", "--port", "0", "--storage", str(storage),
            "--peers", str(peers), "--version", version, "--exit-on-stdin-eof"]
    for key, value in flags.items():
        if value is None:
            continue
        if key == "faults":
            value = json.dumps(value)
        args += ["--" + key.replace("_", "-"), str(value)]
    env = dict(os.environ)
    env["PYTHONPATH"] = PACKAGE_PARENT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    log = tmp_path / f"qdrant-testbed-{int(time.time() * 1000)}.log"
    with open(log, "wb") as errf:
        # stdin stays open while this process lives: if it dies, the testbed sees EOF and exits
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errf, env=env,
                                start_new_session=True)
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    text = line[0].decode().strip() if line else ""
    if not text.startswith("READY "):
        tb = Testbed(proc, [], storage, log)
        tb.stop()
        raise RuntimeError(f"qdrant testbed did not start ({text or 'no READY line'}): {log.read_text()[-2000:]}")
    return Testbed(proc, text[len("READY "):].split(","), storage, log)
