"""Positions in a JSON body, for serde_json's ` at line L column C` suffix of deserialization errors."""
from __future__ import annotations

import json

_DECODER = json.JSONDecoder()
_WS = " \t\n\r"


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] in _WS:
        i += 1
    return i


def _value_span(text: str, i: int, path: list) -> tuple[int, int] | None:
    """(start, end) offsets of the value at path inside the value that starts at offset i."""
    i = _skip(text, i)
    if not path:
        _, end = _DECODER.raw_decode(text, i)
        return i, end
    step, rest = path[0], path[1:]
    if text[i] == "{" and isinstance(step, str):
        i = _skip(text, i + 1)
        while i < len(text) and text[i] != "}":
            key, i = _DECODER.raw_decode(text, i)
            i = _skip(text, i) + 1  # the colon
            i = _skip(text, i)
            if key == step:
                return _value_span(text, i, rest)
            _, i = _DECODER.raw_decode(text, i)
            i = _skip(text, i)
            if i < len(text) and text[i] == ",":
                i = _skip(text, i + 1)
        return None
    if text[i] == "[" and isinstance(step, int):
        i = _skip(text, i + 1)
        n = 0
        while i < len(text) and text[i] != "]":
            if n == step:
                return _value_span(text, i, rest)
            _, i = _DECODER.raw_decode(text, i)
            i = _skip(text, i)
            if i < len(text) and text[i] == ",":
                i = _skip(text, i + 1)
            n += 1
    return None


def _line_col(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return f"at line {line} column {column}"


def after_value(raw: bytes, path: list) -> str:
    """Where serde_json stops on a bad scalar at path: just after it (a map or list: just after its opening
    bracket); the end of the body when the path cannot be found."""
    text = raw.decode("utf-8", "replace")
    try:
        span = _value_span(text, 0, path)
    except (ValueError, IndexError):
        span = None
    if span is None:
        return end_of_body(raw)
    start, end = span
    return _line_col(text, start + 1 if text[start] in "{[" else end)


def end_of_body(raw: bytes) -> str:
    """Where serde_json reports an error found while deserializing a buffered (flattened) request: its end."""
    text = raw.decode("utf-8", "replace").rstrip()
    return _line_col(text, len(text))
