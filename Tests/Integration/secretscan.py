"""Secret scan of everything the test suite produced: no S3 secret key, api-key or request signature may appear in
any output or log.

What is searched for, learned while the tests run:
* secrets handed to any subprocess: `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `QDRANT_API_KEY`,
  `QDRANT_CLOUD_API_KEY`, `QSNAP_PASSWORD`, `QSNAP_NEW_PASSWORD` in its
  environment; `--api-key`, `--read-only-api-key`, `--secret-access-key`, rclone's `--auth-key KEY,SECRET` and the
  Cloud API double's `--management-key KEY[@ACCOUNT]=PERMS` on its command line (this catches the test doubles' keys
  and every S3 server's credentials);
* the `X-Amz-Signature` of every presigned URL `qsnap repo presign` printed (its standard output is the product and
  is the one place a signature may appear), and any SigV4 signature (`Signature=<64 hex>`) at all.

Where: the standard output and error of every subprocess whose output the tests captured (`Popen.communicate`, which
`subprocess.run` uses), the log of each S3 server (read before its directory is removed), and every text file below
pytest's base temporary directory (test-double logs, repositories' manifests and journals, saved outputs).

Hooks (imported by conftest.py): `pytest_sessionfinish` runs the scan and fails the session on any hit;
`pytest_terminal_summary` prints the figures whatever `-s`/`-q` say.
"""
import os
import pathlib
import re
import subprocess
import threading

SECRET_ENV = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "QDRANT_API_KEY", "QDRANT_CLOUD_API_KEY", "QSNAP_PASSWORD",
              "QSNAP_NEW_PASSWORD")
SECRET_FLAGS = ("--api-key", "--read-only-api-key", "--secret-access-key", "--auth-key", "--management-key")
SIGNATURE = re.compile(rb"(?:X-Amz-Signature=|Signature=)([0-9a-f]{64})")
TEXT_SUFFIXES = {".log", ".json", ".txt", ".out", ".err", ".yaml", ".yml", ".md", ".prom", ".xml", ".csv", ".html"}
MAX_FILE = 64 << 20
MAX_PLAIN = 1 << 20  # files without a suffix (e.g. storage files of the test double) only up to this size

_lock = threading.Lock()
_secrets: dict[bytes, str] = {}
_outputs: list[tuple[str, bytes]] = []
_exempt: list[tuple[str, bytes]] = []  # presign output: scanned for everything but its own signatures
result: dict = {}
_figures: list[str] = []


def add_figure(line: str):
    """A line of figures (fault runs, crash-resume runs, …) printed with the secret scan's in the terminal summary."""
    with _lock:
        _figures.append(line)


def register(value, kind: str):
    """Adds a secret to search for (values shorter than 6 bytes are too common to search)."""
    if value is None:
        return
    raw = value.encode() if isinstance(value, str) else bytes(value)
    if len(raw) >= 6:
        with _lock:
            _secrets.setdefault(raw, kind)


def _learn(args, env):
    argv = [str(a) for a in (args if isinstance(args, (list, tuple)) else [args])]
    for i, a in enumerate(argv):
        for flag in SECRET_FLAGS:
            value = None
            if a == flag and i + 1 < len(argv):
                value = argv[i + 1]
            elif a.startswith(flag + "="):
                value = a[len(flag) + 1:]
            if value is not None:
                if flag == "--auth-key":
                    value = value.split(",", 1)[-1]
                elif flag == "--management-key":
                    value = value.split("=", 1)[0].rsplit("@", 1)[0]
                register(value, flag.lstrip("-"))
    for name in SECRET_ENV:
        if env and env.get(name):
            register(env[name], name)


def _label(args) -> str:
    argv = [str(a) for a in (args if isinstance(args, (list, tuple)) else [args])]
    return " ".join([os.path.basename(argv[0])] + argv[1:3]) if argv else "?"


def record_output(args, result_or_stdout, stderr=None):
    """Records a finished command's output (a CompletedProcess, or stdout and stderr bytes)."""
    if hasattr(result_or_stdout, "stdout"):
        stdout, stderr = result_or_stdout.stdout, result_or_stdout.stderr
    else:
        stdout = result_or_stdout
    label = _label(args)
    argv = [str(a) for a in (args if isinstance(args, (list, tuple)) else [args])]
    presign = "presign" in argv
    with _lock:
        for name, data in (("stdout", stdout), ("stderr", stderr)):
            if isinstance(data, str):
                data = data.encode()
            if not data:
                continue
            if presign and name == "stdout":
                for sig in SIGNATURE.findall(data):
                    _secrets.setdefault(sig, "presigned signature")
                _exempt.append((f"{label} ({name})", data))
            else:
                _outputs.append((f"{label} ({name})", data))


def record_file(path, label=None, allow_signatures=False):
    """Records a file's contents now (for logs that are deleted before the session ends). `allow_signatures`: scanned
    for every secret but not for request signatures (an S3 server's request log holds the presigned URLs nodes
    fetched: the store necessarily sees them; qsnap's own outputs never may)."""
    try:
        data = pathlib.Path(path).read_bytes()
    except OSError:
        return
    with _lock:
        (_exempt if allow_signatures else _outputs).append((label or str(path), data))


def install():
    """Hooks `subprocess.Popen` (learn secrets, capture communicated output) and the S3 servers' log removal."""
    if getattr(subprocess.Popen, "_qsnap_secret_scan", False):
        return
    original_init = subprocess.Popen.__init__
    original_communicate = subprocess.Popen.communicate

    def init(self, *a, **kw):
        args = a[0] if a else kw.get("args")
        env = kw.get("env") if kw.get("env") is not None else (a[9] if len(a) > 9 else None)
        _learn(args, env if env is not None else os.environ)
        original_init(self, *a, **kw)

    def communicate(self, *a, **kw):
        out, err = original_communicate(self, *a, **kw)
        record_output(self.args, out, err)
        return out, err

    subprocess.Popen.__init__ = init
    subprocess.Popen.communicate = communicate
    subprocess.Popen._qsnap_secret_scan = True

    try:
        import s3servers
    except ImportError:
        return
    original_stop = s3servers.S3Server.stop

    def stop(self):
        if self.secret_key:
            register(self.secret_key, f"{self.name} secret key")
        log = getattr(self, "log", None)
        path = log.name if log is not None else None
        # stop the server first so that its last lines are in the log, then read the log before it is removed
        proc = self.proc
        if proc and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if path:
            record_file(path, f"{self.name} server log", allow_signatures=True)
        original_stop(self)

    s3servers.S3Server.stop = stop


def _text_files(root: pathlib.Path):
    for p in root.rglob("*"):
        try:
            if not p.is_file() or p.is_symlink():
                continue
            size = p.stat().st_size
            suffix = p.suffix.lower()
            if (suffix in TEXT_SUFFIXES and size <= MAX_FILE) or (suffix == "" and size <= MAX_PLAIN):
                yield p
        except OSError:
            continue


def find_leaks(label: str, data: bytes, secrets: dict, allow_signatures=False) -> list[str]:
    """The hits in one source: any registered secret, and any SigV4 signature unless allowed."""
    hits = []
    for secret, kind in secrets.items():
        if allow_signatures and kind == "presigned signature":
            continue
        if secret in data:
            hits.append(f"{label}: contains a {kind}")
    if not allow_signatures:
        m = SIGNATURE.search(data)
        if m:
            hits.append(f"{label}: contains a SigV4 signature ({m.group(0)[:24].decode()}…)")
    return hits


def scan(basetemp) -> dict:
    """Searches every recorded output and text file below basetemp; returns the figures and the hits."""
    with _lock:
        secrets = dict(_secrets)
        sources = list(_outputs)
        exempt = list(_exempt)
    hits = []
    files = 0
    nbytes = 0
    for label, data in sources:
        nbytes += len(data)
        hits += find_leaks(label, data, secrets)
    for label, data in exempt:
        nbytes += len(data)
        hits += find_leaks(label, data, secrets, allow_signatures=True)
    if basetemp is not None and pathlib.Path(basetemp).exists():
        for p in _text_files(pathlib.Path(basetemp)):
            try:
                data = p.read_bytes()
            except OSError:
                continue
            files += 1
            nbytes += len(data)
            hits += find_leaks(str(p), data, secrets)
    result.update(outputs=len(sources) + len(exempt), files=files, bytes=nbytes, secrets=len(secrets),
                  kinds=sorted(set(secrets.values())), hits=hits)
    return result


def pytest_sessionfinish(session, exitstatus):
    factory = getattr(session.config, "_tmp_path_factory", None)
    basetemp = None
    if factory is not None:
        try:
            basetemp = factory.getbasetemp()
        except Exception:  # noqa: BLE001  (no temporary directory was made)
            basetemp = None
    scan(basetemp)
    if result["hits"] and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not result:
        return
    tr = terminalreporter
    if _figures:
        tr.write_sep("=", "reliability figures")
        for line in _figures:
            tr.write_line(line)
    tr.write_sep("=", "secret scan")
    tr.write_line(f"secret scan: {result['outputs']} captured outputs and {result['files']} files, "
                  f"{result['bytes']} bytes scanned for {result['secrets']} secrets "
                  f"({', '.join(result['kinds']) or 'none'}) and SigV4 signatures: {len(result['hits'])} hits")
    for hit in result["hits"][:50]:
        tr.write_line(f"SECRET LEAK: {hit}", red=True)
