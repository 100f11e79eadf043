"""The AWS default credential chain against local stand-ins (credservers.py): web identity through STS, a profile's
role_arn + source_profile through a signed STS AssumeRole, credential_process, container credentials and IMDSv2.
Each source hands out new moto keys; a proxy in front of moto records which key signed every S3 request, so each
test proves the requests were signed with what that source handed out. One backup outlives its short-lived
credentials: they are refreshed ahead of expiry and the backup completes."""
import json
import os
import pathlib
import shutil
import stat
import tempfile
import uuid

import pytest

import secretscan
from conftest import run
from credservers import CredentialServer, MotoIAM, SigningProxy
from qdrant_data import create_collection, start_testbed

pytestmark = pytest.mark.timeout(300)
ROLE = "arn:aws:iam::123456789012:role/qsnap-test-role"


@pytest.fixture(scope="module")
def moto():
    server = MotoIAM()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def bucket(moto):
    import boto3

    name = "creds-" + uuid.uuid4().hex[:8]
    boto3.client("s3", endpoint_url=moto.endpoint, region_name="us-east-1", aws_access_key_id=moto.access_key,
                 aws_secret_access_key=moto.secret_key).create_bucket(Bucket=name)
    return name


@pytest.fixture
def secret_dir():
    """Files holding secrets (tokens, keys), kept outside pytest's temporary directory, which the secret scan reads."""
    path = pathlib.Path(tempfile.mkdtemp(prefix="qsnap-creds-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def proxy(moto):
    with SigningProxy(moto.port) as p:
        yield p


def base_env(secret_dir, proxy):
    """No keys, no profile files, no instance metadata: only what a test adds."""
    home = secret_dir / "home"
    home.mkdir(exist_ok=True)
    return {
        "HOME": str(home), "AWS_CONFIG_FILE": str(home / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(home / "none"),
        "AWS_ENDPOINT_URL_S3": proxy.url, "AWS_ENDPOINT_URL": "", "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
    }


def round_trip(qsnap_bin, env, bucket, tmp_path, name="obj.bin"):
    """cp up, ls, cat back with `-v`; returns the verbose log of the upload."""
    src = tmp_path / name
    src.write_bytes(os.urandom(200_000))
    url = f"s3://{bucket}/{tmp_path.name}/{name}"
    up = run([qsnap_bin, "repo", "cp", "-v", str(src), url], env=env)
    assert up.returncode == 0, up.stderr.decode()
    back = run([qsnap_bin, "repo", "cat", url], env=env)
    assert back.returncode == 0, back.stderr.decode()
    assert back.stdout == src.read_bytes()
    return up.stderr.decode()


def assert_signed_only_with(proxy, keys):
    seen = [k for k in proxy.seen if k]
    assert seen, "no signed request reached the proxy"
    assert set(seen) <= set(keys), f"requests signed with {set(seen) - set(keys)}, expected only {keys}"
    assert proxy.expired_answers == 0


def test_web_identity_from_the_environment(qsnap_bin, moto, bucket, proxy, tmp_path, secret_dir):
    token_file = secret_dir / "token"
    token = "eyJhbGciOiJSUzI1NiJ9.web-identity." + uuid.uuid4().hex
    token_file.write_text(token + "\n")
    with CredentialServer(moto, web_identity_token=token, role_arn=ROLE) as creds:
        env = base_env(secret_dir, proxy) | {
            "AWS_WEB_IDENTITY_TOKEN_FILE": str(token_file), "AWS_ROLE_ARN": ROLE,
            "AWS_ROLE_SESSION_NAME": "qsnap-test", "AWS_ENDPOINT_URL_STS": creds.url}
        log = round_trip(qsnap_bin, env, bucket, tmp_path)
        keys = creds.keys_of("sts-AssumeRoleWithWebIdentity")
        assert len(keys) == 2  # one per process
        assert_signed_only_with(proxy, keys)
        assert "web identity" in log and keys[0] in log
        assert not creds.rejections

        # a wrong token is refused by STS: a clear error naming the role, exit 1
        token_file.write_text("not-the-token")
        bad = run([qsnap_bin, "repo", "ls", f"s3://{bucket}/"], env=env)
        assert bad.returncode == 1
        assert b"InvalidIdentityToken" in bad.stderr and ROLE.encode() in bad.stderr


def test_profile_role_arn_with_source_profile_assumes_the_role(qsnap_bin, moto, bucket, proxy, tmp_path, secret_dir):
    base_ak, base_sk = moto.new_key("base")
    with CredentialServer(moto, role_arn=ROLE, source_keys={base_ak: base_sk}) as creds:
        env = base_env(secret_dir, proxy)
        (secret_dir / "home" / "credentials").write_text(
            f"[base]\naws_access_key_id = {base_ak}\naws_secret_access_key = {base_sk}\n")
        (secret_dir / "home" / "config").write_text(
            f"[profile deploy]\nrole_arn = {ROLE}\nsource_profile = base\nrole_session_name = nightly\n"
            f"sts =\n  endpoint_url = {creds.url}\n")
        env |= {"AWS_SHARED_CREDENTIALS_FILE": str(secret_dir / "home" / "credentials"),
                "AWS_CONFIG_FILE": str(secret_dir / "home" / "config"), "AWS_PROFILE": "deploy"}
        log = round_trip(qsnap_bin, env, bucket, tmp_path)
        keys = creds.keys_of("sts-AssumeRole")
        assert keys and not creds.rejections  # STS verified the signature made with the base profile's secret
        assert_signed_only_with(proxy, keys)  # S3 saw the role's keys, never the base profile's
        assert "assume role" in log


def test_credential_process(qsnap_bin, moto, bucket, proxy, tmp_path, secret_dir):
    ak, sk, token = moto.new_session("process")
    script = secret_dir / "creds.sh"
    script.write_text("#!/bin/sh\necho '" + json.dumps(
        {"Version": 1, "AccessKeyId": ak, "SecretAccessKey": sk, "SessionToken": token}) + "'\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    env = base_env(secret_dir, proxy)
    (secret_dir / "home" / "config").write_text(f"[default]\ncredential_process = {script} --json\n")
    env["AWS_CONFIG_FILE"] = str(secret_dir / "home" / "config")
    log = round_trip(qsnap_bin, env, bucket, tmp_path)
    assert_signed_only_with(proxy, [ak])
    assert "credential_process" in log

    (secret_dir / "home" / "config").write_text("[default]\ncredential_process = sh -c 'echo broken >&2; exit 3'\n")
    bad = run([qsnap_bin, "repo", "ls", f"s3://{bucket}/"], env=env)
    assert bad.returncode == 1 and b"exit status 3" in bad.stderr and b"broken" in bad.stderr


def test_container_credentials_with_a_token_file(qsnap_bin, moto, bucket, proxy, tmp_path, secret_dir):
    token_file = secret_dir / "eks-pod-identity-token"
    token = "pod-identity-" + uuid.uuid4().hex
    token_file.write_text(token)
    with CredentialServer(moto, container_token=token) as creds:
        env = base_env(secret_dir, proxy) | {
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": creds.url + "/container/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(token_file)}
        log = round_trip(qsnap_bin, env, bucket, tmp_path)
        assert_signed_only_with(proxy, creds.keys_of("container"))
        assert not creds.rejections and "container credentials" in log

    # plain http to a host that is not loopback or the ECS/EKS agent is refused before any request (exit 2)
    env = base_env(secret_dir, proxy) | {"AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://192.0.2.1/creds"}
    bad = run([qsnap_bin, "repo", "ls", f"s3://{bucket}/"], env=env)
    assert bad.returncode == 2 and b"AWS_CONTAINER_CREDENTIALS_FULL_URI" in bad.stderr


def test_instance_metadata_v2(qsnap_bin, moto, bucket, proxy, tmp_path, secret_dir):
    with CredentialServer(moto) as creds:
        env = base_env(secret_dir, proxy) | {
            "AWS_EC2_METADATA_DISABLED": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": creds.url}
        log = round_trip(qsnap_bin, env, bucket, tmp_path)
        assert_signed_only_with(proxy, creds.keys_of("imds"))
        assert not creds.rejections  # every GET carried the session token (tokenless GETs are answered 401)
        assert "instance metadata" in log


def test_chain_order_environment_keys_win(qsnap_bin, moto, bucket, proxy, tmp_path, secret_dir):
    ak, sk = moto.new_key("env")
    token_file = secret_dir / "token"
    token_file.write_text("tok")
    with CredentialServer(moto, web_identity_token="tok", role_arn=ROLE) as creds:
        env = base_env(secret_dir, proxy) | {
            "AWS_ACCESS_KEY_ID": ak, "AWS_SECRET_ACCESS_KEY": sk,
            "AWS_WEB_IDENTITY_TOKEN_FILE": str(token_file), "AWS_ROLE_ARN": ROLE, "AWS_ENDPOINT_URL_STS": creds.url,
            "AWS_EC2_METADATA_DISABLED": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": creds.url}
        round_trip(qsnap_bin, env, bucket, tmp_path)
        assert_signed_only_with(proxy, [ak])
        assert not creds.handouts  # neither STS nor IMDS was asked


def test_no_credentials_anywhere_is_a_clear_usage_error(qsnap_bin, bucket, proxy, tmp_path, secret_dir):
    r = run([qsnap_bin, "repo", "ls", f"s3://{bucket}/"], env=base_env(secret_dir, proxy))
    assert r.returncode == 2
    assert b"AWS_ACCESS_KEY_ID" in r.stderr and b"AWS_WEB_IDENTITY_TOKEN_FILE" in r.stderr


def test_backup_outlives_its_credentials(qsnap_bin, moto, bucket, tmp_path, secret_dir):
    """STS hands out credentials valid for 8 s; the proxy answers ExpiredToken after that and holds each request
    0.4 s, so the backup takes several lifetimes. Credentials are refreshed ahead of expiry: no request is ever
    answered ExpiredToken, several keys sign the backup, and it verifies."""
    token_file = secret_dir / "token"
    token_file.write_text("tok-backup")
    with start_testbed(tmp_path / "qdrant", peers=1) as tb, SigningProxy(moto.port, delay=0.4) as proxy, \
            CredentialServer(moto, lifetime=8, web_identity_token="tok-backup", role_arn=ROLE) as creds:
        creds.proxy = proxy
        for i in range(4):
            create_collection(tb.urls[0], f"c{i}", dim=16, points=300, seed=i)
        env = base_env(secret_dir, proxy) | {
            "AWS_WEB_IDENTITY_TOKEN_FILE": str(token_file), "AWS_ROLE_ARN": ROLE, "AWS_ENDPOINT_URL_STS": creds.url}
        repo = f"s3://{bucket}/expiring"
        r = run([qsnap_bin, "backup", "-v", "--qdrant", tb.urls[0], "--to", repo, "--json", "--part-size-mib", "5"],
                env=env, timeout=240)
        assert r.returncode == 0, r.stderr.decode()
        used = [k for k in proxy.seen if k]
        handed = creds.keys_of("sts-AssumeRoleWithWebIdentity")
        assert set(used) <= set(handed)
        assert len(set(used)) >= 3, f"expected several refreshes; keys used: {len(set(used))}, requests {len(used)}"
        assert proxy.expired_answers == 0
        assert "refreshed from web identity" in r.stderr.decode()
        secretscan.add_figure(f"credential refresh: a backup of {len(used)} S3 requests signed with "
                              f"{len(set(used))} successive 8-second credentials, none expired")
        v = run([qsnap_bin, "verify", json.loads(r.stdout)["id"], "--repo", repo], env=env, timeout=120)
        assert v.returncode == 0, v.stderr.decode()


def test_multipart_upload_parts_sign_with_refreshed_credentials(qsnap_bin, moto, bucket, tmp_path, secret_dir):
    """One multipart upload outlives its credentials (4 s, each request held 1 s): later parts, and the
    completion, sign with the refreshed credentials; the upload is intact."""
    token_file = secret_dir / "token"
    token_file.write_text("tok-multipart")
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(30 << 20))
    with SigningProxy(moto.port, delay=1.0) as proxy, \
            CredentialServer(moto, lifetime=4, web_identity_token="tok-multipart", role_arn=ROLE) as creds:
        creds.proxy = proxy
        env = base_env(secret_dir, proxy) | {
            "AWS_WEB_IDENTITY_TOKEN_FILE": str(token_file), "AWS_ROLE_ARN": ROLE, "AWS_ENDPOINT_URL_STS": creds.url}
        url = f"s3://{bucket}/multipart/big.bin"
        r = run([qsnap_bin, "repo", "cp", "--part-size-mib", "5", str(src), url], env=env, timeout=240)
        assert r.returncode == 0, r.stderr.decode()
        part_keys = [k for k, method, path in proxy.requests_seen if method == "PUT" and "partNumber=" in path]
        assert len(part_keys) == 6
        assert len(set(part_keys)) >= 2, "every part was signed with the first credentials"
        assert proxy.expired_answers == 0
    back = run([qsnap_bin, "repo", "cat", url], env=base_env(secret_dir, proxy) | {
        "AWS_ACCESS_KEY_ID": moto.access_key, "AWS_SECRET_ACCESS_KEY": moto.secret_key,
        "AWS_ENDPOINT_URL_S3": moto.endpoint})
    assert back.returncode == 0 and back.stdout == src.read_bytes()
