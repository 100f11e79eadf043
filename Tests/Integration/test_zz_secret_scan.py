"""The secret scan itself (secretscan.py; the real scan runs when the session finishes, see conftest.py): it learns
secrets from subprocess command lines and environments, and finds them, and signatures, in outputs."""
import subprocess
import sys

import secretscan


def test_learns_secrets_from_command_lines_and_environments():
    before = dict(secretscan._secrets)
    try:
        secretscan._learn(["rclone", "serve", "s3", "--auth-key", "AKID,scan-test-secret-1"], {})
        secretscan._learn(["qsnap", "backup", "--api-key=scan-test-key-2"], {"AWS_SECRET_ACCESS_KEY": "scan-test-secret-3"})
        secretscan._learn(["python", "-m", "cloud_api_double", "--management-key", "scan-test-mgmt-4@acct=*"],
                          {"QDRANT_CLOUD_API_KEY": "scan-test-cloud-5"})
        learned = {k: v for k, v in secretscan._secrets.items() if k not in before}
        assert learned == {b"scan-test-secret-1": "auth-key", b"scan-test-key-2": "api-key",
                           b"scan-test-secret-3": "AWS_SECRET_ACCESS_KEY", b"scan-test-mgmt-4": "management-key",
                           b"scan-test-cloud-5": "QDRANT_CLOUD_API_KEY"}
    finally:
        secretscan._secrets.clear()
        secretscan._secrets.update(before)


def test_finds_secrets_and_signatures():
    secrets = {b"s3cr3t-value": "AWS_SECRET_ACCESS_KEY", b"a" * 64: "presigned signature"}
    assert secretscan.find_leaks("x", b"all fine", secrets) == []
    assert secretscan.find_leaks("x", b"key=s3cr3t-value", secrets) == ["x: contains a AWS_SECRET_ACCESS_KEY"]
    sig = b"Authorization: AWS4-HMAC-SHA256 Credential=K/x, Signature=" + b"0f" * 32
    assert "SigV4 signature" in secretscan.find_leaks("log", sig, secrets)[0]
    presigned = b"http://h/b/k?X-Amz-Signature=" + b"a" * 64
    assert secretscan.find_leaks("presign stdout", presigned, secrets, allow_signatures=True) == []
    assert len(secretscan.find_leaks("server log", presigned, secrets)) == 2


def test_captures_subprocess_output():
    """Output read through communicate (subprocess.run) reaches the scan."""
    n = len(secretscan._outputs)
    subprocess.run([sys.executable, "-c", "print('captured-for-scan')"], capture_output=True, check=True)
    assert any(b"captured-for-scan" in data for _, data in secretscan._outputs[n:])
