"""Reading articles: plain text, folders, JSONL/CSV corpora and HTML pages, through one streaming reader.

:func:`iter_records` yields one record per document for every kind of
input; :func:`read_documents` turns them into
:class:`~presslens.document.spans.Document` objects whose
``text`` is the article exactly as decoded (UTF-8, newlines kept), so all
offsets computed later point into what the researcher's file holds. Anything
that cannot be read raises :class:`~presslens.errors.InputError` with one line
naming the file and the problem.

>>> from presslens.document.inputs import read_documents
>>> docs = read_documents(["data/articles/pakistan-afghan-istanbul-talks.txt"])  # doctest: +SKIP
>>> docs[0].doc_id  # doctest: +SKIP
'pakistan-afghan-istanbul-talks'
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from presslens.document.html import extract_html
from presslens.errors import InputError, PresslensError

if TYPE_CHECKING:
    from presslens.document.spans import Document

#: Largest input file read as one article. News articles are kilobytes; a
#: file this large is almost certainly a dump or a mistake, and annotating it
#: would hold the machine for minutes.
MAX_ARTICLE_BYTES = 5_000_000
#: Largest corpus file (JSONL/CSV) read in one go.
MAX_CORPUS_BYTES = 2_000_000_000

ARTICLE_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
CORPUS_SUFFIXES = {".jsonl", ".csv"}
META_FIELDS = ("outlet", "date", "url", "title")
#: Control characters other than tab, newline, form feed and carriage return: binary data.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
#: The file that marks a folder written by ``presslens annotate CORPUS --out DIR.parquet``.
CORPUS_MANIFEST = "manifest.json"


def read_documents(paths: Iterable[str | os.PathLike[str]]) -> list[Document]:
    """Read every input path (file or folder) into documents, in order.

    Strict: raises :class:`InputError` for the first unreadable input or
    document (naming the file and its line or row) and when two documents
    would share an id. Corpus mode reads the same records leniently
    (:func:`iter_records`: a bad document is skipped with its reason).
    """
    from presslens.document.spans import Document

    docs: list[Document] = []
    seen: dict[str, str] = {}
    for path in paths:
        p = Path(path)
        if p.is_file() and p.suffix.lower() in CORPUS_SUFFIXES:
            size = p.stat().st_size
            if size > MAX_CORPUS_BYTES:
                raise InputError(p, f"file is too large ({size / 1e6:.1f} MB; the limit is {MAX_CORPUS_BYTES / 1e6:.0f} MB "
                                    "for reading at once; annotate it with --out DIR.parquet)")
        n = 0
        for rec in iter_records([p]):
            n += 1
            if rec["error"]:
                raise InputError(rec["origin"], rec["error"])
            check_text(rec["origin"], rec["text"])
            if rec["doc_id"] in seen:
                raise InputError(rec["meta"].get("source_file", str(p)),
                                 f"document id {rec['doc_id']!r} already used by {seen[rec['doc_id']]}")
            seen[rec["doc_id"]] = rec["meta"].get("source_file", str(p))
            docs.append(Document(rec["doc_id"], rec["text"], rec["meta"]))
        if n == 0 and p.suffix.lower() in CORPUS_SUFFIXES:
            raise InputError(p, "corpus holds no documents")
    return docs


def iter_records(paths: Iterable[str | os.PathLike[str]]) -> Iterator[dict[str, Any]]:
    """The one streaming reader: one record per document, lazily, whatever the input kind.

    A record is ``{"doc_id", "text", "meta", "error", "origin"}``. A document
    that cannot be read keeps its reason in ``error`` (``text`` None) and
    ``origin`` says where it is (``corpus.jsonl: line 3``), so a caller may
    raise (:func:`read_documents`) or skip it (corpus mode). Inputs that
    cannot be opened at all raise :class:`InputError`. JSONL and CSV are read
    a line at a time: a corpus of millions of articles is never in memory.
    """
    for path in paths:
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


def _record(doc_id: Any, text: Any, meta: dict[str, Any], origin: str, error: str | None = None) -> dict[str, Any]:
    return {"doc_id": str(doc_id), "text": text if error is None else None, "meta": meta, "error": error,
            "origin": origin}


def _file_record(path: Path) -> dict[str, Any]:
    meta: dict[str, Any] = {"source_file": path.name}
    try:
        data = _read_bytes(path, MAX_ARTICLE_BYTES)
        text = decode_article(path, data)
        if path.suffix.lower() in HTML_SUFFIXES:
            text, page_meta = extract_html(text)
            if not text.strip():
                raise InputError(path, "no article text found in the HTML page")
            meta = {**page_meta, "source_file": path.name}
    except InputError as exc:
        return _record(path.stem, None, meta, str(path), exc.problem)
    return _record(path.stem, text, meta, str(path))


def _row_record(path: Path, where: str, row: dict[str, Any]) -> dict[str, Any]:
    origin = f"{path}: {where}"
    meta = {k: v for k, v in row.items() if k not in ("id", "text") and v not in (None, "")}
    meta["source_file"] = path.name
    doc_id = row.get("id")
    if doc_id is None or str(doc_id).strip() == "":
        return _record(f"{path.name}:{where}", None, meta, origin, "document has no 'id'")
    text = row.get("text")
    if not isinstance(text, str):
        return _record(doc_id, None, meta, origin, f"document {str(doc_id)!r} has no 'text' string")
    return _record(doc_id, text, meta, origin)


def _jsonl_records(path: Path) -> Iterator[dict[str, Any]]:
    with _open_corpus(path) as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            where = f"line {lineno}"
            bad = {"source_file": path.name}
            try:
                row = json.loads(raw.decode("utf-8-sig" if lineno == 1 else "utf-8"))
            except UnicodeDecodeError:
                yield _record(f"{path.name}:{where}", None, bad, f"{path}: {where}", "not UTF-8 text")
                continue
            except json.JSONDecodeError as exc:
                yield _record(f"{path.name}:{where}", None, bad, f"{path}: {where}", f"not valid JSON ({exc.msg})")
                continue
            if not isinstance(row, dict):
                yield _record(f"{path.name}:{where}", None, bad, f"{path}: {where}",
                              "not a JSON object with 'id' and 'text'")
                continue
            yield _row_record(path, where, row)


def _csv_records(path: Path) -> Iterator[dict[str, Any]]:
    csv.field_size_limit(MAX_ARTICLE_BYTES * 4)
    with _open_corpus(path) as raw:
        fh = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        # strict: a quote left open is an error at the row that opened it, never a
        # silent merge of every later row into one document's text.
        reader = csv.DictReader(fh, strict=True)
        try:
            header = reader.fieldnames or []
            for col in ("id", "text"):
                if col not in header:
                    raise InputError(path, f"CSV has no {col!r} column (columns: {', '.join(header) or 'none'})")
            start = reader.line_num + 1
            for row in reader:
                # Row numbers count the header as line 1, as a spreadsheet does.
                if None in row or any(v is None for v in row.values()):
                    yield _record(f"{path.name}:line {start}", None, {"source_file": path.name},
                                  f"{path}: line {start}",
                                  f"has {len(row) - (None in row) + len(row.get(None) or [])} fields, the header {len(header)}")
                else:
                    yield _row_record(path, f"row {reader.line_num}", row)
                start = reader.line_num + 1
        except csv.Error as exc:
            raise InputError(f"{path}: line {start}", f"malformed CSV ({exc}); a quote left open swallows "
                                                      "the rows after it") from None
        except UnicodeDecodeError:
            raise InputError(path, "is not UTF-8 text; save it as UTF-8") from None


def _open_corpus(path: Path):  # type: ignore[no-untyped-def]
    """A corpus file opened for streaming, refused at once when it is binary."""
    try:
        fh = open(path, "rb")
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    if b"\x00" in fh.peek(8192)[:8192]:
        fh.close()
        raise InputError(path, "is a binary file, not text")
    return fh


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(path, f"file is too large ({size / 1e6:.1f} MB; the limit is {limit / 1e6:.0f} MB)")
        return path.read_bytes()
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None


def decode_article(path: Path | str, data: bytes, allow_empty: bool = False) -> str:
    """Decode UTF-8 bytes, refusing binary files and other encodings.

    A UTF-8 byte-order mark is dropped; nothing else is changed, so offsets
    into the result are offsets into the file's characters.
    """
    if b"\x00" in data[:8192]:
        raise InputError(path, "is a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            path, f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
        ) from None
    if not allow_empty:
        check_text(path, text)
    return text


def check_text(origin: object, text: str) -> None:
    """Refuse empty, whitespace-only and oversized article texts."""
    if not text.strip():
        raise InputError(origin, "article is empty" if not text else "article holds only whitespace")
    if len(text) > MAX_ARTICLE_BYTES:
        raise InputError(origin, f"article is too long ({len(text):,} characters; the limit is {MAX_ARTICLE_BYTES:,})")
    control = len(_CONTROL.findall(text, 0, 8192))
    if control > 8:
        raise InputError(origin, "looks like binary data, not text")


def corpus_input(path: str | os.PathLike[str]) -> str | None:
    """What ``presslens report`` was given: ``"annotations"`` (a finished or
    unfinished corpus folder), ``"corpus"`` (a JSONL/CSV corpus or a folder of
    several articles) or None (one article).

    >>> corpus_input("data/corpora/sample/articles.jsonl"), corpus_input("data/articles/pakistan-afghan-istanbul-talks.txt")
    ('corpus', None)
    """
    p = Path(path)
    if p.is_dir():
        if (p / CORPUS_MANIFEST).exists():
            return "annotations"
        if p.suffix.lower() == ".parquet":
            raise PresslensError(f"{p}: not a presslens corpus folder (no {CORPUS_MANIFEST}); "
                                 "write one with `presslens annotate CORPUS --out DIR.parquet`")
        articles = [f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")
                    and f.suffix.lower() in ARTICLE_SUFFIXES | HTML_SUFFIXES]
        return "corpus" if len(articles) > 1 else None
    return "corpus" if p.suffix.lower() in CORPUS_SUFFIXES else None


def sample_ids(ids: Sequence[str], sample: int, seed: int) -> list[str]:
    """``sample`` ids drawn without replacement; depends only on the id set and seed.

    >>> sample_ids(["a", "b", "c"], 5, seed=0)
    ['a', 'b', 'c']
    """
    import numpy as np

    ordered = sorted(ids)
    if sample >= len(ordered):
        return ordered
    rng = np.random.default_rng(seed)
    picked = rng.choice(len(ordered), size=sample, replace=False)
    return [ordered[i] for i in sorted(picked)]
