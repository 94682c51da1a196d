"""Committed notebooks are clean sources: no outputs, a parameters cell, in sync, and they run."""

from __future__ import annotations

import json

import jupytext
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_there_are_report_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no NN_name.ipynb report notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert cells[0]["cell_type"] == "markdown", "first cell says what the notebook shows and how to run it"
    assert "papermill" in "".join(cells[0]["source"]) or "presslens report" in "".join(cells[0]["source"])
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "committed with outputs"
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    params = "".join(tagged[0]["source"])
    for name in ("input_path", "parties_path", "output_dir"):
        assert name in params


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_matches_its_percent_script(path):
    script = path.with_suffix(".py")
    assert script.exists(), f"{script.name} (jupytext percent format) is missing"
    from_ipynb = jupytext.read(path)
    from_py = jupytext.read(script)
    assert [(c.cell_type, c.source.strip()) for c in from_ipynb.cells] == [
        (c.cell_type, c.source.strip()) for c in from_py.cells
    ], f"{path.name} and {script.name} differ: run `jupytext --sync {script}`"
