"""The progress display of backup (the same component serves restore, verify and migrate): live bars on a terminal
(coloured unless NO_COLOR), one log sentence per --progress-interval otherwise, nothing with --json; the double's
`slow_downloads` fault makes the backup last a few seconds."""
import os
import shlex
import subprocess

import pytest

from conftest import run
from qdrant_data import create_collection, start_testbed

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def slow_source(tmp_path_factory):
    with start_testbed(tmp_path_factory.mktemp("progress"), peers=1) as tb:
        create_collection(tb.urls[0], "docs", dim=256, points=3000)
        tb.admin().set_faults({"slow_downloads": {"bytes_per_second": 2 << 20}})
        yield tb


def test_a_log_gets_a_progress_sentence_per_interval(qsnap_bin, slow_source, tmp_path):
    r = run([qsnap_bin, "backup", "--qdrant", slow_source.urls[0], "--to", str(tmp_path / "repo"),
             "--progress-interval", "1"], timeout=240)
    assert r.returncode == 0, r.stderr.decode()
    lines = [l for l in r.stderr.decode().splitlines() if "progress " in l]
    assert lines, r.stderr.decode()
    assert any(f"progress {slow_source.urls[0]}:" in l and " of " in l and "/s" in l for l in lines), lines
    assert "\x1b[" not in r.stderr.decode()
    # --json keeps standard error free of progress
    r = run([qsnap_bin, "backup", "--qdrant", slow_source.urls[0], "--to", str(tmp_path / "repo2"), "--json",
             "--progress-interval", "1"], timeout=240)
    assert r.returncode == 0 and b"progress " not in r.stderr


@pytest.mark.parametrize("no_color", [False, True])
def test_a_terminal_gets_live_bars(qsnap_bin, slow_source, tmp_path, no_color):
    cmd = shlex.join([qsnap_bin, "backup", "--qdrant", slow_source.urls[0], "--to", str(tmp_path / "repo")])
    env = dict(os.environ, TERM="xterm")
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = "1"
    # `script` runs qsnap on a pseudo-terminal and copies what it wrote to its own standard output.
    r = subprocess.run(["script", "-qfec", cmd, "/dev/null"], env=env, capture_output=True, timeout=240)
    assert r.returncode == 0, r.stdout.decode(errors="replace")
    out = r.stdout.decode(errors="replace")
    assert "█" in out and "objects" in out and "\x1b[2K" in out
    assert ("\x1b[32m" in out) is (not no_color)
    assert "backup " in out and " complete" in out
