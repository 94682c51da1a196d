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


def annotate_text(text: str, doc_id: str = "text", **meta) -> Document:
    """Annotate a string as one article (handy in notebooks and tests)."""
    return annotate(Document(doc_id, text, dict(meta)))


__all__ = [
    "__version__", "Corpus", "Document", "SPAN_COLUMNS", "PresslensError", "InputError", "ConfigError",
    "read_documents", "annotate", "annotate_documents", "annotate_paths", "annotate_text",
]
