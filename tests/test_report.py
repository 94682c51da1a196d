"""presslens report: executed notebooks, offline HTML, index, metrics, failures."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from conftest import DEFAULT_ARTICLE, PARTIES
from presslens.errors import InputError
from presslens.report import NotebookFailed, discover_notebooks, run_report


def test_report_writes_every_notebook_html_index_and_metrics(report_dir):
    names = [nb.stem for nb in discover_notebooks()]
    for name in names:
        assert (report_dir / f"{name}.ipynb").exists()
        assert (report_dir / f"{name}.html").exists()
    index = (report_dir / "index.html").read_text(encoding="utf-8")
    for name in names:
        assert f'href="{name}.html"' in index
    metrics = json.loads((report_dir / "metrics.json").read_text(encoding="utf-8"))
    prov = metrics["provenance"]
    assert prov["input"]["name"] == DEFAULT_ARTICLE.name and len(prov["input"]["sha256"]) == 64
    assert prov["presslens"] and prov["python"] and prov["packages"]["papermill"]
    assert any(k.startswith("models/") for k in prov["resources"])
    assert set(metrics["notebooks"]) == set(names)
    assert all(metrics["notebooks"][n] for n in names), "every notebook records its figures"


def test_html_is_offline_clean_and_hides_code(report_dir):
    for html_file in report_dir.glob("*.html"):
        html = html_file.read_text(encoding="utf-8")
        assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", html), f"{html_file.name} fetches from the web"
        for noise in ("Traceback", "Warning:", "DeprecationWarning", "it/s]"):
            assert noise not in html, f"{html_file.name} shows {noise!r}"
        if html_file.name != "index.html":
            assert "import presslens" not in html, "code is hidden unless --include-code"


def test_metrics_are_identical_across_runs(report_dir, tmp_path):
    run_report(DEFAULT_ARTICLE, tmp_path, PARTIES, progress=False)
    assert (tmp_path / "metrics.json").read_bytes() == (report_dir / "metrics.json").read_bytes()


def test_bad_input_fails_before_any_kernel(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(InputError, match="only whitespace"):
        run_report(empty, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def test_failing_notebook_names_cell_keeps_notebook_and_leaves_no_html(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("input_path = ''\nparties_path = ''\noutput_dir = '.'")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_code_cell("raise ValueError('boom')")]
    good = nbformat.v4.new_notebook(metadata=nb.metadata, cells=[params, nbformat.v4.new_code_cell("y = 2")])
    src = tmp_path / "nbs"
    src.mkdir()
    nbformat.write(nb, src / "98_broken.ipynb")
    nbformat.write(good, src / "97_fine.ipynb")
    out = tmp_path / "out"
    with pytest.raises(NotebookFailed, match=r"98_broken\.ipynb failed at cell 4 .*ValueError: boom"):
        run_report(DEFAULT_ARTICLE, out, notebooks=sorted(src.glob("*.ipynb")), progress=False)
    assert (out / "98_broken.ipynb").exists()
    assert not list(out.glob("*.html"))
