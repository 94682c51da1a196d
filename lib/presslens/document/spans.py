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
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


class _Pandas:
    """pandas, imported when a span table is first made or read.

    A :class:`Document` is often only read and checked (``presslens report``
    validates its input, then hands it to a child process that annotates
    it): that need not cost pandas' import, a fifth of a second. The first
    attribute looked up replaces this stand-in by the module itself.
    """

    def __getattr__(self, name: str) -> Any:
        import pandas

        globals()["pd"] = pandas
        return getattr(pandas, name)


pd = _Pandas()  # noqa: F811 - the stand-in above; becomes pandas itself on first use

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

    def add_spans(
        self, layer: str, starts: Sequence[int], ends: Sequence[int], labels: Sequence[Any]
    ) -> pd.DataFrame:
        """Set (replace) ``layer`` from parallel columns: the bulk form of :meth:`add_layer`.

        The table is the same as ``add_layer(layer, zip(starts, ends, labels))``
        would build, without a dict per span (segmenting builds thousands).

        >>> doc = Document("d1", "Sources said so.")
        >>> doc.add_spans("token", [8, 0], [12, 7], ["VBD", "NNS"])[["start", "end", "label"]].values.tolist()
        [[0, 7, 'NNS'], [8, 12, 'VBD']]
        """
        n = len(starts)
        st = np.asarray(starts, dtype=np.int64).reshape(n)
        en = np.asarray(ends, dtype=np.int64).reshape(len(ends))
        if n == 0 or len(en) != n or len(labels) != n or not (
            (st >= 0).all() and (st <= en).all() and (en <= len(self.text)).all()
        ):
            # add_layer raises the same errors (and builds the empty table).
            return self.add_layer(layer, zip(starts, ends, labels))
        labels = list(labels)
        if n > 1 and not ((st[1:] > st[:-1]) | ((st[1:] == st[:-1]) & (en[1:] >= en[:-1]))).all():
            order = np.lexsort((en, st))  # stable, like sort_values(kind="stable")
            st, en = st[order], en[order]
            labels = [labels[i] for i in order]
        table = pd.DataFrame({
            "doc_id": pd.array([self.doc_id] * n, dtype="string"),
            "layer": pd.array([layer] * n, dtype="string"),
            "start": st,
            "end": en,
            "label": labels,
        })
        self.layers[layer] = table
        return table

    def add_records(self, layer: str, records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
        """:meth:`add_layer` for mapping records, built column by column.

        The table equals ``add_layer(layer, records)``; records that do not
        all have the same keys in the same order (or that are invalid) are
        simply handed to :meth:`add_layer`.

        >>> doc = Document("d1", "Sources said so.")
        >>> doc.add_records("cue", [{"start": 8, "end": 12, "label": "said", "n": 1}])[["start", "label", "n"]].values.tolist()
        [[8, 'said', 1]]
        """
        records = list(records)
        if not records:
            return self.add_layer(layer, records)
        keys = tuple(records[0])
        if any(tuple(r) != keys for r in records) or "start" not in keys or "end" not in keys or (
            "doc_id" in keys or "layer" in keys
        ):
            return self.add_layer(layer, records)
        cols = {k: [r[k] for r in records] for k in keys}
        try:
            starts = [int(v) for v in cols["start"]]
            ends = [int(v) for v in cols["end"]]
        except (TypeError, ValueError):
            return self.add_layer(layer, records)
        if not all(0 <= a <= b <= len(self.text) for a, b in zip(starts, ends)):
            return self.add_layer(layer, records)
        cols["start"], cols["end"] = starts, ends
        n = len(records)
        order = sorted(range(n), key=lambda i: (starts[i], ends[i]))  # stable
        if order != list(range(n)):
            cols = {k: [v[i] for i in order] for k, v in cols.items()}
        # add_layer's column order: the core columns, then the rest as they
        # first appear ("label" is added last when records lack it).
        extra = [k for k in keys if k not in SPAN_COLUMNS]
        data: dict[str, Any] = {
            "doc_id": pd.array([self.doc_id] * n, dtype="string"),
            "layer": pd.array([layer] * n, dtype="string"),
            "start": np.asarray(cols["start"], dtype=np.int64),
            "end": np.asarray(cols["end"], dtype=np.int64),
            "label": cols["label"] if "label" in cols else [None] * n,
        }
        for k in extra:
            data[k] = cols[k]
        table = pd.DataFrame(data)
        self.layers[layer] = table
        return table

    def layer(self, name: str) -> pd.DataFrame:
        """The span table of one layer (empty when the layer is absent)."""
        table = self.layers.get(name)
        # Built only when needed: an empty typed table costs ~1 ms in pandas.
        return table if table is not None else _empty_table()

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
                    rec[key] = None if is_missing(value) else _plain(value)
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
    out = _concat_by_shape(tables) if len(tables) > 8 else pd.concat(tables, ignore_index=True, sort=False)
    extra = [c for c in out.columns if c not in SPAN_COLUMNS]
    return out[list(SPAN_COLUMNS) + extra]


def _concat_by_shape(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """``pd.concat(tables, ignore_index=True, sort=False)``, several times faster for many tables.

    Tables of one layer share their columns and dtypes; pandas concatenates
    such tables cheaply but pays a reindex per table when the columns
    differ (many documents x several layers). So tables of the same shape
    are concatenated first, then the few results, and the rows are put
    back in the original order: same rows, columns and dtypes.
    """
    groups: dict[tuple, list[int]] = {}
    for i, t in enumerate(tables):
        groups.setdefault((tuple(t.columns), tuple(map(str, t.dtypes))), []).append(i)
    if len(groups) == 1:
        return pd.concat(tables, ignore_index=True, sort=False)
    parts = []
    where = np.empty(len(tables), dtype=np.int64)  # each table's first row in the grouped result
    offset = 0
    for members in groups.values():
        part = pd.concat([tables[i] for i in members], ignore_index=True, sort=False)
        for i in members:
            where[i] = offset
            offset += len(tables[i])
        parts.append(part)
    grouped = pd.concat(parts, ignore_index=True, sort=False)
    order = np.concatenate([np.arange(where[i], where[i] + len(t)) for i, t in enumerate(tables)])
    return grouped.take(order).reset_index(drop=True)


def is_missing(value: Any) -> bool:
    """True for None and NaN-like scalars (a field with no value)."""
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
