"""presslens report: executed notebooks, offline HTML with provenance, index, metrics, failures, charts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import nbformat
import pytest

from conftest import DEFAULT_ARTICLE, PARTIES, ROOT
from presslens import __version__
from presslens.errors import InputError, PresslensError
from presslens.report.report_set import NotebookFailed, discover_notebooks
from presslens.report.article import run_report

ARTICLE_NOTEBOOKS = ["01_sourcing_density", "02_hedged_claims", "03_party_framing"]


def reports(report_dir):
    return [report_dir / f"{name}.html" for name in ARTICLE_NOTEBOOKS]


def test_the_article_reports_are_the_three_measures():
    assert [nb.stem for nb in discover_notebooks()] == ARTICLE_NOTEBOOKS


def test_report_writes_every_notebook_html_index_and_metrics(report_dir):
    for name in ARTICLE_NOTEBOOKS:
        nb = nbformat.read(report_dir / f"{name}.ipynb", as_version=4)
        assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), "executed notebook keeps its outputs"
        assert (report_dir / f"{name}.html").exists()
    assert not list(report_dir.glob(".*.part")), "no half-written files left behind"
    index = (report_dir / "index.html").read_text(encoding="utf-8")
    for name in ARTICLE_NOTEBOOKS:
        assert f'href="{name}.html"' in index
    metrics = json.loads((report_dir / "metrics.json").read_text(encoding="utf-8"))
    prov = metrics["provenance"]
    assert prov["presslens"] == __version__
    assert prov["input"] == {"name": DEFAULT_ARTICLE.name, "kind": "article", "sha256": prov["input"]["sha256"]}
    assert re.fullmatch(r"[0-9a-f]{64}", prov["input"]["sha256"])
    assert prov["parties"]["name"] == PARTIES.name and re.fullmatch(r"[0-9a-f]{64}", prov["parties"]["sha256"])
    assert prov["parameters"] == {"input_path": DEFAULT_ARTICLE.name, "parties_path": PARTIES.name, "include_code": False}
    assert prov["python"] and all(prov["packages"][p] for p in ("pandas", "papermill", "nbconvert", "nltk"))
    assert any(k.startswith("models/") for k in prov["resources"]) and any(k.startswith("lexicons/") for k in prov["resources"])
    assert set(metrics["notebooks"]) == set(ARTICLE_NOTEBOOKS)
    assert all(metrics["notebooks"][n] for n in ARTICLE_NOTEBOOKS), "every notebook records its figures"
    assert "seconds" not in json.dumps(metrics) and "started" not in json.dumps(metrics), "timings stay out of metrics.json"
    run = json.loads((report_dir / "run.json").read_text(encoding="utf-8"))
    assert run["seconds_total"] > 0 and set(run["seconds_per_notebook"]) == set(ARTICLE_NOTEBOOKS)


def test_metrics_hold_the_figures_the_reports_show(report_dir):
    metrics = json.loads((report_dir / "metrics.json").read_text(encoding="utf-8"))["notebooks"]
    html = (report_dir / "01_sourcing_density.html").read_text(encoding="utf-8")
    assert f"{metrics['01_sourcing_density']['attributions_per_100_words']:.2f}" in html
    html = (report_dir / "02_hedged_claims.html").read_text(encoding="utf-8")
    assert f"{metrics['02_hedged_claims']['hedged_claim_share']:.0%}" in html


def test_html_is_offline_and_quiet(report_dir):
    for html_file in [*reports(report_dir), report_dir / "index.html"]:
        html = html_file.read_text(encoding="utf-8")
        # Nothing fetched when the page is opened: no external script, style, font or image.
        assert not re.search(r"<script[^>]*\bsrc=", html), f"{html_file.name} loads a script"
        assert not re.search(r"<(link|img|iframe|source)[^>]+(href|src)=[\"']?(https?:)?//", html), html_file.name
        assert not re.search(r"url\(\s*[\"']?(https?:)?//", html), f"{html_file.name} fetches a style resource"
        assert not re.search(r"@import\s", html), html_file.name
        for cdn in ("mathjax", "require.js", "requirejs", "cdnjs", "unpkg", "jsdelivr", "fonts.googleapis"):
            assert cdn not in html.lower(), f"{html_file.name} refers to {cdn}"
        # No warnings, tracebacks, stderr or progress bars in what a reader sees.
        for noise in ("Traceback", "Warning", "warnings.warn", "it/s]", "%|", "\r", "[IPKernelApp]", "Executing"):
            assert noise not in html, f"{html_file.name} shows {noise!r}"
        assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html, f"{html_file.name} shows stderr"


def test_executed_notebooks_hold_no_warnings(report_dir):
    for name in ARTICLE_NOTEBOOKS:
        nb = nbformat.read(report_dir / f"{name}.ipynb", as_version=4)
        streams = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "stream"]
        assert not [o for o in streams if o.name == "stderr"], f"{name}: the kernel wrote to stderr"


def test_code_is_hidden_unless_asked_for(report_dir):
    for html_file in reports(report_dir):
        assert "record_metrics" not in html_file.read_text(encoding="utf-8"), "code is hidden unless --include-code"


def test_include_code_shows_the_code(tmp_path):
    run_report(DEFAULT_ARTICLE, tmp_path, PARTIES, include_code=True, progress=False,
               notebooks=[ROOT / "notebooks" / "02_hedged_claims.ipynb"])
    assert "record_metrics" in (tmp_path / "02_hedged_claims.html").read_text(encoding="utf-8")


def test_every_report_carries_its_provenance(report_dir):
    metrics = json.loads((report_dir / "metrics.json").read_text(encoding="utf-8"))
    prov = metrics["provenance"]
    for html_file in [*reports(report_dir), report_dir / "index.html"]:
        html = html_file.read_text(encoding="utf-8")
        assert 'class="pl-provenance"' in html, f"{html_file.name} lacks its provenance footer"
        for needle in (f"presslens</td><td>{__version__}", DEFAULT_ARTICLE.name, prov["input"]["sha256"],
                       prov["parties"]["sha256"], f"Python {prov['python']}", f"papermill {prov['packages']['papermill']}",
                       "include_code=False", "models/en_ewt_perceptron.json.gz", prov["resources"]["lexicons/hedges.yml"][:12]):
            assert needle in html, f"{html_file.name} lacks {needle!r}"
        if html_file.name != "index.html":
            assert re.search(r'class="pl-runtime">This notebook ran in \d+\.\d s', html), "the run time"


def test_index_sets_the_three_measures_side_by_side(report_dir):
    html = (report_dir / "index.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="report" id="([^"]+)">(.*?)</section>', html, re.S)
    assert [s[0] for s in sections] == ARTICLE_NOTEBOOKS
    for name, body in sections:
        assert len(re.findall(r"<li><b>", body)) >= 1, f"{name}: no headline figure on the index"
    assert "New round of Pakistan-Afghan talks in Istanbul tomorrow" in html, "the article's headline names the page"
    table = re.search(r'<table class="parties">(.*?)</table>', html, re.S)
    assert table, "a per-party table across the measures"
    for label in ("Pakistan", "Afghan Taliban"):
        assert f"<td>{label}</td>" in table.group(1)


def test_reports_link_to_the_index_and_each_other(report_dir):
    for html_file in reports(report_dir):
        html = html_file.read_text(encoding="utf-8")
        assert 'href="index.html"' in html
        for name in ARTICLE_NOTEBOOKS:
            if name != html_file.stem:
                assert f'href="{name}.html"' in html


def test_metrics_are_identical_across_runs(report_dir, tmp_path):
    run_report(DEFAULT_ARTICLE, tmp_path, PARTIES, progress=False, jobs=1)
    assert (tmp_path / "metrics.json").read_bytes() == (report_dir / "metrics.json").read_bytes()
    assert (tmp_path / "run.json").read_bytes() != (report_dir / "run.json").read_bytes()


BAD_INPUTS = {
    "missing.txt": None,
    "empty.txt": b"  \n",
    "latin1.txt": "Caf\xe9 talks resumed on Monday, officials said.".encode("latin-1"),
    "binary.txt": b"\x00\x01\x02\x03" * 100,
}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_fails_before_any_kernel_with_annotates_error(tmp_path, name):
    bad = tmp_path / name
    if BAD_INPUTS[name] is not None:
        bad.write_bytes(BAD_INPUTS[name])
    cli = [sys.executable, "-m", "presslens"]
    annotate = subprocess.run([*cli, "annotate", str(bad), "--out", str(tmp_path / "a.jsonl")],
                              capture_output=True, text=True, cwd=ROOT)
    report = subprocess.run([*cli, "report", str(bad), "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, cwd=ROOT)
    assert report.returncode == annotate.returncode == 2
    assert report.stderr == annotate.stderr and len(report.stderr.strip().splitlines()) == 1, report.stderr
    assert name in report.stderr
    assert not (tmp_path / "out").exists(), "nothing written (and no kernel started) for bad input"


def test_bad_parties_file_fails_before_any_kernel(tmp_path):
    parties = tmp_path / "parties.yml"
    parties.write_text("parties: [unclosed\n", encoding="utf-8")
    with pytest.raises(PresslensError, match="parties.yml"):
        run_report(DEFAULT_ARTICLE, tmp_path / "out", parties, progress=False)
    assert not (tmp_path / "out").exists()


def test_a_corpus_is_not_an_article(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text('{"id": "a", "text": "Officials said talks resumed."}\n'
                      '{"id": "b", "text": "Sources said talks would resume."}\n', encoding="utf-8")
    with pytest.raises(InputError, match="one article"):
        run_report(corpus, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def _notebook(*sources: str):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("input_path = ''\nparties_path = ''\noutput_dir = '.'\nannotations_path = ''")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# A test report"), params, *map(nbformat.v4.new_code_cell, sources)]
    return nb


def test_failing_notebook_names_cell_keeps_notebook_and_leaves_no_html(tmp_path):
    src = tmp_path / "nbs"
    src.mkdir()
    nbformat.write(_notebook("x = 1", "raise ValueError('boom')", "y = 2"), src / "98_broken.ipynb")
    nbformat.write(_notebook("y = 2"), src / "97_fine.ipynb")
    out = tmp_path / "out"
    out.mkdir()
    (out / "97_fine.html").write_text("from an earlier run", encoding="utf-8")
    with pytest.raises(NotebookFailed, match=r"98_broken\.ipynb failed at cell \d+ .*ValueError: boom"):
        run_report(DEFAULT_ARTICLE, out, notebooks=sorted(src.glob("*.ipynb")), progress=False)
    kept = nbformat.read(out / "98_broken.ipynb", as_version=4)
    errors = [o for c in kept.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and errors[0]["evalue"] == "boom", "the executed notebook keeps the error for inspection"
    assert not list(out.glob("*.html")) and not list(out.glob(".*.part")), "no partial HTML"
    assert not (out / "metrics.json").exists()


def test_failing_notebook_exits_non_zero_from_the_command_line(tmp_path, monkeypatch):
    from presslens import cli
    from presslens.report import article as report

    src = tmp_path / "nbs"
    src.mkdir()
    nbformat.write(_notebook("1 / 0"), src / "99_divides.ipynb")
    monkeypatch.setattr(report, "NOTEBOOK_DIR", src)
    monkeypatch.setattr(report, "discover_notebooks", lambda: [src / "99_divides.ipynb"])
    code = cli.main(["report", str(DEFAULT_ARTICLE), "--out", str(tmp_path / "out"), "--quiet"])
    assert code != 0


def test_annotation_failure_stops_the_report(tmp_path, monkeypatch):
    from presslens import pipeline

    def broken(docs, config=None, **kwargs):
        raise RuntimeError("model file damaged")

    monkeypatch.setattr(pipeline, "annotate_documents", broken)  # the forked annotator inherits it
    nb = ROOT / "notebooks" / "02_hedged_claims.ipynb"
    with pytest.raises(PresslensError, match="annotation failed: RuntimeError: model file damaged"):
        run_report(DEFAULT_ARTICLE, tmp_path, PARTIES, notebooks=[nb], progress=False)
    assert not list(tmp_path.glob("*.html")) and not (tmp_path / "metrics.json").exists()


# --- charts ----------------------------------------------------------------------
def _svg(chart):
    root = ET.fromstring(chart.svg)  # well-formed XML, or this raises
    assert root.tag.endswith("svg") and float(root.get("width")) > 100 and float(root.get("height")) > 50
    return root


def test_charts_are_wellformed_svg_with_escaped_labels():
    import pandas as pd

    from presslens.report import plots

    evil = '<script>alert("x")</script> & co'
    charts = [
        plots.bar_shares([evil, "b"], [0.4, float("nan")], "Shares & more"),
        plots.bar_shares(["a"], [2.5], "Per 100 words", percent=False),
        plots.per_paragraph(pd.DataFrame({"n": [0, 2, 1]}), "n", "Per paragraph", "attributions"),
        plots.stacked_shares(pd.DataFrame({"p": [evil], "agent": [0.5], "patient": [0.25], "other": [0.25]}), "p",
                             ["agent", "patient", "other"], "Roles"),
        plots.heatmap(pd.DataFrame([[0.5, float("nan")]], index=[evil], columns=["x", "y"]), "Frames"),
        plots.diverging_bars([evil, "b"], [-0.4, float("nan")], "Tone", "mean tone", counts=[3, 0]),
        plots.position_strip([0.1, 0.9], ["a", "b"], "Where"),
    ]
    for chart in charts:
        _svg(chart)
        assert "<script" not in chart.svg
    assert "&lt;script&gt;" in charts[0].svg and "&amp; co" in charts[0].svg
    assert "n/a" in charts[0].svg and "n/a" in charts[5].svg


def test_chart_bars_are_proportional_to_values():
    from presslens.report import plots

    root = _svg(plots.bar_shares(["a", "b"], [0.2, 0.4], "t"))
    widths = [float(r.get("width")) for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.find("{http://www.w3.org/2000/svg}title") is not None]
    assert len(widths) == 2 and widths[1] == pytest.approx(2 * widths[0], rel=0.02)


def test_show_displays_svg_and_matplotlib_figures(monkeypatch):
    import IPython.display

    from presslens.report import plots

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj))
    plots.show(plots.bar_shares(["a"], [0.5], "t"))
    assert isinstance(shown[-1], IPython.display.SVG)
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt

    fig, _ = plt.subplots()
    plots.show(fig)
    assert isinstance(shown[-1], IPython.display.Image)


def test_a_report_without_parties_file_detects_them_and_says_so(detected_report):
    """The first-hour bar: no --parties, exit 0, parties.yml in the folder, the framing page drawn with it."""
    from presslens.framing.parties import PartyConfig

    out, printed = detected_report
    cfg = PartyConfig.from_file(out / "parties.yml")
    assert {"pakistan", "afghan_taliban"} <= set(cfg.ids)
    assert {"Pakistan", "Islamabad", "Pakistani"} <= {a for a, _ in cfg.parties["pakistan"].aliases}
    assert {"Afghan Taliban", "Taliban", "Kabul"} <= {a for a, _ in cfg.parties["afghan_taliban"].aliases}
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["provenance"]["parties"]["detected"] is True
    framing = metrics["notebooks"]["03_party_framing"]
    assert framing["pakistan.mentions"] == 12 and framing["afghan_taliban.mentions"] > 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "Parties detected, not chosen" in index and "--parties parties.yml" in index
    assert not re.search(r"\b0 parties\b|>0</b> parties", index)
    page = (out / "03_party_framing.html").read_text(encoding="utf-8")
    assert "Parties detected, not chosen" in page and page.index("Parties detected") < page.index("Headline figures")
    assert "Afghan Taliban" in page and "parties_path" not in page.split("How this was made")[0]
    assert "parties.yml" in printed and "--parties" in printed


def test_report_output_off_a_terminal_is_quiet(detected_report):
    """No progress bar, escape code, warning, kernel chatter or traceback when the output is not a terminal."""
    _, printed = detected_report
    for noise in ("\x1b[", "\r", "WARNING", "Warning", "TCP", "Traceback", "%|", "it/s", "cell/s"):
        assert noise not in printed, f"{noise!r} in {printed!r}"
    assert printed.strip().splitlines()[0].startswith("3 report(s) written")


def test_a_second_run_never_overwrites_an_edited_parties_file(detected_report, tmp_path):
    import shutil

    from presslens.report.report_set import check_proposal_target

    out, _ = detected_report
    assert check_proposal_target(out) == out / "parties.yml"  # as presslens wrote it: proposed again
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / "parties.yml").write_text((copy / "parties.yml").read_text(encoding="utf-8") + "# edited\n",
                                      encoding="utf-8")
    with pytest.raises(PresslensError, match="--parties"):
        check_proposal_target(copy)
