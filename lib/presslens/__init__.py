"""presslens: sourcing, hedging and party framing in news articles.

>>> import presslens
>>> doc = presslens.annotate_text("Sources said the talks could resume.")
>>> doc.texts("sentence")
['Sources said the talks could resume.']
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("presslens")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

from .errors import ConfigError, InputError, PresslensError
from .ingest import read_documents
from .pipeline import annotate, annotate_documents, annotate_paths
from .spans import SPAN_COLUMNS, Corpus, Document


def load_article(input_path: str, parties_path: str = "", annotations_path: str = "") -> Document:
    """The one annotated article a report notebook shows.

    Reads ``annotations_path`` (JSONL written by ``presslens annotate`` or
    ``presslens report``) when given, so a report annotates once for all its
    notebooks; otherwise annotates ``input_path`` with the parties file.

    >>> doc = load_article("data/articles/pakistan-afghan-istanbul-talks.txt")  # doctest: +SKIP
    """
    if annotations_path:
        from .export import read_jsonl_annotations

        docs = read_jsonl_annotations(annotations_path)
    else:
        docs = annotate_paths([input_path], parties=parties_path or None)
    if len(docs) != 1:
        raise PresslensError(f"{annotations_path or input_path}: expected one article, found {len(docs)}")
    return docs[0]


def annotate_text(text: str, doc_id: str = "text", **meta) -> Document:
    """Annotate a string as one article (handy in notebooks and tests)."""
    return annotate(Document(doc_id, text, dict(meta)))


__all__ = [
    "__version__", "Corpus", "Document", "SPAN_COLUMNS", "PresslensError", "InputError", "ConfigError",
    "read_documents", "load_article", "annotate", "annotate_documents", "annotate_paths", "annotate_text",
]
