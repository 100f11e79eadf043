"""Shared, generic fixtures for the integration tests: the qsnap binary, the repository root, free ports."""
import os
import pathlib
import socket
import subprocess

import pytest

REPO_ROOT = pathlib.Path(__file__).resolve().parents[2]
VENV_BIN = REPO_ROOT / ".venv" / "bin"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Nothing in the suite may reach the EC2 instance metadata address (169.254.169.254, off this machine): the S3
# credential chain ends there when nothing else is configured. The tests of that step point it at a local server.
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="session")
def qsnap_bin() -> str:
    """The qsnap binary under test (QSNAP_BIN, else the debug build)."""
    path = os.environ.get("QSNAP_BIN") or str(REPO_ROOT / ".build" / "debug" / "qsnap")
    if not os.access(path, os.X_OK):
        pytest.fail(f"qsnap binary not found at {path}: build it and set QSNAP_BIN")
    return path


def run(cmd, env=None, input=None, timeout=120, check=False):
    """Runs a command, returns the CompletedProcess (bytes)."""
    merged = dict(os.environ)
    if env:
        merged.update(env)
    result = subprocess.run(cmd, env=merged, input=input, capture_output=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{cmd} failed ({result.returncode}): {result.stderr.decode(errors='replace')}")
    return result


# Secret scan of every output and log the suite produces (secretscan.py): its session hooks and the capture hooks.
from secretscan import install as _install_secret_scan  # noqa: E402
from secretscan import pytest_sessionfinish, pytest_terminal_summary  # noqa: E402,F401

_install_secret_scan()
