"""Where a node keeps its snapshots: Qdrant's `SnapshotStorageManager` (`storage.snapshots_config`).

Every backend is addressed by the node's local snapshot directories (`<snapshots>/<collection>`,
`<snapshots>/<collection>/shards/<id>`, `<snapshots>`) and a bare file name; the S3 backend
(`s3_snapshot_storage.py`) turns them into object keys. Callers never touch snapshot files directly.
"""
from __future__ import annotations

import datetime as dt
import os

from .errors import not_found


def validate_snapshot_name(name: str) -> None:
    """Qdrant's `validate_snapshot_name`: the name must be a bare file name (404 otherwise)."""
    if name in ("", ".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise not_found(f"Snapshot {name} not found")


class SnapshotStorage:
    """The interface (Qdrant's `SnapshotStorageManager` methods).

    remote: False for the local file system (downloads are files served with Range support), True for object
    storage (downloads are streamed through the node)."""

    remote = False

    def list(self, directory: str) -> list[dict]:
        """The snapshot descriptions under `directory` (`list_snapshots`)."""
        raise NotImplementedError

    def check(self, directory: str, name: str) -> str:
        """`get_snapshot_path`: refuses a name that is not a bare file name (404); the local backend also
        requires the file to exist (404). Returns the path (local) or the object key."""
        raise NotImplementedError

    def store(self, tmp_archive: str, checksum: str, directory: str, name: str) -> dict:
        """`store_file`: makes the finished archive `tmp_archive` the snapshot `directory/name`; on success
        `tmp_archive` is gone. Returns its description."""
        raise NotImplementedError

    def delete(self, directory: str, name: str) -> bool:
        raise NotImplementedError

    def open(self, directory: str, name: str):
        """For a download: the local path (local backend) or an object with `iter_chunks()` and `close()`
        (remote backend); 404 when there is no such snapshot."""
        raise NotImplementedError

    def fetch(self, directory: str, name: str, local_path: str) -> None:
        """`get_stored_file`: puts the snapshot at `local_path` (the local backend moves it away, the remote one
        downloads a copy)."""
        raise NotImplementedError

    def local_copy(self, directory: str, name: str, temp_dir: str) -> str:
        """`get_snapshot_file`: a local file holding the snapshot (the file itself, or a download in temp_dir)."""
        raise NotImplementedError

    def info(self) -> dict:
        """What the admin API reports about this backend (nothing for the local one)."""
        return {}


class LocalSnapshotStorage(SnapshotStorage):
    """`snapshots_storage: local` (the default): files in the node's snapshots directory with `.checksum`
    sidecars."""

    @staticmethod
    def describe(path: str) -> dict:
        st = os.stat(path)
        d = {"name": os.path.basename(path),
             "creation_time": dt.datetime.fromtimestamp(int(st.st_mtime), dt.timezone.utc)
             .strftime("%Y-%m-%dT%H:%M:%S"),
             "size": st.st_size}
        ck = path + ".checksum"
        if os.path.exists(ck):
            with open(ck) as f:
                d["checksum"] = f.read().strip()
        return d

    def list(self, directory: str) -> list[dict]:
        if not os.path.isdir(directory):
            return []
        out = []
        with os.scandir(directory) as it:  # read_dir order, unsorted like Qdrant
            for e in it:
                if e.is_file() and e.name.endswith(".snapshot"):
                    out.append(self.describe(e.path))
        return out

    def check(self, directory: str, name: str) -> str:
        validate_snapshot_name(name)
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            raise not_found(f"Snapshot {name} not found")
        return path

    def store(self, tmp_archive: str, checksum: str, directory: str, name: str) -> dict:
        """Qdrant's local store: checksum temp file, archive rename, checksum promote."""
        os.makedirs(directory, exist_ok=True)
        final = os.path.join(directory, name)
        ck_tmp = final + ".checksum.tmp"
        with open(ck_tmp, "w") as f:
            f.write(checksum)
        os.replace(tmp_archive, final)
        os.replace(ck_tmp, final + ".checksum")
        return self.describe(final)

    def delete(self, directory: str, name: str) -> bool:
        path = self.check(directory, name)
        os.unlink(path)
        try:
            os.unlink(path + ".checksum")
        except OSError:
            pass
        return True

    def open(self, directory: str, name: str) -> str:
        return self.check(directory, name)

    def fetch(self, directory: str, name: str, local_path: str) -> None:
        os.replace(os.path.join(directory, name), local_path)  # leaves its .checksum behind, as Qdrant's move

    def local_copy(self, directory: str, name: str, temp_dir: str) -> str:
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            raise not_found(f"Snapshot {name} not found")
        return path


def make_storage(snapshots_dir: str, s3: dict | None, client=None) -> SnapshotStorage:
    """The backend of one node: local, or S3 when `s3` ({bucket, endpoint, region}) is given; `client` is the
    boto3 S3 client the nodes share."""
    if not s3:
        return LocalSnapshotStorage()
    from .s3_snapshot_storage import S3SnapshotStorage
    return S3SnapshotStorage(client, s3["bucket"], s3["endpoint"], snapshots_dir)
