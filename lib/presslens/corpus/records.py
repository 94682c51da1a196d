"""Reading a corpus as a stream of records, one partition at a time.

A record is ``{"doc_id", "text", "meta", "error"}``: a document the
reader could not read keeps its reason in ``error`` and is skipped later,
never aborting the run.
"""

from __future__ import annotations


import csv
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from presslens.errors import InputError
from presslens.document.inputs import (
    ARTICLE_SUFFIXES,
    HTML_SUFFIXES,
    MAX_ARTICLE_BYTES,
)

#: Documents per partition: small enough that a worker holds a few in memory,
#: large enough that scheduling overhead is negligible.
DEFAULT_PARTITION_SIZE = 200


#: Metadata promoted to their own columns in the documents and measures tables.
META_COLUMNS = ("outlet", "date", "title", "url", "source_file")


#: Columns of the documents table.
DOCUMENT_COLUMNS = ("doc_id", "text", *META_COLUMNS, "meta")


def iter_records(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[dict[str, Any]]:
    """Yield one record per document (``doc_id``, ``text``, ``meta``, ``error``), lazily.

    Unlike :func:`presslens.ingest.read_documents`, a bad document does not
    raise: its record carries ``error`` (the reason) and ``text`` None, so the
    run can report and skip it. Files that cannot be opened at all still
    raise :class:`~presslens.errors.InputError`.
    """
    for path in inputs:
        p = Path(path)
        if not p.exists():
            raise InputError(p, "no such file or folder")
        if p.is_dir():
            files = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")
                           and f.suffix.lower() in ARTICLE_SUFFIXES | HTML_SUFFIXES)
            if not files:
                raise InputError(p, "folder holds no articles (.txt or .html files)")
            for f in files:
                yield _file_record(f)
        elif p.suffix.lower() == ".jsonl":
            yield from _jsonl_records(p)
        elif p.suffix.lower() == ".csv":
            yield from _csv_records(p)
        else:
            yield _file_record(p)


def _record(doc_id: Any, text: Any, meta: dict[str, Any], error: str | None = None) -> dict[str, Any]:
    return {"doc_id": str(doc_id), "text": text if error is None else None, "meta": meta, "error": error}


def _file_record(path: Path) -> dict[str, Any]:
    from presslens.document.inputs import read_html, read_text_file

    try:
        doc = read_html(path) if path.suffix.lower() in HTML_SUFFIXES else read_text_file(path)
    except InputError as exc:
        return _record(path.stem, None, {"source_file": path.name}, _reason(exc, path))
    return _record(doc.doc_id, doc.text, doc.meta)


def _reason(exc: InputError, origin: object) -> str:
    msg = str(exc)
    prefix = f"{origin}: "
    return msg[len(prefix):] if msg.startswith(prefix) else msg


def _row_record(path: Path, where: str, row: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in row.items() if k not in ("id", "text") and v not in (None, "")}
    meta["source_file"] = path.name
    doc_id = row.get("id")
    if doc_id is None or str(doc_id).strip() == "":
        return _record(f"{path.name}:{where}", None, meta, "document has no 'id'")
    text = row.get("text")
    if not isinstance(text, str):
        return _record(doc_id, None, meta, "document has no 'text' string")
    return _record(doc_id, text, meta)


def _jsonl_records(path: Path) -> Iterator[dict[str, Any]]:
    # Line by line, so a corpus of millions of articles is never in memory.
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            where = f"line {lineno}"
            try:
                row = json.loads(raw.decode("utf-8-sig" if lineno == 1 else "utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                yield _record(f"{path.name}:{where}", None, {"source_file": path.name},
                              f"{where}: not valid UTF-8 JSON ({exc.__class__.__name__})")
                continue
            if not isinstance(row, dict):
                yield _record(f"{path.name}:{where}", None, {"source_file": path.name},
                              f"{where}: not a JSON object with 'id' and 'text'")
                continue
            yield _row_record(path, where, row)


def _csv_records(path: Path) -> Iterator[dict[str, Any]]:
    csv.field_size_limit(MAX_ARTICLE_BYTES * 4)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            for col in ("id", "text"):
                if col not in header:
                    raise InputError(path, f"CSV has no {col!r} column (columns: {', '.join(header) or 'none'})")
            for row in reader:
                yield _row_record(path, f"row {reader.line_num}", row)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(path, f"not a valid UTF-8 CSV file ({exc})") from None


def iter_partitions(inputs: Iterable[str | os.PathLike[str]], partition_size: int = DEFAULT_PARTITION_SIZE
                    ) -> Iterator[pd.DataFrame]:
    """The corpus as record tables of ``partition_size`` rows (columns ``doc_id, text, meta, error``).

    A repeated id gets ``error`` set (the first document with that id wins).
    Only the ids are remembered across partitions.
    """
    seen: set[str] = set()
    batch: list[dict[str, Any]] = []
    for rec in iter_records(inputs):
        if rec["error"] is None and rec["doc_id"] in seen:
            rec = {**rec, "text": None, "error": "duplicate document id"}
        seen.add(rec["doc_id"])
        batch.append(rec)
        if len(batch) >= partition_size:
            yield pd.DataFrame(batch, columns=["doc_id", "text", "meta", "error"])
            batch = []
    if batch:
        yield pd.DataFrame(batch, columns=["doc_id", "text", "meta", "error"])


def _meta_str(value: Any) -> str | None:
    return None if value is None else str(value)


def documents_table(records: pd.DataFrame, keep: Iterable[str]) -> pd.DataFrame:
    """The documents table of the records whose id is in ``keep``: text stored once, meta as columns."""
    keep = set(keep)
    rows = []
    for doc_id, text, meta in zip(records["doc_id"], records["text"], records["meta"]):
        if doc_id not in keep:
            continue
        meta = dict(meta) if isinstance(meta, dict) else {}
        rows.append({"doc_id": doc_id, "text": text, **{k: _meta_str(meta.get(k)) for k in META_COLUMNS},
                     "meta": json.dumps(meta, ensure_ascii=False, default=str)})
    table = pd.DataFrame(rows, columns=list(DOCUMENT_COLUMNS))
    return table.astype({c: "string" for c in DOCUMENT_COLUMNS})
