"""Reading articles: plain text, folders, JSONL/CSV corpora and HTML pages.

Every reader returns :class:`~presslens.spans.Document` objects whose
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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

    Raises :class:`InputError` for the first unreadable input and when two
    documents would share an id.
    """
    docs: list[Document] = []
    seen: dict[str, str] = {}
    for path in paths:
        for doc in read_path(path):
            origin = doc.meta.get("source_file", str(path))
            if doc.doc_id in seen:
                raise InputError(origin, f"document id {doc.doc_id!r} already used by {seen[doc.doc_id]}")
            seen[doc.doc_id] = origin
            docs.append(doc)
    return docs


def read_path(path: str | os.PathLike[str]) -> Iterator[Document]:
    """Documents from one path, chosen by its type and suffix."""
    p = Path(path)
    if not p.exists():
        raise InputError(p, "no such file or folder")
    if p.is_dir():
        yield from read_folder(p)
        return
    suffix = p.suffix.lower()
    if suffix in CORPUS_SUFFIXES:
        yield from (read_jsonl(p) if suffix == ".jsonl" else read_csv(p))
    elif suffix in HTML_SUFFIXES:
        yield read_html(p)
    else:
        yield read_text_file(p)


def read_folder(folder: Path) -> Iterator[Document]:
    """Every article file (.txt, .html) directly in ``folder``, sorted by name."""
    files = sorted(
        f for f in folder.iterdir()
        if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES | HTML_SUFFIXES and not f.name.startswith(".")
    )
    if not files:
        raise InputError(folder, "folder holds no articles (.txt or .html files)")
    for f in files:
        yield read_html(f) if f.suffix.lower() in HTML_SUFFIXES else read_text_file(f)


def read_text_file(path: Path) -> Document:
    """One plain-text article; its id is the file name without suffix."""
    from presslens.document.spans import Document

    text = decode_article(path, _read_bytes(path, MAX_ARTICLE_BYTES))
    return Document(path.stem, text, {"source_file": path.name})


def read_html(path: Path) -> Document:
    """The main text of a saved web page, extracted with trafilatura.

    Paragraphs are separated by a blank line so that paragraph structure
    survives as it does in plain-text articles. The page title, site name and
    URL become metadata when the page declares them.
    """
    from presslens.document.spans import Document

    html = decode_article(path, _read_bytes(path, MAX_ARTICLE_BYTES))
    text, meta = extract_html(html)
    if not text.strip():
        raise InputError(path, "no article text found in the HTML page")
    meta["source_file"] = path.name
    return Document(path.stem, text, meta)


def extract_html(html: str) -> tuple[str, dict[str, Any]]:
    """Main text and metadata of an HTML page (trafilatura, no network)."""
    import trafilatura  # imported lazily: it is slow to import and only HTML needs it

    result = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        deduplicate=False,
    )
    if result is None:
        return "", {}
    raw = result.text or ""
    text = "\n\n".join(line.strip() for line in raw.splitlines() if line.strip())
    meta: dict[str, Any] = {}
    for key, attr in (("title", "title"), ("outlet", "sitename"), ("url", "url"), ("author", "author")):
        value = getattr(result, attr, None)
        if isinstance(value, str):
            # Bylines come with their separators ("By Staff Reporter · 3 March").
            value = value.strip(" \t·|•-–—,;:")
        if value:
            meta[key] = value
    return text, meta


def read_jsonl(path: Path) -> Iterator[Document]:
    """A corpus with one JSON object per line: ``id``, ``text`` and metadata."""
    data = _read_bytes(path, MAX_CORPUS_BYTES)
    content = decode_article(path, data, allow_empty=False)
    n = 0
    for lineno, line in enumerate(content.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{lineno}", f"not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise InputError(f"{path}:{lineno}", "each line must be a JSON object with 'id' and 'text'")
        n += 1
        yield _row_document(path, f"line {lineno}", row)
    if n == 0:
        raise InputError(path, "corpus holds no documents")


def read_csv(path: Path) -> Iterator[Document]:
    """A corpus table with columns ``id``, ``text`` and optional metadata."""
    data = _read_bytes(path, MAX_CORPUS_BYTES)
    content = decode_article(path, data, allow_empty=False)
    csv.field_size_limit(MAX_ARTICLE_BYTES * 4)
    try:
        reader = csv.DictReader(io.StringIO(content, newline=""))
        header = reader.fieldnames or []
        if "text" not in header:
            raise InputError(path, f"CSV has no 'text' column (columns: {', '.join(header) or 'none'})")
        if "id" not in header:
            raise InputError(path, f"CSV has no 'id' column (columns: {', '.join(header)})")
        n = 0
        for row in reader:
            n += 1
            # Row numbers count the header as line 1, as a spreadsheet does.
            yield _row_document(path, f"row {reader.line_num}", row)
    except csv.Error as exc:
        raise InputError(path, f"not a valid CSV file ({exc})") from None
    if n == 0:
        raise InputError(path, "corpus holds no documents")


def _row_document(path: Path, where: str, row: dict[str, Any]) -> Document:
    from presslens.document.spans import Document

    origin = f"{path}: {where}"
    doc_id = row.get("id")
    if doc_id is None or str(doc_id).strip() == "":
        raise InputError(origin, "document has no 'id'")
    text = row.get("text")
    if not isinstance(text, str):
        raise InputError(origin, f"document {doc_id!r} has no 'text' string")
    check_text(origin, text)
    meta = {k: v for k, v in row.items() if k not in ("id", "text") and v not in (None, "")}
    meta["source_file"] = path.name
    return Document(str(doc_id), text, meta)


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
