"""Model files: gzip-compressed JSON whose bulk numbers are base64-encoded arrays.

Any JSON reader opens such a file (``zcat model.json.gz | python -m json.tool``);
nothing in it is executed (no pickle). A numeric array is stored as an
object ``{"dtype": "<i2", "shape": [2, 3], "base64": "..."}``: its
little-endian bytes in C order. Reading it back is one
:func:`numpy.frombuffer` instead of a Python object per number, which is
what makes a large model load fast.

>>> import numpy as np
>>> a = np.array([[1, -2, 3], [4, 5, -6]], dtype=np.int16)
>>> obj = encode_array(a)
>>> obj["dtype"], obj["shape"], obj["base64"]
('<i2', [2, 3], 'AQD+/wMABAAFAPr/')
>>> bool((decode_array(obj) == a).all())
True
>>> loads(dumps({"w": obj}))["w"] == obj
True
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import numpy as np

__all__ = ["encode_array", "decode_array", "dumps", "loads"]

#: Plain numeric types only: an array of these is just its bytes.
_DTYPES = frozenset({"|u1", "|i1", "<u2", "<i2", "<u4", "<i4", "<u8", "<i8", "<f4", "<f8"})


def encode_array(a: np.ndarray) -> dict[str, Any]:
    """A numeric array as a JSON-ready object (little-endian bytes, base64).

    >>> encode_array(np.arange(3, dtype=np.uint8))
    {'dtype': '|u1', 'shape': [3], 'base64': 'AAEC'}
    """
    a = np.asarray(a)
    dt = a.dtype.newbyteorder("<") if a.dtype.byteorder not in ("|", "<") else a.dtype
    if dt.str not in _DTYPES:
        raise ValueError(f"cannot store dtype {a.dtype} (plain integers and floats only)")
    data = np.ascontiguousarray(a, dtype=dt).tobytes()
    return {"dtype": dt.str, "shape": [int(n) for n in a.shape], "base64": base64.b64encode(data).decode("ascii")}


def decode_array(obj: dict[str, Any]) -> np.ndarray:
    """The array :func:`encode_array` stored (read-only, native byte order).

    >>> decode_array({"dtype": "<f8", "shape": [1], "base64": "AAAAAAAA8D8="}).tolist()
    [1.0]
    """
    if obj.get("dtype") not in _DTYPES:
        raise ValueError(f"unsupported array dtype {obj.get('dtype')!r}")
    shape = tuple(int(n) for n in obj["shape"])
    a = np.frombuffer(base64.b64decode(obj["base64"], validate=True), dtype=np.dtype(obj["dtype"]))
    if a.size != int(np.prod(shape, dtype=np.int64)):
        raise ValueError(f"array of {a.size} values does not have shape {list(shape)}")
    return a.astype(a.dtype.newbyteorder("="), copy=False).reshape(shape)


def dumps(obj: Any) -> bytes:
    """Gzip-compressed JSON, the same bytes for the same object (sorted keys, gzip mtime 0).

    The text is pure ASCII (other characters as ``\\u`` escapes): decoding
    it is then a copy, not a conversion of every character.
    """
    text = json.dumps(obj, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode("ascii"), compresslevel=9, mtime=0)


def loads(raw: bytes) -> Any:
    """The object :func:`dumps` wrote."""
    return json.loads(gzip.decompress(raw).decode("utf-8"))
