"""The corpus report: annotate a corpus once (or reuse an annotation folder), then run the corpus notebooks.
"""

from __future__ import annotations


import hashlib
import os
import sys
from pathlib import Path
from typing import Any


from presslens.errors import InputError, PresslensError
from presslens.document.inputs import (
    corpus_input,
)
from presslens.attribution.registry import DEFAULT_MODEL
from presslens.corpus.annotate import annotate_corpus
from presslens.corpus.store import read_manifest
from presslens.document.outputs import check_output_dir, folder_lock
from presslens.report.report_set import clear_outputs, fail_on_error, remove_temporaries
from presslens.report.runner import stop_all_kernels

def run_corpus_report(
    input_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    parties_path: str | os.PathLike[str] | None = None,
    include_code: bool = False,
    jobs: int = 1,
    group_by: str = "outlet",
    progress: bool = True,
    attribution_model: str = DEFAULT_MODEL,
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
    from presslens.report.report_set import discover_notebooks, notebook_jobs, write_report_set
    from presslens.report.provenance import provenance, provenance_html

    started = time.time()
    t0 = time.perf_counter()
    input_path = Path(input_path).resolve()
    out_dir = Path(out_dir).resolve()
    parties = Path(parties_path).resolve() if parties_path else None
    check_output_dir(out_dir)  # a read-only place or a file in the way: said before anything else
    kind = corpus_input(input_path) if input_path.exists() else None
    detected = None
    if kind is None:
        raise InputError(input_path, "not a corpus (a .jsonl or .csv file, a folder of articles, "
                                     "or a folder written by `presslens annotate --out DIR.parquet`)")
    notebooks = discover_notebooks(scope="corpus")
    if not notebooks:
        raise PresslensError("no corpus report notebooks found (notebook metadata presslens.scope = corpus)")
    with folder_lock(out_dir):
        try:
            if kind == "annotations":
                annotations = input_path
                manifest = read_manifest(annotations)
                if manifest.get("status") != "complete":
                    raise PresslensError(f"{annotations}: the annotation run did not finish; re-run the same "
                                         "`presslens annotate` command to resume it")
                if parties is not None:
                    used = manifest.get("parameters", {}).get("parties_sha256")
                    if used != hashlib.sha256(parties.read_text(encoding="utf-8").encode()).hexdigest():
                        raise PresslensError(f"{annotations}: was annotated with {'another' if used else 'no'} "
                                             f"parties file than {parties.name}; annotate again with --parties {parties}")
                out_dir.mkdir(parents=True, exist_ok=True)
            else:
                out_dir.mkdir(parents=True, exist_ok=True)
                if parties is None:
                    # No parties file: detected from (a sample of) the corpus, written to edit, said on the pages.
                    parties = detected = _propose(input_path, out_dir)
                annotations = out_dir / "annotations.parquet"
                run = annotate_corpus([input_path], annotations, parties, jobs=jobs, progress=progress,
                                      attribution_model=attribution_model)
                if progress:
                    print(run.summary(), file=sys.stderr)
            preexisting = clear_outputs(out_dir, notebooks=notebooks)
            manifest = read_manifest(annotations)
            counts = {k: v for k, v in manifest.items() if k in ("annotated", "skipped", "words", "skipped_reasons")}
            # The model that annotated the corpus, whatever this command was asked for.
            manifest_model = manifest.get("parameters", {}).get("attribution_model") or DEFAULT_MODEL
            prov = provenance(input_path, parties, {"input_path": input_path.name,
                                                    "parties_path": parties.name if parties else None,
                                                    "include_code": include_code, "group_by": group_by},
                              kind="annotations" if kind == "annotations" else "corpus",
                              attribution_model=manifest_model)
            prov["annotations"] = counts
            if detected is not None:
                prov["parties"]["detected"] = True
            params = {"input_path": str(input_path), "parties_path": str(parties) if parties else "",
                      "output_dir": str(out_dir), "annotations_path": str(annotations), "group_by": group_by,
                      "reports_dir": str(out_dir.parent)}
            when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
            jobs_list, titles, parts = notebook_jobs(notebooks, out_dir, params, provenance_html(prov, when),
                                                     input_path.name)
            results = run_notebooks(jobs_list, 1, include_code)
            fail_on_error(results, out_dir, parts)
            headline = f"Corpus comparison: {counts.get('annotated', 0):,} articles by {group_by}"
            return write_report_set(out_dir, results, prov, titles, parts, headline, when, started, t0, jobs,
                                    preexisting=preexisting)
        except BaseException:
            # Interrupted or failed: no kernel or temporary file outlives the run.
            stop_all_kernels()
            remove_temporaries(out_dir)
            raise


def _propose(input_path: Path, out_dir: Path) -> Path | None:
    """Detect the parties of a corpus into ``OUT/parties.yml``; None when none was found."""
    from presslens import __version__
    from presslens.framing.proposal import corpus_sample, write_proposal
    from presslens.report.report_set import check_proposal_target, stamp_proposal

    target = check_proposal_target(out_dir)
    docs, source = corpus_sample([input_path])
    proposed = write_proposal(docs, target, __version__, source)
    stamp_proposal(target)
    return target if proposed else None
