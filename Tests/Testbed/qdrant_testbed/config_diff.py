"""`PATCH /collections/{c}` (UpdateCollection) parsed as Qdrant deserializes and validates it.

Qdrant: `lib/storage/src/content_manager/collection_meta_ops.rs` (UpdateCollection),
`lib/collection/src/operations/config_diff.rs` (HnswConfigDiff, OptimizersConfigDiff, CollectionParamsDiff),
`lib/storage/src/content_manager/toc/collection_meta_ops.rs` (`update_collection`: optimizers, params, hnsw,
vectors, quantization, sparse vectors, strict mode, metadata — applied one after the other).
None of these structs denies unknown fields: serde ignores them. A wrong type is 400 `Format error in JSON body:
… at line L column C`; a value out of its range is 422 `Validation error in JSON body: [field: …]` (the
actix-web-validator extractor).
"""
from __future__ import annotations

from . import jsonpos
from .errors import ApiError
from .filters import Malformed, invalid_type, is_int

U32_MAX = 2 ** 32 - 1
U64_MAX = 2 ** 64 - 1
MEMORY = ("cold", "cached", "pinned")


def _usize(v):
    if is_int(v):
        if v < 0 or v > U64_MAX:
            raise Malformed(f"invalid value: integer `{v}`, expected usize")
        return v
    raise invalid_type(v, "usize")


def _u64(v):
    if is_int(v):
        if v < 0 or v > U64_MAX:
            raise Malformed(f"invalid value: integer `{v}`, expected u64")
        return v
    raise invalid_type(v, "u64")


def _u32(v):
    if is_int(v):
        if v < 0 or v > U32_MAX:
            raise Malformed(f"invalid value: integer `{v}`, expected u32")
        return v
    raise invalid_type(v, "u32")


def _nonzero_u32(v):
    if is_int(v):
        if v <= 0 or v > U32_MAX:
            raise Malformed(f"invalid value: integer `{v}`, expected a nonzero u32")
        return v
    raise invalid_type(v, "a nonzero u32")


def _bool(v):
    if not isinstance(v, bool):
        raise invalid_type(v, "a boolean")
    return v


def _f64(v):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise invalid_type(v, "f64")
    return float(v)


def _memory(v):
    if not isinstance(v, str):
        raise invalid_type(v, "string or map")
    if v not in MEMORY:
        raise Malformed(f"unknown variant `{v}`, expected one of " + ", ".join(f"`{m}`" for m in MEMORY))
    return v


def _max_threads(v):
    """MaxOptimizationThreads: a number of threads or "auto" (stored as null)."""
    if v == "auto":
        return None
    if is_int(v) and v >= 0:
        return v
    raise Malformed("data did not match any variant of untagged enum MaxOptimizationThreads")


def _payload_params(v):
    if not isinstance(v, dict):
        raise invalid_type(v, "struct PayloadStorageParams")
    out = {}
    if v.get("memory") is not None:
        out["memory"] = _memory(v["memory"])
    return out


# field: (parser, aliases, validation (min, max) or None)
HNSW = {"m": (_usize, (), None), "ef_construct": (_usize, (), (4, None)),
        "full_scan_threshold": (_usize, ("full_scan_threshold_kb",), (10, None)),
        "max_indexing_threads": (_usize, (), None), "on_disk": (_bool, (), None), "memory": (_memory, (), None),
        "payload_m": (_usize, (), None), "inline_storage": (_bool, (), None)}
OPTIMIZERS = {"deleted_threshold": (_f64, (), (0.0, 1.0)), "vacuum_min_vector_number": (_usize, (), (100, None)),
              "default_segment_number": (_usize, (), None),
              "max_segment_size": (_usize, ("max_segment_size_kb",), (1, None)),
              "memmap_threshold": (_usize, ("memmap_threshold_kb",), None),
              "indexing_threshold": (_usize, ("indexing_threshold_kb",), None),
              "flush_interval_sec": (_u64, (), None), "max_optimization_threads": (_max_threads, (), None),
              "prevent_unoptimized": (_bool, (), None)}
PARAMS = {"replication_factor": (_nonzero_u32, (), None), "write_consistency_factor": (_nonzero_u32, (), None),
          "read_fan_out_factor": (_u32, (), None), "read_fan_out_delay_ms": (_u64, (), None),
          "on_disk_payload": (_bool, (), None), "payload": (_payload_params, (), None)}
VECTOR_DIFF = {"hnsw_config": None, "quantization_config": None, "on_disk": (_bool, (), None),
               "memory": (_memory, (), None)}


class Invalid:
    def __init__(self):
        self.errors: list[tuple[str, str]] = []


def _range_msg(value, lo, hi) -> str:
    def show(x):
        return repr(float(x)) if isinstance(x, float) else str(x)
    if hi is None:
        msg = f"must be {show(lo)} or larger"
    else:
        msg = f"must be from {show(lo)} to {show(hi)}"
    return f"value {show(value)} invalid, {msg}"


def parse_diff(v, fields: dict, struct: str, path: list, invalid: Invalid) -> dict:
    """A *ConfigDiff object: {canonical field: value} for the fields given (null = unchanged, left out)."""
    if not isinstance(v, dict):
        raise _at(invalid_type(v, f"struct {struct}"), path)
    out = {}
    for name, (parse, aliases, bounds) in fields.items():
        for key in (name,) + aliases:
            if key in v and v[key] is not None:
                try:
                    value = parse(v[key])
                except Malformed as e:
                    raise _at(e, path + [key]) from None
                if bounds is not None and value is not None:
                    lo, hi = bounds
                    if (lo is not None and value < lo) or (hi is not None and value > hi):
                        invalid.errors.append((".".join(str(p) for p in path + [name]),
                                               _range_msg(value, lo, hi)))
                out[name] = value
    return out


class _Located(Exception):
    def __init__(self, msg: str, path: list):
        super().__init__(msg)
        self.path = path


def _at(e: Malformed, path: list) -> _Located:
    return _Located(str(e), path)


def parse_update(body, raw: bytes) -> dict:
    """The UpdateCollection body as {section: parsed diff}; Qdrant's 400/422 errors when malformed."""
    invalid = Invalid()
    try:
        if not isinstance(body, dict):
            raise _Located(f"invalid type: {'sequence' if isinstance(body, list) else 'value'}, "
                           "expected struct UpdateCollection", [])
        out: dict = {}
        opt_key = "optimizers_config" if body.get("optimizers_config") is not None else "optimizer_config"
        if body.get(opt_key) is not None:
            out["optimizers_config"] = parse_diff(body[opt_key], OPTIMIZERS, "OptimizersConfigDiff", [opt_key],
                                                  invalid)
        if body.get("params") is not None:
            out["params"] = parse_diff(body["params"], PARAMS, "CollectionParamsDiff", ["params"], invalid)
        if body.get("hnsw_config") is not None:
            out["hnsw_config"] = parse_diff(body["hnsw_config"], HNSW, "HnswConfigDiff", ["hnsw_config"], invalid)
        if body.get("vectors") is not None:
            vs = body["vectors"]
            if not isinstance(vs, dict):
                raise _Located(str(invalid_type(vs, "a map")), ["vectors"])
            out["vectors"] = {}
            for name, d in vs.items():
                if not isinstance(d, dict):
                    raise _Located(str(invalid_type(d, "struct VectorParamsDiff")), ["vectors", name])
                diff = parse_diff(d, {k: f for k, f in VECTOR_DIFF.items() if f}, "VectorParamsDiff",
                                  ["vectors", name], invalid)
                if d.get("hnsw_config") is not None:
                    diff["hnsw_config"] = parse_diff(d["hnsw_config"], HNSW, "HnswConfigDiff",
                                                     ["vectors", name, "hnsw_config"], invalid)
                if d.get("quantization_config") is not None:
                    diff["quantization_config"] = _quantization(d["quantization_config"],
                                                                ["vectors", name, "quantization_config"])
                out["vectors"][name] = diff
        q_key = "quantization_config" if "quantization_config" in body else "quantization"
        if body.get(q_key) is not None:
            out["quantization_config"] = _quantization(body[q_key], [q_key])
        if body.get("sparse_vectors") is not None:
            sv = body["sparse_vectors"]
            if not isinstance(sv, dict) or not all(isinstance(x, dict) for x in sv.values()):
                raise _Located(str(invalid_type(sv, "struct SparseVectorParams")), ["sparse_vectors"])
            out["sparse_vectors"] = sv
        if body.get("strict_mode_config") is not None:
            if not isinstance(body["strict_mode_config"], dict):
                raise _Located(str(invalid_type(body["strict_mode_config"], "struct StrictModeConfig")),
                               ["strict_mode_config"])
            out["strict_mode_config"] = body["strict_mode_config"]
        if body.get("metadata") is not None:
            if not isinstance(body["metadata"], dict):
                raise _Located(str(invalid_type(body["metadata"], "a map")), ["metadata"])
            out["metadata"] = body["metadata"]
    except _Located as e:
        raise ApiError(400, f"Format error in JSON body: {e} {jsonpos.after_value(raw, e.path)}") from None
    if invalid.errors:
        raise ApiError(422, "Validation error in JSON body: ["
                       + "; ".join(f"{field}: {msg}" for field, msg in invalid.errors) + "]")
    return out


def _quantization(v, path: list):
    """QuantizationConfigDiff: scalar/product/binary/turbo config, or "Disabled"."""
    if v == "Disabled":
        return "Disabled"
    if isinstance(v, dict) and any(k in v for k in ("scalar", "product", "binary", "turbo")):
        return v
    raise _Located("data did not match any variant of untagged enum QuantizationConfigDiff", path)


def apply(config: dict, diff: dict, metadata_merge) -> None:
    """Applies a parsed UpdateCollection to a stored collection config, in Qdrant's order."""
    if "optimizers_config" in diff:
        config["optimizer_config"].update(diff["optimizers_config"])
    if "params" in diff:
        params = config["params"]
        for k, v in diff["params"].items():
            if k == "payload":
                params["payload"] = dict(params.get("payload") or {}, **v)
            else:
                params[k] = v
    if "hnsw_config" in diff:
        config["hnsw_config"].update(diff["hnsw_config"])
    if "vectors" in diff:
        vectors = config["params"].get("vectors") or {}
        unnamed = "size" in vectors and "distance" in vectors
        for name, d in diff["vectors"].items():
            target = vectors if unnamed and name == "" else (None if unnamed else vectors.get(name))
            if target is None:
                raise ApiError(400, f"Wrong input: Not existing vector name error: {name}")
        for name, d in diff["vectors"].items():
            target = vectors if unnamed else vectors[name]
            for k, v in d.items():
                if k == "hnsw_config":
                    target["hnsw_config"] = dict(target.get("hnsw_config") or {}, **v)
                elif k == "quantization_config":
                    if v == "Disabled":
                        target.pop("quantization_config", None)
                    else:
                        target["quantization_config"] = v
                else:
                    target[k] = v
    if "quantization_config" in diff:
        q = diff["quantization_config"]
        config["quantization_config"] = None if q == "Disabled" else q
    if "sparse_vectors" in diff:
        sparse = config["params"].get("sparse_vectors") or {}
        for name in diff["sparse_vectors"]:
            if name not in sparse:
                raise ApiError(400, f"Wrong input: Not existing vector name error: {name}")
        for name, v in diff["sparse_vectors"].items():
            merged = dict(sparse[name])
            if v.get("index") is not None:
                merged["index"] = dict(merged.get("index") or {}, **v["index"])
            if v.get("modifier") is not None:
                merged["modifier"] = v["modifier"]
            sparse[name] = merged
    if "strict_mode_config" in diff:
        config["strict_mode_config"] = dict(config.get("strict_mode_config") or {}, **{
            k: v for k, v in diff["strict_mode_config"].items() if v is not None})
    if "metadata" in diff:
        metadata_merge(diff["metadata"])
