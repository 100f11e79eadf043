"""TLS for the test double: throw-away certificates, server contexts, and `*.localhost` name resolution for Python
clients (libcurl resolves `*.localhost` to loopback by itself; Python's resolver may not)."""
from __future__ import annotations

import contextlib
import os
import socket
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path


@dataclass
class TlsFiles:
    """PEM files of a throw-away CA, a server certificate signed by it, and a client certificate signed by it."""
    directory: Path
    ca: Path            # CA certificate: trust it to verify the server (and give it as --tls-client-ca for mTLS)
    cert: Path          # server certificate (SANs: localhost, *.localhost, 127.0.0.1, ::1 and any extra names)
    key: Path           # server key
    client_cert: Path   # client certificate for mutual TLS (signed by the same CA)
    client_key: Path


def cloud_hostnames(cluster_id: str, nodes: int = 16) -> list[str]:
    """The Cloud front door's names: `<cluster>.localhost` and `node-<n>-<cluster>.localhost` for n < nodes."""
    return [f"{cluster_id}.localhost"] + [f"node-{n}-{cluster_id}.localhost" for n in range(nodes)]


def make_tls_files(directory, hostnames=(), name: str = "qsnap test CA", cloud: str | None = None,
                   nodes: int = 16) -> TlsFiles:
    """Creates a CA and server + client certificates under `directory` (valid 2 days, EC P-256).

    The server certificate covers `localhost`, `*.localhost`, 127.0.0.1, ::1, `hostnames` and, with `cloud`, the
    names of that cluster's front door (cloud_hostnames). OpenSSL (and so libcurl and Python) does not let the
    wildcard `*.localhost` match `c1.localhost` (a wildcard needs two labels after it), hence the explicit names."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
          .not_valid_after(now + datetime.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))

    def leaf(common_name: str, sans, usage):
        key = ec.generate_private_key(ec.SECP256R1())
        builder = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
                   .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(hours=1))
                   .not_valid_after(now + datetime.timedelta(days=2))
                   .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                                  critical=False))
        if sans:
            builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
        return builder.sign(ca_key, hashes.SHA256()), key

    names = ["localhost", "*.localhost"] + list(hostnames) + (cloud_hostnames(cloud, nodes) if cloud else [])
    sans = [x509.DNSName(n) for n in dict.fromkeys(names)]
    sans += [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.IPAddress(ipaddress.ip_address("::1"))]
    cert, key = leaf("localhost", sans, ExtendedKeyUsageOID.SERVER_AUTH)
    client_cert, client_key = leaf("qsnap test client", [], ExtendedKeyUsageOID.CLIENT_AUTH)

    files = TlsFiles(directory, directory / "ca.pem", directory / "cert.pem", directory / "key.pem",
                     directory / "client-cert.pem", directory / "client-key.pem")

    def write(path: Path, data: bytes, private: bool = False) -> None:
        path.write_bytes(data)
        if private:
            os.chmod(path, 0o600)

    pem = serialization.Encoding.PEM
    write(files.ca, ca.public_bytes(pem))
    write(files.cert, cert.public_bytes(pem))
    write(files.client_cert, client_cert.public_bytes(pem))
    for path, k in ((files.key, key), (files.client_key, client_key)):
        write(path, k.private_bytes(pem, serialization.PrivateFormat.TraditionalOpenSSL,
                                    serialization.NoEncryption()), private=True)
    return files


def server_context(cert: str, key: str, client_ca: str | None = None) -> ssl.SSLContext:
    """The server side: `cert` (PEM chain) + `key`; with `client_ca`, a client certificate chaining to it is required
    (Qdrant's `service.verify_https_client_certificate` with `tls.ca_cert`)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    ctx.set_alpn_protocols(["http/1.1"])
    if client_ca:
        ctx.load_verify_locations(client_ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def outgoing_context(cert: str | None, key: str | None, client_ca: str | None) -> ssl.SSLContext:
    """Qdrant's outgoing HTTP client when TLS is on (recover from an https URL): `tls.ca_cert` added to the roots and
    our certificate presented when client verification is on; without a CA it accepts any certificate and name."""
    ctx = ssl.create_default_context()
    if client_ca:
        ctx.load_verify_locations(client_ca)
        if cert and key:
            ctx.load_cert_chain(cert, key)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def server_handshake(ctx: ssl.SSLContext, sock: socket.socket, timeout: float = 30.0):
    """Wraps an accepted socket and runs the handshake (in the connection's own thread); None if it fails."""
    try:
        sock.settimeout(timeout)
        tls = ctx.wrap_socket(sock, server_side=True)
        tls.settimeout(None)
        return tls
    except (ssl.SSLError, OSError):
        try:
            sock.close()
        except OSError:
            pass
        return None


# ------------------------------------------------------------------------------------------ *.localhost resolution

_real_getaddrinfo = socket.getaddrinfo
_patch_lock = threading.Lock()
_patch_depth = 0


def _localhost_getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    name = host.decode() if isinstance(host, bytes) else host
    if isinstance(name, str) and name.lower().rstrip(".").endswith(".localhost"):
        host = "127.0.0.1" if family in (0, socket.AF_INET, socket.AF_UNSPEC) else "::1"
    return _real_getaddrinfo(host, port, family, type, proto, flags)


def install_localhost_resolver() -> None:
    """Makes `socket.getaddrinfo` resolve every `*.localhost` name to loopback, as libcurl and browsers do (RFC 6761).
    Process-wide and idempotent; Python HTTP clients (requests, httpx, urllib, qdrant-client) then reach the Cloud
    front door's `https://<cluster>.localhost:<port>` and `https://node-<n>-<cluster>.localhost:<port>` names."""
    global _patch_depth
    with _patch_lock:
        _patch_depth += 1
        socket.getaddrinfo = _localhost_getaddrinfo


def uninstall_localhost_resolver() -> None:
    global _patch_depth
    with _patch_lock:
        _patch_depth = max(0, _patch_depth - 1)
        if _patch_depth == 0:
            socket.getaddrinfo = _real_getaddrinfo


@contextlib.contextmanager
def localhost_resolution():
    """`with localhost_resolution(): ...` — install_localhost_resolver() for the duration of the block."""
    install_localhost_resolver()
    try:
        yield
    finally:
        uninstall_localhost_resolver()
