"""Conversions between Qdrant REST JSON and Qdrant Edge objects."""
from __future__ import annotations

import uuid

import qdrant_edge as q

from .errors import bad_input, bad_request, format_error, validation

DISTANCES = {"Cosine": q.Distance.Cosine, "Euclid": q.Distance.Euclid, "Dot": q.Distance.Dot,
             "Manhattan": q.Distance.Manhattan}
HIGHER_IS_BETTER = {"Cosine": True, "Dot": True, "Euclid": False, "Manhattan": False}


def vector_params(params: dict) -> dict[str, dict]:
    """Named dense vector params of a collection's `params.vectors` ("" for the unnamed vector)."""
    vectors = params.get("vectors") or {}
    if "size" in vectors and "distance" in vectors:
        return {"": vectors}
    return dict(vectors)


def edge_config(params: dict) -> q.EdgeConfig:
    dense = {}
    for name, p in vector_params(params).items():
        if p.get("distance") not in DISTANCES:
            raise validation("JSON body", f"unknown distance {p.get('distance')!r}")
        multi = p.get("multivector_config")
        if multi is not None and multi.get("comparator") != "max_sim":
            raise validation("JSON body", f"unknown multivector comparator {multi.get('comparator')!r}")
        dense[name] = q.EdgeVectorParams(
            size=int(p["size"]), distance=DISTANCES[p["distance"]], on_disk=p.get("on_disk"),
            multivector_config=q.MultiVectorConfig(comparator=q.MultiVectorComparator.MaxSim) if multi else None)
    sparse = {name: q.EdgeSparseVectorParams() for name in (params.get("sparse_vectors") or {})}
    return q.EdgeConfig(vectors=dense, sparse_vectors=sparse or None)


def point_id(value):
    """Validates a REST point id: unsigned integer or UUID string."""
    if isinstance(value, bool):
        raise format_error(f"invalid point id {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise format_error(f"invalid point id {value}")
        return value
    if isinstance(value, str):
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise format_error(f"invalid point id {value!r}, expected unsigned integer or UUID") from None
    raise format_error(f"invalid point id {value!r}")


def id_key(pid):
    if isinstance(pid, int):
        return (0, pid)
    return (1, uuid.UUID(str(pid)).int)


def id_out(pid):
    return pid if isinstance(pid, int) else str(pid)


def shard_of(pid, shard_number: int) -> int:
    """Deterministic shard of a point id: integer id (or UUID as 128-bit integer) modulo shard_number."""
    key = pid if isinstance(pid, int) else uuid.UUID(str(pid)).int
    return key % shard_number


def vector_in(v):
    if isinstance(v, list):
        if v and isinstance(v[0], list):  # a multi-vector: a list of dense vectors
            return [[float(x) for x in row] for row in v]
        return [float(x) for x in v]
    if isinstance(v, dict):
        if "indices" in v and "values" in v:
            return q.SparseVector(indices=[int(i) for i in v["indices"]], values=[float(x) for x in v["values"]])
        return {name: vector_in(x) for name, x in v.items()}
    raise format_error(f"unsupported vector {type(v).__name__}")


def vector_out(v):
    if v is None:
        return None
    if isinstance(v, q.SparseVector):
        return {"indices": list(v.indices), "values": list(v.values)}
    if isinstance(v, dict):
        return {name: vector_out(x) for name, x in v.items()}
    v = list(v)
    if v and not isinstance(v[0], (int, float)):  # a multi-vector
        return [list(row) for row in v]
    return v


def points_in(body: dict) -> list[tuple]:
    """Parses an upsert body (`points` list or `batch`) into (id, vector, payload) tuples."""
    if "points" in body:
        out = []
        for p in body["points"]:
            if "id" not in p:
                raise format_error("missing field `id`")
            out.append((point_id(p["id"]), vector_in(p.get("vector", {})), p.get("payload")))
        return out
    if "batch" in body:
        b = body["batch"]
        ids = b.get("ids", [])
        vectors = b.get("vectors", [])
        payloads = b.get("payloads") or [None] * len(ids)
        if isinstance(vectors, dict):
            vectors = [{name: vs[i] for name, vs in vectors.items()} for i in range(len(ids))]
        if not (len(ids) == len(vectors) == len(payloads)):
            raise bad_input("ids, vectors and payloads must have the same length")
        return [(point_id(i), vector_in(v), p) for i, v, p in zip(ids, vectors, payloads)]
    raise format_error("expected `points` or `batch`")


def record_out(rec, with_payload, with_vector) -> dict:
    return {"id": id_out(rec.id),
            "payload": (rec.payload or {}) if with_payload else None,
            "vector": vector_out(rec.vector) if with_vector else None}


def scored_out(p, with_payload, with_vector) -> dict:
    return {"id": id_out(p.id), "version": int(p.version), "score": float(p.score),
            "payload": (p.payload or {}) if with_payload else None,
            "vector": vector_out(p.vector) if with_vector else None}
