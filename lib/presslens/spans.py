"""Stand-off annotation: the span table, documents and corpora.

Every annotation is a span ``[start, end)`` of character offsets into the raw
text of its document, never a copied string (spaCy's ``Doc``/``Span`` model).
A document keeps one tidy table per layer; sentences and tokens are layers
like any other. Layer-specific fields are extra columns.

>>> doc = Document("d1", "Sources said so.")
>>> _ = doc.add_layer("token", [(0, 7, "NNS"), (8, 12, "VBD")])
>>> doc.layer("token")[["start", "end", "label"]].values.tolist()
[[0, 7, 'NNS'], [8, 12, 'VBD']]
>>> doc.span_text(0, 7)
'Sources'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: Columns every span table has, in this order; layers may add more.
SPAN_COLUMNS: tuple[str, ...] = ("doc_id", "layer", "start", "end", "label")

SpanRecord = Mapping[str, Any] | Sequence[Any]


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "doc_id": pd.Series(dtype="string"),
            "layer": pd.Series(dtype="string"),
            "start": pd.Series(dtype="int64"),
            "end": pd.Series(dtype="int64"),
            "label": pd.Series(dtype="object"),
        }
    )


@dataclass
class Document:
    """One article: its raw text, metadata and annotation layers.

    ``text`` is the text exactly as read (newlines and typography kept);
    every offset in every layer points into it.
    """

    doc_id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    layers: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def add_layer(self, layer: str, records: Iterable[SpanRecord]) -> pd.DataFrame:
        """Set (replace) ``layer`` from records.

        A record is a mapping with at least ``start``, ``end`` (and usually
        ``label``) or a tuple ``(start, end, label)``. Spans are validated
        against the text and stored sorted by position.
        """
        rows = []
        for rec in records:
            if isinstance(rec, Mapping):
                row = dict(rec)
            else:
                start, end, label = rec
                row = {"start": start, "end": end, "label": label}
            row.setdefault("label", None)
            start, end = int(row["start"]), int(row["end"])
            if not 0 <= start <= end <= len(self.text):
                raise ValueError(
                    f"{self.doc_id}: {layer} span [{start}, {end}) lies outside "
                    f"the text (length {len(self.text)})"
                )
            row["start"], row["end"] = start, end
            rows.append(row)
        if rows:
            table = pd.DataFrame(rows)
            table.insert(0, "layer", layer)
            table.insert(0, "doc_id", self.doc_id)
            extra = [c for c in table.columns if c not in SPAN_COLUMNS]
            table = table[list(SPAN_COLUMNS) + extra]
            table = table.sort_values(["start", "end"], kind="stable").reset_index(drop=True)
            table["doc_id"] = table["doc_id"].astype("string")
            table["layer"] = table["layer"].astype("string")
        else:
            table = _empty_table()
        self.layers[layer] = table
        return table

    def layer(self, name: str) -> pd.DataFrame:
        """The span table of one layer (empty when the layer is absent)."""
        return self.layers.get(name, _empty_table())

    @property
    def spans(self) -> pd.DataFrame:
        """All layers in one table (columns: :data:`SPAN_COLUMNS` + extras)."""
        return concat_span_tables(self.layers.values())

    def span_text(self, start: int, end: int) -> str:
        """The raw text covered by ``[start, end)``."""
        return self.text[start:end]

    def texts(self, layer: str) -> list[str]:
        """Covered text of every span in ``layer``, in order."""
        return [self.text[s:e] for s, e in self.layer(layer)[["start", "end"]].itertuples(index=False)]

    def to_record(self) -> dict[str, Any]:
        """The JSON-ready export form (one line of ``presslens annotate`` JSONL)."""
        spans = []
        for name, table in self.layers.items():
            for row in table.to_dict("records"):
                rec = {"layer": name, "start": int(row["start"]), "end": int(row["end"]), "label": row["label"]}
                for key, value in row.items():
                    if key in SPAN_COLUMNS:
                        continue
                    # Missing fields are exported as null, so every span of a
                    # layer carries the same keys (the JSONL contract).
                    rec[key] = None if _is_missing(value) else _plain(value)
                spans.append(rec)
        spans.sort(key=lambda r: (r["start"], r["end"], r["layer"]))
        return {"doc_id": self.doc_id, "text": self.text, "meta": self.meta, "spans": spans}


def document_from_record(record: Mapping[str, Any]) -> Document:
    """Rebuild a :class:`Document` from its export form (:meth:`Document.to_record`).

    >>> doc = Document("d", "Sources said so.")
    >>> _ = doc.add_layer("token", [(0, 7, "NNS")])
    >>> document_from_record(doc.to_record()).texts("token")
    ['Sources']
    """
    doc = Document(str(record["doc_id"]), record["text"], dict(record.get("meta") or {}))
    by_layer: dict[str, list[dict[str, Any]]] = {}
    for span in record.get("spans", []):
        fields = {k: v for k, v in span.items() if k != "layer"}
        by_layer.setdefault(span["layer"], []).append(fields)
    for layer, rows in by_layer.items():
        doc.add_layer(layer, rows)
    return doc


@dataclass
class Corpus:
    """Many documents, in input order, with unique ids."""

    documents: list[Document] = field(default_factory=list)

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for doc in self.documents:
            if doc.doc_id in seen:
                raise ValueError(f"duplicate document id {doc.doc_id!r}")
            seen.add(doc.doc_id)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    def __len__(self) -> int:
        return len(self.documents)

    def __getitem__(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.doc_id == doc_id:
                return doc
        raise KeyError(doc_id)

    @property
    def spans(self) -> pd.DataFrame:
        """The span table of every document."""
        return concat_span_tables(d.spans for d in self.documents)

    def layer(self, name: str) -> pd.DataFrame:
        return concat_span_tables(d.layer(name) for d in self.documents)


def concat_span_tables(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate span tables, keeping the core columns first."""
    tables = [t for t in tables if len(t)]
    if not tables:
        return _empty_table()
    out = pd.concat(tables, ignore_index=True, sort=False)
    extra = [c for c in out.columns if c not in SPAN_COLUMNS]
    return out[list(SPAN_COLUMNS) + extra]


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    """Turn numpy scalars into JSON-native values."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            pass
    return value
