"""A corpus as partitions of records, streamed from :func:`presslens.document.inputs.iter_records`.

A record is ``{"doc_id", "text", "meta", "error"}``: a document the
reader could not read keeps its reason in ``error`` and is skipped later,
never aborting the run.
"""

from __future__ import annotations


import json
import os
from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd

from presslens.document.inputs import iter_records

#: Documents per partition: small enough that a worker holds a few in memory,
#: large enough that scheduling overhead is negligible.
DEFAULT_PARTITION_SIZE = 200


#: Metadata promoted to their own columns in the documents and measures tables.
META_COLUMNS = ("outlet", "date", "title", "url", "source_file")


#: Columns of the documents table.
DOCUMENT_COLUMNS = ("doc_id", "text", *META_COLUMNS, "meta")


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
        batch.append({k: rec[k] for k in ("doc_id", "text", "meta", "error")})
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
