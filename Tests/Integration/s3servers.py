"""Local S3-compatible servers for the integration tests: `rclone serve s3` and `moto_server` with IAM auth.

Both bind 127.0.0.1 on a free port, run for the test session and are killed by PID at the end.
"""
import json
import os
import shutil
import subprocess
import tempfile
import time
import socket

import pytest

from conftest import VENV_BIN, free_port
from tlsfiles import make_tls_files


class S3Server:
    """A running server: endpoint, credentials and helpers to drive awscli against it."""

    name = "s3"

    def __init__(self):
        self.proc = None
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.access_key = ""
        self.secret_key = ""
        self.workdir = tempfile.mkdtemp(prefix=f"qsnap-{self.name}-")
        self.log = open(os.path.join(self.workdir, "server.log"), "wb")

    def env(self) -> dict:
        """Environment for qsnap and awscli (no profile files: HOME points at an empty directory)."""
        home = os.path.join(self.workdir, "home")
        os.makedirs(home, exist_ok=True)
        return {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_DEFAULT_REGION": "us-east-1",
            "HOME": home,
            "AWS_CONFIG_FILE": os.path.join(home, "none"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "none"),
        }

    def aws(self, *args, check=True, timeout=120):
        """Runs `aws --endpoint-url … ARGS` with this server's credentials."""
        env = dict(os.environ)
        env.update(self.env())
        env.pop("AWS_ENDPOINT_URL", None)
        result = subprocess.run(
            [str(VENV_BIN / "aws"), "--endpoint-url", self.endpoint, *args],
            env=env, capture_output=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"aws {args} failed: {result.stderr.decode(errors='replace')}")
        return result

    def wait_ready(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited early; see {self.log.name}")
            # A TCP connect, not a request: moto counts every request against its free unauthenticated actions.
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not start on {self.endpoint}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)


class RcloneS3(S3Server):
    """`rclone serve s3` over a local directory; top-level directories are buckets."""

    name = "rclone"

    def start(self):
        self.access_key, self.secret_key = "RCLONETESTKEY", "rclone-test-secret-0123456789"
        self.data = os.path.join(self.workdir, "data")
        os.makedirs(self.data)
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "rclone"), "serve", "s3", "--addr", f"127.0.0.1:{self.port}",
             "--auth-key", f"{self.access_key},{self.secret_key}", "--config", "/dev/null", self.data],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_ready()
        return self

    def make_bucket(self, name):
        # Through the S3 API: rclone caches directory listings, so a folder made behind its back may stay invisible.
        self.aws("s3api", "create-bucket", "--bucket", name)


class RcloneS3TLS(RcloneS3):
    """`rclone serve s3` over HTTPS with a certificate from a throw-away CA (trusted through `AWS_CA_BUNDLE`)."""

    name = "rclone-tls"

    def start(self):
        self.ca_bundle, cert, key = make_tls_files(self.workdir)
        self.endpoint = f"https://127.0.0.1:{self.port}"
        self.access_key, self.secret_key = "RCLONETLSKEY", "rclone-tls-secret-0123456789"
        self.data = os.path.join(self.workdir, "data")
        os.makedirs(self.data)
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "rclone"), "serve", "s3", "--addr", f"127.0.0.1:{self.port}", "--cert", cert,
             "--key", key, "--auth-key", f"{self.access_key},{self.secret_key}", "--config", "/dev/null", self.data],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.wait_ready()
        return self

    def env(self) -> dict:
        env = super().env()
        env["AWS_CA_BUNDLE"] = self.ca_bundle
        return env


class MotoS3(S3Server):
    """`moto_server` with IAM auth enforced: three free actions create a user, its key and an allow-all policy."""

    name = "moto"

    def start(self):
        env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT="3")
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.wait_ready()
        import boto3

        iam = boto3.client("iam", endpoint_url=self.endpoint, region_name="us-east-1",
                           aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        iam.create_user(UserName="uploader")
        key = iam.create_access_key(UserName="uploader")["AccessKey"]
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        iam.put_user_policy(UserName="uploader", PolicyName="s3all", PolicyDocument=json.dumps(policy))
        self.access_key, self.secret_key = key["AccessKeyId"], key["SecretAccessKey"]
        return self

    def make_bucket(self, name):
        self.aws("s3api", "create-bucket", "--bucket", name)


def _server(cls):
    server = cls()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def rclone_s3():
    """A running `rclone serve s3`."""
    yield from _server(RcloneS3)


@pytest.fixture(scope="session")
def rclone_tls_s3():
    """A running `rclone serve s3` over HTTPS (its CA in `env()["AWS_CA_BUNDLE"]`)."""
    yield from _server(RcloneS3TLS)


@pytest.fixture(scope="session")
def moto_s3():
    """A running `moto_server` that verifies every signature."""
    yield from _server(MotoS3)


@pytest.fixture(scope="session", params=["rclone", "moto"])
def s3_server(request):
    """Each server in turn."""
    return request.getfixturevalue(f"{request.param}_s3")
