"""Writing annotations: JSONL (one document per line) and Parquet span tables.

Files are written to a temporary name beside the target and renamed into
place, so a failed run never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from presslens.errors import PresslensError
from presslens.document.spans import Document, concat_span_tables

EXPORT_SUFFIXES = (".jsonl", ".parquet")


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path that becomes ``target`` only if the block succeeds."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp makes the file private (0600); outputs get the usual
        # permissions of a new file instead (0644 under the common umask).
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Read once, at import: setting the umask to read it is not thread-safe.
_UMASK = _read_umask()


@contextlib.contextmanager
def atomic_text(target: str | os.PathLike[str]) -> Iterator[IO[str]]:
    """Open a text file for writing that appears only when complete."""
    with atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        yield fh


def write_jsonl(docs: Sequence[Document], path: str | os.PathLike[str]) -> None:
    """One JSON object per document: ``doc_id``, ``text``, ``meta``, ``spans``."""
    with atomic_text(path) as fh:
        for doc in docs:
            fh.write(json.dumps(doc.to_record(), ensure_ascii=False, sort_keys=False))
            fh.write("\n")


def write_parquet(docs: Sequence[Document], path: str | os.PathLike[str]) -> None:
    """The span table of all documents as one Parquet file."""
    table = concat_span_tables(d.spans for d in docs)
    with atomic_path(path) as tmp:
        table.to_parquet(tmp, index=False)


def write_annotations(docs: Sequence[Document], path: str | os.PathLike[str]) -> None:
    """Write by suffix: ``.jsonl`` or ``.parquet``."""
    suffix = Path(path).suffix.lower()
    if suffix == ".jsonl":
        write_jsonl(docs, path)
    elif suffix == ".parquet":
        write_parquet(docs, path)
    else:
        raise PresslensError(f"{path}: output must end in .jsonl or .parquet")


def read_jsonl_annotations(path: str | os.PathLike[str]) -> list[Document]:
    """Read back the documents :func:`write_jsonl` wrote, with all their layers."""
    from presslens.document.spans import document_from_record

    with open(path, encoding="utf-8") as fh:
        return [document_from_record(json.loads(line)) for line in fh if line.strip()]
