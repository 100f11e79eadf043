"""Starts the Cloud API double as a subprocess for tests.

    from cloud_api_double.harness import start_cloud_api
    with start_cloud_api(tmp_path, account=ACCOUNT, clusters=[CLUSTER],
                         keys={"full-key": "*", "reader": ["read:backups"]}, backup_seconds=0.5) as api:
        api.url                       # http://127.0.0.1:PORT
        api.control(nextBackupOutcomes=["BACKUP_STATUS_FAILED"])
        api.state()["backups"]
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)


class CloudAPI:
    def __init__(self, process: subprocess.Popen, url: str, log: Path):
        self.process = process
        self.url = url
        self.log = log

    def _admin(self, method: str, path: str, body=None) -> dict:
        import ssl
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
        context = ssl._create_unverified_context() if self.url.startswith("https:") else None  # loopback admin calls
        with urllib.request.urlopen(req, timeout=10, context=context) as resp:
            return json.loads(resp.read() or b"{}")

    def control(self, **settings) -> dict:
        """backupSeconds, restoreSeconds, nextBackupOutcomes, nextRestoreOutcomes."""
        return self._admin("POST", "/__double/control", settings)

    def seed_backup(self, **backup) -> dict:
        """accountId, clusterId, displayName, status, createdAt (RFC 3339), retentionPeriod, backupScheduleId."""
        return self._admin("POST", "/__double/backups", backup)

    def state(self) -> dict:
        return self._admin("GET", "/__double/state")

    def requests(self) -> list[dict]:
        return self._admin("GET", "/__double/requests")["requests"]

    def clear_requests(self):
        self._admin("DELETE", "/__double/requests")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_cloud_api(directory, account: str, clusters=(), keys: dict | None = None, backup_seconds: float = 0.5,
                    restore_seconds: float = 0.5, extra_accounts=(), verbose: bool = True,
                    tls: tuple[str, str] | None = None) -> CloudAPI:
    """keys: secret → "*" or a list of permissions (on `account`); extra_accounts: (account, [clusters]) pairs;
    tls: (cert.pem, key.pem) to serve HTTPS."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "cloud_api_double", "--port", "0", "--account", account,
           "--backup-seconds", str(backup_seconds), "--restore-seconds", str(restore_seconds), "--exit-on-stdin-eof"]
    for c in clusters:
        cmd += ["--cluster", c]
    for other, other_clusters in extra_accounts:
        cmd += ["--account", other] + [x for c in other_clusters for x in ("--cluster", f"{other}/{c}")]
    for secret, perms in (keys or {}).items():
        cmd += ["--management-key", f"{secret}={perms if isinstance(perms, str) else ','.join(perms)}"]
    if verbose:
        cmd.append("--verbose")
    if tls:
        cmd += ["--tls-cert", str(tls[0]), "--tls-key", str(tls[1])]
    env = dict(os.environ, PYTHONPATH=PACKAGE_PARENT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    log = directory / "cloud-api-double.log"
    err = open(log, "wb")
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, env=env,
                            start_new_session=True)
    err.close()
    deadline = time.time() + 30
    line = b""
    while time.time() < deadline:
        line = proc.stdout.readline()
        if line.startswith(b"READY "):
            return CloudAPI(proc, line.decode().split()[1], log)
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise RuntimeError(f"cloud_api_double did not start: {log.read_text(errors='replace')}")
