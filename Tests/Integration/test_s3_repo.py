"""`qsnap repo` against rclone serve s3 and moto_server (IAM auth): round trips, awscli interop, auth errors,
resume of an interrupted multipart upload."""
import base64
import hashlib
import json
import os
import zlib
import time
import uuid

import pytest

from conftest import run
from faultproxy import FaultProxy
from s3servers import moto_s3, rclone_s3, rclone_tls_s3, s3_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.timeout(300)

KEYS = [
    "plain/object.bin",
    "with space/a b.bin",
    "unicode/ü-日本-é.bin",
    "symbols/a+b=c&d$e@f.bin",
]


@pytest.fixture(scope="session")
def bucket(s3_server):
    name = "qsnap-" + uuid.uuid4().hex[:8]
    s3_server.make_bucket(name)
    return name


def qsnap(qsnap_bin, server, *args, env=None, input=None):
    merged = server.env()
    if env:
        merged.update(env)
    return run([qsnap_bin, "repo", *args], env=merged, input=input, timeout=240)


def part_number(path: str) -> int:
    """The partNumber of an UploadPart request target, 0 for other requests."""
    for item in path.partition("?")[2].split("&"):
        if item.startswith("partNumber="):
            return int(item[len("partNumber="):])
    return 0


def random_file(path, size):
    with open(path, "wb") as f:
        f.write(os.urandom(size))
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.mark.parametrize("key", KEYS)
def test_small_round_trip_and_awscli_reads_it(qsnap_bin, s3_server, bucket, key, tmp_path):
    src = tmp_path / "src"
    digest = random_file(src, 70_000)
    r = qsnap(qsnap_bin, s3_server, "cp", str(src), f"s3://{bucket}/{key}")
    assert r.returncode == 0, r.stderr.decode()

    listing = qsnap(qsnap_bin, s3_server, "ls", f"s3://{bucket}/{key.split('/')[0]}/")
    assert listing.returncode == 0, listing.stderr.decode()
    assert key in listing.stdout.decode()

    cat = qsnap(qsnap_bin, s3_server, "cat", f"s3://{bucket}/{key}")
    assert cat.returncode == 0 and hashlib.sha256(cat.stdout).hexdigest() == digest

    via_aws = tmp_path / "aws-copy"
    s3_server.aws("s3api", "get-object", "--bucket", bucket, "--key", key, str(via_aws))
    assert sha256(via_aws) == digest

    rm = qsnap(qsnap_bin, s3_server, "rm", f"s3://{bucket}/{key}")
    assert rm.returncode == 0, rm.stderr.decode()
    gone = qsnap(qsnap_bin, s3_server, "ls", f"s3://{bucket}/{key}")
    assert key not in gone.stdout.decode()


def test_object_written_by_awscli_is_read_by_qsnap(qsnap_bin, s3_server, bucket, tmp_path):
    src = tmp_path / "src"
    digest = random_file(src, 300_000)
    key = "from-aws/x y+z.bin"
    s3_server.aws("s3api", "put-object", "--bucket", bucket, "--key", key, "--body", str(src))
    out = tmp_path / "out"
    r = qsnap(qsnap_bin, s3_server, "cp", f"s3://{bucket}/{key}", str(out))
    assert r.returncode == 0, r.stderr.decode()
    assert sha256(out) == digest


@pytest.mark.parametrize("signing", ["signed", "unsigned"])
def test_multipart_round_trip(qsnap_bin, s3_server, bucket, signing, tmp_path):
    src = tmp_path / "big"
    digest = random_file(src, 12 * 1024 * 1024 + 12345)  # 3 parts of 5 MiB
    key = f"multi/part object+1-{signing}.bin"
    r = qsnap(qsnap_bin, s3_server, "cp", "--payload-signing", signing, "--part-size-mib", "5", str(src),
              f"s3://{bucket}/{key}")
    assert r.returncode == 0, r.stderr.decode()
    assert "3 part(s)" in r.stderr.decode()

    via_aws = tmp_path / "aws-copy"
    s3_server.aws("s3api", "get-object", "--bucket", bucket, "--key", key, str(via_aws))
    assert sha256(via_aws) == digest

    back = tmp_path / "back"
    r = qsnap(qsnap_bin, s3_server, "cp", f"s3://{bucket}/{key}", str(back))
    assert r.returncode == 0 and sha256(back) == digest


def test_stdin_upload_streams(qsnap_bin, s3_server, bucket):
    data = os.urandom(6 * 1024 * 1024 + 7)
    key = "stream/from-stdin.bin"
    r = qsnap(qsnap_bin, s3_server, "cp", "--part-size-mib", "5", "-", f"s3://{bucket}/{key}", input=data)
    assert r.returncode == 0, r.stderr.decode()
    cat = qsnap(qsnap_bin, s3_server, "cat", f"s3://{bucket}/{key}")
    assert cat.stdout == data


@pytest.mark.parametrize("verbose", [[], ["--verbose"]])
def test_wrong_secret_fails_fast_without_printing_it(qsnap_bin, s3_server, bucket, verbose):
    wrong = "WRONG-secret-" + uuid.uuid4().hex
    started = time.monotonic()
    r = qsnap(qsnap_bin, s3_server, "ls", *verbose, f"s3://{bucket}/", env={"AWS_SECRET_ACCESS_KEY": wrong})
    elapsed = time.monotonic() - started
    err = r.stderr.decode()
    assert r.returncode == 1, err
    assert "SignatureDoesNotMatch" in err and "AWS_SECRET_ACCESS_KEY" in err
    assert wrong not in err and wrong not in r.stdout.decode()
    assert s3_server.secret_key not in err
    assert elapsed < 5, f"no retries expected on an auth error ({elapsed:.1f} s)"


def test_unknown_access_key_is_named(qsnap_bin, s3_server, bucket):
    r = qsnap(qsnap_bin, s3_server, "ls", f"s3://{bucket}/", env={"AWS_ACCESS_KEY_ID": "AKIANOSUCHKEY0000000"})
    assert r.returncode == 1
    err = r.stderr.decode()
    assert "AKIANOSUCHKEY0000000" in err or "SignatureDoesNotMatch" in err


@pytest.mark.parametrize("signing", ["signed", "unsigned"])
def test_interrupted_multipart_upload_resumes_from_listparts(qsnap_bin, s3_server, bucket, signing, tmp_path):
    src = tmp_path / "resume"
    digest = random_file(src, 18 * 1024 * 1024)  # 4 parts of 5 MiB
    key = f"resume/snap shot-{signing}.bin"
    # The connection is killed on every request for part 3 and later: the upload fails after 2 parts are stored.
    with FaultProxy(s3_server.port, rates={"reset_request": 1.0},
                    only=lambda method, path: method == "PUT" and part_number(path) >= 3) as proxy:
        first = qsnap(qsnap_bin, s3_server, "cp", "--payload-signing", signing, "--part-size-mib", "5",
                      "--concurrency", "1", "--attempts", "2", str(src), f"s3://{bucket}/{key}",
                      env={"AWS_ENDPOINT_URL": proxy.url})
    assert first.returncode == 1, first.stderr.decode()
    assert "--resume" in first.stderr.decode()

    pending = qsnap(qsnap_bin, s3_server, "uploads", f"s3://{bucket}/resume/")
    assert pending.returncode == 0 and key in pending.stdout.decode()

    second = qsnap(qsnap_bin, s3_server, "cp", "--payload-signing", signing, "--resume", "--part-size-mib", "5",
                   str(src), f"s3://{bucket}/{key}")
    err = second.stderr.decode()
    assert second.returncode == 0, err
    assert "resumed: 2 part(s) were already stored" in err
    assert "4 part(s)" in err

    via_aws = tmp_path / "aws-copy"
    s3_server.aws("s3api", "get-object", "--bucket", bucket, "--key", key, str(via_aws))
    assert sha256(via_aws) == digest
    left = qsnap(qsnap_bin, s3_server, "uploads", f"s3://{bucket}/resume/")
    assert key not in left.stdout.decode()


def test_presign_prints_a_signed_url_without_the_secret(qsnap_bin, s3_server, bucket):
    r = qsnap(qsnap_bin, s3_server, "presign", "--expires", "600", f"s3://{bucket}/a b.bin")
    assert r.returncode == 0, r.stderr.decode()
    url = r.stdout.decode().strip()
    assert url.startswith(f"{s3_server.endpoint}/{bucket}/a%20b.bin?")
    assert "X-Amz-Expires=600" in url and "X-Amz-Signature=" in url
    assert s3_server.secret_key not in url
    too_long = qsnap(qsnap_bin, s3_server, "presign", "--expires", "604801", f"s3://{bucket}/a")
    assert too_long.returncode == 2


def test_missing_object_and_bucket_are_clear_errors(qsnap_bin, s3_server, bucket, tmp_path):
    r = qsnap(qsnap_bin, s3_server, "cat", f"s3://{bucket}/no/such/key")
    assert r.returncode == 1 and "does not exist" in r.stderr.decode()
    r = qsnap(qsnap_bin, s3_server, "ls", "s3://no-such-bucket-qsnap/")
    assert r.returncode == 1


def test_virtual_hosted_addressing_on_moto(qsnap_bin, moto_s3, tmp_path):
    bucket = "vh-" + uuid.uuid4().hex[:8]
    moto_s3.make_bucket(bucket)
    src = tmp_path / "src"
    digest = random_file(src, 10_000)
    env = {"AWS_ENDPOINT_URL": f"http://localhost:{moto_s3.port}"}
    r = qsnap(qsnap_bin, moto_s3, "cp", "--virtual-hosted", "-v", str(src), f"s3://{bucket}/v h.bin", env=env)
    assert r.returncode == 0, r.stderr.decode()
    assert "virtual-style" in r.stderr.decode()
    via_aws = tmp_path / "aws-copy"
    moto_s3.aws("s3api", "get-object", "--bucket", bucket, "--key", "v h.bin", str(via_aws))
    assert sha256(via_aws) == digest


@pytest.mark.parametrize("skew", ["-1h", "+1h"])
def test_clock_skew_is_corrected_from_the_server_date(qsnap_bin, rclone_s3, skew, tmp_path):
    """rclone enforces the 15-minute window; qsnap, run with its clock an hour off (libfaketime, as on a host whose
    clock drifted), learns the offset from the answer and re-signs once."""
    bucket = "skew-" + uuid.uuid4().hex[:8]
    rclone_s3.make_bucket(bucket)
    src = tmp_path / "src"
    random_file(src, 1000)
    env = dict(os.environ, **rclone_s3.env())
    r = run(["faketime", "-f", skew, qsnap_bin, "repo", "cp", str(src), f"s3://{bucket}/k"], env=env, timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    assert "correcting the signing time" in r.stderr.decode()


def test_https_endpoint_with_a_private_ca_sends_unsigned_payloads_with_crc32(qsnap_bin, rclone_tls_s3, tmp_path):
    server = rclone_tls_s3
    server.make_bucket("tls-bucket")
    src = tmp_path / "big"
    digest = random_file(src, 11 * 1024 * 1024 + 3)  # 3 parts of 5 MiB
    r = qsnap(qsnap_bin, server, "cp", "-v", "--part-size-mib", "5", str(src), "s3://tls-bucket/big.bin")
    err = r.stderr.decode()
    assert r.returncode == 0, err
    assert "UNSIGNED-PAYLOAD with CRC-32" in err  # auto: https → unsigned bodies, checked by CRC-32
    assert server.secret_key not in err
    via_aws = tmp_path / "aws-copy"
    server.aws("s3api", "get-object", "--bucket", "tls-bucket", "--key", "big.bin", str(via_aws))
    assert sha256(via_aws) == digest

    # A single PutObject: the store keeps the CRC-32 qsnap sent; it must be the CRC-32 of the bytes.
    small = tmp_path / "small"
    random_file(small, 100_000)
    r = qsnap(qsnap_bin, server, "cp", str(small), "s3://tls-bucket/small.bin")
    assert r.returncode == 0, r.stderr.decode()
    head = json.loads(server.aws("s3api", "head-object", "--bucket", "tls-bucket", "--key", "small.bin",
                                 "--checksum-mode", "ENABLED").stdout)
    expected = base64.b64encode(zlib.crc32(small.read_bytes()).to_bytes(4, "big")).decode()
    assert head.get("ChecksumCRC32") == expected


def test_https_endpoint_without_its_ca_is_refused_clearly(qsnap_bin, rclone_tls_s3, tmp_path):
    server = rclone_tls_s3
    env = server.env()
    env.pop("AWS_CA_BUNDLE")
    r = run([qsnap_bin, "repo", "ls", "s3://tls-bucket/"], env=env, timeout=60)
    assert r.returncode == 1
    assert "certificate" in r.stderr.decode().lower()

    missing = run([qsnap_bin, "repo", "ls", "--ca-bundle", str(tmp_path / "none.pem"), "s3://tls-bucket/"],
                  env=server.env(), timeout=60)
    assert missing.returncode == 2
    assert "none.pem" in missing.stderr.decode() and "--ca-bundle" in missing.stderr.decode()
