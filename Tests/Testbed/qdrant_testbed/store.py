"""Shared state of the test double: peers, collections (one EdgeShard per replica), aliases, snapshots."""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

import qdrant_edge as q

from . import archives, config_diff, convert, filters
from .archives import TarWriter
from .errors import (ApiError, already_exists, bad_input, bad_request, format_error, collection_missing, forbidden,
                     not_found, service_error)
from .faults import Faults
from .snapshot_storage import SnapshotStorage, make_storage, validate_snapshot_name  # noqa: F401 (re-exported)

DEFAULT_HNSW = {"m": 16, "ef_construct": 100, "full_scan_threshold": 10000, "max_indexing_threads": 0,
                "on_disk": False}
DEFAULT_OPTIMIZER = {"deleted_threshold": 0.2, "vacuum_min_vector_number": 1000, "default_segment_number": 0,
                     "max_segment_size": None, "memmap_threshold": None, "indexing_threshold": 10000,
                     "flush_interval_sec": 5, "max_optimization_threads": None}
DEFAULT_WAL = {"wal_capacity_mb": 32, "wal_segments_ahead": 0, "wal_retain_closed": 1}
FORBIDDEN_NAME_CHARS = set('<>:"/\\|?*\0\x1f')


def now_stamp() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d-%H-%M-%S")


def validate_collection_name(name: str) -> None:
    if not name or len(name) > 255 or any(c in FORBIDDEN_NAME_CHARS for c in name) or name in (".", ".."):
        raise ApiError(422, f"Validation error in path parameters: [collection_name]: collection name "
                            f"cannot be empty, longer than 255 characters or contain any of <>:\"/\\|?*")


class Peer:
    """One node: its peer id, port and directories."""

    def __init__(self, index: int, peer_id: int, root: str):
        self.index = index
        self.peer_id = peer_id
        self.root = root
        self.port = 0
        self.scheme = "http"
        self.collections_dir = os.path.join(root, "collections")
        self.snapshots_dir = os.path.join(root, "snapshots")
        self.tmp_dir = os.path.join(root, "tmp")
        self.snapshots_tmp = os.path.join(self.snapshots_dir, "tmp")
        self.storage: SnapshotStorage = make_storage(self.snapshots_dir, None)  # where its snapshots are kept
        for d in (self.collections_dir, self.snapshots_dir):
            os.makedirs(d, exist_ok=True)
        for d in (self.tmp_dir, self.snapshots_tmp):  # wiped at startup, like Qdrant's temp directories
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d, exist_ok=True)


class Collection:
    """A collection: config, placement of shard replicas over peers, one EdgeShard per local replica."""

    def __init__(self, name: str, config: dict, payload_schema: dict, placement: dict[int, list[int]],
                 states: dict[tuple[int, int], str]):
        self.name = name
        self.config = config
        self.payload_schema = payload_schema
        self.placement = placement
        self.states = states
        self.shards: dict[tuple[int, int], q.EdgeShard] = {}
        self.lock = threading.RLock()

    @property
    def params(self) -> dict:
        return self.config["params"]

    @property
    def shard_number(self) -> int:
        return int(self.params.get("shard_number", 1))

    def edge_config(self) -> q.EdgeConfig:
        return convert.edge_config(self.params)

    def to_state(self) -> dict:
        return {"config": self.config, "payload_schema": self.payload_schema,
                "placement": {str(k): v for k, v in self.placement.items()},
                "states": {f"{s}:{p}": st for (s, p), st in self.states.items()}}


class Cluster:
    """All nodes of one test double process with their shared placement state."""

    def __init__(self, storage: str, peers: int, version: str, api_key: str | None = None,
                 read_only_api_key: str | None = None, disk_size: int | None = None,
                 disk_usage_percent: int | None = None, ram_size: int | None = None,
                 faults: Faults | None = None, jwt_rbac: bool = False, alt_api_key: str | None = None,
                 cloud: str | None = None, outgoing_tls=None, snapshots_s3: dict | None = None):
        """cloud: a Qdrant Cloud cluster id (peers report Cloud's internal p2p URIs, URL recovery is refused);
        outgoing_tls: the ssl.SSLContext for http(s) recover locations (Qdrant's outgoing client when TLS is on);
        snapshots_s3: {bucket, endpoint, region}: every node keeps its snapshots in that bucket
        (`snapshots_storage: s3`), keys from the AWS_* environment."""
        from .auth import Authenticator
        self.storage = os.path.abspath(storage)
        os.makedirs(self.storage, exist_ok=True)
        self.version = version
        self.api_key = api_key
        self.read_only_api_key = read_only_api_key
        self.auth = Authenticator(api_key, read_only_api_key, jwt_rbac=jwt_rbac, alt_api_key=alt_api_key,
                                  value_exists=self.value_exists)
        self.cloud = cloud
        self.outgoing_tls = outgoing_tls
        self.disk_size = disk_size
        self.disk_usage_percent = disk_usage_percent
        self.ram_size = ram_size
        self.faults = faults or Faults()
        self.lock = threading.RLock()
        self.alias_lock = threading.Lock()
        self.started = dt.datetime.now(dt.timezone.utc)
        self.process_id = str(uuid.uuid4())
        self.state_path = os.path.join(self.storage, "testbed_state.json")
        state = {}
        if os.path.exists(self.state_path):
            with open(self.state_path) as f:
                state = json.load(f)
        peer_ids = state.get("peer_ids") or [random.getrandbits(52) + 1000 for _ in range(peers)]
        while len(peer_ids) < peers:
            peer_ids.append(random.getrandbits(52) + 1000)
        self.peer_ids = peer_ids
        self.peers = [Peer(i, peer_ids[i], self.storage if peers == 1 else os.path.join(self.storage, f"peer-{i}"))
                      for i in range(peers)]
        if snapshots_s3:
            from .s3_snapshot_storage import make_client
            client = make_client(snapshots_s3["endpoint"], snapshots_s3.get("region") or "us-east-1", version)
            for p in self.peers:  # one bucket for all nodes, as a cluster configured alike
                p.storage = make_storage(p.snapshots_dir, snapshots_s3, client)
        # Qdrant Cloud always runs in cluster mode, even with one node (docs: cloud/configure-cluster)
        self.distributed = peers > 1 or bool(cloud)
        self.collections: dict[str, Collection] = {}
        self.aliases: dict[str, str] = dict(state.get("aliases", {}))
        self.running: dict[tuple[int, str], dict] = {}
        for name, cs in state.get("collections", {}).items():
            col = Collection(name, cs["config"], cs.get("payload_schema", {}),
                             {int(k): v for k, v in cs["placement"].items()},
                             {(int(k.split(":")[0]), int(k.split(":")[1])): v for k, v in cs["states"].items()})
            self.collections[name] = col
            for (sid, pidx), st in col.states.items():
                if st == "Active" and pidx < len(self.peers):
                    try:
                        col.shards[(sid, pidx)] = q.EdgeShard.load(self.replica_dir(col.name, sid, pidx),
                                                                   col.edge_config())
                    except Exception:
                        col.states[(sid, pidx)] = "Dead"
        self.save()

    # ------------------------------------------------------------------ persistence and lookup

    def save(self) -> None:
        with self.lock:
            state = {"peer_ids": self.peer_ids, "aliases": self.aliases,
                     "collections": {n: c.to_state() for n, c in self.collections.items()}}
            tmp = self.state_path + ".tmp"
            with open(tmp, "w") as f:
                json.dump(state, f)
            os.replace(tmp, self.state_path)

    def close(self) -> None:
        with self.lock:
            for col in self.collections.values():
                with col.lock:
                    for sh in col.shards.values():
                        try:
                            sh.flush()
                            sh.close()
                        except Exception:
                            pass
                    col.shards.clear()

    def replica_dir(self, collection: str, shard_id: int, peer_index: int) -> str:
        return os.path.join(self.peers[peer_index].collections_dir, collection, str(shard_id))

    def resolve(self, name: str) -> str:
        with self.lock:
            if name in self.collections:
                return name
            if name in self.aliases:
                return self.aliases[name]
            return name

    def get(self, name: str) -> Collection:
        with self.lock:
            real = self.resolve(name)
            col = self.collections.get(real)
            if col is None:
                raise collection_missing(name)
            return col

    # ------------------------------------------------------------------ collections

    def build_config(self, body: dict) -> dict:
        vectors = body.get("vectors", {})
        sparse = body.get("sparse_vectors")
        if not vectors and not sparse:
            vectors = {}
        params = {"vectors": vectors, "shard_number": int(body.get("shard_number") or 1),
                  "sharding_method": body.get("sharding_method"),
                  "replication_factor": int(body.get("replication_factor") or 1),
                  "write_consistency_factor": int(body.get("write_consistency_factor") or 1),
                  "on_disk_payload": body.get("on_disk_payload", True)}
        if params["sharding_method"] is None:
            del params["sharding_method"]
        if sparse:
            params["sparse_vectors"] = sparse
        if params["shard_number"] < 1 or params["replication_factor"] < 1:
            raise ApiError(422, "Validation error in JSON body: [shard_number]: value must be at least 1")
        hnsw = dict(DEFAULT_HNSW)
        hnsw.update(body.get("hnsw_config") or {})
        opt = dict(DEFAULT_OPTIMIZER)
        opt.update(body.get("optimizers_config") or {})
        wal = dict(DEFAULT_WAL)
        wal.update(body.get("wal_config") or {})
        config = {"params": params, "hnsw_config": hnsw, "optimizer_config": opt, "wal_config": wal,
                  "quantization_config": body.get("quantization_config"),
                  "strict_mode_config": body.get("strict_mode_config") or {"enabled": False},
                  "uuid": str(uuid.uuid4())}
        if body.get("metadata"):
            config["metadata"] = body["metadata"]
        convert.edge_config(params)  # validates the vector params
        return config

    def create_collection(self, name: str, config: dict, payload_schema: dict | None = None) -> Collection:
        validate_collection_name(name)
        with self.lock:
            if name in self.collections:
                raise already_exists(f"Collection `{name}` already exists!")
            if name in self.aliases:
                # toc/create_collection.rs: StorageError::bad_input, so 400 (not 409 as for a collection clash)
                raise bad_input(f"Can't create collection with name {name}. Alias with the same name already exists")
            n = len(self.peers)
            shard_number = int(config["params"].get("shard_number", 1))
            rf = min(int(config["params"].get("replication_factor", 1)), n)
            placement = {s: [(s + r) % n for r in range(rf)] for s in range(shard_number)}
            states = {(s, p): "Active" for s, ps in placement.items() for p in ps}
            col = Collection(name, config, payload_schema or {}, placement, states)
            edge_cfg = col.edge_config()
            for (s, p) in states:
                d = self.replica_dir(name, s, p)
                shutil.rmtree(d, ignore_errors=True)
                col.shards[(s, p)] = q.EdgeShard.create(d, edge_cfg)
            self.collections[name] = col
            self.save()
            return col

    def update_metadata(self, name: str, metadata: dict) -> None:
        with self.lock:
            col = self.get(name)
            # Top-level keys only, as Qdrant does: `null` deletes a key, any other value replaces it whole.
            merged = dict(col.config.get("metadata") or {})
            for key, value in metadata.items():
                if value is None:
                    merged.pop(key, None)
                else:
                    merged[key] = value
            col.config["metadata"] = merged
            self.save()

    def update_collection(self, name: str, diff: dict) -> None:
        """PATCH /collections/{c}: the parsed diffs applied one after the other, as Qdrant does (a later failure,
        e.g. an unknown vector name, leaves the earlier ones applied)."""
        with self.lock:
            col = self.get(name)
            try:
                config_diff.apply(col.config, diff, lambda md: self.update_metadata(name, md))
            finally:
                self.save()

    def create_vector(self, name: str, vector: str, config: dict) -> None:
        """PUT /collections/{c}/vectors/{name} (Qdrant >= 1.18, `vector_name_schema.rs`): the vector joins the
        collection's params (existing points lack it) and every local shard (`create_dense_vector` /
        `create_sparse_vector`). The same config again is a no-op; a clash is 400 as in `add_vector_to_config`."""
        with self.lock:
            col = self.get(name)
            with col.lock:
                params = col.params
                dense = convert.vector_params(params)
                sparse = params.get("sparse_vectors") or {}
                if "dense" in config:
                    want = config["dense"]
                    if vector in dense:
                        have = dense[vector]
                        if (int(have["size"]) != want["size"] or have["distance"] != want["distance"]
                                or have.get("multivector_config") != want.get("multivector_config")
                                or have.get("datatype") != want.get("datatype")):
                            raise bad_input(f"Vector `{vector}` already exists with a different configuration")
                        return
                    if vector in sparse:
                        raise bad_input(f"Vector `{vector}` already exists as a sparse vector")
                    stored = {"size": want["size"], "distance": want["distance"]}
                    for k in ("multivector_config", "datatype"):
                        if want.get(k) is not None:
                            stored[k] = want[k]
                    vectors = params.get("vectors") or {}
                    if "size" in vectors and "distance" in vectors:  # a single unnamed vector becomes "" of a map
                        vectors = {"": vectors}
                    vectors[vector] = stored
                    params["vectors"] = vectors
                    multi = want.get("multivector_config")
                    op = q.UpdateOperation.create_dense_vector(
                        vector, want["size"], convert.DISTANCES[want["distance"]],
                        multivector_config=q.MultiVectorConfig(comparator=q.MultiVectorComparator.MaxSim)
                        if multi else None)
                else:
                    want = config["sparse"]
                    if vector in sparse:
                        have = sparse[vector]
                        if (have.get("modifier") != want.get("modifier")
                                or (have.get("index") or {}).get("datatype") != want.get("datatype")):
                            raise bad_input(f"Sparse vector `{vector}` already exists with a different configuration")
                        return
                    if vector in dense:
                        raise bad_input(f"Vector `{vector}` already exists as a dense vector")
                    stored = {}
                    if want.get("datatype") is not None:
                        stored["index"] = {"datatype": want["datatype"]}
                    if want.get("modifier") is not None:
                        stored["modifier"] = want["modifier"]
                    params["sparse_vectors"] = dict(sparse, **{vector: stored})
                    op = q.UpdateOperation.create_sparse_vector(vector)
                self.save()
                for sh in col.shards.values():
                    sh.update(op)

    def delete_vector(self, name: str, vector: str) -> None:
        """DELETE /collections/{c}/vectors/{name}: idempotent (an unknown name changes nothing)."""
        with self.lock:
            col = self.get(name)
            with col.lock:
                params = col.params
                vectors = params.get("vectors") or {}
                if "size" in vectors and "distance" in vectors:
                    if vector == "":
                        params["vectors"] = {}
                else:
                    vectors.pop(vector, None)
                if params.get("sparse_vectors"):
                    params["sparse_vectors"].pop(vector, None)
                self.save()
                for sh in col.shards.values():
                    sh.update(q.UpdateOperation.delete_vector_name(vector))

    def peer_has_shards(self, peer_index: int) -> bool:
        """Whether any collection places a replica on the peer (toc `peer_has_shards`)."""
        with self.lock:
            return any(peer_index in ps for col in self.collections.values() for ps in col.placement.values())

    def delete_collection(self, name: str) -> bool:
        with self.lock:
            real = self.resolve(name)
            col = self.collections.pop(real, None)
            if col is None:
                return False
            self.aliases = {a: c for a, c in self.aliases.items() if c != real}
            with col.lock:
                for sh in col.shards.values():
                    try:
                        sh.close()
                    except Exception:
                        pass
                col.shards.clear()
            for p in self.peers:
                shutil.rmtree(os.path.join(p.collections_dir, real), ignore_errors=True)
            self.save()
            return True

    def active_replica(self, col: Collection, sid: int, prefer: int | None = None):
        order = list(col.placement.get(sid, []))
        if prefer is not None and prefer in order:
            order.remove(prefer)
            order.insert(0, prefer)
        for p in order:
            if col.states.get((sid, p)) == "Active" and (sid, p) in col.shards:
                return col.shards[(sid, p)]
        raise ApiError(503, f"Shard temporarily unavailable: No active replica of shard {sid}")

    # ------------------------------------------------------------------ points

    def upsert(self, col: Collection, points: list[tuple], update_mode: str | None = None,
               condition=None) -> None:
        """Upserts (update_mode `upsert`, `insert_only` or `update_only`; condition: `update_filter`) — Edge
        applies both as Qdrant's shard update does."""
        mode = {None: None, "upsert": q.UpdateMode.Upsert, "insert_only": q.UpdateMode.InsertOnly,
                "update_only": q.UpdateMode.UpdateOnly}[update_mode]
        by_shard: dict[int, list] = {}
        for pid, vec, payload in points:
            by_shard.setdefault(convert.shard_of(pid, col.shard_number), []).append(
                q.Point(pid, vec, payload))
        with col.lock:
            for sid, pts in by_shard.items():
                targets = [col.shards[(sid, p)] for p in col.placement[sid]
                           if col.states.get((sid, p)) == "Active" and (sid, p) in col.shards]
                if not targets:
                    raise ApiError(503, f"Shard temporarily unavailable: No active replica of shard {sid}")
                for sh in targets:
                    try:
                        sh.update(q.UpdateOperation.upsert_points(pts, condition=condition, update_mode=mode))
                    except Exception as e:
                        raise bad_input(str(e)) from None

    def delete_points(self, col: Collection, ids: list) -> None:
        with col.lock:
            for (sid, p), sh in col.shards.items():
                if col.states.get((sid, p)) == "Active":
                    mine = [i for i in ids if convert.shard_of(i, col.shard_number) == sid]
                    if mine:
                        sh.update(q.UpdateOperation.delete_points(mine))

    def delete_by_filter(self, col: Collection, flt) -> None:
        with col.lock:
            for (sid, p), sh in col.shards.items():
                if col.states.get((sid, p)) == "Active":
                    sh.update(q.UpdateOperation.delete_points_by_filter(flt))

    def count(self, col: Collection, sid: int | None = None, peer: int | None = None, flt=None) -> int:
        with col.lock:
            if sid is not None:
                sh = col.shards.get((sid, peer))
                return sh.count(q.CountRequest(exact=True)) if sh is not None else 0
            try:
                return sum(self.active_replica(col, s).count(q.CountRequest(exact=True, filter=flt))
                           for s in col.placement)
            except ApiError:
                raise
            except Exception as e:  # Edge refusing the filter (e.g. a datetime it cannot parse)
                raise bad_request(str(e)) from None

    def segments_count(self, col: Collection) -> int:
        with col.lock:
            return sum(self.active_replica(col, s).info().segments_count for s in col.placement)

    def scroll(self, col: Collection, offset, limit: int, with_payload, with_vector, flt=None):
        """A page of `limit` points from `offset` on, in id order over all shards (each shard gives its first
        limit+1 matching points from the offset; the merged first limit+1 are the page plus the next offset)."""
        with col.lock:
            records = []
            for s in col.placement:
                sh = self.active_replica(col, s)
                try:
                    recs, _ = sh.scroll(q.ScrollRequest(offset=offset, limit=limit + 1, with_payload=with_payload,
                                                        with_vector=with_vector, filter=flt))
                except Exception as e:  # Edge refusing the filter
                    raise bad_request(str(e)) from None
                records.extend(recs)
        records.sort(key=lambda r: convert.id_key(r.id))
        nxt = convert.id_out(records[limit].id) if len(records) > limit else None
        return records[:limit], nxt

    def retrieve(self, col: Collection, ids: list, with_payload, with_vector):
        by_shard: dict[int, list] = {}
        for i in ids:
            by_shard.setdefault(convert.shard_of(i, col.shard_number), []).append(i)
        out = []
        with col.lock:
            for sid, mine in by_shard.items():
                out.extend(self.active_replica(col, sid).retrieve(mine, with_payload=with_payload,
                                                                   with_vector=with_vector))
        order = {convert.id_out(i): n for n, i in enumerate(ids)}
        out.sort(key=lambda r: order.get(convert.id_out(r.id), 0))
        return out

    def all_ids(self, col: Collection, flt=None) -> list:
        ids, offset = [], None
        while True:
            recs, offset = self.scroll(col, offset, 1000, False, False, flt)
            ids.extend(r.id for r in recs)
            if offset is None:
                return ids

    def slice_ids(self, col: Collection):
        """For `slice` filter conditions (Qdrant >= 1.19; None before): (total, index) → the ids in that slice."""
        if not self.version_at_least(1, 19):
            return None
        cache: dict = {}

        def ids_in(total: int, index: int) -> list:
            if "all" not in cache:
                cache["all"] = self.all_ids(col)
            return [i for i in cache["all"] if filters.in_slice(i, total, index)]
        return ids_in

    def bool_ids(self, col: Collection):
        """For boolean `match` conditions: (key, bool) → the ids whose payload at key holds that boolean."""
        def ids_with(key: str, value: bool) -> list:
            out, offset = [], None
            while True:
                recs, offset = self.scroll(col, offset, 1000, True, False)
                out.extend(r.id for r in recs
                           if any(x is value for x in filters.payload_values(r.payload or {}, key)))
                if offset is None:
                    return out
        return ids_with

    def version_at_least(self, major: int, minor: int) -> bool:
        try:
            parts = [int(x) for x in self.version.split("-")[0].split(".")[:2]]
        except ValueError:
            return True
        return tuple(parts) >= (major, minor)

    def sample(self, col: Collection, limit: int, with_payload, with_vector, flt=None) -> list:
        """`limit` distinct points drawn uniformly at random from the whole collection (those matching flt)."""
        ids, offset = [], None
        while True:
            recs, offset = self.scroll(col, offset, 1000, False, False, flt)
            ids.extend(r.id for r in recs)
            if offset is None:
                break
        chosen = random.sample(ids, min(limit, len(ids)))
        return self.retrieve(col, chosen, with_payload, with_vector)

    def query(self, col: Collection, vector, using: str | None, limit: int, offset: int, with_payload,
              with_vector, score_threshold=None, flt=None):
        name = using or ""
        dense = convert.vector_params(col.params)
        if isinstance(vector, q.SparseVector):
            higher = True
        elif name in dense:
            higher = convert.HIGHER_IS_BETTER[dense[name]["distance"]]
        else:
            raise bad_input(f"Not existing vector name error: {name}")
        req = q.QueryRequest(limit=limit + offset, query=q.Query.Nearest(vector, using=using or None),
                             with_payload=with_payload, with_vector=with_vector, score_threshold=score_threshold,
                             filter=flt)
        hits = []
        with col.lock:
            for s in col.placement:
                try:
                    hits.extend(self.active_replica(col, s).query(req))
                except ApiError:
                    raise
                except Exception as e:
                    raise bad_input(str(e)) from None
        hits.sort(key=lambda h: -h.score if higher else h.score)
        return hits[offset:offset + limit]

    # ------------------------------------------------------------------ aliases

    def update_aliases(self, actions: list) -> None:
        """Applies alias actions in order under one lock; no rollback (qdrant-api.md §3.1)."""
        with self.lock, self.alias_lock:
            try:
                for action in actions:
                    if "create_alias" in action:
                        a = action["create_alias"]
                        coll, alias = a["collection_name"], a["alias_name"]
                        if coll not in self.collections:
                            raise collection_missing(coll)
                        if alias in self.collections:
                            raise already_exists(f"Collection `{alias}` already exists!")
                        self.aliases[alias] = coll
                    elif "delete_alias" in action:
                        self.aliases.pop(action["delete_alias"]["alias_name"], None)
                    elif "rename_alias" in action:
                        a = action["rename_alias"]
                        old, new = a["old_alias_name"], a["new_alias_name"]
                        if old not in self.aliases:
                            raise not_found(f"Alias {old} does not exists!")
                        self.aliases[new] = self.aliases.pop(old)
                    else:
                        raise format_error("unknown alias action")
                    self.save()
            finally:
                self.save()

    def value_exists(self, collection: str, matches: list) -> str:
        """JWT `value_exists` (stateful validation): "missing" (no such collection), "nomatch" (no point whose payload
        matches every key/value) or "ok". Keys are dotted payload paths; an array value matches if it holds the value."""
        try:
            col = self.get(collection)
        except ApiError:
            return "missing"

        def values_at(payload, path: str):
            cur = [payload]
            for part in path.replace("[]", "").split("."):
                nxt = []
                for v in cur:
                    if isinstance(v, dict) and part in v:
                        x = v[part]
                        nxt.extend(x if isinstance(x, list) else [x])
                cur = nxt
            return cur

        offset = None
        while True:
            recs, offset = self.scroll(col, offset, 256, True, False)
            for r in recs:
                payload = r.payload or {}
                if all(any(v == m["value"] and type(v) is type(m["value"]) for v in values_at(payload, m["key"]))
                       for m in matches):
                    return "ok"
            if offset is None:
                return "nomatch"

    def list_aliases(self, collection: str | None = None) -> list[dict]:
        with self.lock:
            return [{"alias_name": a, "collection_name": c} for a, c in self.aliases.items()
                    if collection is None or c == collection]

    # ------------------------------------------------------------------ snapshot bookkeeping

    def _running(self, peer: Peer, collection: str) -> dict:
        return self.running.setdefault((peer.index, collection), {"running_snapshots": 0,
                                                                  "running_snapshot_recovery": 0,
                                                                  "total_snapshot_creations": 0})

    def _hang_if_asked(self) -> None:
        ev = self.faults.hang_event()
        if ev is not None:
            ev.wait()
            raise service_error("Snapshot creation aborted")

    # ------------------------------------------------------------------ snapshot creation

    def _replica_state(self, col: Collection, sid: int, peer: Peer, is_local: bool) -> bytes:
        peers = {str(self.peer_ids[p]): col.states.get((sid, p), "Dead") for p in col.placement.get(sid, [])}
        return archives.json_bytes({"is_local": is_local, "this_peer_id": peer.peer_id, "peers": peers})

    def _clocks(self, peer: Peer, ticks: int) -> bytes:
        return archives.json_bytes({"clocks": [{"peer_id": peer.peer_id, "clock_id": 0, "current_tick": ticks,
                                                "token": random.getrandbits(63)}]})

    def _write_collection_tar(self, col: Collection, peer: Peer, out) -> None:
        w = TarWriter(out)
        for sid in sorted(col.placement):
            local = peer.index in col.placement[sid] and (sid, peer.index) in col.shards
            if local:
                sh = col.shards[(sid, peer.index)]
                sh.flush()
                extra = {"newest_clocks.json": self._clocks(peer, sh.count(q.CountRequest(exact=True))),
                         "replica_state.json": self._replica_state(col, sid, peer, True),
                         "shard_config.json": archives.json_bytes({"type": "ReplicaSet"})}
                archives.write_shard_dir(w, str(sid), self.replica_dir(col.name, sid, peer.index), peer.tmp_dir,
                                         regular=True, save_wal=True, extra=extra)
            else:
                w.add_bytes(f"{sid}/replica_state.json", self._replica_state(col, sid, peer, False))
                w.add_bytes(f"{sid}/shard_config.json", archives.json_bytes({"type": "ReplicaSet"}))
        w.add_bytes("version.info", archives.COLLECTION_VERSION)
        w.add_bytes("config.json", archives.json_bytes(col.config))
        w.add_bytes("shard_key_mapping.json", b"[]")
        w.add_bytes("payload_index.json", archives.json_bytes({"schema": col.payload_schema}))
        w.finish()

    def create_collection_snapshot(self, peer: Peer, name: str) -> dict:
        col = self.get(name)
        stats = self._running(peer, col.name)
        stats["running_snapshots"] += 1
        try:
            self._hang_if_asked()
            snap_name = f"{col.name}-{peer.peer_id}-{now_stamp()}.snapshot"
            fd, tmp = tempfile.mkstemp(dir=peer.tmp_dir, suffix=".snapshot")
            with os.fdopen(fd, "wb") as f:
                hf = archives.HashingFile(f)
                with col.lock:
                    self._write_collection_tar(col, peer, hf)
            try:
                desc = peer.storage.store(tmp, hf.sha.hexdigest(), os.path.join(peer.snapshots_dir, col.name),
                                          snap_name)
            except ApiError as e:  # Collection::create_snapshot wraps what the store reports
                raise service_error(f"failed to store snapshot archive to {tmp}: {e.message}") from None
            stats["total_snapshot_creations"] += 1
            return desc
        finally:
            stats["running_snapshots"] -= 1

    def _write_shard_tar(self, col: Collection, sid: int, peer: Peer, out, regular: bool) -> None:
        sh = col.shards[(sid, peer.index)]
        sh.flush()
        ticks = sh.count(q.CountRequest(exact=True))
        extra = {"newest_clocks.json": self._clocks(peer, ticks),
                 "oldest_clocks.json": archives.json_bytes({"clocks": []}),
                 "replica_state.json": self._replica_state(col, sid, peer, True),
                 "shard_config.json": archives.json_bytes({"type": "ReplicaSet"})}
        w = TarWriter(out)
        archives.write_shard_dir(w, "", self.replica_dir(col.name, sid, peer.index), peer.snapshots_tmp,
                                 regular=regular, save_wal=False, extra=extra)
        w.finish()

    def local_shard(self, peer: Peer, name: str, sid: int) -> Collection:
        col = self.get(name)
        if sid not in col.placement:
            raise not_found(f"shard {sid} not found")
        if peer.index not in col.placement[sid] or (sid, peer.index) not in col.shards:
            raise bad_input(f"Shard {sid} is not a local shard")
        return col

    def create_shard_snapshot(self, peer: Peer, name: str, sid: int) -> dict:
        col = self.local_shard(peer, name, sid)
        stats = self._running(peer, col.name)
        stats["running_snapshots"] += 1
        try:
            self._hang_if_asked()
            snap_name = f"{col.name}-shard-{sid}-{now_stamp()}.snapshot"
            fd, tmp = tempfile.mkstemp(dir=peer.snapshots_tmp, suffix=".snapshot")
            with os.fdopen(fd, "wb") as f:
                hf = archives.HashingFile(f)
                with col.lock:
                    self._write_shard_tar(col, sid, peer, hf, regular=True)
            desc = peer.storage.store(tmp, hf.sha.hexdigest(), self.shard_snapshots_dir(peer, col.name, sid),
                                      snap_name)
            stats["total_snapshot_creations"] += 1
            return desc
        finally:
            stats["running_snapshots"] -= 1

    def stream_shard_snapshot(self, peer: Peer, col: Collection, sid: int, out) -> None:
        with col.lock:
            self._write_shard_tar(col, sid, peer, out, regular=False)

    def shard_snapshots_dir(self, peer: Peer, collection: str, sid: int) -> str:
        return os.path.join(peer.snapshots_dir, collection, "shards", str(sid))

    def create_full_snapshot(self, peer: Peer) -> dict:
        stats = self._running(peer, "")
        stats["running_snapshots"] += 1
        try:
            self._hang_if_asked()
            with self.lock:
                names = sorted(self.collections)
                aliases = dict(self.aliases)
            work = tempfile.mkdtemp(dir=peer.tmp_dir, prefix="full-")
            try:
                mapping = {}
                for n in names:
                    desc = self.create_collection_snapshot(peer, n)
                    # get_stored_file: moved here locally (its .checksum stays behind), downloaded from S3 (the
                    # object stays in the bucket)
                    peer.storage.fetch(os.path.join(peer.snapshots_dir, n), desc["name"],
                                       os.path.join(work, desc["name"]))
                    mapping[n] = desc["name"]
                snap_name = f"full-snapshot-{now_stamp()}.snapshot"
                fd, tmp = tempfile.mkstemp(dir=peer.tmp_dir, suffix=".snapshot")
                with os.fdopen(fd, "wb") as f:
                    hf = archives.HashingFile(f)
                    w = TarWriter(hf)
                    for n in names:
                        w.add_file(mapping[n], os.path.join(work, mapping[n]))
                    w.add_bytes("config.json", archives.json_bytes(
                        {"collections_mapping": mapping, "collections_aliases": aliases}, pretty=True))
                    w.finish()
                return peer.storage.store(tmp, hf.sha.hexdigest(), peer.snapshots_dir, snap_name)
            finally:
                shutil.rmtree(work, ignore_errors=True)
        finally:
            stats["running_snapshots"] -= 1

    # ------------------------------------------------------------------ recovery

    def stream_location(self, url: str, api_key: str | None, dest_dir: str, compute_checksum: bool) -> str | None:
        """Streams an http(s) location straight into the tar unpacker in dest_dir, as Qdrant (≥ 1.17,
        `download_and_unpack_tar`) does: no intermediate file, one pass; the SHA-256 of the body, when asked, is
        known only once it is unpacked."""
        req = urllib.request.Request(url, headers={"api-key": api_key} if api_key else {})
        try:
            resp = urllib.request.urlopen(req, timeout=60, context=self.outgoing_tls)
        except urllib.error.HTTPError as e:
            raise bad_input(f"Failed to download tar from {url}: status - {e.code} {e.reason}") from None
        except (urllib.error.URLError, OSError) as e:
            raise bad_input(f"Failed to download tar from {url}: {e}") from None
        with resp:
            reader = archives.HashingReader(resp, compute_checksum)
            archives.safe_extract_stream(reader, dest_dir)
            try:
                reader.drain()
            except OSError as e:
                raise service_error(f"Download task failed: {e}") from None
        return reader.hexdigest()

    def unpack_collection_snapshot(self, peer: Peer, location: str, api_key: str | None, checksum: str | None,
                                   unpacked: str) -> None:
        """Qdrant's `download_snapshot` + unpack: a file:// location is hashed, then unpacked; an http(s) one is
        unpacked as it downloads, then its checksum compared."""
        parsed = urllib.parse.urlparse(location)
        if not parsed.scheme:
            raise format_error(f"relative URL without a base: {location}")
        if parsed.scheme == "file":
            if parsed.netloc not in ("", "localhost"):
                raise bad_request("Invalid snapshot URI, file path must be absolute or on localhost")
            path = urllib.parse.unquote(parsed.path)
            if not os.path.exists(path):
                raise bad_request(f'Snapshot file "{path}" does not exist')
            real = os.path.realpath(path)
            base = os.path.realpath(peer.snapshots_dir)
            if os.path.commonpath([real, base]) != base:
                raise forbidden(f'Snapshot file path must be inside the snapshots directory "{base}"')
            if checksum:
                computed = archives.sha256_file(real)
                if not _hashes_equal(computed, checksum):
                    raise bad_input(f"Snapshot checksum mismatch: expected {checksum}, got {computed}")
            archives.safe_extract(real, unpacked)
            return
        if parsed.scheme in ("http", "https"):
            computed = self.stream_location(location, api_key, unpacked, bool(checksum))
            if checksum and not _hashes_equal(computed, checksum):
                raise bad_input(f"Snapshot checksum mismatch: expected {checksum}, got {computed}")
            return
        raise bad_request(f"URL {location} with scheme {parsed.scheme} is not supported")

    def recover_collection(self, peer: Peer, name: str, location: str, priority: str | None,
                           checksum: str | None, api_key: str | None) -> bool:
        validate_collection_name(name)
        stats = self._running(peer, name)
        stats["running_snapshot_recovery"] += 1
        work = tempfile.mkdtemp(dir=peer.tmp_dir, prefix=f"col-{name}-recovery-")
        try:
            unpacked = os.path.join(work, "unpacked")
            os.makedirs(unpacked)
            self.unpack_collection_snapshot(peer, location, api_key, checksum, unpacked)
            if not self.distributed:
                # Qdrant checks every shard folder's replica_state.json while unpacking, before it
                # reads the config or creates anything.
                for entry in sorted(os.listdir(unpacked)):
                    shard_dir = os.path.join(unpacked, entry)
                    if not (entry.isdigit() and os.path.isdir(shard_dir)):
                        continue
                    try:
                        with open(os.path.join(shard_dir, "replica_state.json")) as f:
                            is_local = json.load(f).get("is_local", False)
                    except (OSError, ValueError):
                        is_local = False
                    if not is_local:
                        raise service_error(
                            f"Can't restore snapshot in local mode with missing data at shard: {shard_dir}")
            cfg_path = os.path.join(unpacked, "config.json")
            try:
                with open(cfg_path) as f:
                    snap_config = json.load(f)
            except OSError as e:
                raise service_error(f"failed to read collection config {cfg_path}: {e.strerror}") from None
            except ValueError as e:
                raise service_error(f"failed to parse collection config: {e}") from None
            try:
                with open(os.path.join(unpacked, "payload_index.json")) as f:
                    schema = json.load(f).get("schema", {})
            except (OSError, ValueError):
                schema = {}
            real = self.resolve(name)
            with self.lock:
                col = self.collections.get(real)
            if col is None:
                # Qdrant creates the missing collection first; it is not removed if a later step fails.
                cfg = dict(snap_config)
                cfg["uuid"] = str(uuid.uuid4())
                col = self.create_collection(real, cfg, schema)
            sp, cp = snap_config.get("params", {}), col.params
            if sp.get("vectors") != cp.get("vectors") or int(sp.get("shard_number", 1)) != col.shard_number:
                raise bad_input("Snapshot is not compatible with existing collection: Collection vectors or "
                                "shard_number differ from the snapshot's")
            local_sids = sorted(s for s, ps in col.placement.items() if peer.index in ps)
            for sid in local_sids:  # sequential, no rollback of shards restored before a failure
                src = os.path.join(unpacked, str(sid))
                if not archives.has_shard_data(src):
                    continue
                shard_tar = os.path.join(work, f"shard-{sid}.tar")
                archives.retar_dir(src, shard_tar)
                self._restore_replica(col, sid, peer, shard_tar, priority)
            return True
        finally:
            stats["running_snapshot_recovery"] -= 1
            shutil.rmtree(work, ignore_errors=True)

    def _restore_replica(self, col: Collection, sid: int, peer: Peer, shard_tar: str, priority: str | None) -> None:
        """Replaces one local replica with a shard archive through Qdrant Edge (unpack_snapshot + load)."""
        key = (sid, peer.index)
        d = self.replica_dir(col.name, sid, peer.index)
        with col.lock:
            flag = os.path.join(os.path.dirname(d), f"shard_{sid}.initializing")
            open(flag, "w").close()
            old = col.shards.pop(key, None)
            if old is not None:
                try:
                    old.close()
                except Exception:
                    pass
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(os.path.join(d, "segments"))  # Edge needs the folder even for a segment-less shard
            try:
                q.EdgeShard.unpack_snapshot(shard_tar, d)
                col.shards[key] = q.EdgeShard.load(d, col.edge_config())
            except Exception as e:
                col.states[key] = "Dead"
                shutil.rmtree(d, ignore_errors=True)
                os.makedirs(d, exist_ok=True)
                self.save()
                raise service_error(f"Failed to load local shard {sid}: {e}") from None
            col.states[key] = "Active"
            os.unlink(flag)
            self._after_restore(col, sid, peer, priority)
            self.save()

    def _after_restore(self, col: Collection, sid: int, peer: Peer, priority: str | None) -> None:
        """Priority handling. Qdrant would mark other replicas Dead and re-sync them by shard transfer;
        the double performs that transfer at once (copying the restored replica)."""
        priority = priority or "snapshot"
        others = [p for p in col.placement[sid] if p != peer.index]
        if not others or priority == "no_sync":
            return
        if priority == "replica":
            src = next((p for p in others if col.states.get((sid, p)) == "Active"), None)
            if src is not None:
                self._copy_replica(col, sid, src, peer.index)
            return
        for p in others:
            self._copy_replica(col, sid, peer.index, p)

    def _copy_replica(self, col: Collection, sid: int, src: int, dst: int) -> None:
        s = col.shards.get((sid, src))
        if s is None:
            return
        s.flush()
        old = col.shards.pop((sid, dst), None)
        if old is not None:
            old.close()
        # re-open the source so its files are quiescent while copying
        s.close()
        col.shards.pop((sid, src), None)
        sd, dd = self.replica_dir(col.name, sid, src), self.replica_dir(col.name, sid, dst)
        shutil.rmtree(dd, ignore_errors=True)
        shutil.copytree(sd, dd)
        cfg = col.edge_config()
        col.shards[(sid, src)] = q.EdgeShard.load(sd, cfg)
        col.shards[(sid, dst)] = q.EdgeShard.load(dd, cfg)
        col.states[(sid, dst)] = "Active"

    def recover_shard(self, peer: Peer, name: str, sid: int, location: str, priority: str | None,
                      checksum: str | None, api_key: str | None) -> bool:
        col = self.get(name)
        if sid not in col.placement:
            raise not_found(f"shard {sid} not found")
        stats = self._running(peer, col.name)
        stats["running_snapshot_recovery"] += 1
        work = tempfile.mkdtemp(dir=peer.tmp_dir, prefix=f"shard-{col.name}-{sid}-recovery-")
        try:
            parsed = urllib.parse.urlparse(location)
            if parsed.scheme in ("http", "https"):
                unpacked = os.path.join(work, "unpacked")
                os.makedirs(unpacked)
                computed = self.stream_location(location, api_key, unpacked, bool(checksum))
                if checksum and not _hashes_equal(computed, checksum):
                    raise bad_input(f"Snapshot checksum mismatch: expected {checksum}, got {computed}")
                # Qdrant moves the unpacked shard in; Qdrant Edge takes a shard archive, so it is packed again
                path = os.path.join(work, "shard.tar")
                archives.retar_dir(unpacked, path)
                return self.recover_shard_file(peer, col, sid, path, priority)
            elif parsed.scheme and len(parsed.scheme) > 1:
                raise bad_input(f"Invalid snapshot URL {location}: URLs with {parsed.scheme} scheme are not supported")
            else:
                if peer.storage.remote and peer.index not in col.placement[sid]:
                    raise bad_input(f"Shard {sid} is not a local or queue proxy shard")  # get_shard_snapshot_path
                if location in ("", ".", "..") or "/" in location or "\\" in location:
                    raise not_found(f"Snapshot {location} not found")
                local = os.path.join(self.shard_snapshots_dir(peer, col.name, sid), location)
                path = peer.storage.local_copy(os.path.dirname(local), location, work)  # S3: downloaded to work
                # Qdrant hashes the snapshot's *local* path, also when the storage is S3 (src/common/snapshots.rs)
                computed = _hash_local(local) if checksum else ""
            if checksum and not _hashes_equal(computed, checksum):
                raise bad_input(f"Snapshot checksum mismatch: expected {checksum}, got {computed}")
            return self.recover_shard_file(peer, col, sid, path, priority)
        finally:
            stats["running_snapshot_recovery"] -= 1
            shutil.rmtree(work, ignore_errors=True)

    def recover_shard_file(self, peer: Peer, col: Collection, sid: int, path: str, priority: str | None) -> bool:
        if peer.index not in col.placement[sid]:
            raise bad_input(f"Shard {sid} is not a local shard")
        self._restore_replica(col, sid, peer, path, priority)
        return True

    # ------------------------------------------------------------------ system

    def disk_size_kib(self) -> int:
        if self.disk_size is not None:
            return self.disk_size // 1024
        return shutil.disk_usage(self.storage).total // 1024

    def disk_usage(self) -> int:
        if self.disk_usage_percent is not None:
            return self.disk_usage_percent
        u = shutil.disk_usage(self.storage)
        return int(u.used * 100 / u.total) if u.total else 0

    def ram_size_kib(self) -> int:
        if self.ram_size is not None:
            return self.ram_size // 1024
        try:
            return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 1024
        except (ValueError, OSError):
            return 0


def _hash_local(path: str) -> str:
    """sha_256::hash_file through fs_err: a missing file is a service error naming it."""
    try:
        return archives.sha256_file(path)
    except OSError as e:
        raise service_error(f"failed to open file `{path}`: {e.strerror} (os error {e.errno})") from None


def _hashes_equal(a: str, b: str) -> bool:
    return "".join(a.split()).lower() == "".join(b.split()).lower()
