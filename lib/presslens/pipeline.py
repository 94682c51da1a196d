"""Text in, annotated documents out: the one place the layers are put together.

Data flows one way: raw text -> text layers (paragraph, sentence, token) ->
analysis layers (attribution, mention when parties are given, hedge, booster) -> measures. Each analysis
reads spans and adds spans, and assumes the text layers exist; this module
makes sure they do (:func:`require`, which the measures call too). Which
attribution tagger runs is a value, ``attribution_model`` (a name of
:data:`presslens.attribution.registry.MODELS`), passed down explicitly.

>>> from presslens.pipeline import annotate_paths
>>> docs = annotate_paths(["data/articles/pakistan-afghan-istanbul-talks.txt"])  # doctest: +SKIP
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from presslens.attribution.annotate import add_attributions, tag_documents
from presslens.attribution.registry import DEFAULT_MODEL, load_model
from presslens.document.inputs import read_documents
from presslens.document.spans import Document
from presslens.errors import PresslensError
from presslens.framing.frames import add_frames
from presslens.framing.mentions import add_mentions
from presslens.framing.parties import PartyConfig, load_parties
from presslens.hedging.annotate import add_hedges
from presslens.syntax.segment import Segmenter, default_segmenter

#: The text layers every analysis reads.
TEXT_LAYERS = ("paragraph", "sentence", "token")


#: Documents segmented together: their sentences are tagged in one batch.
SEGMENT_BATCH = 32
#: Documents whose paragraphs go through the attribution tagger together
#: (measured: 4 to 16 share its step-by-step work best; the labels are the same).
ATTRIBUTION_BATCH = 8


def annotate(
    doc: Document,
    parties: PartyConfig | None = None,
    segmenter: Segmenter | None = None,
    hedge_lexicon=None,
    attribution_model: str = DEFAULT_MODEL,
) -> Document:
    """Add every layer presslens knows to one document (in place) and return it."""
    with collector_paused():
        (segmenter or default_segmenter()).segment(doc)
        return annotate_segmented(doc, parties, hedge_lexicon, attribution_model=attribution_model)


def annotate_segmented(doc: Document, parties: PartyConfig | None = None, hedge_lexicon=None,
                       attribution_tags=None, attribution_model: str = DEFAULT_MODEL) -> Document:
    """The analysis layers of a document that already has its text layers (paragraph, sentence, token).

    ``attribution_tags``: the document's item of
    :func:`presslens.attribution.annotate.tag_documents`, when it was tagged in a batch.
    """
    add_attributions(doc, parties, model=load_model(attribution_model), tagged=attribution_tags)
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
    attribution_model: str = DEFAULT_MODEL,
) -> list[Document]:
    """Annotate many documents, with a progress bar on request.

    The same layers as :func:`annotate` on each; documents are segmented
    :data:`SEGMENT_BATCH` at a time so that their sentences share one tagger
    batch.
    """
    model = load_model(attribution_model)
    tune_allocator()
    segmenter = segmenter or default_segmenter()
    bar = None
    if progress and len(docs) > 1 and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(docs), desc="annotating", unit="doc", file=sys.stderr, leave=False)
    out: list[Document] = []
    try:
        for a in range(0, len(docs), SEGMENT_BATCH):
            with collector_paused():
                segmented = segmenter.segment_many(docs[a : a + SEGMENT_BATCH])
                for b in range(0, len(segmented), ATTRIBUTION_BATCH):
                    group = segmented[b : b + ATTRIBUTION_BATCH]
                    for doc, tags in zip(group, tag_documents(group, model)):
                        out.append(annotate_segmented(doc, parties, hedge_lexicon, tags, attribution_model))
                        if bar is not None:
                            bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return out


def annotate_stream(
    docs: Iterable[Document],
    parties: PartyConfig | None = None,
    total: int | None = None,
    progress: bool = False,
    attribution_model: str = DEFAULT_MODEL,
) -> Iterator[Document]:
    """:func:`annotate_documents` for a stream: documents are read, annotated and given back
    :data:`SEGMENT_BATCH` at a time, so memory holds one batch, not the corpus.

    >>> [d.doc_id for d in annotate_stream([Document("a", "Sources said so.")])]
    ['a']
    """
    bar = None
    if progress and (total or 0) > 1:
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc="annotating", unit="doc")
    batch: list[Document] = []
    try:
        for doc in docs:
            batch.append(doc)
            if len(batch) == SEGMENT_BATCH:
                yield from annotate_documents(batch, parties, attribution_model=attribution_model)
                if bar is not None:
                    bar.update(len(batch))
                batch = []
        if batch:
            yield from annotate_documents(batch, parties, attribution_model=attribution_model)
            if bar is not None:
                bar.update(len(batch))
    finally:
        if bar is not None:
            bar.close()


_ALLOCATOR_TUNED = False


def tune_allocator() -> None:
    """Let glibc's malloc keep freed memory for reuse instead of returning it to the system at once.

    The taggers' numpy arrays for a batch run to megabytes. By default glibc
    serves each from fresh ``mmap`` pages (or trims the heap after it is
    freed), so every batch faults its pages in again: on 1,000 PolNeAR
    articles 390,000 minor page faults and about a tenth of the run in
    system time, against 87,000 with these settings (peak memory 10-25%
    higher: freed memory stays with the process).
    The results are the same; only where memory comes from changes.
    Once per process, Linux with glibc only; elsewhere it does nothing.
    """
    global _ALLOCATOR_TUNED
    if _ALLOCATOR_TUNED:
        return
    _ALLOCATOR_TUNED = True
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_mmap_threshold, 64 << 20)
        libc.mallopt(m_trim_threshold, 256 << 20)
    except (OSError, AttributeError):  # musl or another libc: keep its defaults
        pass


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one batch of documents.

    Annotation allocates hundreds of thousands of short-lived lists and
    tuples, which trigger collections that traverse every long-lived object
    of the loaded models again and again, finding no cycle among them:
    about a tenth of the annotation time (measured on 100 PolNeAR
    articles). Reference counting still frees everything at once; what
    cyclic garbage a batch leaves is collected when the collector resumes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def annotate_paths(
    paths: Iterable[str | os.PathLike[str]],
    parties: str | os.PathLike[str] | PartyConfig | None = None,
    progress: bool = False,
    attribution_model: str = DEFAULT_MODEL,
) -> list[Document]:
    """Read and annotate every article in ``paths`` (files or folders).

    ``parties`` is a parties YAML file (or a loaded configuration).
    """
    config = parties if isinstance(parties, PartyConfig) or parties is None else load_parties(parties)
    return annotate_documents(read_documents(paths), config, progress=progress, attribution_model=attribution_model)


def require(doc: Document, *layers: str, parties: PartyConfig | None = None,
            attribution_model: str = DEFAULT_MODEL) -> Document:
    """Make sure ``doc`` has ``layers`` (and the text layers), adding what is missing.

    Measures call this so that they can be given a bare document; a document
    annotated by :func:`annotate` already has every layer and nothing is redone.

    >>> doc = require(Document("d", "Officials said talks could resume."), "hedge")
    >>> sorted(doc.layers)
    ['booster', 'hedge', 'paragraph', 'sentence', 'token']
    """
    if any(name not in doc.layers for name in TEXT_LAYERS):
        default_segmenter().segment(doc)
    for name in layers:
        if name in doc.layers or name in TEXT_LAYERS:
            continue
        if name == "attribution":
            add_attributions(doc, parties, model=load_model(attribution_model))
        elif name in ("hedge", "booster"):
            add_hedges(doc)
        elif name == "mention":
            if parties is None:
                raise PresslensError("party mentions need a parties file (--parties)")
            add_mentions(doc, parties)
        elif name == "frame":
            add_frames(doc)
        else:
            raise PresslensError(f"presslens has no analysis that adds the layer {name!r}")
    return doc
