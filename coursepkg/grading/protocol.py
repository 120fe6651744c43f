"""The data-only format between the grader and its child process: JSON for structure, ``.npz`` for arrays.

Values are trees of ``None``, bool, int, float, str, list, tuple, dict (string keys) and numeric
numpy arrays. Before encoding, a value is turned into the data the self-check's ``compare`` would
see: a namedtuple becomes a tuple, a ``Fraction`` or ``Decimal`` a float, an object-dtype array a
float array, a torch tensor (or anything with ``__array__``) a numpy array, so the grader scores
these answers as the self-check does. One ``.npz`` file holds a whole tree: its JSON skeleton under the key ``__tree__``
and every array under ``a0``, ``a1``, ...; it is read back with ``allow_pickle=False``, so loading
an answer can never run code. Anything else (a student's object with a custom ``__eq__``, an
object array, a generator) is written as an ``{"unencodable": type name}`` marker, which the
grader reports as a wrong answer.

This module imports only the standard library and numpy: the child process loads it by file path,
without importing ``coursepkg``.
"""
import io
import json
import math
import numbers
import os
import stat
import zipfile

import numpy as np

__all__ = ["encode", "decode", "save", "load", "dumps", "loads", "is_regular", "Unencodable"]

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


def _as_data(value):
    """``value`` as the plain data ``compare`` treats it as (see the module docstring); may raise."""
    if isinstance(value, tuple):
        return tuple(value)
    if isinstance(value, list):
        return list(value)
    if isinstance(value, int) and not isinstance(value, (bool, np.bool_)):
        return int.__add__(value, 0)  # an int subclass's own __eq__ never reaches the grader
    if isinstance(value, numbers.Real) and not isinstance(value, (float, np.floating, np.integer, bool, np.bool_)):
        return float(value)  # Fraction, Decimal: what np.asarray(got, dtype=float) gives compare
    if not isinstance(value, np.ndarray) and hasattr(type(value), "__array__"):
        value = np.asarray(value)  # torch tensors, pandas objects
    if isinstance(value, np.ndarray) and value.dtype == object:
        value = value.astype(float)
    return value


def encode(value, arrays, depth=0):
    """The JSON-able skeleton of ``value``; arrays are appended to the list ``arrays``."""
    if depth > MAX_DEPTH:
        return {"unencodable": "nesting deeper than 20 levels"}
    t = type(value)
    if t not in (type(None), bool, str, int, float, list, tuple, dict, np.ndarray) and not isinstance(value, np.generic):
        try:
            value = _as_data(value)
        except Exception as exc:  # noqa: BLE001 - e.g. a tensor that requires grad: compare could not use it either
            return {"unencodable": f"object of type {t.__name__} ({type(exc).__name__})"}
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
        if array.dtype == object:  # compare reads it with np.asarray(got, dtype=float); so do we
            try:
                array = array.astype(float)
            except Exception:  # noqa: BLE001 - not numbers: reported as such below
                pass
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


def _write(f, value):
    arrays = []
    tree = encode(value, arrays)
    payload = {f"a{i}": a for i, a in enumerate(arrays)}
    payload["__tree__"] = np.array(json.dumps(tree, allow_nan=False))
    np.savez(f, **payload)


def save(path, value):
    """Write ``value`` to ``path`` (an .npz file) atomically: a reader sees the old file or the new one."""
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        _write(f, value)
    os.replace(tmp, path)


def dumps(value):
    """The bytes :func:`save` would write (sent through a pipe)."""
    buffer = io.BytesIO()
    _write(buffer, value)
    return buffer.getvalue()


def loads(data, max_bytes=200_000_000):
    """Inverse of :func:`dumps`, with the checks of :func:`load`."""
    if len(data) > max_bytes:
        raise ValueError(f"data larger than {max_bytes} bytes")
    return _read(io.BytesIO(data), max_bytes)


def is_regular(path):
    """True if ``path`` is a regular file itself (not a symlink, FIFO or device)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _declared_bytes(f, max_bytes):
    """Refuse an .npz whose members would take more than ``max_bytes`` once read (declared sizes, before reading)."""
    total = 0
    with zipfile.ZipFile(f) as z:
        for info in z.infolist():
            total += info.file_size
            if total > max_bytes:
                raise ValueError(f"answer file would be {total}+ bytes once decompressed (limit {max_bytes})")
            with z.open(info) as member:
                version = np.lib.format.read_magic(member)
                if version == (1, 0):
                    shape, _, dtype = np.lib.format.read_array_header_1_0(member)
                elif version == (2, 0):
                    shape, _, dtype = np.lib.format.read_array_header_2_0(member)
                else:
                    raise ValueError(f"unexpected .npy version {version}")
                total += math.prod(shape) * dtype.itemsize
                if total > max_bytes:
                    raise ValueError(f"answer file declares arrays of {total}+ bytes (limit {max_bytes})")


def load(path, max_bytes=200_000_000):
    """Read a tree written by :func:`save`, without pickle; ValueError if the file is not one.

    The file must be a regular file (no symlink, FIFO or device), and the arrays it declares
    (their shapes, read before any data) may take at most ``max_bytes`` in memory.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise ValueError(f"answer file unreadable ({type(exc).__name__})") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("answer file is not a regular file")
        if info.st_size > max_bytes:
            raise ValueError(f"answer file larger than {max_bytes} bytes")
        return _read(f, max_bytes)


def _read(f, max_bytes):
    try:
        _declared_bytes(f, max_bytes)
        f.seek(0)
        with np.load(f, allow_pickle=False) as data:
            tree = json.loads(str(data["__tree__"][()]))
            arrays = [np.asarray(data[f"a{i}"]) for i in range(len(data.files) - 1)]
    except (OSError, KeyError, ValueError, EOFError, RecursionError, MemoryError, zipfile.BadZipFile,
            json.JSONDecodeError) as exc:
        raise ValueError(f"answer file unreadable ({type(exc).__name__}: {str(exc)[:120]})") from None
    for a in arrays:
        if a.dtype.kind not in _NUMERIC_KINDS:
            raise ValueError(f"answer file holds an array of dtype {a.dtype}")
    return decode(tree, arrays)
