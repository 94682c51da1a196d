"""Annotating one partition of a corpus: a pure function any process or Dask worker runs the same.
"""

from __future__ import annotations


import functools
import itertools
import json
import os
import sys
import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from presslens.errors import InputError, PresslensError
from presslens.document.outputs import atomic_text, check_output_dir, folder_lock
from presslens.document.inputs import check_regular, check_text
from presslens.document.spans import Document, is_missing
from presslens.attribution.registry import DEFAULT_MODEL, load_model, model_spec
from presslens.resources.files import read_config_text
from presslens.corpus.cluster import run_on_dask
from presslens.corpus.records import DEFAULT_PARTITION_SIZE, META_COLUMNS, _meta_str, iter_partitions
from presslens.corpus.store import MANIFEST, CorpusRun, _count, _finish, _parameters, _part, _prepare, _write_partition

@functools.lru_cache(maxsize=4)
def _parties_from_text(text: str):
    import yaml

    from presslens.framing.parties import PartyConfig

    return PartyConfig._from_node(yaml.compose(text), "<parties>")


def _load_parties(parties: Any):
    from presslens.framing.parties import PartyConfig

    if parties is None or parties == "" or isinstance(parties, PartyConfig):
        return parties or None
    if isinstance(parties, os.PathLike) or (isinstance(parties, str) and "\n" not in parties and Path(parties).is_file()):
        return PartyConfig.from_file(parties)
    return _parties_from_text(str(parties))


def measures_row(doc: Document, parties=None) -> dict[str, float]:
    """All measures of one annotated document as one flat mapping.

    Pivots the tidy tables of :func:`presslens.sourcing.sourcing_measures`,
    :func:`presslens.hedging.hedge_measures` and (with parties)
    :func:`presslens.framing.party_measures`, so measures added there appear
    here without change. Names: sourcing measures as they are; hedge
    measures as ``measure`` or ``measure.category`` (``party.measure`` per
    party); party measures as ``party.measure``. Also ``sentences`` (all
    sentence spans, headline and boilerplate included).

    >>> import presslens
    >>> row = measures_row(presslens.annotate_text("Sources said talks could resume."))
    >>> row["attributions"], row["hedged_claim_share"]
    (1.0, 1.0)
    """
    from presslens.framing.measures import party_measures
    from presslens.hedging.measures import hedge_measure_rows
    from presslens.attribution.measures import sourcing_measures

    row: dict[str, float] = {"sentences": float(len(doc.layer("sentence")))}

    def put(name: str, value: Any) -> None:
        row[name if name not in row else f"_{name}"] = float(value) if value is not None else np.nan

    # Columns as lists: itertuples costs more than the pivot itself.
    src = sourcing_measures(doc, parties)
    for m, v in zip(src["measure"].tolist(), src["value"].tolist()):
        put(str(m), v)
    for r in hedge_measure_rows(doc):
        m, cat, party, v = r["measure"], r["category"], r["party"], r["value"]
        name = str(m) if is_missing(cat) or cat == "all" else f"{m}.{cat}"
        if not is_missing(party):
            name = f"{party}.{name.removesuffix('_party')}"
        put(name, v)
    if parties is not None:
        pm = party_measures(doc, parties)
        for party, m, v in zip(*(pm[c].tolist() for c in ("party", "measure", "value"))):
            put(f"{party}.{m}", v)
    return row


def annotate_partition(records: pd.DataFrame, parties: Any = None, attribution_model: str = DEFAULT_MODEL
                       ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Annotate one partition: ``(spans, measures, skipped)`` tables.

    ``records`` has columns ``doc_id``, ``text``, ``meta`` (a dict) and
    optionally ``error`` (a reason the reader already found). ``parties`` is
    a parties YAML text, a path to one, a loaded configuration or None. A
    document that is empty, binary, too long or whose annotation raises goes
    to ``skipped`` (``doc_id``, ``reason``) and nowhere else. Pure: it reads
    and writes no file, so it runs the same in any process or Dask worker.

    >>> recs = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Sources said so.", ""], "meta": [{}, {}]})
    >>> spans, measures, skipped = annotate_partition(recs)
    >>> list(measures["doc_id"]), skipped[["doc_id", "reason"]].values.tolist()
    (['a'], [['b', 'article is empty']])
    """
    from presslens import pipeline

    pipeline.tune_allocator()
    with pipeline.collector_paused():
        return _annotate_partition(records, _load_parties(parties), attribution_model)


def _annotate_partition(records: pd.DataFrame, config: Any, attribution_model: str
                        ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from presslens import pipeline
    from presslens.attribution.annotate import tag_documents
    from presslens.document.spans import concat_span_tables
    from presslens.syntax.segment import default_segmenter

    skipped: list[dict[str, Any]] = []
    todo: list[tuple[Document, dict[str, Any]]] = []
    errors = records["error"] if "error" in records else pd.Series([None] * len(records), index=records.index)
    for doc_id, text, meta, error in zip(records["doc_id"], records["text"], records["meta"], errors):
        doc_id = str(doc_id)
        meta = dict(meta) if isinstance(meta, dict) else {}
        try:
            if isinstance(error, str) and error:
                raise InputError(doc_id, error)
            if not isinstance(text, str):
                raise InputError(doc_id, "document has no 'text' string")
            check_text(doc_id, text)
        except InputError as exc:
            skipped.append({"doc_id": doc_id, "reason": exc.problem})
            continue
        todo.append((Document(doc_id, text, meta), meta))
    # Segmenting the partition at once tags all its sentences in one batch;
    # should one document break it, each is segmented alone so that only
    # that one is skipped.
    segmenter = default_segmenter()
    model = load_model(attribution_model)
    segmented: set[str] = set()
    try:
        segmenter.segment_many([doc for doc, _ in todo])
        segmented = {doc.doc_id for doc, _ in todo}
    except Exception:  # noqa: BLE001 - retried one by one below
        for doc, _ in todo:
            doc.layers.clear()
    # The attribution tagger, too, takes several documents at a time; a
    # group that fails is tagged again one document at a time below.
    tags: dict[str, Any] = {}
    ready = [doc for doc, _ in todo if doc.doc_id in segmented]
    for a in range(0, len(ready), pipeline.ATTRIBUTION_BATCH):
        group = ready[a:a + pipeline.ATTRIBUTION_BATCH]
        try:
            tags.update(zip((doc.doc_id for doc in group), tag_documents(group, model)))
        except Exception:  # noqa: BLE001 - retried one by one below
            pass
    span_tables: list[pd.DataFrame] = []
    rows: list[dict[str, Any]] = []
    for doc, meta in todo:
        try:
            if doc.doc_id not in segmented:
                segmenter.segment(doc)
            pipeline.annotate_segmented(doc, config, attribution_tags=tags.pop(doc.doc_id, None),
                                        attribution_model=attribution_model)
            row = measures_row(doc, config)
        except Exception as exc:  # noqa: BLE001 - one article's failure must not abort a corpus
            where = traceback.extract_tb(exc.__traceback__)[-1]
            skipped.append({"doc_id": doc.doc_id, "reason": f"annotation failed: {exc.__class__.__name__}: {exc} "
                                                            f"({Path(where.filename).name}:{where.lineno})"})
            continue
        span_tables.extend(doc.layers.values())
        rows.append({"doc_id": doc.doc_id, **{k: _meta_str(meta.get(k)) for k in META_COLUMNS}, **row})
    # Skipped documents in input order, whichever step found the problem.
    order = {str(d): i for i, d in enumerate(records["doc_id"])}
    skipped.sort(key=lambda r: order.get(r["doc_id"], len(order)))
    spans = concat_span_tables(span_tables)
    measures = pd.DataFrame(rows) if rows else pd.DataFrame(columns=["doc_id", *META_COLUMNS])
    return spans, measures, pd.DataFrame(skipped, columns=["doc_id", "reason"])


def annotate_corpus(
    inputs: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    parties: str | os.PathLike[str] | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    restart: bool = False,
    progress: bool = False,
    attribution_model: str = DEFAULT_MODEL,
) -> CorpusRun:
    """Annotate a corpus into the folder ``out`` (``DIR.parquet``); see the module docstring.

    ``jobs=1`` runs in this process with pandas; ``jobs>1`` starts a local
    Dask cluster of ``jobs`` single-threaded worker processes; ``scheduler``
    (an address such as ``tcp://host:8786``) uses an existing cluster. At
    most two partitions per worker are in flight, so memory stays bounded
    whatever the corpus size. Finished partitions of an earlier run with the
    same input and parameters are kept (resume) unless ``restart``. Start
    the workers of an existing cluster without ``MALLOC_TRIM_THRESHOLD_``
    (``distributed.nanny.pre-spawn-environ``): see :func:`local_cluster_config`.

    >>> run = annotate_corpus(["data/corpora/sample/articles.jsonl"], "/tmp/sample.parquet", jobs=2)  # doctest: +SKIP
    >>> print(run.summary())  # doctest: +SKIP
    """
    inputs = [str(p) for p in inputs]
    out = Path(out)
    if partition_size < 1:
        raise PresslensError("--partition-size must be at least 1")
    if jobs < 1:
        raise PresslensError("--jobs must be at least 1")
    parties_text = ""
    if parties:
        from presslens.framing.parties import PartyConfig

        PartyConfig.from_file(parties)  # validate now: one clear error instead of one per document
        parties_text = read_config_text(parties, "parties file")
    for p in inputs:
        if not Path(p).exists():
            raise InputError(p, "no such file or folder")
        if not Path(p).is_dir():
            check_regular(Path(p))  # a device or a pipe: refused now, not after the run has begun
    model_spec(attribution_model)  # an unknown name fails here, not in every worker
    check_output_dir(out)  # a read-only place: said before any work
    # One run at a time in a folder: two would write the same partitions.
    with folder_lock(out):
        params = _parameters(inputs, parties_text, partition_size, attribution_model)
        _prepare(out, params, restart)
        out.mkdir(parents=True, exist_ok=True)
        manifest = {"parameters": params, "status": "running"}
        with atomic_text(out / MANIFEST) as fh:
            json.dump(manifest, fh, indent=2)

        run = CorpusRun(out)
        skipped_rows: list[dict[str, Any]] = []
        # The first partition is read before any bar is drawn: an input that
        # cannot be read at all (an empty folder, a CSV without text) fails on
        # a clean line.
        partitions = iter_partitions(inputs, partition_size)
        first = next(partitions, None)
        partitions = itertools.chain([first] if first is not None else [], partitions)
        bar = None
        if progress and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(desc="annotating", unit="doc", file=sys.stderr, leave=False)

        def finished(name: str) -> dict[str, Any] | None:
            marker = out / "_done" / f"{name}.json"
            return json.loads(marker.read_text(encoding="utf-8")) if marker.exists() else None

        def todo() -> Iterator[tuple[str, pd.DataFrame]]:
            for i, records in enumerate(partitions):
                name = _part(i)
                done = finished(name)
                if done is not None:
                    run.resumed += 1
                    _count(run, done, skipped_rows)
                    if bar is not None:
                        bar.update(len(records))
                    continue
                yield name, records

        def record(name: str, records: pd.DataFrame, result: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
            done = _write_partition(out, name, records, *result)
            _count(run, done, skipped_rows)
            if bar is not None:
                bar.update(len(records))
                bar.set_postfix(skipped=run.skipped)

        # What every partition is annotated with; the parties text (small) travels
        # with each task and workers parse it once.
        options = {"parties": parties_text or None, "attribution_model": attribution_model}
        try:
            if jobs == 1 and not scheduler:
                for name, records in todo():
                    record(name, records, annotate_partition(records, **options))
            else:
                run_on_dask(todo(), annotate_partition, options, record, jobs, scheduler)
        finally:
            if bar is not None:
                bar.close()

        run.partitions.sort()
        _finish(out, run, skipped_rows, params)
        return run
