"""The data-only format between the grader and its child process: JSON for structure, ``.npz`` for arrays.

Values are trees of ``None``, bool, int, float, str, list, tuple, dict (string keys) and numeric
numpy arrays. One ``.npz`` file holds a whole tree: its JSON skeleton under the key ``__tree__``
and every array under ``a0``, ``a1``, ...; it is read back with ``allow_pickle=False``, so loading
an answer can never run code. Anything else (a student's object with a custom ``__eq__``, an
object array, a generator) is written as an ``{"unencodable": type name}`` marker, which the
grader reports as a wrong answer.

This module imports only the standard library and numpy: the child process loads it by file path,
without importing ``coursepkg``.
"""
import json
import math
import os

import numpy as np

__all__ = ["encode", "decode", "save", "load", "Unencodable"]

MAX_DEPTH = 20
MAX_ITEMS = 100_000
_NUMERIC_KINDS = "biufc"


class Unencodable:
    """Stands for a value the child could not write as data; never equal to anything."""

    def __init__(self, what):
        self.what = str(what)[:200]

    def __repr__(self):
        return f"<{self.what}>"

    def __eq__(self, other):
        return False

    __hash__ = None


def _float(x):
    if math.isnan(x):
        return {"float": "nan"}
    if math.isinf(x):
        return {"float": "inf" if x > 0 else "-inf"}
    return x


def encode(value, arrays, depth=0):
    """The JSON-able skeleton of ``value``; arrays are appended to the list ``arrays``."""
    if depth > MAX_DEPTH:
        return {"unencodable": "nesting deeper than 20 levels"}
    t = type(value)
    if value is None or t is bool or t is str:
        return value
    if t is int:
        return value if abs(value) < 2**53 else {"float": float(value)}
    if t is float:
        return _float(value)
    if isinstance(value, (np.bool_, np.integer, np.floating)):
        return encode(value.item(), arrays, depth + 1)
    if isinstance(value, np.ndarray):
        array = np.array(value, copy=True, subok=False)
        if array.dtype.kind not in _NUMERIC_KINDS:
            return {"unencodable": f"array of dtype {array.dtype}"}
        arrays.append(array)
        return {"array": len(arrays) - 1}
    if t in (list, tuple):
        if len(value) > MAX_ITEMS:
            return {"unencodable": f"{t.__name__} of {len(value)} items"}
        items = [encode(v, arrays, depth + 1) for v in value]
        return items if t is list else {"tuple": items}
    if t is dict:
        if not all(type(k) is str for k in value):
            return {"unencodable": "dict with non-string keys"}
        return {"dict": {k: encode(v, arrays, depth + 1) for k, v in value.items()}}
    return {"unencodable": f"object of type {t.__name__}"}


def decode(node, arrays, depth=0):
    """Inverse of :func:`encode`; raises ValueError on anything not written by it."""
    if depth > MAX_DEPTH + 2:
        raise ValueError("answer nested too deeply")
    if node is None or type(node) in (bool, int, float, str):
        return node
    if type(node) is list:
        return [decode(v, arrays, depth + 1) for v in node]
    if type(node) is dict and len(node) == 1:
        (key, inner), = node.items()
        if key == "array" and type(inner) is int and 0 <= inner < len(arrays):
            return arrays[inner]
        if key == "tuple" and type(inner) is list:
            return tuple(decode(v, arrays, depth + 1) for v in inner)
        if key == "dict" and type(inner) is dict:
            return {str(k): decode(v, arrays, depth + 1) for k, v in inner.items()}
        if key == "float" and inner in ("nan", "inf", "-inf"):
            return float(inner)
        if key == "float" and type(inner) is float:
            return inner
        if key == "unencodable":
            return Unencodable(inner)
    raise ValueError(f"unexpected node in answer file: {str(node)[:80]}")


def save(path, value):
    """Write ``value`` to ``path`` (an .npz file) atomically: a reader sees the old file or the new one."""
    arrays = []
    tree = encode(value, arrays)
    payload = {f"a{i}": a for i, a in enumerate(arrays)}
    payload["__tree__"] = np.array(json.dumps(tree, allow_nan=False))
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        np.savez(f, **payload)
    os.replace(tmp, path)


def load(path, max_bytes=200_000_000):
    """Read a tree written by :func:`save`, without pickle; ValueError if the file is not one."""
    if os.path.getsize(path) > max_bytes:
        raise ValueError(f"answer file larger than {max_bytes} bytes")
    try:
        with np.load(path, allow_pickle=False) as data:
            tree = json.loads(str(data["__tree__"][()]))
            arrays = []
            for i in range(len(data.files) - 1):
                arrays.append(np.asarray(data[f"a{i}"]))
    except (OSError, KeyError, ValueError, EOFError, json.JSONDecodeError) as exc:
        raise ValueError(f"answer file unreadable ({type(exc).__name__})") from None
    for a in arrays:
        if a.dtype.kind not in _NUMERIC_KINDS:
            raise ValueError(f"answer file holds an array of dtype {a.dtype}")
    return decode(tree, arrays)
