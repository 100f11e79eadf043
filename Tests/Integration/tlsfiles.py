"""A throw-away CA and a server certificate for 127.0.0.1, for TLS tests and benches: the test double's own maker
(qdrant_testbed.tls), so that every TLS test trusts certificates made one way."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Testbed"))

from qdrant_testbed.tls import make_tls_files as _make  # noqa: E402


def make_tls_files(directory):
    """A CA certificate and a server certificate for 127.0.0.1 signed by it; returns (ca.pem, cert.pem, key.pem)."""
    files = _make(directory)
    return str(files.ca), str(files.cert), str(files.key)
