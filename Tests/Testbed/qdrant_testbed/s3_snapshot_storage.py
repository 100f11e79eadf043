"""`snapshots_storage: s3`: snapshots as objects in a bucket, as Qdrant's `SnapshotStorageCloud` keeps them.

Behaviour (qdrant/qdrant 1.19: `lib/collection/src/common/snapshots_manager.rs`,
`lib/collection/src/operations/snapshot_storage_ops.rs`; object_store 0.14.1 `WriteMultipart`):
* key = the node's local path relative to its snapshots directory under `snapshots/` (Qdrant's default
  `./snapshots` minus the leading `./`): `snapshots/<c>/<name>`, `snapshots/<c>/shards/<id>/<name>`,
  `snapshots/<name>`;
* store: CreateMultipartUpload, 50 MiB parts (more when 10 000 would not do; an empty file is one empty part),
  at most min(CPUs, 8) parts in flight, CompleteMultipartUpload (AbortMultipartUpload on failure); the temp
  archive is deleted, then a HEAD makes the reply: no checksum, `creation_time` = Last-Modified;
* list: recursive listing of `<key>/` (no `.snapshot` filter), names are the last key segment;
* delete: HEAD (404 if absent), then DELETE; download: one GET streamed to the client.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from .errors import not_found, service_error
from .snapshot_storage import SnapshotStorage, validate_snapshot_name

PART_SIZE = 50 * 1024 * 1024
MAX_PARTS = 10_000
MAX_UPLOAD = 5 * 1024 ** 4
KEY_ROOT = "snapshots"


def make_client(endpoint: str, region: str, version: str, env=None):
    """A boto3 S3 client as Qdrant's `AmazonS3Builder::from_env()` + `s3_config` gets one: keys from
    AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, path-style requests to `endpoint`, no request
    checksums (object_store sends none). Without keys the requests go unsigned (no instance metadata look-up)."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    env = os.environ if env is None else env
    key, secret = env.get("AWS_ACCESS_KEY_ID") or None, env.get("AWS_SECRET_ACCESS_KEY") or None
    extra = {} if key and secret else {"signature_version": UNSIGNED}
    cfg = Config(s3={"addressing_style": "path"}, region_name=region, user_agent=f"Qdrant/{version}",
                 request_checksum_calculation="when_required", response_checksum_validation="when_required",
                 retries={"max_attempts": 3, "mode": "standard"}, max_pool_connections=32, **extra)
    session = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret,
                                    aws_session_token=env.get("AWS_SESSION_TOKEN") or None, region_name=region)
    return session.client("s3", endpoint_url=endpoint, config=cfg)


def chrono_naive(t: dt.datetime) -> str:
    """A UTC time as chrono serializes a `NaiveDateTime` (`%Y-%m-%dT%H:%M:%S%.f`: no fraction when zero, else 3
    or 6 digits)."""
    t = t.astimezone(dt.timezone.utc)
    s = t.strftime("%Y-%m-%dT%H:%M:%S")
    us = t.microsecond
    if not us:
        return s
    return s + (f".{us // 1000:03d}" if us % 1000 == 0 else f".{us:06d}")


def chunk_size(size: int) -> int:
    """`get_appropriate_chunk_size`."""
    if size > MAX_UPLOAD:
        raise service_error(f"File size exceeds the maximum upload size: {MAX_UPLOAD}")
    if size > PART_SIZE * MAX_PARTS:
        return (size - 1) // MAX_PARTS + 1
    return PART_SIZE


def _status(e) -> int | None:
    resp = getattr(e, "response", None) or {}
    return resp.get("ResponseMetadata", {}).get("HTTPStatusCode")


def _concurrency() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


def _rust_path(key: str) -> str:
    """`{:?}` of an object_store `Path`."""
    return 'Path { raw: "%s" }' % key.replace("\\", "\\\\").replace('"', '\\"')


class ObjectBody:
    """A GET's body, read in chunks as it arrives."""

    def __init__(self, body):
        self.body = body

    def iter_chunks(self, size: int = 1 << 16):
        return self.body.iter_chunks(size)

    def close(self) -> None:
        self.body.close()


class S3SnapshotStorage(SnapshotStorage):
    remote = True

    def __init__(self, client, bucket: str, endpoint: str, snapshots_dir: str):
        self.client = client
        self.bucket = bucket
        self.endpoint = endpoint.rstrip("/")
        self.root = os.path.abspath(snapshots_dir)

    def info(self) -> dict:
        return {"snapshots_storage": "s3", "bucket": self.bucket, "endpoint": self.endpoint}

    def key(self, path: str) -> str:
        rel = os.path.relpath(os.path.abspath(path), self.root)
        if rel == ".":
            return KEY_ROOT
        if rel == ".." or rel.startswith(".." + os.sep):
            raise ValueError(f"{path} is outside the snapshots directory")
        return KEY_ROOT + "/" + rel.replace(os.sep, "/")

    # ------------------------------------------------------------------ SnapshotStorage

    def check(self, directory: str, name: str) -> str:
        validate_snapshot_name(name)  # object storage has nothing to canonicalize: the name check is all
        return self.key(os.path.join(directory, name))

    def list(self, directory: str) -> list[dict]:
        out = []
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                         Prefix=self.key(directory) + "/")
            for page in pages:
                for o in page.get("Contents", []):
                    out.append({"name": o["Key"].rsplit("/", 1)[-1], "creation_time": chrono_naive(o["LastModified"]),
                                "size": o["Size"]})
        except Exception as e:
            raise service_error(f"Failed to list snapshots: {e}") from None
        return out

    def store(self, tmp_archive: str, checksum: str, directory: str, name: str) -> dict:
        key = self.key(os.path.join(directory, name))
        try:
            self._multipart_upload(tmp_archive, key)
        except BaseException:
            _unlink(tmp_archive)  # Qdrant's temp file is removed when dropped
            raise
        os.unlink(tmp_archive)
        return self._describe(key)

    def delete(self, directory: str, name: str) -> bool:
        key = self.check(directory, name)
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except Exception as e:
            if _status(e) == 404:
                raise not_found(f"Snapshot {_rust_path(key)} not found") from None
            raise service_error(f"Failed to delete snapshot: {e}") from None
        try:
            self.client.delete_object(Bucket=self.bucket, Key=key)
        except Exception as e:
            raise service_error(f"Failed to delete snapshot: {e}") from None
        return True

    def open(self, directory: str, name: str) -> ObjectBody:
        key = self.check(directory, name)
        t0 = time.monotonic()
        try:
            resp = self.client.get_object(Bucket=self.bucket, Key=key)
        except Exception as e:
            if _status(e) == 404:
                ms = (time.monotonic() - t0) * 1000
                raise not_found(f"Snapshot {key} does not exist: Error performing GET {self._url(key)} in "
                                f"{ms:.3f}ms - Server returned non-2xx status code: 404 Not Found: ") from None
            raise service_error(f"Failed to get {key}: {e}") from None
        return ObjectBody(resp["Body"])

    def fetch(self, directory: str, name: str, local_path: str) -> None:
        self._download(self.key(os.path.join(directory, name)), local_path)

    def local_copy(self, directory: str, name: str, temp_dir: str) -> str:
        key = self.key(os.path.join(directory, name))
        fd, path = tempfile.mkstemp(prefix=os.path.splitext(name)[0], suffix=".snapshot", dir=temp_dir)
        os.close(fd)
        try:
            self._download(key, path)
        except BaseException:
            _unlink(path)
            raise
        return path

    # ------------------------------------------------------------------ object operations

    def _url(self, key: str) -> str:
        return f"{self.endpoint}/{self.bucket}/{urllib.parse.quote(key)}"

    def _describe(self, key: str) -> dict:
        """`snapshot_storage_ops::get_snapshot_description`: HEAD; `checksum` is None (left out of the JSON)."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except Exception as e:
            raise service_error(f"Failed to get head: {e}") from None
        return {"name": key.rsplit("/", 1)[-1], "creation_time": chrono_naive(head["LastModified"]),
                "size": head["ContentLength"]}

    def _multipart_upload(self, src: str, key: str) -> None:
        try:
            upload_id = self.client.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        except Exception as e:
            raise service_error(f"Failed to put multipart: {e}") from None
        size = os.path.getsize(src)
        part = chunk_size(size)
        offsets = list(range(0, size, part)) or [0]  # nothing written: object_store completes with one empty part

        def put(number: int, offset: int) -> dict:
            with open(src, "rb") as f:  # read in the worker: at most `concurrency` parts held at once
                f.seek(offset)
                data = f.read(part)
            r = self.client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number,
                                        Body=data)
            return {"PartNumber": number, "ETag": r["ETag"]}

        try:
            with ThreadPoolExecutor(max_workers=_concurrency()) as pool:
                parts = list(pool.map(put, range(1, len(offsets) + 1), offsets))
            self.client.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                                  MultipartUpload={"Parts": parts})
        except Exception as e:
            try:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            except Exception:
                pass
            raise service_error(f"Failed to finish upload: {e}") from None

    def _download(self, key: str, local_path: str) -> None:
        """`snapshot_storage_ops::download_snapshot`: one GET written to `local_path`."""
        try:
            resp = self.client.get_object(Bucket=self.bucket, Key=key)
        except Exception as e:
            if _status(e) == 404:
                raise not_found(f"Snapshot {_rust_path(key)} not found") from None
            raise service_error(f"Failed to get {key}: {e}") from None
        os.makedirs(os.path.dirname(local_path) or ".", exist_ok=True)
        total = 0
        body = resp["Body"]
        try:
            with open(local_path, "wb") as f:
                for chunk in body.iter_chunks(1 << 20):
                    f.write(chunk)
                    total += len(chunk)
        except OSError as e:
            raise service_error(f"Failed to write to file: {e}") from None
        except Exception as e:
            raise service_error(f"Failed to get data from stream: {e}") from None
        finally:
            body.close()
        if os.path.getsize(local_path) != total:
            raise service_error(f"Downloaded file size does not match the expected size: "
                                f"{os.path.getsize(local_path)} != {total}")


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
