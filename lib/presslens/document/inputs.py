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
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

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
#: Longest JSONL line read: a document of the largest size, with JSON escapes.
MAX_LINE_BYTES = MAX_ARTICLE_BYTES * 4

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
    return list(iter_documents(paths))


def iter_documents(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Document]:
    """:func:`read_documents` one document at a time: only the ids are kept in memory."""
    from presslens.document.spans import Document

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
            yield Document(rec["doc_id"], rec["text"], rec["meta"])
        if n == 0 and p.suffix.lower() in CORPUS_SUFFIXES:
            raise InputError(p, "corpus holds no documents")


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
        if not p.is_dir():
            check_regular(p)
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
        data = read_limited(path, MAX_ARTICLE_BYTES)
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
        lineno = 0
        while True:
            # A line is read up to a bound: one enormous line must not take all memory.
            raw = fh.readline(MAX_LINE_BYTES + 1)
            if not raw:
                break
            lineno += 1
            where = f"line {lineno}"
            bad = {"source_file": path.name}
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
                yield _record(f"{path.name}:{where}", None, bad, f"{path}: {where}",
                              f"line is too long (more than {MAX_LINE_BYTES:,} bytes)")
                continue
            if not raw.strip():
                continue
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


class _Lines:
    """The physical lines of a text file for :mod:`csv`, numbered, with lines given back after a bad row.

    When a row is malformed (a quote left open swallows the lines after
    it), the lines the reader took past the row's first line are pushed
    back and read again as rows of their own: only the bad row is lost.
    """

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh
        self._back: list[tuple[int, str]] = []  # pushed-back lines, last first
        self._n = 0
        self.taken: list[tuple[int, str]] = []  # lines of the row being read

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._back:
            item = self._back.pop()
        else:
            # A line is read up to a bound: one enormous line must not take all memory.
            line = self._fh.readline(MAX_LINE_BYTES + 1)
            if not line:
                raise StopIteration
            self._n += 1
            if len(line) > MAX_LINE_BYTES and not line.endswith(("\n", "\r")):
                while (rest := self._fh.readline(1 << 20)) and not rest.endswith(("\n", "\r")):
                    pass
                raise csv.Error(f"line is too long (more than {MAX_LINE_BYTES:,} characters)")
            item = (self._n, line)
        self.taken.append(item)
        return item[1]

    def next_row(self) -> int:
        """Start a new row; the line number it starts on."""
        self.taken = []
        return self._back[-1][0] if self._back else self._n + 1

    def give_back(self) -> None:
        """The bad row keeps its first line; the lines after it are read again."""
        self._back.extend(reversed(self.taken[1:]))
        self.taken = []


def _csv_records(path: Path) -> Iterator[dict[str, Any]]:
    csv.field_size_limit(MAX_ARTICLE_BYTES * 4)
    with _open_corpus(path) as raw:
        fh = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        lines = _Lines(fh)
        # strict: a quote left open is an error at the row that opened it, never a
        # silent merge of every later row into one document's text.
        reader = csv.reader(lines, strict=True)
        try:
            try:
                header = next(reader)
            except StopIteration:
                header = []
            except csv.Error as exc:
                raise InputError(f"{path}: line 1", f"malformed CSV header ({exc})") from None
            for col in ("id", "text"):
                if col not in header:
                    raise InputError(path, f"CSV has no {col!r} column (columns: {', '.join(header) or 'none'})")
            while True:
                # Row numbers count the header as line 1, as a spreadsheet does.
                start = lines.next_row()
                where = f"line {start}"
                try:
                    values = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    lines.give_back()
                    yield _record(f"{path.name}:{where}", None, {"source_file": path.name}, f"{path}: {where}",
                                  f"malformed CSV row ({exc}{'' if 'too long' in str(exc) else '; a quote left open?'})")
                    continue
                if not values:
                    continue
                if len(values) != len(header):
                    yield _record(f"{path.name}:{where}", None, {"source_file": path.name}, f"{path}: {where}",
                                  f"has {len(values)} fields, the header {len(header)}")
                    continue
                yield _row_record(path, where, dict(zip(header, values)))
        except UnicodeDecodeError:
            raise InputError(path, "is not UTF-8 text; save it as UTF-8") from None


def check_regular(path: Path) -> None:
    """Refuse what is not a regular file before opening it: a device never ends, a pipe may block forever."""
    try:
        mode = path.stat().st_mode
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(mode):
        raise InputError(path, "is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise InputError(path, "is not a regular file (a device, pipe or socket); presslens reads files")


def _open_corpus(path: Path):  # type: ignore[no-untyped-def]
    """A corpus file opened for streaming, refused at once when it is binary or not UTF-8."""
    check_regular(path)
    try:
        fh = open(path, "rb")
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    head = fh.peek(8192)[:8192]
    problem = _foreign_encoding(head)
    if problem is None and b"\x00" in head:
        problem = "is a binary file, not text"
    if problem:
        fh.close()
        raise InputError(path, problem + ("; save it as UTF-8" if "UTF" in problem else ""))
    return fh


def read_limited(path: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """A regular file's bytes, at most ``limit`` of them, counted while reading (the size the file
    system reports is not trusted).

    >>> read_limited("/dev/zero", 10)
    Traceback (most recent call last):
    presslens.errors.InputError: /dev/zero: is not a regular file (a device, pipe or socket); presslens reads files
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, f"no such {what}")
    check_regular(path)
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    if len(data) > limit:
        raise InputError(path, f"file is too large (more than {limit / 1e6:.0f} MB)")
    return data


def read_text_file(path: str | os.PathLike[str], limit: int = 200_000_000, what: str = "file") -> str:
    """A UTF-8 text file (byte-order mark dropped), read within ``limit`` bytes; anything else is one
    :class:`InputError` naming the file: binary, UTF-16, another encoding, a device or pipe.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "utf16.txt")
    >>> _ = open(path, "wb").write("Talks resumed.".encode("utf-16"))
    >>> read_text_file(path)
    Traceback (most recent call last):
    presslens.errors.InputError: ...utf16.txt: is UTF-16 text; save it as UTF-8
    """
    data = read_limited(path, limit, what)
    problem = _foreign_encoding(data[:8192])
    if problem:
        raise InputError(path, problem + "; save it as UTF-8")
    if b"\x00" in data[:8192]:
        raise InputError(path, "is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                               "save it as UTF-8") from None


def _foreign_encoding(head: bytes) -> str | None:
    """Name a Unicode encoding other than UTF-8 from a file's first bytes (its byte-order mark, or the
    zero bytes of ASCII text in UTF-16), or None."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "is UTF-32 text"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "is UTF-16 text"
    sample = head[:2000]
    if len(sample) >= 8:
        even, odd = sample[0::2], sample[1::2]
        # ASCII letters in UTF-16 without a byte-order mark: every other byte is zero.
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "looks like UTF-16 text (little-endian, no byte-order mark)"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "looks like UTF-16 text (big-endian, no byte-order mark)"
    return None


def decode_article(path: Path | str, data: bytes, allow_empty: bool = False) -> str:
    """Decode UTF-8 bytes (or UTF-16 with a byte-order mark), refusing binary files and other encodings.

    A byte-order mark is dropped; nothing else is changed, so offsets
    into the result are offsets into the file's characters.
    """
    problem = _foreign_encoding(data[:8192])
    if problem == "is UTF-16 text":
        # Windows tools save UTF-16 with a byte-order mark; its characters are the same text.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(path, "is not valid UTF-16 text; save it as UTF-8") from None
        if not allow_empty:
            check_text(path, text)
        return text
    if problem:
        raise InputError(path, problem + "; save it as UTF-8")
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
