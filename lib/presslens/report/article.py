"""From article to shareable HTML: papermill runs the notebooks, nbconvert renders them.

``presslens report INPUT`` checks the input (with ``presslens annotate``'s
errors, before any kernel starts), annotates the article once in a child
process while the kernels start, executes every article-scope notebook (one
kernel each, in parallel; see :mod:`presslens.report.runner`), and writes
the executed ``.ipynb``, offline HTML with a provenance footer, an
``index.html`` setting the three measures side by side, ``metrics.json``
(every figure the notebooks recorded plus provenance; byte-identical across
runs on the same input) and ``run.json`` (timings). Notebooks record their
figures with :func:`presslens.report.kernel.record_metrics`, a machine-readable
sidecar next to each executed notebook.
"""

from __future__ import annotations


import json
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from presslens.attribution.registry import DEFAULT_MODEL
from presslens.errors import InputError, PresslensError
from presslens.resources.files import NOTEBOOK_DIR
from presslens.report.markers import error_marker, pending_marker
from presslens.document.outputs import check_output_dir, folder_lock
from presslens.report.runner import Job, Outcome, run_notebooks, stop_all_kernels, to_html, warm_up  # noqa: F401 - to_html is part of the API
from presslens.report.provenance import provenance, provenance_html
from presslens.report.report_set import (_discard_html, check_proposal_target, clear_outputs, default_jobs,
                                         discover_notebooks, fail_on_error, notebook_jobs, remove_temporaries,
                                         stamp_proposal, write_report_set)
from presslens.resources.hashing import file_sha256

def _annotate_to(docs: list, config: Any, path: str, attribution_model: str, propose_to: str | None = None) -> None:
    """Annotate and write the annotations file the notebooks wait for (runs in a child process).

    With ``propose_to`` (no parties file was given) the parties are first
    detected from the article and written there as a parties file, which the
    annotation then uses.
    """
    import gc
    import signal

    # Ctrl-C reaches every process of the terminal's group: the parent
    # decides (it kills this child), so no traceback is printed here.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})

    from presslens.document.outputs import write_jsonl
    from presslens.pipeline import annotate_documents

    # Loading the models allocates millions of small objects and no cycles
    # worth collecting; without the collector this short-lived process does
    # the same work in about a quarter less time.
    gc.disable()

    try:
        if propose_to:
            from presslens import __version__
            from presslens.framing.proposal import proposal_config, write_proposal

            proposed = write_proposal(docs, propose_to, __version__)
            config = proposal_config(proposed, str(propose_to)) if proposed else None
            stamp_proposal(Path(propose_to))
        write_jsonl(annotate_documents(docs, config, attribution_model=attribution_model), path)
    except BaseException as exc:
        Path(error_marker(path)).write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
        raise
    finally:
        Path(pending_marker(path)).unlink(missing_ok=True)


def _start_annotation(docs: list, config: Any, path: Path, attribution_model: str, propose_to: Path | None = None):
    """Annotate in a child process while this one imports papermill and starts the kernels.

    This process never imports pandas or the annotator (the span types load
    pandas on first use): with ``fork`` the child starts at once and loads
    them while this process imports papermill, so the two cores share the
    work from the start.
    """
    import multiprocessing

    import signal

    Path(pending_marker(path)).touch()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    proc = multiprocessing.get_context(method).Process(target=_annotate_to,
                                                       args=(docs, config, str(path), attribution_model,
                                                             str(propose_to) if propose_to else None),
                                                       name="presslens-annotate", daemon=True)
    # Signals wait until the child has set its own handlers (it unblocks them).
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        proc.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return proc


def _stop_annotation(proc, path: Path) -> None:
    """Kill the annotating child and remove what it leaves: its markers and a half-written file."""
    if proc.is_alive():
        proc.kill()
    proc.join(timeout=5)
    for marker in (pending_marker(path), error_marker(path)):
        Path(marker).unlink(missing_ok=True)
    for part in path.parent.glob(f".{path.name}.*.part"):
        part.unlink(missing_ok=True)


def _finish_annotation(proc, path: Path) -> None:
    """Wait for the annotating child; one that died without a word leaves an error for the kernels."""
    proc.join()
    error = Path(error_marker(path))
    if proc.exitcode != 0 and not error.exists():
        error.write_text(f"the annotating process exited with status {proc.exitcode}", encoding="utf-8")
    Path(pending_marker(path)).unlink(missing_ok=True)
    if error.exists():
        raise PresslensError(f"{path.name}: annotation failed: {error.read_text(encoding='utf-8').strip()}")


def run_while_annotating(jobs: Sequence[Job], parallel: int, include_code: bool, progress: bool, annotator,
                         annotations: Path, out_dir: Path, html_parts: Mapping[str, Path]) -> list[Outcome]:
    """Run the notebooks while the child annotates; raise (leaving no HTML) if either failed."""
    try:
        results = run_notebooks(jobs, parallel, include_code, progress=progress)
    except BaseException:
        # Interrupted: no child, kernel or temporary file outlives the run.
        stop_all_kernels()
        _stop_annotation(annotator, annotations)
        remove_temporaries(out_dir)
        raise
    if any(r.error for r in results) and not Path(error_marker(annotations)).exists():
        # A notebook failed on its own: its error is the news, not a
        # half-done annotation (which then is not needed).
        _stop_annotation(annotator, annotations)
        fail_on_error(results, out_dir, html_parts)
    try:
        _finish_annotation(annotator, annotations)
    except PresslensError:
        _discard_html(out_dir, html_parts.values())
        raise
    return results


def run_report(
    input_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    parties_path: str | os.PathLike[str] | None = None,
    include_code: bool = False,
    jobs: int | None = None,
    notebooks: Sequence[Path] | None = None,
    progress: bool = True,
    attribution_model: str = DEFAULT_MODEL,
) -> dict[str, Any]:
    """Execute the report notebooks on one article and write HTML, ``index.html`` and ``metrics.json``.

    >>> metrics = run_report("data/articles/pakistan-afghan-istanbul-talks.txt", "reports/talks",
    ...                      "data/parties/pakistan-afghanistan.yml")  # doctest: +SKIP
    """
    started = time.time()
    t0 = time.perf_counter()
    from presslens.document.inputs import read_documents
    from presslens.framing.parties import load_parties

    input_path = Path(input_path).resolve()
    out_dir = Path(out_dir).resolve()
    parties = Path(parties_path).resolve() if parties_path else None
    check_output_dir(out_dir)  # a read-only place or a file in the way: said before anything else
    # Bad input fails here, before any kernel starts, with annotate's errors
    # (and in annotate's order: the parties file, then the input).
    config = load_parties(parties)
    docs = read_documents([input_path])
    if len(docs) != 1:
        raise InputError(input_path, f"a report is about one article, this input holds {len(docs)} "
                                     "(compare a corpus with notebooks/04_corpus_comparison)")
    notebooks = list(notebooks or discover_notebooks())
    if not notebooks:
        raise PresslensError(f"{NOTEBOOK_DIR}: no report notebooks found")
    jobs = jobs or default_jobs(len(notebooks))

    with folder_lock(out_dir):
        return _run_locked(input_path, out_dir, parties, config, docs, notebooks, include_code, jobs, progress,
                           attribution_model, started, t0)


def _run_locked(input_path: Path, out_dir: Path, parties: Path | None, config: Any, docs: list,
                notebooks: list[Path], include_code: bool, jobs: int, progress: bool, attribution_model: str,
                started: float, t0: float) -> dict[str, Any]:
    annotations = out_dir / "annotations.jsonl"
    # No parties file: the annotating child detects the parties first and
    # writes them, ready to edit, as OUT/parties.yml (never over a file the
    # researcher has edited).
    proposal = None if parties else check_proposal_target(out_dir)
    preexisting = clear_outputs(out_dir, [annotations, Path(error_marker(annotations)), *([proposal] if proposal else [])],
                                notebooks)
    # The kernels start while the article is annotated, once for all of
    # them; they wait for the file (see presslens.report.kernel.wait_for_annotations).
    annotator = _start_annotation(docs, config, annotations, attribution_model, proposal)
    try:
        warm_up()  # papermill and nbconvert import in a thread while the kernels start

        prov = provenance(input_path, parties, {"input_path": input_path.name,
                                                "parties_path": parties.name if parties else None,
                                                "include_code": include_code}, attribution_model=attribution_model)
        if proposal:
            prov["parties"] = {"name": proposal.name, "detected": True}
        params = {"input_path": str(input_path), "parties_path": str(parties or proposal or ""),
                  "output_dir": str(out_dir), "annotations_path": str(annotations),
                  "attribution_model": attribution_model, "parties_detected": bool(proposal)}
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
        jobs_list, titles, html_parts = notebook_jobs(notebooks, out_dir, params, provenance_html(prov, when),
                                                      input_path.name)
        results = run_while_annotating(jobs_list, jobs, include_code, progress, annotator, annotations, out_dir,
                                       html_parts)
        if proposal:
            from presslens.framing.proposal import load_proposal

            config = load_proposal(proposal)
            prov["parties"]["sha256"] = file_sha256(proposal)
        return write_report_set(out_dir, results, prov, titles, html_parts, article_headline(annotations), when,
                                started, t0, jobs, config, preexisting=preexisting)
    except BaseException:
        # Interrupted or failed: no child, kernel or temporary file outlives the run.
        stop_all_kernels()
        _stop_annotation(annotator, annotations)
        remove_temporaries(out_dir)
        raise


def article_headline(annotations: Path) -> str:
    """The article's headline (or its id) from the annotations file.

    Read as plain JSON (one record, spans sorted by offset): the report
    process does not load the span tables for one line of the index.
    """
    with open(annotations, encoding="utf-8") as fh:
        record = json.loads(fh.readline())
    for span in record.get("spans", []):
        if span.get("layer") == "sentence" and span.get("label") == "headline":
            return " ".join(record["text"][int(span["start"]):int(span["end"])].split())
    return str(record["doc_id"])
