"""SHA-256 of inputs and shipped files: how provenance names exactly what a run read.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
>>> _ = p.write_text("talks")
>>> file_sha256(p)[:12]
'ffe3715dd3d5'
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes (read anew each time: a file edited between runs is named as it is now)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def input_sha256(path: Path) -> str | None:
    """SHA-256 of an input: a file's bytes, or a folder's files (relative names
    and contents, in name order), so that a corpus folder is identified too."""
    if path.is_file():
        return file_sha256(path)
    if not path.is_dir():
        return None
    h = hashlib.sha256()
    for f in sorted(q for q in path.rglob("*") if q.is_file()):
        h.update(f.relative_to(path).as_posix().encode("utf-8") + b"\0" + bytes.fromhex(file_sha256(f)))
    return h.hexdigest()
