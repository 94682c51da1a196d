"""The corpus folder: its layout, manifest, atomic partition writes and resume checks.
"""

from __future__ import annotations


import hashlib
import json
import os
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from presslens import __version__
from presslens.errors import PresslensError
from presslens.document.outputs import atomic_path, atomic_text, write_csv
from presslens.document.inputs import (
    CORPUS_MANIFEST,
)
from presslens.corpus.records import META_COLUMNS, documents_table

SKIPPED_COLUMNS = ("doc_id", "partition", "reason")


MANIFEST = CORPUS_MANIFEST


FORMAT_VERSION = 1



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


def _parameters(inputs: list[str], parties_text: str, partition_size: int, attribution_model: str) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "presslens": __version__,
        "inputs": _input_fingerprint(inputs),
        "parties_sha256": hashlib.sha256(parties_text.encode()).hexdigest() if parties_text else None,
        "partition_size": partition_size,
        "attribution_model": attribution_model,
    }


#: What a corpus folder holds: all that ``--restart`` removes (nothing else in the folder is touched).
FOLDER_ENTRIES = ("spans", "documents", "measures", "_done", "measures.parquet", "skipped.csv", MANIFEST)


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a corpus folder, refused unless presslens wrote it (its parameters say so).

    A folder holding some other ``manifest.json`` is not presslens's: it is
    never read as annotations, resumed or deleted.
    """
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        manifest = None
    params = manifest.get("parameters") if isinstance(manifest, dict) else None
    if not (isinstance(params, dict) and {"format", "presslens", "inputs", "partition_size"} <= set(params)):
        raise PresslensError(f"{folder}: its {MANIFEST} was not written by presslens annotate; "
                             "this is not a presslens corpus folder (nothing was changed)")
    return manifest


def _clear(out: Path) -> None:
    """Remove an earlier run's files from a corpus folder: only the entries presslens writes."""
    for name in FOLDER_ENTRIES:
        entry = out / name
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink(missing_ok=True)
    for part in out.glob(".*.part"):
        part.unlink(missing_ok=True)


def _prepare(out: Path, params: dict[str, Any], restart: bool) -> None:
    manifest = out / MANIFEST
    if out.exists() and not out.is_dir():
        raise PresslensError(f"{out}: is a file, not a corpus folder; choose another --out")
    if out.exists() and not manifest.exists():
        if not any(out.iterdir()):
            return
        raise PresslensError(f"{out}: exists and is not a presslens corpus folder (no {MANIFEST}); "
                             "choose another --out or remove it")
    if manifest.exists():
        old = read_manifest(out)
        if restart:
            _clear(out)
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


def _finish(out: Path, run: CorpusRun, skipped_rows: list[dict[str, Any]], params: dict[str, Any]) -> None:
    _merge_measures(out)
    write_csv(pd.DataFrame(skipped_rows, columns=list(SKIPPED_COLUMNS)), out / "skipped.csv")
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


