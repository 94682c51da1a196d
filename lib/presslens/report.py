"""From article to shareable HTML: papermill runs the notebooks, nbconvert renders them.

``presslens report INPUT`` executes every report notebook (one kernel each,
in parallel), keeps the executed ``.ipynb``, writes offline-safe HTML, an
``index.html`` and ``metrics.json`` with every figure the notebooks recorded
plus provenance (versions, hashes, parameters). Notebooks record figures with
:func:`record_metrics`, following the recommenders project's practice of a
machine-readable sidecar next to each executed notebook.

>>> from presslens.report import record_metrics
>>> import tempfile, json, pathlib
>>> d = tempfile.mkdtemp()
>>> _ = record_metrics({"attributions_per_100_words": 1.5}, "01_sourcing_density", d)
>>> json.loads((pathlib.Path(d) / "metrics" / "01_sourcing_density.json").read_text())
{'attributions_per_100_words': 1.5}
"""

from __future__ import annotations

import hashlib
import logging
import json
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .errors import PresslensError

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = REPO_ROOT / "notebooks"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
KEY_PACKAGES = ("nltk", "numpy", "pandas", "matplotlib", "papermill", "nbconvert", "trafilatura", "pyarrow")


class NotebookFailed(PresslensError):
    """A report notebook raised; the message names the notebook and cell."""


def record_metrics(metrics: Mapping[str, Any], notebook: str, output_dir: str | os.PathLike[str]) -> Path:
    """Write a notebook's figures to ``OUTPUT_DIR/metrics/NOTEBOOK.json``.

    Call it in a report notebook after computing the figures it shows; the
    report command gathers every file into ``metrics.json``.
    """
    path = Path(output_dir) / "metrics" / f"{notebook}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_jsonable(metrics), indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 6)
    return value


def file_sha256(path: str | os.PathLike[str]) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def resource_versions() -> dict[str, str]:
    """SHA-256 of every shipped lexicon and model file, by name."""
    from .lexicons import LEXICON_DIR

    out = {}
    model_dir = Path(__file__).resolve().parent / "models"
    for folder in (LEXICON_DIR, model_dir):
        if folder.is_dir():
            for f in sorted(folder.iterdir()):
                if f.is_file() and f.suffix in {".yml", ".yaml", ".csv", ".txt", ".json", ".gz"}:
                    out[f"{folder.name}/{f.name}"] = file_sha256(f)[:16]
    return out


def provenance(input_path: Path, parties_path: Path | None, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """What a reader needs to reproduce a report, and nothing that varies run to run."""
    from . import __version__

    packages = {}
    for name in KEY_PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "presslens": __version__,
        "input": {"name": input_path.name, "sha256": file_sha256(input_path) if input_path.is_file() else None},
        "parties": {"name": parties_path.name, "sha256": file_sha256(parties_path)} if parties_path else None,
        "parameters": dict(parameters),
        "resources": resource_versions(),
        "python": platform.python_version(),
        "packages": packages,
    }


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


@dataclass
class NotebookResult:
    name: str
    executed: Path
    seconds: float
    error: str | None = None


def _execute(notebook: str, output: str, parameters: dict[str, Any], cwd: str, log: str) -> tuple[float, str | None]:
    """Run one notebook in its own kernel (called in a worker process)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    os.environ["PYTHONWARNINGS"] = "ignore"  # the kernel inherits it: no warnings in the HTML
    os.environ.setdefault("MPLBACKEND", "agg")
    # Kernel start-up chatter goes to a log file beside the report, not the
    # researcher's terminal (the kernel inherits this process's stderr).
    log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log_fd, 2)
    logging.disable(logging.WARNING)
    t0 = time.perf_counter()
    try:
        pm.execute_notebook(
            notebook, output, parameters=parameters, kernel_name="python3", cwd=cwd,
            progress_bar=False, log_output=False, report_mode=False,
        )
    except PapermillExecutionError as exc:
        return time.perf_counter() - t0, f"cell {exc.cell_index + 1} (execution count {exc.exec_count}): {exc.ename}: {exc.evalue}"
    except Exception as exc:  # kernel died, bad notebook JSON, ...
        return time.perf_counter() - t0, f"{type(exc).__name__}: {exc}"
    return time.perf_counter() - t0, None


def _execute_and_render(notebook: str, output: str, parameters: dict[str, Any], cwd: str, log: str,
                        html_part: str, include_code: bool) -> tuple[float, str | None]:
    """Run one notebook, then render its HTML to ``html_part`` in the same worker (renders run in parallel)."""
    seconds, error = _execute(notebook, output, parameters, cwd, log)
    if error is None:
        Path(html_part).write_text(to_html(Path(output), include_code), encoding="utf-8")
    return seconds, error


def to_html(executed: Path, include_code: bool = False) -> str:
    """Render an executed notebook as offline HTML (no CDN scripts)."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            # stderr carries warnings and log noise, never report content.
            cell.outputs = [o for o in cell.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    exporter = HTMLExporter(template_name="presslens", extra_template_basedirs=[str(TEMPLATE_DIR)])
    exporter.exclude_input = not include_code
    exporter.exclude_input_prompt = not include_code
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(nb)
    return body


def run_report(
    input_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    parties_path: str | os.PathLike[str] | None = None,
    include_code: bool = False,
    jobs: int | None = None,
    notebooks: Sequence[Path] | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Execute the report notebooks on one input and write HTML, index and metrics."""
    from .ingest import read_documents
    from .parties import load_parties

    input_path = Path(input_path).resolve()
    out_dir = Path(out_dir).resolve()
    parties = Path(parties_path).resolve() if parties_path else None
    # Bad input fails here, before any kernel starts, with annotate's errors.
    docs = read_documents([input_path])
    config = load_parties(parties)
    notebooks = list(notebooks or discover_notebooks())
    if not notebooks:
        raise PresslensError(f"{NOTEBOOK_DIR}: no report notebooks found")

    out_dir.mkdir(parents=True, exist_ok=True)
    logs = out_dir / "logs"
    logs.mkdir(exist_ok=True)
    for stale in out_dir.glob("metrics/*.json"):
        stale.unlink()
    # Annotate once here; every notebook reads the same annotations instead
    # of loading the models and annotating again in its own kernel.
    from .export import write_jsonl
    from .pipeline import annotate_documents

    annotations = out_dir / "annotations.jsonl"
    pending = Path(f"{annotations}.pending")
    failed_marker = Path(f"{annotations}.error")
    annotations.unlink(missing_ok=True)
    failed_marker.unlink(missing_ok=True)
    pending.touch()
    params = {"input_path": str(input_path), "parties_path": str(parties) if parties else "", "output_dir": str(out_dir),
              "annotations_path": str(annotations)}
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(notebooks)))
    results: list[NotebookResult] = []
    started = time.time()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(notebooks), desc="running notebooks", unit="nb", file=sys.stderr)
    html_parts = {nb.stem: out_dir / f".{nb.stem}.html.part" for nb in notebooks}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(_execute_and_render, str(nb), str(out_dir / nb.name), params, str(nb.parent),
                        str(logs / f"{nb.stem}.log"), str(html_parts[nb.stem]), include_code): nb
            for nb in notebooks
        }
        # The kernels start up while the article is annotated here, once for
        # all of them; they wait for the file (see presslens.wait_for_annotations).
        try:
            write_jsonl(annotate_documents(docs, config), annotations)
        except BaseException as exc:
            failed_marker.write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
            raise
        finally:
            pending.unlink(missing_ok=True)
        for fut in as_completed(futures):
            nb = futures[fut]
            seconds, error = fut.result()
            results.append(NotebookResult(nb.stem, out_dir / nb.name, seconds, error))
            if bar:
                bar.update(1)
                bar.set_postfix_str(nb.stem)
    if bar:
        bar.close()
    results.sort(key=lambda r: r.name)
    failed = [r for r in results if r.error]
    if failed:
        for r in [*out_dir.glob("*.html"), *html_parts.values()]:
            r.unlink(missing_ok=True)  # no partial HTML: a report set is whole or absent
        first = failed[0]
        raise NotebookFailed(f"{first.name}.ipynb failed at {first.error} (executed notebook kept: {first.executed})")

    metrics = {"provenance": provenance(input_path, parties, {}), "notebooks": {}}
    metrics["provenance"]["parameters"] = {
        "input_path": input_path.name, "parties_path": parties.name if parties else None, "include_code": include_code,
    }
    for r in results:
        side = out_dir / "metrics" / f"{r.name}.json"
        metrics["notebooks"][r.name] = json.loads(side.read_text(encoding="utf-8")) if side.exists() else {}
    _write_text(out_dir / "metrics.json", json.dumps(metrics, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    _write_text(out_dir / "run.json", json.dumps({
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds_total": round(time.time() - started, 2),
        "seconds_per_notebook": {r.name: round(r.seconds, 2) for r in results},
    }, indent=2) + "\n")
    for r in results:
        os.replace(html_parts[r.name], out_dir / f"{r.name}.html")
    _write_text(out_dir / "index.html", index_html(results, metrics, input_path.name))
    return metrics


def _write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.replace(tmp, path)


HEADLINE_KEYS = {
    "01_sourcing_density": [("attributions_per_100_words", "attributions per 100 words"), ("anonymous_share", "anonymous share")],
    "02_hedged_claims": [("hedged_claim_share", "hedged claims"), ("hedges_per_100_words", "hedges per 100 words")],
    "03_party_framing": [("parties_mentioned", "parties mentioned")],
}


def index_html(results: Sequence[NotebookResult], metrics: Mapping[str, Any], input_name: str) -> str:
    """A small offline index page linking the reports with their headline figures."""
    from . import __version__
    from .display import escape

    rows = []
    for r in results:
        figs = metrics["notebooks"].get(r.name, {})
        shown = figs.get("headline") or {label: figs.get(key) for key, label in HEADLINE_KEYS.get(r.name, []) if key in figs}
        cells = "".join(f"<li><b>{escape(_fmt(v))}</b> {escape(str(k))}</li>" for k, v in shown.items())
        title = figs.get("title") or r.name.split("_", 1)[-1].replace("_", " ").capitalize()
        rows.append(f'<section class="report"><h2><a href="{escape(r.name)}.html">{escape(str(title))}</a></h2><ul>{cells}</ul></section>')
    prov = metrics["provenance"]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>presslens reports: {escape(input_name)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}} section.report{{border:1px solid #ccd;border-radius:6px;padding:.2em 1em;margin:1em 0;background:#f7f8fc}} footer{{color:#667;font-size:.85em}}</style>
</head><body>
<h1>presslens reports: {escape(input_name)}</h1>
{''.join(rows)}
<footer>presslens {escape(__version__)}; input SHA-256 {escape(str(prov['input']['sha256']))}; figures in <a href="metrics.json">metrics.json</a>.</footer>
</body></html>
"""


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1%}" if 0 <= value <= 1 else f"{value:.2f}"
    return str(value)
