"""Plain GNU tar writer in the style of Rust's `tar::Builder` as Qdrant uses it.

GNU headers, sparse files written as GNU sparse entries (typeflag 'S', old GNU format), long names via
`././@LongLink`, in-memory entries with mode 0644 and mtime 0, two zero blocks at the end.
"""
from __future__ import annotations

import os

BLOCK = 512
_CHUNK = 1 << 20


def _octal(value: int, width: int) -> bytes:
    text = format(value, "o").encode()
    if len(text) > width - 1:
        # GNU base-256 for large values
        out = bytearray(width)
        out[0] = 0x80
        for i in range(width - 1, 0, -1):
            out[i] = value & 0xFF
            value >>= 8
        return bytes(out)
    return text.rjust(width - 1, b"0") + b"\0"


def data_regions(path: str, size: int) -> list[tuple[int, int]] | None:
    """Data regions of a file (offset, length), or None if the file has no holes."""
    if size == 0:
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        regions = []
        pos = 0
        while pos < size:
            try:
                start = os.lseek(fd, pos, os.SEEK_DATA)
            except OSError:
                break
            end = os.lseek(fd, start, os.SEEK_HOLE)
            regions.append((start, end - start))
            pos = end
    finally:
        os.close(fd)
    if len(regions) == 1 and regions[0] == (0, size):
        return None
    return regions


class TarWriter:
    """Writes a tar stream to a binary file-like object (anything with `write`)."""

    def __init__(self, out):
        self.out = out
        self.written = 0

    def _write(self, data: bytes) -> None:
        if data:
            self.out.write(data)
            self.written += len(data)

    def _pad(self, size: int) -> None:
        rem = size % BLOCK
        if rem:
            self._write(b"\0" * (BLOCK - rem))

    def _header(self, name: str, size: int, typeflag: bytes, mode: int = 0o644, mtime: int = 0,
                sparse: list[tuple[int, int]] | None = None, realsize: int = 0) -> None:
        raw = name.encode()
        if len(raw) > 100:
            self._header("././@LongLink", len(raw) + 1, b"L")
            self._write(raw + b"\0")
            self._pad(len(raw) + 1)
            raw = raw[:100]
        h = bytearray(BLOCK)
        h[0:len(raw)] = raw
        h[100:108] = _octal(mode, 8)
        h[108:116] = _octal(0, 8)
        h[116:124] = _octal(0, 8)
        h[124:136] = _octal(size, 12)
        h[136:148] = _octal(mtime, 12)
        h[156:157] = typeflag
        h[257:265] = b"ustar  \0"
        extended: list[tuple[int, int]] = []
        if sparse is not None:
            first, extended = sparse[:4], sparse[4:]
            for i, (off, length) in enumerate(first):
                base = 386 + i * 24
                h[base:base + 12] = _octal(off, 12)
                h[base + 12:base + 24] = _octal(length, 12)
            h[482] = 1 if extended else 0
            h[483:495] = _octal(realsize, 12)
        h[148:156] = b" " * 8
        chksum = sum(h)
        h[148:156] = format(chksum, "06o").encode() + b"\0 "
        self._write(bytes(h))
        while extended:
            chunk, extended = extended[:21], extended[21:]
            e = bytearray(BLOCK)
            for i, (off, length) in enumerate(chunk):
                e[i * 24:i * 24 + 12] = _octal(off, 12)
                e[i * 24 + 12:i * 24 + 24] = _octal(length, 12)
            e[504] = 1 if extended else 0
            self._write(bytes(e))

    def add_dir(self, name: str) -> None:
        self._header(name.rstrip("/") + "/", 0, b"5", mode=0o755)

    def add_bytes(self, name: str, data: bytes) -> None:
        self._header(name, len(data), b"\0")
        self._write(data)
        self._pad(len(data))

    def add_file(self, name: str, path: str) -> None:
        st = os.stat(path)
        size = st.st_size
        regions = data_regions(path, size)
        mtime = int(st.st_mtime)
        if regions is None:
            self._header(name, size, b"0", mtime=mtime)
            with open(path, "rb") as f:
                remaining = size
                while remaining > 0:
                    buf = f.read(min(_CHUNK, remaining))
                    if not buf:
                        raise IOError(f"{path} shrank while archiving")
                    self._write(buf)
                    remaining -= len(buf)
            self._pad(size)
            return
        if not regions or regions[-1][0] + regions[-1][1] < size:
            regions.append((size, 0))
        stored = sum(length for _, length in regions)
        self._header(name, stored, b"S", mtime=mtime, sparse=regions, realsize=size)
        with open(path, "rb") as f:
            for off, length in regions:
                f.seek(off)
                remaining = length
                while remaining > 0:
                    buf = f.read(min(_CHUNK, remaining))
                    if not buf:
                        raise IOError(f"{path} shrank while archiving")
                    self._write(buf)
                    remaining -= len(buf)
        self._pad(stored)

    def add_tree(self, prefix: str, root: str, skip: set[str] | None = None) -> None:
        """Adds every file under `root` as `prefix/relpath` (directories only where they are empty)."""
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            rel = os.path.relpath(dirpath, root)
            relprefix = prefix if rel == "." else f"{prefix}/{rel}" if prefix else rel
            if not filenames and not dirnames:
                self.add_dir(relprefix)
            for fn in sorted(filenames):
                if skip and rel == "." and fn in skip:
                    continue
                self.add_file(f"{relprefix}/{fn}" if relprefix else fn, os.path.join(dirpath, fn))

    def finish(self) -> None:
        self._write(b"\0" * (2 * BLOCK))
