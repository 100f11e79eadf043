"""Qdrant's snapshot archive layouts (qdrant-api.md §4) and the safe unpacker."""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import shutil
import tarfile
import tempfile

from .errors import service_error
from .tarwriter import TarWriter

COLLECTION_VERSION = b"0.4.2"


class HashingFile:
    """File wrapper computing SHA-256 of what is written."""

    def __init__(self, f):
        self.f = f
        self.sha = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self.sha.update(data)
        self.f.write(data)


def segment_tar(segment_dir: str, out_path: str) -> None:
    """Regular segment format: nested tar with `snapshot/files/<relpath>`."""
    with open(out_path, "wb") as f:
        w = TarWriter(f)
        w.add_dir("snapshot")
        w.add_tree("snapshot/files", segment_dir)
        w.finish()


def write_shard_dir(w: TarWriter, prefix: str, replica_dir: str, tmp_dir: str, *, regular: bool,
                    save_wal: bool, extra: dict[str, bytes]) -> None:
    """Writes one local shard's data (segments, wal) and the server-only JSON files under `prefix`."""
    p = f"{prefix}/" if prefix else ""
    seg_root = os.path.join(replica_dir, "segments")
    for seg in sorted(os.listdir(seg_root)) if os.path.isdir(seg_root) else []:
        seg_dir = os.path.join(seg_root, seg)
        if not os.path.isdir(seg_dir) or seg.startswith("."):
            continue
        if regular:
            fd, tmp = tempfile.mkstemp(dir=tmp_dir, suffix=".tar")
            os.close(fd)
            try:
                segment_tar(seg_dir, tmp)
                w.add_file(f"{p}segments/{seg}.tar", tmp)
            finally:
                os.unlink(tmp)
        else:
            w.add_tree(f"{p}segments/{seg}/files", seg_dir)
    w.add_dir(f"{p}wal")
    wal = os.path.join(replica_dir, "wal")
    if save_wal and os.path.isdir(wal):
        for fn in sorted(os.listdir(wal)):
            w.add_file(f"{p}wal/{fn}", os.path.join(wal, fn))
    for name, data in extra.items():
        w.add_bytes(f"{p}{name}", data)


class HashingReader:
    """Read wrapper computing SHA-256 of what is read when asked (Qdrant's `HashingReader` around a download)."""

    def __init__(self, f, compute: bool):
        self.f = f
        self.sha = hashlib.sha256() if compute else None

    def read(self, n: int = -1) -> bytes:
        # what has arrived (up to n), not n bytes: the unpacker keeps pace with the download
        data = self.f.read1(n) if n > 0 and hasattr(self.f, "read1") else self.f.read(n)
        if self.sha is not None:
            self.sha.update(data)
        return data

    def drain(self) -> None:
        """Reads what the unpacker left (a tar's trailing padding) so that the whole body is hashed."""
        if self.sha is not None:
            while self.read(1 << 20):
                pass

    def hexdigest(self) -> str | None:
        return self.sha.hexdigest() if self.sha is not None else None


def safe_extract(archive: str, target: str) -> None:
    """Unpacks a tar accepting only Regular, Directory and GNU sparse entries, as Qdrant's unpacker does."""
    try:
        with tarfile.open(archive, "r:", copybufsize=1 << 20) as t:
            _extract_members(t, target)
    except tarfile.TarError as e:
        raise service_error(f"failed to unpack snapshot archive: {e}") from None


def safe_extract_stream(reader, target: str) -> None:
    """Unpacks a tar as it is read from `reader`, in one pass and without an intermediate file, as Qdrant (≥ 1.17)
    does with a download (`download_and_unpack_tar`); same entry checks as `safe_extract`."""
    try:
        with tarfile.open(fileobj=reader, mode="r|", bufsize=1 << 20, copybufsize=1 << 20) as t:
            _extract_members(t, target)
    except (tarfile.TarError, OSError, http.client.HTTPException) as e:
        raise service_error(f"Failed to unpack tar archive: Malformed tar archive, unable to read entries: {e}") \
            from None


def _extract_members(t: tarfile.TarFile, target: str) -> None:
    for m in t:
        if not (m.isreg() or m.isdir()):
            raise service_error("Forbidden entry type in tar archive")
        name = m.name
        if name.startswith("/") or ".." in name.split("/"):
            raise service_error(f"Forbidden path in tar archive: {name}")
        t.extract(m, target, set_attrs=False, filter="fully_trusted")


def retar_dir(src_dir: str, out_path: str) -> None:
    """Packs a directory back into a plain tar (to hand a collection snapshot's shard folder to Qdrant Edge)."""
    with open(out_path, "wb") as f:
        w = TarWriter(f)
        w.add_tree("", src_dir)
        w.finish()


def json_bytes(obj, pretty: bool = False) -> bytes:
    if pretty:
        return json.dumps(obj, indent=2).encode()
    return json.dumps(obj, separators=(",", ":")).encode()


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def has_shard_data(d: str) -> bool:
    return os.path.isdir(os.path.join(d, "segments")) or os.path.isdir(os.path.join(d, "wal"))


def rmtree(path: str) -> None:
    shutil.rmtree(path, ignore_errors=True)
