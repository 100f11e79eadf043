"""A generator of malicious and damaged snapshot archives, each shaped like a Qdrant snapshot up to its one defect.

`KINDS` maps a kind name to a `Kind`: how to build its bytes and what a refusal must say (the error identifier
qsnap uses and a phrase of its message). Run as a script to write every kind into a directory:

    python Tests/Integration/malicious.py OUT_DIR
"""
import dataclasses
import gzip
import io
import json
import random
import sys
import zlib

BLOCK = 512


def _octal(value: int, width: int) -> bytes:
    return (format(value, "o").rjust(width - 1, "0")).encode() + b"\0"


def header(name: bytes, size: int = 0, typeflag: bytes = b"0", link: bytes = b"", mode: int = 0o644,
           devmajor: int = 0, devminor: int = 0) -> bytes:
    """One GNU tar header block (names longer than 100 bytes get a ././@LongLink entry first)."""
    out = b""
    if len(name) > 100:
        out += header(b"././@LongLink", len(name) + 1, b"L") + _pad(name + b"\0")
        name = name[:100]
    if len(link) > 100:
        out += header(b"././@LongLink", len(link) + 1, b"K") + _pad(link + b"\0")
        link = link[:100]
    h = bytearray(BLOCK)
    h[0:len(name)] = name
    h[100:108] = _octal(mode, 8)
    h[108:116] = _octal(0, 8)
    h[116:124] = _octal(0, 8)
    h[124:136] = _octal(size, 12)
    h[136:148] = _octal(1_700_000_000, 12)
    h[148:156] = b" " * 8
    h[156:157] = typeflag
    h[157:157 + len(link)] = link
    h[257:265] = b"ustar  \0"
    h[265:269] = b"root"
    h[297:301] = b"root"
    h[329:337] = _octal(devmajor, 8)
    h[337:345] = _octal(devminor, 8)
    h[148:156] = format(sum(h), "06o").encode() + b"\0 "
    return out + bytes(h)


def _pad(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % BLOCK)


class Tar:
    """A minimal tar writer that writes whatever it is told, including what a safe writer would refuse."""

    def __init__(self):
        self.parts: list[bytes] = []

    def file(self, name, data=b""):
        name = name.encode() if isinstance(name, str) else name
        data = data.encode() if isinstance(data, str) else data
        self.parts.append(header(name, len(data)) + _pad(data))
        return self

    def directory(self, name):
        self.parts.append(header(name.encode(), 0, b"5", mode=0o755))
        return self

    def symlink(self, name, target):
        self.parts.append(header(name.encode(), 0, b"2", target.encode()))
        return self

    def hardlink(self, name, target):
        self.parts.append(header(name.encode(), 0, b"1", target.encode()))
        return self

    def device(self, name, typeflag, major=1, minor=3):
        self.parts.append(header(name.encode(), 0, typeflag, devmajor=major, devminor=minor))
        return self

    def raw(self, data: bytes):
        self.parts.append(data)
        return self

    def bytes(self, end=True) -> bytes:
        return b"".join(self.parts) + (b"\0" * (2 * BLOCK) if end else b"")


SEGMENT_UUID = "5b7c3a2e-1f0d-4c59-9e51-7a1d0c3b2f10"


def collection_config(dim=8):
    return json.dumps({"params": {"vectors": {"dense": {"size": dim, "distance": "Cosine"}}, "shard_number": 1,
                                  "replication_factor": 1}, "hnsw_config": {"m": 16}, "optimizer_config": {},
                       "wal_config": {"wal_capacity_mb": 32}})


def collection_prefix(t: Tar) -> Tar:
    """The opening entries of a Qdrant collection snapshot (config, version, shard 0 metadata)."""
    t.file("config.json", collection_config())
    t.file("version.info", "0.4.2")
    t.directory("0")
    t.file("0/replica_state.json", json.dumps({"is_local": True, "this_peer_id": 7, "peers": {"7": "Active"}}))
    t.file("0/shard_config.json", json.dumps({"type": "Local"}))
    return t


def segment_tar(first_entry) -> bytes:
    """A nested `segments/<uuid>.tar` whose first entry is `first_entry(tar)`, then ordinary segment files."""
    inner = Tar()
    first_entry(inner)
    inner.directory("snapshot")
    inner.file("snapshot/files/segment.json", json.dumps({"version": 1}))
    return inner.bytes()


def valid_collection() -> bytes:
    """A small, sound collection snapshot (what every defect below is a variation of)."""
    t = collection_prefix(Tar())
    t.file(f"0/segments/{SEGMENT_UUID}.tar", segment_tar(lambda i: i.file("snapshot/files/id_tracker.mappings", b"\1" * 64)))
    t.file("0/wal/open-1", b"\0" * 4096)
    return t.bytes()


def gzip_bomb(unpacked_gib: int = 2) -> bytes:
    """A tar entry of `unpacked_gib` GiB of zeros, gzip-compressed twice: about 10 KiB on disk.

    The inner gzip is a chain of identical members (each 1 MiB of zeros), which gzip readers concatenate; the outer
    gzip squeezes the repetition. Built in well under a second, unlike compressing gigabytes.
    """
    size = unpacked_gib << 30
    head = collection_prefix(Tar()).file("0/wal/open-0", "x").raw(header(b"0/wal/open-1", size)).bytes(end=False)
    zeros_member = gzip.compress(b"\0" * (1 << 20), compresslevel=9, mtime=0)
    inner = io.BytesIO()
    inner.write(gzip.compress(head, mtime=0))
    for _ in range(unpacked_gib << 10):
        inner.write(zeros_member)
    inner.write(gzip.compress(b"\0" * (2 * BLOCK), mtime=0))
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    return c.compress(inner.getvalue()) + c.flush()


@dataclasses.dataclass(frozen=True)
class Kind:
    """One kind of bad archive: its bytes, the error identifier and a phrase the refusal must contain."""

    name: str
    build: object
    identifier: str
    phrase: str
    file_name: str = "evil-collection.snapshot"


def _truncated() -> bytes:
    data = valid_collection()
    return data[: len(data) // 2 + 100]


def _huge_declared() -> bytes:
    t = collection_prefix(Tar())
    t.raw(header(b"0/wal/open-1", 0o77777777777) + b"A" * BLOCK)
    return t.bytes(end=False)


def _non_tar() -> bytes:
    rng = random.Random(1234)
    return bytes(rng.getrandbits(8) for _ in range(8192))


KINDS = {k.name: k for k in [
    Kind("absolute-path", lambda: collection_prefix(Tar()).file("/etc/cron.d/qsnap-evil", "* * * * * root id\n").bytes(),
         "archive.absolute-path", "absolute path"),
    Kind("dotdot", lambda: collection_prefix(Tar()).file("0/../../../tmp/qsnap-evil", "x").bytes(),
         "archive.path-traversal", "'..'"),
    Kind("symlink-escape", lambda: collection_prefix(Tar()).symlink("0/wal/evil", "../../../../etc/passwd").bytes(),
         "archive.link", "escapes the archive root"),
    Kind("hardlink-escape", lambda: collection_prefix(Tar()).hardlink("0/wal/evil", "../../etc/shadow").bytes(),
         "archive.link", "hard link"),
    Kind("char-device", lambda: collection_prefix(Tar()).device("0/wal/null", b"3", 1, 3).bytes(),
         "archive.special-file", "characterDevice"),
    Kind("block-device", lambda: collection_prefix(Tar()).device("0/wal/sda", b"4", 8, 0).bytes(),
         "archive.special-file", "blockDevice"),
    Kind("fifo", lambda: collection_prefix(Tar()).device("0/wal/pipe", b"6", 0, 0).bytes(),
         "archive.special-file", "fifo"),
    Kind("duplicate-entry", lambda: collection_prefix(Tar()).file("./config.json", collection_config(4)).bytes(),
         "archive.duplicate-entry", "appears twice"),
    Kind("huge-declared-size", _huge_declared, "archive.corrupt", "truncated"),
    Kind("truncated-tar", _truncated, "archive.corrupt", "truncated"),
    Kind("gzip-bomb", gzip_bomb, "archive.expansion", "decompression bomb", "evil-collection.snapshot.gz"),
    Kind("non-tar", _non_tar, "archive.not-tar", "not a readable tar"),
    Kind("nested-traversal",
         lambda: collection_prefix(Tar()).file(
             f"0/segments/{SEGMENT_UUID}.tar", segment_tar(lambda i: i.file("snapshot/files/../../../../../evil", "x"))).bytes(),
         "archive.path-traversal", f"!0/segments/{SEGMENT_UUID}.tar"),
    Kind("nested-symlink",
         lambda: collection_prefix(Tar()).file(
             f"0/segments/{SEGMENT_UUID}.tar", segment_tar(lambda i: i.symlink("snapshot/files/evil", "/root/.ssh"))).bytes(),
         "archive.link", "snapshot/files/evil"),
    Kind("overlong-name", lambda: collection_prefix(Tar()).file("0/wal/" + "a" * 300, "x").bytes(),
         "archive.overlong-name", "300-byte path component"),
    Kind("overlong-path", lambda: collection_prefix(Tar()).file("0/" + "/".join(["d" * 200] * 25), "x").bytes(),
         "archive.overlong-name", "limit 4096"),
    Kind("invalid-utf8", lambda: collection_prefix(Tar()).file(b"0/wal/\xff\xfe\xc3(", "x").bytes(),
         "archive.invalid-name", "not valid UTF-8"),
]}


def write_all(directory) -> dict:
    """Writes every kind as `<kind>-<file name>` into `directory`; returns {kind: path}."""
    import pathlib

    out = {}
    d = pathlib.Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    for kind in KINDS.values():
        path = d / f"{kind.name}-{kind.file_name}"
        path.write_bytes(kind.build())
        out[kind.name] = path
    return out


if __name__ == "__main__":
    for name, path in write_all(sys.argv[1] if len(sys.argv) > 1 else "malicious-archives").items():
        print(f"{name}\t{path}")
