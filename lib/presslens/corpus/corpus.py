"""Corpus mode: annotate many articles once into a partitioned Parquet folder.

``presslens annotate CORPUS --out DIR.parquet`` streams the corpus in
partitions (``partition_size`` documents each) and runs one pure function,
:func:`annotate_partition`, over each: in this process (``jobs=1``), on a
local Dask cluster (``jobs>1``) or on an existing one (``scheduler=``). The
folder holds::

    DIR.parquet/
      spans/part-00000.parquet ...      every span of every annotated document
      documents/part-00000.parquet ...  doc_id, text (stored once), meta columns
      measures/part-00000.parquet ...   one row per document (all measures)
      measures.parquet                  the same rows in one table (written at the end)
      skipped.csv                       doc_id, partition, reason of every skipped document
      manifest.json                     parameters, counts, partitions, version

A bad document (empty, binary, too long, or one whose annotation raises) is
skipped and reported, never aborting the run. Each partition is written
atomically and marked done last, so re-running the same command resumes
from the finished partitions.

>>> from presslens.corpus.corpus import annotate_corpus, read_measures
>>> summary = annotate_corpus(["data/corpora/sample/articles.jsonl"], "out.parquet")  # doctest: +SKIP
>>> read_measures("out.parquet")[["doc_id", "outlet", "attributions_per_100_words"]]  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
import os
import shutil
import sys
import traceback
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from presslens import __version__
from presslens.errors import InputError, PresslensError
from presslens.document.outputs import atomic_path, atomic_text
from presslens.document.inputs import (
    ARTICLE_SUFFIXES,
    CORPUS_MANIFEST,
    HTML_SUFFIXES,
    MAX_ARTICLE_BYTES,
    check_text,
    corpus_input,
)
from presslens.document.spans import Corpus, Document, _is_missing

#: Documents per partition: small enough that a worker holds a few in memory,
#: large enough that scheduling overhead is negligible.
DEFAULT_PARTITION_SIZE = 200
#: Metadata promoted to their own columns in the documents and measures tables.
META_COLUMNS = ("outlet", "date", "title", "url", "source_file")
#: Columns of the documents table.
DOCUMENT_COLUMNS = ("doc_id", "text", *META_COLUMNS, "meta")
SKIPPED_COLUMNS = ("doc_id", "partition", "reason")
MANIFEST = CORPUS_MANIFEST
FORMAT_VERSION = 1


# --------------------------------------------------------------------------
# Streaming input: records in partitions, bad ones carried with their reason
# --------------------------------------------------------------------------

def iter_records(inputs: Iterable[str | os.PathLike[str]]) -> Iterator[dict[str, Any]]:
    """Yield one record per document (``doc_id``, ``text``, ``meta``, ``error``), lazily.

    Unlike :func:`presslens.ingest.read_documents`, a bad document does not
    raise: its record carries ``error`` (the reason) and ``text`` None, so the
    run can report and skip it. Files that cannot be opened at all still
    raise :class:`~presslens.errors.InputError`.
    """
    for path in inputs:
        p = Path(path)
        if not p.exists():
            raise InputError(p, "no such file or folder")
        if p.is_dir():
            files = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")
                           and f.suffix.lower() in ARTICLE_SUFFIXES | HTML_SUFFIXES)
            if not files:
                raise InputError(p, "folder holds no articles (.txt or .html files)")
            for f in files:
                yield _file_record(f)
        elif p.suffix.lower() == ".jsonl":
            yield from _jsonl_records(p)
        elif p.suffix.lower() == ".csv":
            yield from _csv_records(p)
        else:
            yield _file_record(p)


def _record(doc_id: Any, text: Any, meta: dict[str, Any], error: str | None = None) -> dict[str, Any]:
    return {"doc_id": str(doc_id), "text": text if error is None else None, "meta": meta, "error": error}


def _file_record(path: Path) -> dict[str, Any]:
    from presslens.document.inputs import read_html, read_text_file

    try:
        doc = read_html(path) if path.suffix.lower() in HTML_SUFFIXES else read_text_file(path)
    except InputError as exc:
        return _record(path.stem, None, {"source_file": path.name}, _reason(exc, path))
    return _record(doc.doc_id, doc.text, doc.meta)


def _reason(exc: InputError, origin: object) -> str:
    msg = str(exc)
    prefix = f"{origin}: "
    return msg[len(prefix):] if msg.startswith(prefix) else msg


def _row_record(path: Path, where: str, row: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in row.items() if k not in ("id", "text") and v not in (None, "")}
    meta["source_file"] = path.name
    doc_id = row.get("id")
    if doc_id is None or str(doc_id).strip() == "":
        return _record(f"{path.name}:{where}", None, meta, "document has no 'id'")
    text = row.get("text")
    if not isinstance(text, str):
        return _record(doc_id, None, meta, "document has no 'text' string")
    return _record(doc_id, text, meta)


def _jsonl_records(path: Path) -> Iterator[dict[str, Any]]:
    # Line by line, so a corpus of millions of articles is never in memory.
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            where = f"line {lineno}"
            try:
                row = json.loads(raw.decode("utf-8-sig" if lineno == 1 else "utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                yield _record(f"{path.name}:{where}", None, {"source_file": path.name},
                              f"{where}: not valid UTF-8 JSON ({exc.__class__.__name__})")
                continue
            if not isinstance(row, dict):
                yield _record(f"{path.name}:{where}", None, {"source_file": path.name},
                              f"{where}: not a JSON object with 'id' and 'text'")
                continue
            yield _row_record(path, where, row)


def _csv_records(path: Path) -> Iterator[dict[str, Any]]:
    csv.field_size_limit(MAX_ARTICLE_BYTES * 4)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            for col in ("id", "text"):
                if col not in header:
                    raise InputError(path, f"CSV has no {col!r} column (columns: {', '.join(header) or 'none'})")
            for row in reader:
                yield _row_record(path, f"row {reader.line_num}", row)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise InputError(path, f"not a valid UTF-8 CSV file ({exc})") from None


def iter_partitions(inputs: Iterable[str | os.PathLike[str]], partition_size: int = DEFAULT_PARTITION_SIZE
                    ) -> Iterator[pd.DataFrame]:
    """The corpus as record tables of ``partition_size`` rows (columns ``doc_id, text, meta, error``).

    A repeated id gets ``error`` set (the first document with that id wins).
    Only the ids are remembered across partitions.
    """
    seen: set[str] = set()
    batch: list[dict[str, Any]] = []
    for rec in iter_records(inputs):
        if rec["error"] is None and rec["doc_id"] in seen:
            rec = {**rec, "text": None, "error": "duplicate document id"}
        seen.add(rec["doc_id"])
        batch.append(rec)
        if len(batch) >= partition_size:
            yield pd.DataFrame(batch, columns=["doc_id", "text", "meta", "error"])
            batch = []
    if batch:
        yield pd.DataFrame(batch, columns=["doc_id", "text", "meta", "error"])


# --------------------------------------------------------------------------
# The pure function over one partition
# --------------------------------------------------------------------------

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
    from presslens.framing.framing import party_measures
    from presslens.hedging.hedging import hedge_measure_rows
    from presslens.attribution.sourcing import sourcing_measures

    row: dict[str, float] = {"sentences": float(len(doc.layer("sentence")))}

    def put(name: str, value: Any) -> None:
        row[name if name not in row else f"_{name}"] = float(value) if value is not None else np.nan

    # Columns as lists: itertuples costs more than the pivot itself.
    src = sourcing_measures(doc, parties)
    for m, v in zip(src["measure"].tolist(), src["value"].tolist()):
        put(str(m), v)
    for r in hedge_measure_rows(doc):
        m, cat, party, v = r["measure"], r["category"], r["party"], r["value"]
        name = str(m) if _missing(cat) or cat == "all" else f"{m}.{cat}"
        if not _missing(party):
            name = f"{party}.{name.removesuffix('_party')}"
        put(name, v)
    if parties is not None:
        pm = party_measures(doc, parties)
        for party, m, v in zip(*(pm[c].tolist() for c in ("party", "measure", "value"))):
            put(f"{party}.{m}", v)
    return row


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def annotate_partition(records: pd.DataFrame, parties: Any = None
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
        return _annotate_partition(records, _load_parties(parties))


def _annotate_partition(records: pd.DataFrame, config: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from presslens import pipeline
    from presslens.attribution.sourcing import tag_documents
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
            skipped.append({"doc_id": doc_id, "reason": _reason(exc, doc_id)})
            continue
        todo.append((Document(doc_id, text, meta), meta))
    # Segmenting the partition at once tags all its sentences in one batch;
    # should one document break it, each is segmented alone so that only
    # that one is skipped.
    segmenter = default_segmenter()
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
            tags.update(zip((doc.doc_id for doc in group), tag_documents(group)))
        except Exception:  # noqa: BLE001 - retried one by one below
            pass
    span_tables: list[pd.DataFrame] = []
    rows: list[dict[str, Any]] = []
    for doc, meta in todo:
        try:
            if doc.doc_id not in segmented:
                segmenter.segment(doc)
            pipeline.annotate_segmented(doc, config, attribution_tags=tags.pop(doc.doc_id, None))
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


def _meta_str(value: Any) -> str | None:
    return None if value is None else str(value)


def documents_table(records: pd.DataFrame, keep: Iterable[str]) -> pd.DataFrame:
    """The documents table of the records whose id is in ``keep``: text stored once, meta as columns."""
    keep = set(keep)
    rows = []
    for doc_id, text, meta in zip(records["doc_id"], records["text"], records["meta"]):
        if doc_id not in keep:
            continue
        meta = dict(meta) if isinstance(meta, dict) else {}
        rows.append({"doc_id": doc_id, "text": text, **{k: _meta_str(meta.get(k)) for k in META_COLUMNS},
                     "meta": json.dumps(meta, ensure_ascii=False, default=str)})
    table = pd.DataFrame(rows, columns=list(DOCUMENT_COLUMNS))
    return table.astype({c: "string" for c in DOCUMENT_COLUMNS})


# --------------------------------------------------------------------------
# Writing, resuming, running
# --------------------------------------------------------------------------

def _part(i: int) -> str:
    return f"part-{i:05d}"


def _input_fingerprint(inputs: Iterable[str | os.PathLike[str]]) -> list[dict[str, Any]]:
    # Path, size and modification time: cheap, and any edit of the input changes it.
    out = []
    for path in inputs:
        p = Path(path)
        files = sorted(f for f in p.iterdir() if f.is_file()) if p.is_dir() else [p]
        h = hashlib.sha256()
        for f in files:
            st = f.stat()
            h.update(f"{f.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        out.append({"path": str(p.resolve()), "files": len(files), "stat_sha256": h.hexdigest()})
    return out


@dataclass
class CorpusRun:
    """Counts of one :func:`annotate_corpus` run (also in ``manifest.json``)."""

    out: Path
    annotated: int = 0
    skipped: int = 0
    words: int = 0
    partitions: list[str] = field(default_factory=list)
    resumed: int = 0
    reasons: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        """The line the command prints at the end."""
        why = "; ".join(f"{n} {r}" for r, n in self.reasons.most_common(8))
        resumed = f", {self.resumed} partition(s) resumed" if self.resumed else ""
        return (f"annotated {self.annotated:,} document(s) ({self.words:,} words), skipped {self.skipped:,}"
                f"{' (' + why + ')' if why else ''} in {len(self.partitions)} partition(s){resumed} -> {self.out}")


def _parameters(inputs: list[str], parties_text: str, partition_size: int) -> dict[str, Any]:
    from presslens.attribution.rnn import model_choice

    return {
        "format": FORMAT_VERSION,
        "presslens": __version__,
        "inputs": _input_fingerprint(inputs),
        "parties_sha256": hashlib.sha256(parties_text.encode()).hexdigest() if parties_text else None,
        "partition_size": partition_size,
        "attribution_model": model_choice(),
    }


def _prepare(out: Path, params: dict[str, Any], restart: bool) -> None:
    manifest = out / MANIFEST
    if out.exists() and not manifest.exists():
        if out.is_dir() and not any(out.iterdir()):
            return
        raise PresslensError(f"{out}: exists and is not a presslens corpus folder (no {MANIFEST}); "
                             "choose another --out or remove it")
    if manifest.exists():
        old = json.loads(manifest.read_text(encoding="utf-8"))
        if restart:
            shutil.rmtree(out)
        elif old.get("parameters") != params:
            changed = [k for k in params if old.get("parameters", {}).get(k) != params[k]]
            raise PresslensError(f"{out}: was written with other input or parameters ({', '.join(changed)}); "
                                 "use --restart to annotate from scratch")


def _write_partition(out: Path, name: str, records: pd.DataFrame, spans: pd.DataFrame, measures: pd.DataFrame,
                     skipped: pd.DataFrame) -> dict[str, Any]:
    with atomic_path(out / "spans" / f"{name}.parquet") as tmp:
        spans.to_parquet(tmp, index=False)
    with atomic_path(out / "documents" / f"{name}.parquet") as tmp:
        documents_table(records, measures["doc_id"]).to_parquet(tmp, index=False)
    with atomic_path(out / "measures" / f"{name}.parquet") as tmp:
        measures.to_parquet(tmp, index=False)
    done = {"partition": name, "annotated": len(measures), "words": int(measures["words"].sum()) if "words" in measures else 0,
            "skipped": skipped.assign(partition=name)[list(SKIPPED_COLUMNS)].to_dict("records")}
    # Written last: a partition counts as finished only when this marker exists.
    with atomic_text(out / "_done" / f"{name}.json") as fh:
        json.dump(done, fh, ensure_ascii=False)
    return done


def _count(run: CorpusRun, done: dict[str, Any], skipped_rows: list[dict[str, Any]]) -> None:
    run.partitions.append(done["partition"])
    run.annotated += done["annotated"]
    run.words += done["words"]
    run.skipped += len(done["skipped"])
    run.reasons.update(_reason_kind(s["reason"]) for s in done["skipped"])
    skipped_rows.extend(done["skipped"])


def _reason_kind(reason: str) -> str:
    # Counts group by the kind of problem, not by the exact size or line.
    for kind in ("empty", "only whitespace", "too long", "binary", "duplicate", "annotation failed", "no 'text'",
                 "no 'id'", "not valid", "not UTF-8"):
        if kind in reason:
            return kind
    return reason


def annotate_corpus(
    inputs: Iterable[str | os.PathLike[str]],
    out: str | os.PathLike[str],
    parties: str | os.PathLike[str] | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    partition_size: int = DEFAULT_PARTITION_SIZE,
    restart: bool = False,
    progress: bool = False,
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
        parties_text = Path(parties).read_text(encoding="utf-8")
    for p in inputs:
        if not Path(p).exists():
            raise InputError(p, "no such file or folder")
    params = _parameters(inputs, parties_text, partition_size)
    _prepare(out, params, restart)
    out.mkdir(parents=True, exist_ok=True)
    manifest = {"parameters": params, "status": "running"}
    with atomic_text(out / MANIFEST) as fh:
        json.dump(manifest, fh, indent=2)

    run = CorpusRun(out)
    skipped_rows: list[dict[str, Any]] = []
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(desc="annotating", unit="doc")

    def finished(name: str) -> dict[str, Any] | None:
        marker = out / "_done" / f"{name}.json"
        return json.loads(marker.read_text(encoding="utf-8")) if marker.exists() else None

    def todo() -> Iterator[tuple[str, pd.DataFrame]]:
        for i, records in enumerate(iter_partitions(inputs, partition_size)):
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

    try:
        if jobs == 1 and not scheduler:
            for name, records in todo():
                record(name, records, annotate_partition(records, parties_text or None))
        else:
            _run_dask(todo(), record, parties_text or None, jobs, scheduler)
    finally:
        if bar is not None:
            bar.close()

    run.partitions.sort()
    _finish(out, run, skipped_rows, params)
    return run


def local_cluster_config() -> dict[str, Any]:
    """Dask settings for the local cluster of ``--jobs N``.

    Workers do not sample their stacks (every 10 ms) or watch the GIL (every
    1 ms): diagnostics for a dashboard nobody looks at here. And they start
    without ``MALLOC_TRIM_THRESHOLD_``, which Dask sets to hand memory back
    to the system: setting it turns off glibc's adaptive mmap threshold, so
    every temporary array of the attribution model is freshly mapped memory,
    page-faulted in; numpy arithmetic ran ten times slower and two workers
    needed 70% more CPU than one process for the same documents. (Workers of
    an existing cluster, ``--scheduler``, keep the settings they were started with.)

    >>> "MALLOC_TRIM_THRESHOLD_" in local_cluster_config()["distributed.nanny.pre-spawn-environ"]
    False
    """
    import dask
    import distributed  # noqa: F401 - registers the distributed.* defaults read here

    environ = {k: v for k, v in (dask.config.get("distributed.nanny.pre-spawn-environ", None) or {}).items()
               if k != "MALLOC_TRIM_THRESHOLD_"}
    return {"distributed.worker.profile.enabled": False, "distributed.admin.system-monitor.gil.enabled": False,
            "distributed.nanny.pre-spawn-environ": environ}


def _run_dask(tasks: Iterator[tuple[str, pd.DataFrame]], record, parties_text: str | None, jobs: int,
              scheduler: str | None) -> None:
    import contextlib
    import logging

    import dask
    from distributed import Client, LocalCluster, as_completed

    for name in ("distributed", "distributed.worker", "distributed.scheduler", "distributed.nanny"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with contextlib.ExitStack() as stack:
        stack.enter_context(dask.config.set(local_cluster_config()))
        if scheduler:
            client = stack.enter_context(Client(scheduler))
        else:
            cluster = stack.enter_context(LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                                       dashboard_address=":0", silence_logs=logging.ERROR))
            client = stack.enter_context(Client(cluster))
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        # Two partitions per worker in flight: workers never idle, and the
        # driver holds at most 2 x workers partitions of text, whatever the corpus size.
        # The parties text travels with each task (small); workers parse it once (lru_cache).
        limit = 2 * n_workers
        pending: dict[Any, tuple[str, pd.DataFrame]] = {}
        queue = as_completed()

        def submit_next() -> bool:
            try:
                name, records = next(tasks)
            except StopIteration:
                return False
            fut = client.submit(annotate_partition, records, parties_text, key=f"annotate-{name}-{os.getpid()}",
                                pure=False)
            pending[fut] = (name, records)
            queue.add(fut)
            return True

        while len(pending) < limit and submit_next():
            pass
        for fut in queue:
            name, records = pending.pop(fut)
            record(name, records, fut.result())
            fut.release()
            submit_next()


def _finish(out: Path, run: CorpusRun, skipped_rows: list[dict[str, Any]], params: dict[str, Any]) -> None:
    _merge_measures(out)
    with atomic_text(out / "skipped.csv") as fh:
        pd.DataFrame(skipped_rows, columns=list(SKIPPED_COLUMNS)).to_csv(fh, index=False)
    manifest = {
        "parameters": params, "status": "complete", "presslens": __version__,
        "annotated": run.annotated, "skipped": run.skipped, "words": run.words,
        "skipped_reasons": dict(run.reasons), "partitions": run.partitions, "resumed_partitions": run.resumed,
    }
    with atomic_text(out / MANIFEST) as fh:
        json.dump(manifest, fh, indent=2)


def _merge_measures(out: Path) -> None:
    """``measures.parquet``: every partition's rows in one table, one partition in memory at a time.

    Partitions may hold different measures (a party's hedged share exists
    only where the party appears in a claim), so the table has the union of
    their columns, in order of first appearance; a measure absent from a
    partition is missing (NaN) there, as it would be in the document's row.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = sorted((out / "measures").glob("part-*.parquet"))
    names: dict[str, None] = dict.fromkeys(["doc_id", *META_COLUMNS])
    for part in parts:
        names.update(dict.fromkeys(pq.read_schema(part).names))
    text_cols = {"doc_id", *META_COLUMNS}
    schema = pa.schema([(n, pa.string() if n in text_cols else pa.float64()) for n in names])
    with atomic_path(out / "measures.parquet") as tmp:
        with pq.ParquetWriter(tmp, schema) as writer:
            for part in parts:
                table = pd.read_parquet(part)
                if not len(table):
                    continue
                table = table.reindex(columns=list(names))
                for col in table.columns:
                    if col in text_cols:
                        table[col] = table[col].astype("object").where(table[col].notna(), None)
                    else:
                        table[col] = table[col].astype("float64")
                writer.write_table(pa.Table.from_pandas(table, schema=schema, preserve_index=False))


# --------------------------------------------------------------------------
# Reading back
# --------------------------------------------------------------------------

def read_measures(folder: str | os.PathLike[str], meta: Iterable[str] = ()) -> pd.DataFrame:
    """The per-document measures table of an annotated corpus folder (one row per article).

    Columns: ``doc_id``, the meta columns ``outlet, date, title, url,
    source_file``, then one numeric column per measure (see
    :func:`measures_row`). ``meta`` names further metadata fields of the
    input (a JSONL/CSV column such as ``country``) to add as columns, read
    from the documents table without its texts.

    >>> m = read_measures("out.parquet", meta=["country"])  # doctest: +SKIP
    """
    folder = Path(folder)
    path = folder / "measures.parquet"
    if not path.exists():
        raise PresslensError(f"{folder}: no measures.parquet (not a finished presslens corpus folder)")
    measures = pd.read_parquet(path)
    extra = [k for k in meta if k not in measures.columns]
    if extra:
        rows = []
        for part in sorted((folder / "documents").glob("part-*.parquet")):
            docs = pd.read_parquet(part, columns=["doc_id", "meta"])
            for doc_id, raw in zip(docs["doc_id"], docs["meta"]):
                m = json.loads(raw) if isinstance(raw, str) else {}
                rows.append({"doc_id": doc_id, **{k: _meta_str(m.get(k)) for k in extra}})
        table = pd.DataFrame(rows, columns=["doc_id", *extra])
        missing = [k for k in extra if not table[k].notna().any()]
        if missing:
            raise PresslensError(f"{folder}: no document has the metadata field(s) {', '.join(missing)}")
        measures = measures.merge(table, on="doc_id", how="left")
        measures = measures[["doc_id", *META_COLUMNS, *extra, *[c for c in measures.columns
                                                                if c not in ("doc_id", *META_COLUMNS, *extra)]]]
    return measures


def read_skipped(folder: str | os.PathLike[str]) -> pd.DataFrame:
    """The skipped documents of an annotated corpus folder: ``doc_id, partition, reason``."""
    return pd.read_csv(Path(folder) / "skipped.csv", dtype=str, keep_default_na=False)


def read_spans(folder: str | os.PathLike[str], layer: str | None = None) -> pd.DataFrame:
    """The span table of every annotated document (optionally one ``layer``), partition by partition.

    Partitions may hold different extra columns (a layer absent from one
    partition has no columns there), so they are concatenated with pandas
    rather than read as one Arrow dataset.

    >>> attributions = read_spans("out.parquet", "attribution")  # doctest: +SKIP
    """
    from presslens.document.spans import concat_span_tables

    tables = []
    for part in sorted((Path(folder) / "spans").glob("part-*.parquet")):
        t = pd.read_parquet(part, filters=[("layer", "==", layer)] if layer else None)
        tables.append(t.dropna(axis=1, how="all") if layer else t)
    return concat_span_tables(tables)


def iter_corpus_annotations(folder: str | os.PathLike[str]) -> Iterator[Document]:
    """The annotated documents of a corpus folder, one partition in memory at a time."""
    folder = Path(folder)
    parts = sorted((folder / "documents").glob("part-*.parquet"))
    if not parts and not (folder / MANIFEST).exists():
        raise PresslensError(f"{folder}: not a presslens corpus folder")
    for part in parts:
        docs = pd.read_parquet(part)
        spans = pd.read_parquet(folder / "spans" / part.name)
        by_doc = dict(tuple(spans.groupby("doc_id", sort=False))) if len(spans) else {}
        for row in docs.itertuples(index=False):
            meta = json.loads(row.meta) if isinstance(row.meta, str) else {}
            doc = Document(str(row.doc_id), row.text, meta)
            table = by_doc.get(row.doc_id)
            if table is not None:
                for layer, rows in table.groupby("layer", sort=False):
                    rows = rows.dropna(axis=1, how="all").drop(columns=["doc_id", "layer"])
                    if "label" not in rows:
                        rows = rows.assign(label=None)
                    doc.add_layer(str(layer), [{k: v for k, v in r.items() if not _is_missing(v)}
                                               for r in rows.to_dict("records")])
            yield doc


def read_corpus_annotations(folder: str | os.PathLike[str]) -> Corpus:
    """All annotated documents of a corpus folder, with every layer (in memory: mind large corpora).

    >>> corpus = read_corpus_annotations("out.parquet")  # doctest: +SKIP
    >>> corpus["some-id"].layer("attribution")  # doctest: +SKIP
    """
    return Corpus(list(iter_corpus_annotations(folder)))


# --------------------------------------------------------------------------
# The corpus report: `presslens report CORPUS | DIR.parquet`
# --------------------------------------------------------------------------

def run_corpus_report(
    input_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    parties_path: str | os.PathLike[str] | None = None,
    include_code: bool = False,
    jobs: int = 1,
    group_by: str = "outlet",
    progress: bool = True,
) -> dict[str, Any]:
    """The corpus report: annotate once (or reuse an annotation folder), then run the corpus notebooks.

    ``input_path`` is a corpus (JSONL, CSV, a folder of articles), annotated
    into ``OUT_DIR/annotations.parquet`` (resumable, ``jobs`` > 1 on a local
    Dask cluster), or a folder written by ``presslens annotate CORPUS --out
    DIR.parquet``, read as it is. Every notebook whose metadata scope is
    ``corpus`` (``04_corpus_comparison``) runs on the annotations, and the
    output folder gets the executed notebooks, their HTML, ``index.html``,
    ``metrics.json`` and ``run.json`` as for an article report. Outliers
    link to single-article reports found beside ``OUT_DIR``
    (``OUT_DIR/../DOC_ID/index.html``).

    >>> run_corpus_report("data/corpora/sample/articles.jsonl", "reports/corpus-sample")  # doctest: +SKIP
    """
    import time

    from presslens.report.runner import run_notebooks
    from presslens.report.report import (
        NotebookFailed,
        discover_notebooks,
        notebook_jobs,
        provenance,
        provenance_html,
        write_report_set,
    )

    started = time.time()
    t0 = time.perf_counter()
    input_path = Path(input_path).resolve()
    out_dir = Path(out_dir).resolve()
    parties = Path(parties_path).resolve() if parties_path else None
    kind = corpus_input(input_path) if input_path.exists() else None
    if kind is None:
        raise InputError(input_path, "not a corpus (a .jsonl or .csv file, a folder of articles, "
                                     "or a folder written by `presslens annotate --out DIR.parquet`)")
    notebooks = discover_notebooks(scope="corpus")
    if not notebooks:
        raise PresslensError("no corpus report notebooks found (notebook metadata presslens.scope = corpus)")
    if kind == "annotations":
        annotations = input_path
        manifest = json.loads((annotations / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("status") != "complete":
            raise PresslensError(f"{annotations}: the annotation run did not finish; re-run the same "
                                 "`presslens annotate` command to resume it")
        if parties is not None:
            used = manifest.get("parameters", {}).get("parties_sha256")
            if used != hashlib.sha256(parties.read_text(encoding="utf-8").encode()).hexdigest():
                raise PresslensError(f"{annotations}: was annotated with {'another' if used else 'no'} parties file "
                                     f"than {parties.name}; annotate again with --parties {parties}")
        out_dir.mkdir(parents=True, exist_ok=True)
    else:
        out_dir.mkdir(parents=True, exist_ok=True)
        annotations = out_dir / "annotations.parquet"
        run = annotate_corpus([input_path], annotations, parties, jobs=jobs, progress=progress)
        if progress:
            print(run.summary(), file=sys.stderr)
    logs = out_dir / "logs"
    logs.mkdir(exist_ok=True)
    for stale in [*out_dir.glob("metrics/*.json"), *out_dir.glob(".*.part"), *out_dir.glob("*.html")]:
        stale.unlink(missing_ok=True)
    counts = {k: v for k, v in json.loads((annotations / MANIFEST).read_text(encoding="utf-8")).items()
              if k in ("annotated", "skipped", "words", "skipped_reasons")}
    prov = provenance(input_path, parties, {"input_path": input_path.name,
                                            "parties_path": parties.name if parties else None,
                                            "include_code": include_code, "group_by": group_by},
                      kind="annotations" if kind == "annotations" else "corpus")
    prov["annotations"] = counts
    params = {"input_path": str(input_path), "parties_path": str(parties) if parties else "",
              "output_dir": str(out_dir), "annotations_path": str(annotations), "group_by": group_by,
              "reports_dir": str(out_dir.parent)}
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
    jobs_list, titles, parts = notebook_jobs(notebooks, out_dir, params, provenance_html(prov, when), input_path.name)
    results = run_notebooks(jobs_list, 1, include_code)
    failed = [r for r in results if r.error]
    if failed:
        for f in [*out_dir.glob("*.html"), *parts.values()]:
            f.unlink(missing_ok=True)  # no partial HTML: a report set is whole or absent
        first = failed[0]
        raise NotebookFailed(f"{first.name}.ipynb failed at {first.error} (executed notebook kept: {first.executed})")
    headline = f"Corpus comparison: {counts.get('annotated', 0):,} articles by {group_by}"
    return write_report_set(out_dir, results, prov, titles, parts, headline, when, started, t0, jobs)


__all__ = [
    "DEFAULT_PARTITION_SIZE", "CorpusRun", "annotate_corpus", "annotate_partition", "measures_row",
    "iter_records", "iter_partitions", "read_measures", "read_skipped", "read_spans", "read_corpus_annotations",
    "iter_corpus_annotations", "documents_table", "corpus_input", "run_corpus_report", "local_cluster_config",
]
