"""Qdrant's REST `Filter` JSON → Qdrant Edge filters, with Qdrant's errors for malformed filters.

Deserialization follows `lib/segment/src/types.rs` (serde): `Filter` denies unknown fields and takes `must`/`should`/
`must_not` as one condition or a list (`MaybeOneOrMany`); a condition with a `key` is a `FieldCondition` whose own
errors surface; any other condition is an untagged enum (`is_empty`, `is_null`, `has_id`, `has_vector`, `slice`,
`nested`, a nested `Filter`, tried in that order) whose inner errors are swallowed into the `expecting` message.
Scroll, count and query bodies flatten their inner request (`#[serde(flatten)]`), so serde_json reports every such
error at the end of the body. Errors are 400 `Format error in JSON body: …`; validation failures (a field condition
with no condition, `min_should.min_count` 0, a slice index out of range) are 422 `Validation error in JSON body: […]`.
"""
from __future__ import annotations

import uuid

import qdrant_edge as q

from . import jsonpos
from .errors import ApiError

CONDITION_EXPECTING = ("Expected some form of condition, which can be a field condition (like {\"key\": ..., "
                       "\"match\": ... }), or some other mentioned in the documentation: "
                       "https://qdrant.tech/documentation/concepts/filtering/#filtering-conditions")
FILTER_FIELDS = ("should", "min_should", "must", "must_not")
U64_MAX = 2 ** 64 - 1
I64_MIN, I64_MAX = -2 ** 63, 2 ** 63 - 1


class Malformed(Exception):
    """A serde deserialization error (message without position)."""


def unexpected(v) -> str:
    """serde's `Unexpected` rendering of a JSON value (as buffered by a flattened request)."""
    if v is None:
        return "unit value"
    if isinstance(v, bool):
        return f"boolean `{'true' if v else 'false'}`"
    if isinstance(v, int):
        return f"integer `{v}`"
    if isinstance(v, float):
        return f"floating point `{v!r}`"
    if isinstance(v, str):
        return f'string "{v}"'
    if isinstance(v, list):
        return "sequence"
    return "map"


def invalid_type(v, expected: str) -> Malformed:
    return Malformed(f"invalid type: {unexpected(v)}, expected {expected}")


def is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def as_str(v) -> str:
    if not isinstance(v, str):
        raise invalid_type(v, "a string")
    return v


def as_usize(v, name: str):
    if v is None:
        return None
    if is_int(v):
        if v < 0:
            raise Malformed(f"invalid value: integer `{v}`, expected usize")
        return v
    raise invalid_type(v, "usize")


def as_number(v):
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise Malformed("data did not match any variant of untagged enum RangeInterfaceUntagged")
    return float(v)


class FilterParser:
    """One request's filter: the Edge filter plus the validation errors found (Qdrant validates after parsing)."""

    def __init__(self, prefix: str, slice_ids=None, bool_ids=None):
        self.prefix = prefix
        self.slice_ids = slice_ids  # (total, index) -> the collection's ids in that slice
        self.bool_ids = bool_ids  # (key, bool) -> the collection's ids whose payload at key holds that bool
        self.nesting = 0
        self.invalid: list[tuple[str, str]] = []

    # ---------------------------------------------------------------- filter

    def filter(self, v, path: str) -> q.Filter:
        if not isinstance(v, dict):
            raise invalid_type(v, "struct Filter")
        for k in v:
            if k not in FILTER_FIELDS:
                raise Malformed(f"unknown field `{k}`, expected one of "
                                + ", ".join(f"`{f}`" for f in FILTER_FIELDS))
        lists = {}
        for k in ("should", "must", "must_not"):
            lists[k] = self.one_or_many(v.get(k), f"{path}.{k}")
        min_should = None
        if v.get("min_should") is not None:
            min_should = self.min_should(v["min_should"], f"{path}.min_should")
        return q.Filter(must=lists["must"], should=lists["should"], must_not=lists["must_not"],
                        min_should=min_should)

    def one_or_many(self, v, path: str):
        if v is None:
            return None
        if isinstance(v, list):
            return [self.condition(c, f"{path}[{i}]") for i, c in enumerate(v)]
        if isinstance(v, dict):
            return [self.condition(v, f"{path}[0]")]
        raise invalid_type(v, "unit, sequence or map")

    def min_should(self, v, path: str) -> q.MinShould:
        if not isinstance(v, dict):
            raise invalid_type(v, "struct MinShould")
        if "conditions" not in v:
            raise Malformed("missing field `conditions`")
        if "min_count" not in v:
            raise Malformed("missing field `min_count`")
        conds = v["conditions"]
        if not isinstance(conds, list):
            raise invalid_type(conds, "a sequence")
        parsed = [self.condition(c, f"{path}.conditions[{i}]") for i, c in enumerate(conds)]
        count = as_usize(v["min_count"], "min_count")
        if count is None:
            raise invalid_type(None, "usize")
        if count < 1:
            self.invalid.append((f"{path}.min_count", "min_count must be greater than 0"))
        return q.MinShould(conditions=parsed, min_count=count)

    # ---------------------------------------------------------------- conditions

    def condition(self, v, path: str):
        if isinstance(v, dict) and "key" in v:
            if not isinstance(v["key"], str):
                raise Malformed("Filter condition 'key' must be a string")
            return self.field_condition(v, path)
        # untagged: the first variant that deserializes wins; inner errors are swallowed
        if isinstance(v, dict):
            for variant in (self.is_empty, self.is_null, self.has_id, self.has_vector, self.slice, self.nested,
                            self.filter):
                mark = len(self.invalid)
                try:
                    return variant(v, path)
                except (Malformed, _NotThisVariant):
                    del self.invalid[mark:]
        raise Malformed(CONDITION_EXPECTING)

    def _field(self, v: dict, name: str):
        if name not in v:
            raise _NotThisVariant()
        return v[name]

    def _payload_field(self, v) -> str:
        if not isinstance(v, dict) or "key" not in v:
            raise _NotThisVariant()
        return as_str(v["key"])

    def is_empty(self, v: dict, path: str):
        return q.IsEmptyCondition(self._payload_field(self._field(v, "is_empty")))

    def is_null(self, v: dict, path: str):
        return q.IsNullCondition(self._payload_field(self._field(v, "is_null")))

    def has_id(self, v: dict, path: str):
        ids = self._field(v, "has_id")
        if not isinstance(ids, list):
            raise _NotThisVariant()
        return q.HasIdCondition({point_id(i) for i in ids})

    def has_vector(self, v: dict, path: str):
        return q.HasVectorCondition(as_str(self._field(v, "has_vector")))

    def slice(self, v: dict, path: str):
        if self.slice_ids is None:  # before Qdrant 1.19 `slice` is no condition at all
            raise _NotThisVariant()
        s = self._field(v, "slice")
        if not isinstance(s, dict) or "total" not in s or "index" not in s:
            raise _NotThisVariant()
        total, index = s["total"], s["index"]
        if not (is_int(total) and 0 < total < 2 ** 32 and is_int(index) and 0 <= index < 2 ** 32):
            raise _NotThisVariant()
        if index >= total:
            self.invalid.append((f"{path}.slice", "Slice index must be less than the total number of slices"))
            return q.HasIdCondition(set())
        # Edge has no slice condition: the slice becomes the set of the collection's ids that fall into it
        return q.HasIdCondition(set(self.slice_ids(total, index)))

    def nested(self, v: dict, path: str):
        n = self._field(v, "nested")
        if not isinstance(n, dict) or "key" not in n or "filter" not in n:
            raise _NotThisVariant()
        key = as_str(n["key"])
        self.nesting += 1
        try:
            return q.NestedCondition(key, self.filter(n["filter"], f"{path}.nested.filter"))
        finally:
            self.nesting -= 1

    def field_condition(self, v: dict, path: str):
        key = v["key"]
        kw = {}
        if v.get("match") is not None:
            kw["match"] = match(v["match"])
            if isinstance(kw["match"], bool):
                # qdrant_edge's MatchValue turns a Python bool into the integer 0/1 (and then matches no boolean
                # payload), so a boolean match is resolved here into the ids whose payload holds that boolean.
                if self.nesting or self.bool_ids is None or len(v) > 2:
                    raise ApiError(400, "Bad request: a boolean `match` inside `nested`, or combined with another "
                                        "condition on the same key, is not supported by the test double")
                return q.HasIdCondition(set(self.bool_ids(key, kw["match"])))
        if v.get("range") is not None:
            kw["range"] = range_(v["range"])
        if v.get("values_count") is not None:
            vc = v["values_count"]
            if not isinstance(vc, dict):
                raise invalid_type(vc, "struct ValuesCount")
            kw["values_count"] = q.ValuesCount(**{b: as_usize(vc.get(b), b) for b in ("lt", "gt", "lte", "gte")})
        for b in ("is_empty", "is_null"):
            if v.get(b) is not None:
                if not isinstance(v[b], bool):
                    raise invalid_type(v[b], "a boolean")
                kw[b] = v[b]
        if v.get("geo_bounding_box") is not None:
            g = v["geo_bounding_box"]
            kw["geo_bounding_box"] = q.GeoBoundingBox(geo_point(_get(g, "top_left", "GeoBoundingBox")),
                                                      geo_point(_get(g, "bottom_right", "GeoBoundingBox")))
        if v.get("geo_radius") is not None:
            g = v["geo_radius"]
            radius = _get(g, "radius", "GeoRadius")
            if isinstance(radius, bool) or not isinstance(radius, (int, float)):
                raise invalid_type(radius, "f64")
            kw["geo_radius"] = q.GeoRadius(geo_point(_get(g, "center", "GeoRadius")), float(radius))
        if v.get("geo_polygon") is not None:
            g = v["geo_polygon"]
            exterior = line_string(_get(g, "exterior", "GeoPolygon"))
            interiors = g.get("interiors")
            if interiors is not None:
                if not isinstance(interiors, list):
                    raise invalid_type(interiors, "a sequence")
                interiors = [line_string(x) for x in interiors]
            kw["geo_polygon"] = q.GeoPolygon(exterior, interiors)
        if not kw:
            self.invalid.append((path, "Validation error: At least one field condition must be specified [{}]"))
            return q.FieldCondition(key=key, is_null=False)  # never used: the request fails validation
        try:
            return q.FieldCondition(key=key, **kw)
        except Exception as e:  # e.g. a key Edge cannot parse as a JSON path
            raise Malformed(str(e)) from None


class _NotThisVariant(Exception):
    pass


def _get(v, name: str, struct: str):
    if not isinstance(v, dict):
        raise invalid_type(v, f"struct {struct}")
    if name not in v:
        raise Malformed(f"missing field `{name}`")
    return v[name]


def geo_point(v) -> q.GeoPoint:
    lon, lat = _get(v, "lon", "GeoPoint"), _get(v, "lat", "GeoPoint")
    for x in (lon, lat):
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise invalid_type(x, "f64")
    try:
        return q.GeoPoint(lon=float(lon), lat=float(lat))
    except Exception as e:
        raise Malformed(str(e)) from None


def line_string(v) -> list:
    points = _get(v, "points", "GeoLineString")
    if not isinstance(points, list):
        raise invalid_type(points, "a sequence")
    return [geo_point(p) for p in points]


def point_id(v):
    """A point id as `ExtendedPointId` deserializes it (u64, else UUID)."""
    if is_int(v) and 0 <= v <= U64_MAX:
        return v
    if isinstance(v, str):
        try:
            return str(uuid.UUID(v))
        except ValueError:
            pass
    shown = v if isinstance(v, str) else ("true" if v is True else "false" if v is False else v)
    raise Malformed(f"value {shown} is not a valid point ID, valid values are either an unsigned integer or a UUID")


def _any_variants(v):
    if isinstance(v, list):
        if all(isinstance(x, str) for x in v):
            return list(dict.fromkeys(v))
        if all(is_int(x) and I64_MIN <= x <= I64_MAX for x in v):
            return list(dict.fromkeys(v))
    raise _NotThisVariant()


def match(v):
    """`MatchInterface` (untagged): value, text, text_any, phrase, prefix, any, except — first that fits."""
    if isinstance(v, dict):
        if "value" in v:
            x = v["value"]
            if isinstance(x, bool):
                return x  # see FilterParser.field_condition
            if isinstance(x, str) or (is_int(x) and I64_MIN <= x <= I64_MAX):
                return q.MatchValue(x)
        for name, cls in (("text", q.MatchText), ("text_any", q.MatchTextAny), ("phrase", q.MatchPhrase),
                          ("prefix", q.MatchPrefix)):
            if name in v and isinstance(v[name], str):
                return cls(v[name])
        for name, cls in (("any", q.MatchAny), ("except", q.MatchExcept)):
            if name in v:
                try:
                    return cls(_any_variants(v[name]))
                except _NotThisVariant:
                    pass
    raise Malformed("data did not match any variant of untagged enum MatchInterface")


def range_(v):
    """`RangeInterface`: a string bound makes it a datetime range (RFC 3339), else a float range."""
    if not isinstance(v, dict):
        raise Malformed("data did not match any variant of untagged enum RangeInterfaceUntagged")
    bounds = {b: v.get(b) for b in ("lt", "gt", "gte", "lte")}
    if any(isinstance(x, str) for x in bounds.values()):
        for b, x in bounds.items():
            if x is not None and not isinstance(x, str):
                raise invalid_type(x, "a string")
        try:
            return q.RangeDateTime(**bounds)
        except Exception as e:
            raise Malformed(str(e)) from None
    return q.RangeFloat(**{b: as_number(x) for b, x in bounds.items()})


def parse(body: dict, raw: bytes, prefix: str, slice_ids=None, key: str = "filter", bool_ids=None):
    """The request's `filter` as an Edge filter (None when absent or null), or Qdrant's 400/422 error.
    slice_ids(total, index) lists the collection's ids in a slice (for `slice` conditions)."""
    v = body.get(key)
    if v is None:
        return None
    parser = FilterParser(prefix, slice_ids, bool_ids)
    try:
        flt = parser.filter(v, f"{prefix}.{key}" if prefix else key)
    except Malformed as e:
        raise ApiError(400, f"Format error in JSON body: {e} {jsonpos.end_of_body(raw)}") from None
    if parser.invalid:
        raise ApiError(422, "Validation error in JSON body: ["
                       + "; ".join(f"{field}: {msg}" for field, msg in parser.invalid) + "]")
    return flt


# ------------------------------------------------------------------ slices (SipHash-2-4, zero key)

def _rotl(x: int, b: int) -> int:
    return ((x << b) | (x >> (64 - b))) & 0xFFFFFFFFFFFFFFFF


def siphash24(data: bytes, k0: int = 0, k1: int = 0) -> int:
    m64 = 0xFFFFFFFFFFFFFFFF
    v0, v1 = k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D
    v2, v3 = k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573

    def rounds(n):
        nonlocal v0, v1, v2, v3
        for _ in range(n):
            v0 = (v0 + v1) & m64; v1 = _rotl(v1, 13); v1 ^= v0; v0 = _rotl(v0, 32)
            v2 = (v2 + v3) & m64; v3 = _rotl(v3, 16); v3 ^= v2
            v0 = (v0 + v3) & m64; v3 = _rotl(v3, 21); v3 ^= v0
            v2 = (v2 + v1) & m64; v1 = _rotl(v1, 17); v1 ^= v2; v2 = _rotl(v2, 32)

    n = len(data)
    end = n - n % 8
    for i in range(0, end, 8):
        m = int.from_bytes(data[i:i + 8], "little")
        v3 ^= m
        rounds(2)
        v0 ^= m
    b = ((n & 0xFF) << 56) | int.from_bytes(data[end:] + b"\0" * (8 - (n - end)), "little")
    v3 ^= b
    rounds(2)
    v0 ^= b
    v2 ^= 0xFF
    rounds(4)
    return v0 ^ v1 ^ v2 ^ v3


def slice_hash(pid) -> int:
    """`slice_point_id_hash`: 8 little-endian bytes of a numeric id, the 16 RFC 4122 bytes of a UUID."""
    if isinstance(pid, int):
        return siphash24(pid.to_bytes(8, "little"))
    return siphash24(uuid.UUID(str(pid)).bytes)


def in_slice(pid, total: int, index: int) -> bool:
    return slice_hash(pid) % total == index


def payload_values(payload, key: str) -> list:
    """The values at a Qdrant JSON path (`a.b`, `a[].b`, `a[0]`, `"quoted.key"`), arrays flattened at the end."""
    tokens, i = [], 0
    while i < len(key):
        if key[i] == ".":
            i += 1
        elif key[i] == '"':
            j = key.index('"', i + 1)
            tokens.append(key[i + 1:j])
            i = j + 1
        elif key[i] == "[":
            j = key.index("]", i)
            tokens.append(int(key[i + 1:j]) if key[i + 1:j] else [])
            i = j + 1
        else:
            j = i
            while j < len(key) and key[j] not in '.["':
                j += 1
            tokens.append(key[i:j])
            i = j
    current = [payload]
    for t in tokens:
        nxt = []
        for c in current:
            if isinstance(t, str):
                if isinstance(c, dict) and t in c:
                    nxt.append(c[t])
                elif isinstance(c, list):
                    nxt.extend(x[t] for x in c if isinstance(x, dict) and t in x)
            elif t == []:
                if isinstance(c, list):
                    nxt.extend(c)
            elif isinstance(c, list) and -len(c) <= t < len(c):
                nxt.append(c[t])
        current = nxt
    out = []
    for c in current:
        out.extend(c if isinstance(c, list) else [c])
    return out
