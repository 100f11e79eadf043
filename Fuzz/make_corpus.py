"""Builds the seed corpus of the archive-inspector fuzz target (Fuzz/corpus).

Seeds, each at most MAX_SEED bytes:
* the real Qdrant archives of ../shared/fixtures/qdrant, decompressed and shrunk: the same entries, names, types,
  metadata files (JSON, version.info) and nesting (collection snapshots in full snapshots, segment tars in shards),
  with bulk data cut to a few bytes; every shrunk collection snapshot and segment tar is also a seed of its own;
* the shard snapshot fixture as it is;
* generated Qdrant-like archives (Tests/Integration/malicious.py: a sound collection snapshot and every malicious
  kind but the gzip bomb, which is too slow per execution), plus gzip and zstd copies of small seeds.

    python Fuzz/make_corpus.py [--shared ../shared] [OUT_DIR]
"""
import argparse
import gzip
import hashlib
import io
import pathlib
import shutil
import subprocess
import sys
import tarfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
MAX_SEED = 256 * 1024
KEEP = (".json", ".info", ".checksum")


def shrink(data_stream, keep_bytes=24) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Re-writes a tar read from `data_stream` with bulk data cut; returns it and the nested archives shrunk too."""
    out = io.BytesIO()
    nested: list[tuple[str, bytes]] = []
    with tarfile.open(fileobj=data_stream, mode="r|*") as src, tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT) as dst:
        for m in src:
            info = tarfile.TarInfo(m.name)
            info.type = tarfile.REGTYPE if m.issparse() else m.type
            info.mode, info.mtime, info.uid, info.gid = m.mode, m.mtime, m.uid, m.gid
            info.linkname = m.linkname
            if m.isfile() or m.issparse():
                f = src.extractfile(m)
                if m.name.endswith((".tar", ".snapshot")):
                    body, inner = shrink(f, keep_bytes)
                    nested.append((m.name, body))
                    nested.extend(inner)
                elif m.name.endswith(KEEP) and m.size <= 64 * 1024:
                    body = f.read()
                else:
                    body = f.read(keep_bytes)
                info.size = len(body)
                dst.addfile(info, io.BytesIO(body))
            else:
                dst.addfile(info)
    return out.getvalue(), nested


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default=str(ROOT / "Fuzz" / "corpus"))
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    args = ap.parse_args()
    fixtures = pathlib.Path(args.shared) / "fixtures" / "qdrant"
    out = pathlib.Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    seeds: dict[str, bytes] = {}

    def add(name, data):
        if 0 < len(data) <= MAX_SEED:
            seeds[name] = data
        elif len(data) > MAX_SEED:  # too large plain: its gzip copy still carries the structure
            packed = gzip.compress(data, mtime=0)
            if len(packed) <= MAX_SEED:
                seeds[name + ".gz"] = packed

    for gz in sorted(fixtures.glob("*.snapshot.gz")):
        with gzip.open(gz, "rb") as f:
            full, nested = shrink(f)
        stem = gz.name.removesuffix(".snapshot.gz")
        add(f"real-{stem}-full-shrunk.snapshot", full)
        for i, (name, body) in enumerate(nested):
            kind = "segment" if name.endswith(".tar") else "collection"
            add(f"real-{stem}-{kind}-{i:03d}.tar", body)
    for plain in sorted(fixtures.glob("*.snapshot")):
        add(f"real-{plain.name}", plain.read_bytes())

    sys.path.insert(0, str(ROOT / "Tests" / "Integration"))
    import malicious  # noqa: E402

    add("gen-valid-collection.snapshot", malicious.valid_collection())
    for kind in malicious.KINDS.values():
        if kind.name != "gzip-bomb":
            add(f"gen-{kind.name}.snapshot", kind.build())
    small = sorted((n for n in seeds if len(seeds[n]) <= 16 * 1024), key=lambda n: (len(seeds[n]), n))[:8]
    for name in small:
        add(name + ".gz", gzip.compress(seeds[name], mtime=0))
        if shutil.which("zstd"):
            z = subprocess.run(["zstd", "-q", "-c"], input=seeds[name], capture_output=True, check=True).stdout
            add(name + ".zst", z)
    # the real collection seeds repeat each other: keep one per distinct content
    unique: dict[str, str] = {}
    for name in sorted(seeds):
        unique.setdefault(hashlib.sha256(seeds[name]).hexdigest(), name)
    total = 0
    for digest, name in sorted(unique.items(), key=lambda x: x[1]):
        (out / name).write_bytes(seeds[name])
        total += len(seeds[name])
    print(f"{len(unique)} seeds, {total} bytes in {out}")


if __name__ == "__main__":
    main()
