"""presslens: sourcing, hedging and party framing in news articles.

>>> import presslens
>>> doc = presslens.annotate_text("Sources said the talks could resume.")
>>> doc.texts("sentence")
['Sources said the talks could resume.']
"""

from __future__ import annotations

#: The release, as in pyproject.toml (a test keeps the two equal). Written
#: here rather than asked of importlib.metadata, whose import alone costs
#: every kernel of a report a fortieth of a second.
__version__ = "0.1.0"

from typing import TYPE_CHECKING

from presslens.errors import ConfigError, InputError, PresslensError

if TYPE_CHECKING:
    from presslens.document.spans import SPAN_COLUMNS, Corpus, Document

# Loaded on first use. The annotator (NLTK, models): a report notebook that
# reads annotations written by `presslens report` never pays for it. The
# span types (pandas): `presslens report` itself only starts processes and
# converts notebooks, and starts sooner without pandas.
_LAZY = {"read_documents": "document.inputs", "annotate": "pipeline", "annotate_documents": "pipeline",
         "annotate_paths": "pipeline", "Document": "document.spans", "Corpus": "document.spans", "SPAN_COLUMNS": "document.spans"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'presslens' has no attribute {name!r}")


def load_article(input_path: str, parties_path: str = "", annotations_path: str = "") -> Document:
    """The one annotated article a report notebook shows.

    Reads ``annotations_path`` (JSONL written by ``presslens annotate`` or
    ``presslens report``) when given, so a report annotates once for all its
    notebooks; otherwise annotates ``input_path`` with the parties file.

    >>> doc = load_article("data/articles/pakistan-afghan-istanbul-talks.txt")  # doctest: +SKIP
    """
    if annotations_path:
        from presslens.document.outputs import read_jsonl_annotations

        wait_for_annotations(annotations_path)
        docs = read_jsonl_annotations(annotations_path)
    else:
        from presslens.pipeline import annotate_paths

        docs = annotate_paths([input_path], parties=parties_path or None)
    if len(docs) != 1:
        raise PresslensError(f"{annotations_path or input_path}: expected one article, found {len(docs)}")
    return docs[0]


def wait_for_annotations(path: str, timeout: float = 900.0) -> None:
    """Wait while ``presslens report`` is still writing ``path``.

    The report starts the notebook kernels while it annotates the article
    (kernel start-up and annotation overlap); it marks the work in progress
    with ``PATH.pending`` and a failure with ``PATH.error``. Without a
    marker a missing file is an error at once.
    """
    import os
    import time

    deadline = time.monotonic() + timeout
    while not os.path.exists(path):
        if os.path.exists(path + ".error"):
            with open(path + ".error", encoding="utf-8") as fh:
                raise PresslensError(f"{path}: annotation failed: {fh.read().strip()}")
        if not os.path.exists(path + ".pending"):
            if os.path.exists(path):  # written between the two checks
                break
            raise PresslensError(f"{path}: no such annotations file")
        if time.monotonic() > deadline:
            raise PresslensError(f"{path}: still not written after {timeout:.0f} s")
        time.sleep(0.02)


def annotate_text(text: str, doc_id: str = "text", **meta) -> Document:
    """Annotate a string as one article (handy in notebooks and tests)."""
    from presslens.pipeline import annotate
    from presslens.document.spans import Document

    return annotate(Document(doc_id, text, dict(meta)))


__all__ = [
    "__version__", "Corpus", "Document", "SPAN_COLUMNS", "PresslensError", "InputError", "ConfigError",
    "read_documents", "load_article", "wait_for_annotations", "annotate", "annotate_documents", "annotate_paths", "annotate_text",
]
