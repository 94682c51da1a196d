"""Text in, annotated documents out: the one place the layers are put together.

Data flows one way: raw text -> text layers (paragraph, sentence, token) ->
analysis layers -> measures. Each analysis reads spans and adds spans.

>>> from presslens.pipeline import annotate_paths
>>> docs = annotate_paths(["data/articles/pakistan-afghan-istanbul-talks.txt"])  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from .ingest import read_documents
from .spans import Document
from .text import Segmenter, default_segmenter


def annotate(doc: Document, segmenter: Segmenter | None = None) -> Document:
    """Add every layer presslens knows to one document (in place) and return it."""
    (segmenter or default_segmenter()).segment(doc)
    return doc


def annotate_documents(
    docs: Sequence[Document], progress: bool = False, segmenter: Segmenter | None = None
) -> list[Document]:
    """Annotate many documents, with a progress bar on request."""
    items: Iterable[Document] = docs
    if progress and len(docs) > 1:
        from tqdm.auto import tqdm

        items = tqdm(docs, desc="annotating", unit="doc")
    return [annotate(d, segmenter) for d in items]


def annotate_paths(paths: Iterable[str | os.PathLike[str]], progress: bool = False) -> list[Document]:
    """Read and annotate every article in ``paths`` (files or folders)."""
    return annotate_documents(read_documents(paths), progress=progress)
