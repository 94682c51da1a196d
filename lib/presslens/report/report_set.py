"""A report set: notebooks run on one input, written whole or not at all.

The article report and the corpus report both build theirs here: the
notebooks of a scope, one job per notebook, HTML first written to hidden
``.part`` files, and, only when every notebook has succeeded,
``metrics.json``, the HTML, ``index.html`` and ``run.json``.
"""

from __future__ import annotations


import json
import os
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from presslens.errors import PresslensError
from presslens.resources.files import NOTEBOOK_DIR
from presslens.report.runner import Job, Outcome, run_notebooks, to_html, warm_up  # noqa: F401 - to_html is part of the API
from presslens.report.index_page import _nav_html, index_html

class NotebookFailed(PresslensError):
    """A report notebook raised; the message names the notebook and cell."""


def notebook_scope(path: Path) -> str | None:
    """The notebook's ``presslens.scope`` metadata: ``article`` for the single-article reports."""
    try:
        meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError):
        return None
    return (meta.get("presslens") or {}).get("scope")


def discover_notebooks(folder: Path = NOTEBOOK_DIR, scope: str = "article") -> list[Path]:
    """Report notebooks: ``NN_name.ipynb`` in ``folder`` whose metadata scope is ``scope``, in order.

    Single-article reports carry ``{"presslens": {"scope": "article"}}`` in
    their notebook metadata; corpus and validation notebooks take other
    inputs and are run on their own.
    """
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb")
                  if not p.name.startswith(".") and notebook_scope(p) == scope)


NotebookResult = Outcome  # the outcome of one notebook: name, executed path, seconds, error


def default_jobs(n_notebooks: int) -> int:
    """Kernels run at once by default: one per notebook (they mostly wait), at least one per core."""
    return max(1, n_notebooks, os.cpu_count() or 1)


def notebook_jobs(notebooks: Sequence[Path], out_dir: Path, params: Mapping[str, Any], footer: str,
                  input_name: str, back: str = "all reports for this article") -> tuple[list[Any], dict[str, str], dict[str, Path]]:
    """The runner's jobs for a report set, with each notebook's title and the HTML it writes first.

    The HTML goes to a hidden ``.part`` file that :func:`write_report_set`
    renames only when every notebook has succeeded.
    """
    logs = out_dir / "logs"
    titles = {nb.stem: notebook_title(nb) for nb in notebooks}
    html_parts = {nb.stem: out_dir / f".{nb.stem}.html.part" for nb in notebooks}
    jobs = [Job(nb, out_dir / nb.name, html_parts[nb.stem], params, nb.parent, logs / f"{nb.stem}.log",
                {"nav_html": _nav_html(nb.stem, titles, back), "footer_html": footer,
                 "title": f"{titles[nb.stem]} · {input_name} · presslens"})
            for nb in notebooks]
    return jobs, titles, html_parts


def write_report_set(out_dir: Path, results: Sequence[NotebookResult], prov: Mapping[str, Any],
                     titles: Mapping[str, str], html_parts: Mapping[str, Path], headline: str, when: str,
                     started: float, t0: float, jobs: int, parties: Any = None,
                     lift: Sequence[str] = (), preexisting: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Write ``metrics.json``, the reports' HTML, ``index.html`` and ``run.json`` of a finished report set.

    Keys named in ``lift`` move from a notebook's figures to the top of
    ``metrics.json`` (the story comparison's ``articles`` and ``claims``).
    ``run.json`` lists the files of the set (every file in the folder but
    ``preexisting``, what :func:`clear_outputs` found there), which the next
    run into the folder removes first: a folder never mixes two runs' files.
    """
    metrics: dict[str, Any] = {"provenance": prov, "notebooks": {}}
    for r in results:
        side = out_dir / "metrics" / f"{r.name}.json"
        figures = json.loads(side.read_text(encoding="utf-8")) if side.exists() else {}
        for key in lift:
            if key in figures:
                metrics[key] = figures.pop(key)
        metrics["notebooks"][r.name] = figures
    _write_text(out_dir / "metrics.json", json.dumps(metrics, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    for r in results:
        os.replace(html_parts[r.name], out_dir / f"{r.name}.html")
    _write_text(out_dir / "index.html", index_html(results, metrics, headline, titles, when, parties))
    # Timings live here, apart from metrics.json, which stays byte-identical across runs.
    files = sorted({p.name for p in out_dir.iterdir() if p.is_file() and not p.name.startswith(".")}
                   - preexisting | {"run.json"})
    _write_text(out_dir / "run.json", json.dumps({
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds_total": round(time.perf_counter() - t0, 2),
        "seconds_per_notebook": {r.name: round(r.seconds, 2) for r in results},
        "jobs": jobs,
        "files": files,
    }, indent=2) + "\n")
    return metrics


def check_proposal_target(out_dir: Path) -> Path:
    """Where detected parties go: ``OUT/parties.yml``, unless the researcher has edited that file.

    A file presslens wrote has its hash in ``OUT/logs/parties.yml.sha256``
    (:func:`stamp_proposal`); any other is the researcher's, given back with
    ``--parties``, and never written over.
    """
    from presslens.resources.hashing import file_sha256

    target = out_dir / "parties.yml"
    if target.exists():
        stamp = _proposal_stamp(target)
        if not (stamp.exists() and stamp.read_text(encoding="utf-8").strip() == file_sha256(target)):
            raise PresslensError(f"{target}: not the parties presslens proposed here (edited?): give it with "
                                 f"--parties {target}, or delete it to have the parties detected again")
    return target


def stamp_proposal(proposal: Path) -> None:
    """Record that presslens wrote ``proposal`` as it is now (see :func:`check_proposal_target`)."""
    from presslens.resources.hashing import file_sha256

    _proposal_stamp(proposal).write_text(file_sha256(proposal) + "\n", encoding="utf-8")


def _proposal_stamp(proposal: Path) -> Path:
    stamp = proposal.parent / "logs" / f"{proposal.name}.sha256"
    stamp.parent.mkdir(parents=True, exist_ok=True)
    return stamp


def fail_on_error(results: Sequence[NotebookResult], out_dir: Path, html_parts: Mapping[str, Path]) -> None:
    """Raise :class:`NotebookFailed` for the first failed notebook, leaving no HTML (a report set is whole or absent)."""
    failed = [r for r in results if r.error]
    if failed:
        _discard_html(out_dir, html_parts.values())
        first = failed[0]
        raise NotebookFailed(f"{first.name}.ipynb failed at {first.error} (executed notebook kept: {first.executed})")


def clear_outputs(out_dir: Path, extra: Sequence[Path] = (), notebooks: Sequence[Path] = ()) -> frozenset[str]:
    """Make the folder ready for a new set: a ``logs`` folder, and no figures, pages, executed notebooks or
    other files of an earlier run; the names of the files left (for :func:`write_report_set`).

    Only what a report set writes is removed (its pages by name and the
    files its ``run.json`` lists, not every ``*.html``): the folder may hold
    the researcher's own files.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "logs").mkdir(exist_ok=True)
    names = {nb.stem for nb in notebooks}
    for stale in [*out_dir.glob("metrics/*.json"), *_set_pages(out_dir, names), *(out_dir / f"{n}.ipynb" for n in names),
                  *_earlier_set(out_dir), out_dir / "metrics.json", out_dir / "run.json", *extra]:
        stale.unlink(missing_ok=True)
    remove_temporaries(out_dir)
    return frozenset(p.name for p in out_dir.iterdir() if p.is_file())


def _earlier_set(out_dir: Path) -> list[Path]:
    """The files an earlier run's ``run.json`` lists (plain names in the folder, nothing else)."""
    try:
        files = json.loads((out_dir / "run.json").read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [out_dir / f for f in files if isinstance(f, str) and f == Path(f).name and f not in ("", ".", "..")
            and (out_dir / f).is_file()]


def _set_pages(out_dir: Path, names) -> list[Path]:
    return [out_dir / "index.html", *(out_dir / f"{n}.html" for n in names)]


def remove_temporaries(out_dir: Path) -> None:
    """Remove the hidden ``.part`` files and annotation markers a run writes before its outputs."""
    from presslens.report.markers import error_marker, pending_marker

    for part in [*out_dir.glob(".*.part"), *out_dir.glob("metrics/.*.part")]:
        part.unlink(missing_ok=True)
    for marker in (pending_marker(out_dir / "annotations.jsonl"), error_marker(out_dir / "annotations.jsonl")):
        Path(marker).unlink(missing_ok=True)


def _discard_html(out_dir: Path, parts) -> None:
    names = {Path(p).name.removeprefix(".").removesuffix(".html.part") for p in parts}
    for f in [*_set_pages(out_dir, names), *parts]:
        Path(f).unlink(missing_ok=True)


def notebook_title(path: Path) -> str:
    """The first heading of a notebook's first markdown cell ("Sourcing density")."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError):
        cells = []
    for cell in cells[:1]:
        for line in "".join(cell.get("source", "")).splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return path.stem.split("_", 1)[-1].replace("_", " ").capitalize()


def _write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)  # reports are made to be shared
    os.replace(tmp, path)
