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


#: Documents segmented together: their sentences are tagged in one batch.
SEGMENT_BATCH = 32


def annotate(
    doc: Document,
    parties: PartyConfig | None = None,
    segmenter: Segmenter | None = None,
    hedge_lexicon=None,
) -> Document:
    """Add every layer presslens knows to one document (in place) and return it."""
    (segmenter or default_segmenter()).segment(doc)
    return annotate_segmented(doc, parties, hedge_lexicon)


def annotate_segmented(doc: Document, parties: PartyConfig | None = None, hedge_lexicon=None) -> Document:
    """The analysis layers of a document that already has its text layers (paragraph, sentence, token)."""
    from .framing import add_mentions
    from .hedging import add_hedges
    from .sourcing import add_attributions

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
    """Annotate many documents, with a progress bar on request.

    The same layers as :func:`annotate` on each; documents are segmented
    :data:`SEGMENT_BATCH` at a time so that their sentences share one tagger
    batch.
    """
    segmenter = segmenter or default_segmenter()
    bar = None
    if progress and len(docs) > 1:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(docs), desc="annotating", unit="doc")
    out: list[Document] = []
    try:
        for a in range(0, len(docs), SEGMENT_BATCH):
            for doc in segmenter.segment_many(docs[a : a + SEGMENT_BATCH]):
                out.append(annotate_segmented(doc, parties, hedge_lexicon))
                if bar is not None:
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return out


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
