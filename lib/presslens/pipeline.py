"""Text in, annotated documents out: the one place the layers are put together.

Data flows one way: raw text -> text layers (paragraph, sentence, token) ->
analysis layers (attribution, mention when parties are given, hedge, booster) -> measures. Each analysis
reads spans and adds spans.

>>> from presslens.pipeline import annotate_paths
>>> docs = annotate_paths(["data/articles/pakistan-afghan-istanbul-talks.txt"])  # doctest: +SKIP
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from .ingest import read_documents
from .parties import PartyConfig, load_parties
from .spans import Document
from .text import Segmenter, default_segmenter


def annotate(
    doc: Document,
    parties: PartyConfig | None = None,
    segmenter: Segmenter | None = None,
    hedge_lexicon=None,
) -> Document:
    """Add every layer presslens knows to one document (in place) and return it."""
    from .framing import add_mentions
    from .hedging import add_hedges
    from .sourcing import add_attributions

    (segmenter or default_segmenter()).segment(doc)
    add_attributions(doc, parties)
    if parties is not None:
        add_mentions(doc, parties)
    add_hedges(doc, hedge_lexicon)
    return doc


def annotate_documents(
    docs: Sequence[Document],
    parties: PartyConfig | None = None,
    progress: bool = False,
    segmenter: Segmenter | None = None,
    hedge_lexicon=None,
) -> list[Document]:
    """Annotate many documents, with a progress bar on request."""
    items: Iterable[Document] = docs
    if progress and len(docs) > 1:
        from tqdm.auto import tqdm

        items = tqdm(docs, desc="annotating", unit="doc")
    return [annotate(d, parties, segmenter, hedge_lexicon) for d in items]


def annotate_paths(
    paths: Iterable[str | os.PathLike[str]],
    parties: str | os.PathLike[str] | PartyConfig | None = None,
    progress: bool = False,
) -> list[Document]:
    """Read and annotate every article in ``paths`` (files or folders).

    ``parties`` is a parties YAML file (or a loaded configuration).
    """
    config = parties if isinstance(parties, PartyConfig) or parties is None else load_parties(parties)
    return annotate_documents(read_documents(paths), config, progress=progress)
