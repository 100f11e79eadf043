"""Shared helpers of the integration tests: where the qsnap binary and the fixtures are."""
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
QSNAP = os.environ.get("QSNAP_BIN") or str(ROOT / ".build" / "debug" / "qsnap")
SHARED = pathlib.Path(os.environ.get("SHARED_DIR") or (ROOT.parent / "shared"))


def fixture(name: str) -> str:
    path = SHARED / "fixtures" / "qdrant" / name
    if not path.exists():
        raise FileNotFoundError(f"fixture {path} is missing: CI needs ../shared beside the checkout (or SHARED_DIR)")
    return str(path)
