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
         "annotate_paths": "pipeline", "load_article": "report.kernel", "Document": "document.spans", "Corpus": "document.spans", "SPAN_COLUMNS": "document.spans"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'presslens' has no attribute {name!r}")


def annotate_text(text: str, doc_id: str = "text", **meta) -> Document:
    """Annotate a string as one article (handy in notebooks and tests)."""
    from presslens.pipeline import annotate
    from presslens.document.spans import Document

    return annotate(Document(doc_id, text, dict(meta)))


__all__ = [
    "__version__", "Corpus", "Document", "SPAN_COLUMNS", "PresslensError", "InputError", "ConfigError",
    "read_documents", "load_article", "annotate", "annotate_documents", "annotate_paths", "annotate_text",
]
