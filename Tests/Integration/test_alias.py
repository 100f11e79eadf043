"""`qsnap alias switch` on the Qdrant test double."""
import json

import pytest

from conftest import run
from qdrant_data import call, create_alias, create_collection, start_testbed

pytestmark = pytest.mark.timeout(120)


def aliases(tb):
    return {a["alias_name"]: a["collection_name"] for a in call(tb.urls[0] + "/aliases")["result"]["aliases"]}


def test_alias_switch(qsnap_bin, tmp_path):
    with start_testbed(tmp_path / "q") as tb:
        url = tb.urls[0]
        create_collection(url, "v1", dim=4, points=5)
        create_collection(url, "v2", dim=4, points=7)
        create_alias(url, "prod", "v1")
        r = run([qsnap_bin, "alias", "switch", "prod", "--to", "v2", "--qdrant", url, "--json"])
        assert r.returncode == 0, r.stderr.decode()
        assert json.loads(r.stdout) == {"alias": "prod", "from": "v1", "to": "v2"}
        assert aliases(tb) == {"prod": "v2"}
        # a new alias
        r = run([qsnap_bin, "alias", "switch", "staging", "--to", "v1", "--qdrant", url])
        assert r.returncode == 0 and b"(new)" in r.stdout
        # a missing collection: usage error, nothing changed
        r = run([qsnap_bin, "alias", "switch", "prod", "--to", "v3", "--qdrant", url])
        assert r.returncode == 2 and b"v3 does not exist" in r.stderr
        # an alias name taken by a collection: refused
        r = run([qsnap_bin, "alias", "switch", "v1", "--to", "v2", "--qdrant", url])
        assert r.returncode == 3
        assert aliases(tb) == {"prod": "v2", "staging": "v1"}
