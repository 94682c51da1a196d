"""Writing annotations: JSONL (one document per line) and Parquet span tables.

Files are written to a temporary name beside the target and renamed into
place, so a failed run never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from presslens.errors import PresslensError
from presslens.document.spans import Document, concat_span_tables

if TYPE_CHECKING:
    import pandas as pd

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


@contextlib.contextmanager
def folder_lock(folder: str | os.PathLike[str]) -> Iterator[None]:
    """Hold ``folder`` for this run: a second run writing into it is refused with one line.

    The lock is a hidden file beside the folder (``.NAME.lock``), locked
    with ``flock``: the operating system releases it when the process ends,
    however it ends, so a killed run never leaves a folder locked. The file
    is removed when the run is over.
    """
    folder = Path(folder)
    lock = folder.parent / f".{folder.name}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _flock(fd)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip()
            os.close(fd)
            raise PresslensError(f"{folder}: in use by another presslens run"
                                 f"{f' (process {holder})' if holder.isdigit() else ''}; "
                                 "wait for it to finish or choose another output") from None
        # A run that just finished removes the file; a lock on the removed file holds nothing.
        try:
            same = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    _HELD.add(lock)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        _HELD.discard(lock)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(lock)
        os.close(fd)


#: Lock files this process holds (removed by :func:`release_locks` should it have to exit at once).
_HELD: set[Path] = set()


def release_locks() -> None:
    """Remove the lock files this process holds: its last act when it must exit without its clean-up."""
    for lock in list(_HELD):
        with contextlib.suppress(OSError):
            lock.unlink()


def _flock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: msvcrt locks the first byte instead
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            raise BlockingIOError from None
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


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


def write_jsonl(docs: Iterable[Document], path: str | os.PathLike[str]) -> None:
    """One JSON object per document: ``doc_id``, ``text``, ``meta``, ``spans`` (``docs`` may be a stream)."""
    with atomic_text(path) as fh:
        for doc in docs:
            fh.write(json.dumps(doc.to_record(), ensure_ascii=False, sort_keys=False))
            fh.write("\n")


def check_output_dir(folder: str | os.PathLike[str]) -> None:
    """Fail now, with one line, when files cannot be created in ``folder`` (or where it would be made).

    Read-only places, a file where a folder should be and a full disk are
    found by creating (and removing) an empty file, before any work.
    """
    folder = Path(folder)
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise PresslensError(f"{probe}: is a file, not a folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".presslens-write-check.", dir=probe)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise PresslensError(f"{folder}: cannot write there ({exc.strerror})") from None


def check_output_file(path: str | os.PathLike[str]) -> None:
    """Fail now when ``path`` cannot be written as a file: a folder is there, or its folder is not writable."""
    path = Path(path)
    if path.is_dir():
        raise PresslensError(f"{path}: is a folder; give a file name (FILE.jsonl)")
    if path.exists() and not path.is_file():
        raise PresslensError(f"{path}: is not a regular file (a device or pipe); give a file name")
    check_output_dir(path.parent)


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


#: First characters that make a spreadsheet read a text cell as a formula ("CSV injection"):
#: a cell from an article's metadata such as ``=HYPERLINK(...)`` would run when the CSV is opened.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA = re.compile("'*[=+\\-@\t\r]")


def spreadsheet_text(value: Any) -> Any:
    """A text cell made inert for spreadsheets: a leading single quote when it would start a formula.

    Spreadsheet tools read ``'=1+1`` as the text ``=1+1``; a cell already
    starting with quotes before such a character gets one more, so that
    :func:`from_spreadsheet_text` gives back exactly what was written.
    Numbers and other values are returned unchanged.

    >>> spreadsheet_text("=SUM(A1)"), spreadsheet_text("-3 dead"), spreadsheet_text(-3.5)
    ("'=SUM(A1)", "'-3 dead", -3.5)
    >>> from_spreadsheet_text(spreadsheet_text("'@x")) == "'@x"
    True
    """
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def from_spreadsheet_text(value: Any) -> Any:
    """The text :func:`spreadsheet_text` was given (a cell read back from a CSV presslens wrote)."""
    if isinstance(value, str) and value.startswith("'") and _FORMULA.match(value[1:]):
        return value[1:]
    return value


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are inert in a spreadsheet (:func:`spreadsheet_text`)."""
    from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_numeric_dtype

    out = frame.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if not (is_numeric_dtype(col) or is_bool_dtype(col) or is_datetime64_any_dtype(col)):
            out.isetitem(i, col.astype(object).map(spreadsheet_text))
    out.columns = [spreadsheet_text(str(c)) if isinstance(c, str) else c for c in out.columns]
    return out


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write a table as CSV for researchers' spreadsheets: atomically, UTF-8, formula-like text made inert.

    ``options`` go to :meth:`pandas.DataFrame.to_csv` (``index=False`` by default).

    >>> import pandas as pd, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> _ = write_csv(pd.DataFrame({"outlet": ["=cmd()", "Dawn"], "n": [-1, 2]}), path)
    >>> print(open(path).read().strip())
    outlet,n
    '=cmd(),-1
    Dawn,2
    """
    options.setdefault("index", False)
    with atomic_text(path) as fh:
        spreadsheet_safe(frame).to_csv(fh, **options)
    return Path(path)


def read_jsonl_annotations(path: str | os.PathLike[str]) -> list[Document]:
    """Read back the documents :func:`write_jsonl` wrote, with all their layers."""
    from presslens.document.spans import document_from_record

    with open(path, encoding="utf-8") as fh:
        return [document_from_record(json.loads(line)) for line in fh if line.strip()]
