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

import hashlib
import json
import os
import platform
import tempfile
import time
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from presslens.attribution.registry import DEFAULT_MODEL, MODELS
from presslens.errors import InputError, PresslensError
from presslens.resources.files import LEXICON_DIR, MODEL_DIR, NOTEBOOK_DIR
from presslens.report.markers import error_marker, pending_marker
from presslens.report.runner import Job, Outcome, run_notebooks, to_html, warm_up  # noqa: F401 - to_html is part of the API

KEY_PACKAGES = ("nltk", "numpy", "pandas", "pyarrow", "pyyaml", "trafilatura", "papermill", "nbconvert", "nbclient",
                "ipykernel", "matplotlib")


class NotebookFailed(PresslensError):
    """A report notebook raised; the message names the notebook and cell."""


def file_sha256(path: str | os.PathLike[str]) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def input_sha256(path: Path) -> str | None:
    """SHA-256 of an input: a file's bytes, or a folder's files (relative names
    and contents, in name order), so that a corpus folder is identified too."""
    if path.is_file():
        return file_sha256(path)
    if not path.is_dir():
        return None
    h = hashlib.sha256()
    for f in sorted(q for q in path.rglob("*") if q.is_file()):
        h.update(f.relative_to(path).as_posix().encode("utf-8") + b"\0" + bytes.fromhex(file_sha256(f)))
    return h.hexdigest()


def resource_versions() -> dict[str, str]:
    """SHA-256 of every shipped lexicon and model file, by name."""
    out = {}
    for folder in (LEXICON_DIR, MODEL_DIR):
        if folder.is_dir():
            for f in sorted(folder.rglob("*")):
                if f.is_file() and f.suffix in {".yml", ".yaml", ".csv", ".txt", ".json", ".gz"} \
                        and "__pycache__" not in f.parts:
                    out[f"{folder.name}/{f.relative_to(folder).as_posix()}"] = file_sha256(f)[:16]
    return out


def provenance(input_path: Path, parties_path: Path | None, parameters: Mapping[str, Any],
               kind: str = "article", attribution_model: str = DEFAULT_MODEL) -> dict[str, Any]:
    """What a reader needs to reproduce a report, and nothing that varies run to run.

    ``kind`` names the input in the footer: ``article``, ``corpus`` or
    ``annotations`` (a folder written by ``presslens annotate``).
    """
    from presslens import __version__

    packages = {}
    for name in KEY_PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "presslens": __version__,
        "input": {"name": input_path.name, "kind": kind, "sha256": input_sha256(input_path)},
        "parties": {"name": parties_path.name, "sha256": file_sha256(parties_path)} if parties_path else None,
        "parameters": dict(parameters),
        "resources": resource_versions(),
        "attribution_model": attribution_model,
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


NotebookResult = Outcome  # the outcome of one notebook: name, executed path, seconds, error


def _annotate_to(docs: list, config: Any, path: str, attribution_model: str) -> None:
    """Annotate and write the annotations file the notebooks wait for (runs in a child process)."""
    import gc

    from presslens.document.outputs import write_jsonl
    from presslens.pipeline import annotate_documents

    # Loading the models allocates millions of small objects and no cycles
    # worth collecting; without the collector this short-lived process does
    # the same work in about a quarter less time.
    gc.disable()

    try:
        write_jsonl(annotate_documents(docs, config, attribution_model=attribution_model), path)
    except BaseException as exc:
        Path(error_marker(path)).write_text(f"{type(exc).__name__}: {exc}", encoding="utf-8")
        raise
    finally:
        Path(pending_marker(path)).unlink(missing_ok=True)


def _start_annotation(docs: list, config: Any, path: Path, attribution_model: str):
    """Annotate in a child process while this one imports papermill and starts the kernels.

    This process never imports pandas or the annotator (the span types load
    pandas on first use): with ``fork`` the child starts at once and loads
    them while this process imports papermill, so the two cores share the
    work from the start.
    """
    import multiprocessing

    Path(pending_marker(path)).touch()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    proc = multiprocessing.get_context(method).Process(target=_annotate_to,
                                                       args=(docs, config, str(path), attribution_model),
                                                       name="presslens-annotate", daemon=True)
    proc.start()
    return proc


def _finish_annotation(proc, path: Path) -> None:
    """Wait for the annotating child; one that died without a word leaves an error for the kernels."""
    proc.join()
    error = Path(error_marker(path))
    if proc.exitcode != 0 and not error.exists():
        error.write_text(f"the annotating process exited with status {proc.exitcode}", encoding="utf-8")
    Path(pending_marker(path)).unlink(missing_ok=True)
    if error.exists():
        raise PresslensError(f"{path.name}: annotation failed: {error.read_text(encoding='utf-8').strip()}")


def default_jobs(n_notebooks: int) -> int:
    """Kernels run at once by default: one per notebook (they mostly wait), at least one per core."""
    return max(1, n_notebooks, os.cpu_count() or 1)


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

    out_dir.mkdir(parents=True, exist_ok=True)
    logs = out_dir / "logs"
    logs.mkdir(exist_ok=True)
    annotations = out_dir / "annotations.jsonl"
    for stale in [*out_dir.glob("metrics/*.json"), *out_dir.glob(".*.part"), *out_dir.glob("*.html"),
                  out_dir / "metrics.json", out_dir / "run.json", annotations, Path(error_marker(annotations))]:
        stale.unlink(missing_ok=True)
    # The kernels start while the article is annotated, once for all of
    # them; they wait for the file (see presslens.wait_for_annotations).
    annotator = _start_annotation(docs, config, annotations, attribution_model)
    warm_up()  # papermill and nbconvert import in a thread while the kernels start

    prov = provenance(input_path, parties, {"input_path": input_path.name,
                                            "parties_path": parties.name if parties else None,
                                            "include_code": include_code}, attribution_model=attribution_model)
    params = {"input_path": str(input_path), "parties_path": str(parties) if parties else "", "output_dir": str(out_dir),
              "annotations_path": str(annotations), "attribution_model": attribution_model}
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
    jobs_list, titles, html_parts = notebook_jobs(notebooks, out_dir, params, provenance_html(prov, when),
                                                  input_path.name)
    try:
        results = run_notebooks(jobs_list, jobs, include_code, progress=progress)
    except BaseException:
        annotator.terminate()
        Path(pending_marker(annotations)).unlink(missing_ok=True)
        raise
    failed = [r for r in results if r.error]
    if failed and not Path(error_marker(annotations)).exists():
        # A notebook failed on its own: its error is the news, not a
        # half-done annotation (which then is not needed).
        annotator.terminate()
        annotator.join()
        Path(pending_marker(annotations)).unlink(missing_ok=True)
        _discard_html(out_dir, html_parts.values())  # no partial HTML: a report set is whole or absent
        first = failed[0]
        raise NotebookFailed(f"{first.name}.ipynb failed at {first.error} (executed notebook kept: {first.executed})")
    try:
        _finish_annotation(annotator, annotations)
    except PresslensError:
        _discard_html(out_dir, html_parts.values())
        raise

    return write_report_set(out_dir, results, prov, titles, html_parts, article_headline(annotations), when,
                            started, t0, jobs, config)


def notebook_jobs(notebooks: Sequence[Path], out_dir: Path, params: Mapping[str, Any], footer: str,
                  input_name: str) -> tuple[list[Any], dict[str, str], dict[str, Path]]:
    """The runner's jobs for a report set, with each notebook's title and the HTML it writes first.

    The HTML goes to a hidden ``.part`` file that :func:`write_report_set`
    renames only when every notebook has succeeded.
    """
    logs = out_dir / "logs"
    titles = {nb.stem: notebook_title(nb) for nb in notebooks}
    html_parts = {nb.stem: out_dir / f".{nb.stem}.html.part" for nb in notebooks}
    jobs = [Job(nb, out_dir / nb.name, html_parts[nb.stem], params, nb.parent, logs / f"{nb.stem}.log",
                {"nav_html": _nav_html(nb.stem, titles), "footer_html": footer,
                 "title": f"{titles[nb.stem]} · {input_name} · presslens"})
            for nb in notebooks]
    return jobs, titles, html_parts


def write_report_set(out_dir: Path, results: Sequence[NotebookResult], prov: Mapping[str, Any],
                     titles: Mapping[str, str], html_parts: Mapping[str, Path], headline: str, when: str,
                     started: float, t0: float, jobs: int, parties: Any = None) -> dict[str, Any]:
    """Write ``metrics.json``, the reports' HTML, ``index.html`` and ``run.json`` of a finished report set."""
    metrics: dict[str, Any] = {"provenance": prov, "notebooks": {}}
    for r in results:
        side = out_dir / "metrics" / f"{r.name}.json"
        metrics["notebooks"][r.name] = json.loads(side.read_text(encoding="utf-8")) if side.exists() else {}
    _write_text(out_dir / "metrics.json", json.dumps(metrics, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    for r in results:
        os.replace(html_parts[r.name], out_dir / f"{r.name}.html")
    _write_text(out_dir / "index.html", index_html(results, metrics, headline, titles, when, parties))
    # Timings live here, apart from metrics.json, which stays byte-identical across runs.
    _write_text(out_dir / "run.json", json.dumps({
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds_total": round(time.perf_counter() - t0, 2),
        "seconds_per_notebook": {r.name: round(r.seconds, 2) for r in results},
        "jobs": jobs,
    }, indent=2) + "\n")
    return metrics


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


def _discard_html(out_dir: Path, parts) -> None:
    for f in [*out_dir.glob("*.html"), *parts]:
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


#: The index's side-by-side overview: per report, the figures shown (metrics key, label, format).
#: A report may instead record its own ``headline`` (a list of [label, value] or a mapping).
OVERVIEW = {
    "01_sourcing_density": [
        ("attributions_per_100_words", "attributions per 100 words", "{:.2f}"),
        ("share_body_sentences_with_attribution", "body sentences carrying an attribution", "{:.0%}"),
        ("share_body_chars_in_content", "of the body text is attributed content", "{:.0%}"),
        ("anonymous_share", "of attributions from unnamed sources or officials", "{:.0%}"),
        ("distinct_sources", "distinct sources", "{:.0f}"),
    ],
    "02_hedged_claims": [
        ("hedged_claim_share", "of claims hedged", "{:.0%}"),
        ("hedges_per_100_words", "hedges per 100 words", "{:.2f}"),
        ("boosters_per_100_words", "boosters per 100 words", "{:.2f}"),
        ("hedged_share_attributed", "of attributed claims hedged", "{:.0%}"),
        ("hedged_share_unattributed", "of unattributed claims hedged", "{:.0%}"),
    ],
    "03_party_framing": [("parties_mentioned", "parties mentioned", "{:.0f}")],
}

_INDEX_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:72em;margin:1.5em auto;padding:0 1.2em;color:#222;line-height:1.45}
header .kicker{color:#667;font-size:.9em;margin:0}
h1{font-size:1.6em;margin:.2em 0 .3em 0} h2{font-size:1.2em;margin:1.4em 0 .5em 0}
.overview{display:grid;grid-template-columns:repeat(auto-fit,minmax(17em,1fr));gap:1em}
section.report{border:1px solid #ccd;border-radius:8px;padding:.4em 1.1em 1em 1.1em;background:#f7f8fc}
section.report h2{margin:.5em 0 .6em 0;font-size:1.15em}
section.report ul{list-style:none;padding:0;margin:0}
section.report li{margin:.4em 0;font-size:.95em;display:flex;gap:.7em;align-items:baseline}
section.report li b{flex:0 0 auto;min-width:3.4em;font-size:1.25em;color:#223}
a{color:#1f5fa8} .more{display:inline-block;margin-top:.6em;font-size:.9em}
table.parties{border-collapse:collapse;font-size:.92em;margin:.3em 0}
table.parties th,table.parties td{border-bottom:1px solid #dde;padding:.35em .8em;text-align:right}
table.parties th:first-child,table.parties td:first-child{text-align:left}
table.parties thead th{background:#eef0f7;font-weight:600;vertical-align:bottom}
.note{color:#667;font-size:.85em;max-width:60em}
footer{margin-top:2em;border-top:1px solid #dde;padding-top:.6em;color:#556;font-size:.85em}
footer table{border-collapse:collapse} footer td{padding:.1em .8em .1em 0;vertical-align:top}
footer code{font-size:.95em}
"""


def index_html(results: Sequence[NotebookResult], metrics: Mapping[str, Any], headline: str,
               titles: Mapping[str, str] | None = None, when: str = "", parties: Any = None) -> str:
    """The offline index page: the three measures side by side, each linking to its report, and the provenance.

    The figures, word count and per-party rows come from what the notebooks
    recorded (``metrics["notebooks"]``).
    """
    from html import escape

    titles = titles or {}
    figures = metrics["notebooks"]
    sections = []
    for r in results:
        figs = figures.get(r.name, {})
        items = [f"<li><b>{escape(value)}</b> {escape(label)}</li>" for label, value in _overview_items(r.name, figs)]
        title = titles.get(r.name) or figs.get("title") or r.name
        sections.append(
            f'<section class="report" id="{escape(r.name)}"><h2><a href="{escape(r.name)}.html">{escape(str(title))}</a></h2>'
            f'<ul>{"".join(items)}</ul><a class="more" href="{escape(r.name)}.html">the full report, with the evidence &rarr;</a></section>')
    facts = []
    src = figures.get("01_sourcing_density", {})
    if "words" in src:
        facts.append(f"{int(src['words'])} words in {int(src.get('body_sentences', 0))} body sentences")
    name = metrics["provenance"]["input"]["name"]
    party_table = _party_table(figures, parties)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>presslens: {escape(name)}</title><style>{_INDEX_CSS}</style></head><body>
<header><p class="kicker">presslens report · <code>{escape(name)}</code>{' · ' + escape(facts[0]) if facts else ''}</p>
<h1>{escape(headline)}</h1></header>
<h2>At a glance</h2>
<div class="overview">{''.join(sections)}</div>
{party_table}
<p class="note">Headline and page boilerplate are excluded from every figure. Each report shows the evidence behind its
figures (tables and the article with the counted passages highlighted) and how they were measured.
Every figure is also in <a href="metrics.json">metrics.json</a>.</p>
{provenance_html(metrics["provenance"], when)}
</body></html>
"""


def _overview_items(name: str, figs: Mapping[str, Any]) -> list[tuple[str, str]]:
    items = []
    for key, label, fmt in OVERVIEW.get(name, []):
        value = figs.get(key)
        if isinstance(value, (int, float)) and value == value:
            items.append((label, fmt.format(value)))
    head = figs.get("headline")
    if isinstance(head, Mapping):
        head = list(head.items())
    for label, value in head or []:
        if all(label != shown for shown, _ in items):
            items.append((str(label), str(value)))
    return items


def _party_table(figures: Mapping[str, Any], parties: Any) -> str:
    """One row per party mentioned: the three measures side by side."""
    from html import escape

    framing = figures.get("03_party_framing", {})
    sourcing = figures.get("01_sourcing_density", {})
    hedging = figures.get("02_hedged_claims", {}).get("hedged_share_party", {}) or {}
    ids = [p for p in (parties.ids if parties is not None else []) if (framing.get(f"{p}.mentions") or 0) > 0]
    if not ids:
        return ""

    def pct(v: Any) -> str:
        return f"{v:.0%}" if isinstance(v, (int, float)) and v == v else "–"

    def signed(v: Any) -> str:
        return f"{v:+.2f}" if isinstance(v, (int, float)) and v == v else "–"

    rows = []
    for p in sorted(ids, key=lambda p: -(framing.get(f"{p}.mentions") or 0)):
        hedged = hedging.get(p, {}) if isinstance(hedging, Mapping) else {}
        rows.append(
            f"<tr><td>{escape(parties.label(p))}</td><td>{int(framing.get(f'{p}.mentions') or 0)}</td>"
            f"<td>{pct(framing.get(f'{p}.agent_share'))}</td><td>{pct(framing.get(f'{p}.patient_share'))}</td>"
            f"<td>{signed(framing.get(f'{p}.mean_tone'))}</td>"
            f"<td>{pct(sourcing.get(f'voice_share_{p}', 0.0))}</td>"
            f"<td>{pct(hedged.get('share'))}{' of ' + str(int(hedged['n'])) if hedged.get('n') else ''}</td></tr>")
    return ("<h2>Each party across the three measures</h2>"
            '<table class="parties"><thead><tr><th>party</th><th>mentions</th><th>acts</th><th>acted upon</th>'
            "<th>mean tone<br>(−1…+1)</th><th>attributions it voices</th><th>claims naming it hedged</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _nav_html(current: str, titles: Mapping[str, str]) -> str:
    """Links from a report to the index and to its sibling reports."""
    from html import escape

    links = ['<a href="index.html">&larr; all reports for this article</a>']
    for name, title in titles.items():
        links.append(f"<b>{escape(title)}</b>" if name == current else f'<a href="{escape(name)}.html">{escape(title)}</a>')
    return '<nav class="pl-nav">' + " · ".join(links) + "</nav>"


def provenance_html(prov: Mapping[str, Any], when: str = "", seconds: float | None = None) -> str:
    """The "how this was made" footer of the index and of every report."""
    from html import escape

    inp = prov.get("input") or {}
    par = prov.get("parties") or {}
    rows = [("presslens", escape(str(prov.get("presslens")))),
            (escape(str(inp.get("kind") or "article")),
             f"<code>{escape(str(inp.get('name')))}</code> SHA-256 <code>{escape(str(inp.get('sha256')))}</code>")]
    if par:
        rows.append(("parties", f"<code>{escape(str(par.get('name')))}</code> SHA-256 <code>{escape(str(par.get('sha256')))}</code>"))
    rows.append(("parameters", escape(", ".join(f"{k}={v}" for k, v in (prov.get("parameters") or {}).items()))))
    rows.append(("software", escape(f"Python {prov.get('python')}; " + ", ".join(
        f"{k} {v}" for k, v in (prov.get("packages") or {}).items() if v))))
    if prov.get("attribution_model"):
        card = MODELS[prov["attribution_model"]].card if prov["attribution_model"] in MODELS else "?"
        rows.append(("attribution model", escape(str(prov["attribution_model"]))
                     + f" (<code>--attribution-model</code>; see models/{card})"))
    rows.append(("lexicons and models", "; ".join(
        f"{escape(k)} <code>{escape(v[:12])}</code>" for k, v in (prov.get("resources") or {}).items())))
    if when:
        rows.append(("run", escape(when + (f", {seconds:.1f} s" if seconds is not None else ""))))
    body = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows)
    return f'<footer class="pl-provenance"><b>How this was made</b><table>{body}</table></footer>'
