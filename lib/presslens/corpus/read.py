"""Reading an annotated corpus folder back: measures, skipped documents, spans, documents.
"""

from __future__ import annotations


import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd

from presslens.errors import PresslensError
from presslens.document.spans import Corpus, Document, is_missing
from presslens.corpus.records import META_COLUMNS, _meta_str
from presslens.corpus.store import MANIFEST

def read_measures(folder: str | os.PathLike[str], meta: Iterable[str] = ()) -> pd.DataFrame:
    """The per-document measures table of an annotated corpus folder (one row per article).

    Columns: ``doc_id``, the meta columns ``outlet, date, title, url,
    source_file``, then one numeric column per measure (see
    :func:`measures_row`). ``meta`` names further metadata fields of the
    input (a JSONL/CSV column such as ``country``) to add as columns, read
    from the documents table without its texts.

    >>> m = read_measures("out.parquet", meta=["country"])  # doctest: +SKIP
    """
    folder = Path(folder)
    path = folder / "measures.parquet"
    if not path.exists():
        raise PresslensError(f"{folder}: no measures.parquet (not a finished presslens corpus folder)")
    measures = pd.read_parquet(path)
    extra = [k for k in meta if k not in measures.columns]
    if extra:
        rows = []
        for part in sorted((folder / "documents").glob("part-*.parquet")):
            docs = pd.read_parquet(part, columns=["doc_id", "meta"])
            for doc_id, raw in zip(docs["doc_id"], docs["meta"]):
                m = json.loads(raw) if isinstance(raw, str) else {}
                rows.append({"doc_id": doc_id, **{k: _meta_str(m.get(k)) for k in extra}})
        table = pd.DataFrame(rows, columns=["doc_id", *extra])
        missing = [k for k in extra if not table[k].notna().any()]
        if missing:
            raise PresslensError(f"{folder}: no document has the metadata field(s) {', '.join(missing)}")
        measures = measures.merge(table, on="doc_id", how="left")
        measures = measures[["doc_id", *META_COLUMNS, *extra, *[c for c in measures.columns
                                                                if c not in ("doc_id", *META_COLUMNS, *extra)]]]
    return measures


def read_skipped(folder: str | os.PathLike[str]) -> pd.DataFrame:
    """The skipped documents of an annotated corpus folder: ``doc_id, partition, reason``."""
    from presslens.document.outputs import from_spreadsheet_text

    table = pd.read_csv(Path(folder) / "skipped.csv", dtype=str, keep_default_na=False)
    for col in table.columns:
        table[col] = table[col].map(from_spreadsheet_text)
    return table


def read_spans(folder: str | os.PathLike[str], layer: str | None = None) -> pd.DataFrame:
    """The span table of every annotated document (optionally one ``layer``), partition by partition.

    Partitions may hold different extra columns (a layer absent from one
    partition has no columns there), so they are concatenated with pandas
    rather than read as one Arrow dataset.

    >>> attributions = read_spans("out.parquet", "attribution")  # doctest: +SKIP
    """
    from presslens.document.spans import concat_span_tables

    tables = []
    for part in sorted((Path(folder) / "spans").glob("part-*.parquet")):
        t = pd.read_parquet(part, filters=[("layer", "==", layer)] if layer else None)
        tables.append(t.dropna(axis=1, how="all") if layer else t)
    return concat_span_tables(tables)


def iter_corpus_annotations(folder: str | os.PathLike[str]) -> Iterator[Document]:
    """The annotated documents of a corpus folder, one partition in memory at a time."""
    folder = Path(folder)
    parts = sorted((folder / "documents").glob("part-*.parquet"))
    if not parts and not (folder / MANIFEST).exists():
        raise PresslensError(f"{folder}: not a presslens corpus folder")
    for part in parts:
        docs = pd.read_parquet(part)
        spans = pd.read_parquet(folder / "spans" / part.name)
        by_doc = dict(tuple(spans.groupby("doc_id", sort=False))) if len(spans) else {}
        for row in docs.itertuples(index=False):
            meta = json.loads(row.meta) if isinstance(row.meta, str) else {}
            doc = Document(str(row.doc_id), row.text, meta)
            table = by_doc.get(row.doc_id)
            if table is not None:
                for layer, rows in table.groupby("layer", sort=False):
                    rows = rows.dropna(axis=1, how="all").drop(columns=["doc_id", "layer"])
                    if "label" not in rows:
                        rows = rows.assign(label=None)
                    doc.add_layer(str(layer), [{k: v for k, v in r.items() if not is_missing(v)}
                                               for r in rows.to_dict("records")])
            yield doc


def read_corpus_annotations(folder: str | os.PathLike[str]) -> Corpus:
    """All annotated documents of a corpus folder, with every layer (in memory: mind large corpora).

    >>> corpus = read_corpus_annotations("out.parquet")  # doctest: +SKIP
    >>> corpus["some-id"].layer("attribution")  # doctest: +SKIP
    """
    return Corpus(list(iter_corpus_annotations(folder)))
