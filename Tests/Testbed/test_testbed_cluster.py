"""Cluster mode: several nodes in one process, shards spread over peers with replicas."""
from __future__ import annotations

import json
import shutil
import tarfile

import pytest

from qdrant_testbed.harness import start_testbed
from testbed_helpers import all_points, download, make_collection

pytestmark = pytest.mark.timeout(120)


def test_cluster_snapshots_hold_only_local_shards(tmp_path, client_for, http_for):
    with start_testbed(tmp_path, peers=3) as tb:
        assert len(tb.urls) == 3
        clients = [client_for(u) for u in tb.urls]
        https = [http_for(u) for u in tb.urls]
        expected = make_collection(clients[0], "dist", shards=3, points=30, rf=2)
        peer_ids = [tb.peer_id(i) for i in range(3)]
        assert len(set(peer_ids)) == 3
        cl = https[1].get("/cluster").json()["result"]
        assert cl["status"] == "enabled" and cl["peer_id"] == peer_ids[1]
        assert set(cl["peers"]) == {str(p) for p in peer_ids}
        quotas = https[0].get("/quotas").json()["result"]
        assert set(quotas["peers"]) == {str(p) for p in peer_ids}
        # every node sees all points; each node holds 2 of the 3 shards
        for c in clients:
            assert all_points(c, "dist") == expected
        local = {}
        for i, h in enumerate(https):
            info = h.get("/collections/dist/cluster").json()["result"]
            assert info["peer_id"] == peer_ids[i] and info["shard_count"] == 3
            local[i] = {s["shard_id"] for s in info["local_shards"]}
            assert len(local[i]) == 2 and all(s["state"] == "Active" for s in info["local_shards"])
            assert {s["shard_id"] for s in info["remote_shards"]} | local[i] == {0, 1, 2}
        # node 0's collection snapshot: data for local shards, stubs for the others
        d = clients[0].create_snapshot("dist", wait=True)
        assert d.name.startswith(f"dist-{peer_ids[0]}-")
        f = download(https[0], f"/collections/dist/snapshots/{d.name}", tmp_path / d.name)
        with tarfile.open(f) as t:
            names = t.getnames()
            for sid in range(3):
                in_shard = sorted(n for n in names if n.startswith(f"{sid}/"))
                state = json.load(t.extractfile(f"{sid}/replica_state.json"))
                assert state["this_peer_id"] == peer_ids[0]
                if sid in local[0]:
                    assert state["is_local"] is True
                    assert any(n.startswith(f"{sid}/segments/") for n in in_shard)
                else:
                    assert state["is_local"] is False
                    assert in_shard == [f"{sid}/replica_state.json", f"{sid}/shard_config.json"]
        # a shard that is not local on a node: 400
        missing = ({0, 1, 2} - local[0]).pop()
        r = https[0].post(f"/collections/dist/shards/{missing}/snapshots")
        assert r.status_code == 400 and r.json()["status"]["error"] == f"Wrong input: Shard {missing} is not a local shard"
        # restore node 0's snapshot on node 0: local shards recovered, replicas re-synced
        clients[0].upsert("dist", points=[{"id": 500, "vector": [1, 1, 1, 1], "payload": {}}], wait=True)
        path = tb.snapshots_dir(0) / "dist" / d.name
        assert clients[0].recover_snapshot("dist", f"file://{path}", wait=True) is True
        # point 500 lives in shard 500 % 3 == 2: replaced by the snapshot's data if node 0 holds shard 2
        assert 2 in local[0]
        for c in clients:
            assert all_points(c, "dist") == expected
        # no_sync: only node 0's replicas change; shard 2's other replica (node 2) keeps point 503
        clients[0].upsert("dist", points=[{"id": 503, "vector": [1, 1, 1, 1], "payload": {}}], wait=True)
        assert clients[0].recover_snapshot("dist", f"file://{path}", priority="no_sync", wait=True) is True
        counts = {i: {s["shard_id"]: s["points_count"] for s in h.get("/collections/dist/cluster").json()
                      ["result"]["local_shards"]} for i, h in enumerate(https)}
        assert counts[2][2] == counts[0][2] + 1
    # onto a single node, a snapshot missing a shard's data is refused before anything is created
    with start_testbed(tmp_path / "single") as single:
        shutil_target = single.snapshots_dir() / "dist"
        shutil_target.mkdir(parents=True)
        shutil.copy(f, shutil_target / d.name)
        r = http_for(single.url).put("/collections/dist/snapshots/recover",
                                     json={"location": f"file://{shutil_target / d.name}"})
        assert r.status_code == 500
        assert "Can't restore snapshot in local mode with missing data at shard" in r.json()["status"]["error"]
        assert http_for(single.url).get("/collections/dist/exists").json()["result"] == {"exists": False}


def test_cluster_recover_and_remove_peer_in_cluster_mode(tmp_path, client_for, http_for):
    """In a cluster POST /cluster/recover is accepted (a Raft snapshot request: true) and removing a peer that
    holds shards is refused without force (src/actix/api/cluster_api.rs); the 405 is for standalone nodes only."""
    with start_testbed(tmp_path, peers=3) as tb:
        https = [http_for(u) for u in tb.urls]
        r = https[1].post("/cluster/recover")
        assert r.status_code == 200 and r.json()["result"] is True
        make_collection(client_for(tb.urls[0]), "dist", shards=3, points=6, rf=1)
        pid = tb.peer_id(2)
        r = https[0].delete(f"/cluster/peer/{pid}")
        assert r.status_code == 400
        assert r.json()["status"]["error"] == f"Bad request: Cannot remove peer {pid} as there are shards on it"
        assert https[0].get("/cluster").json()["result"]["status"] == "enabled"
        assert len(https[0].get("/cluster").json()["result"]["peers"]) == 3
