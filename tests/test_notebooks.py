"""Committed notebooks are clean, thin sources: no outputs, a parameters cell, in sync with their .py, and they run."""

from __future__ import annotations

import ast
import json

import jupytext
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: A notebook only calls, displays and explains; logic of its own belongs in presslens.
MAX_CODE_LINES = 160
MAX_FUNCTION_LINES = 8


def test_there_are_report_notebooks():
    names = {p.stem for p in NOTEBOOKS}
    assert {"01_sourcing_density", "02_hedged_claims", "03_party_framing"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert cells[0]["cell_type"] == "markdown", "first cell says what the notebook shows and how to run it"
    intro = "".join(cells[0]["source"])
    assert intro.lstrip().startswith("# "), "the first cell opens with the notebook's title"
    assert "papermill" in intro or "presslens report" in intro, "the first cell says how to run it headlessly"
    assert len(intro.split()) >= 30, "the first cell says what the notebook shows"
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "committed with outputs"
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    params = "".join(tagged[0]["source"])
    for name in ("input_path", "parties_path", "output_dir"):
        assert name in params


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = "\n\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    lines = [line for line in code.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert len(lines) <= MAX_CODE_LINES, f"{len(lines)} lines of code: move logic into presslens"
    for node in ast.walk(ast.parse(code)):
        assert not isinstance(node, ast.ClassDef), f"class {node.name} belongs in presslens"
        if isinstance(node, ast.FunctionDef):
            size = node.end_lineno - node.lineno
            assert size <= MAX_FUNCTION_LINES, f"function {node.name} ({size} lines) belongs in presslens"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_matches_its_percent_script(path):
    script = path.with_suffix(".py")
    assert script.exists(), f"{script.name} (jupytext percent format) is missing"
    from_ipynb = jupytext.read(path)
    from_py = jupytext.read(script)
    assert [(c.cell_type, c.source.strip()) for c in from_ipynb.cells] == [
        (c.cell_type, c.source.strip()) for c in from_py.cells
    ], f"{path.name} and {script.name} differ: run `jupytext --to ipynb --update {script}`"
    tags = [c.metadata.get("tags", []) for c in from_ipynb.cells]
    assert tags == [c.metadata.get("tags", []) for c in from_py.cells], "cell tags differ"


@pytest.fixture(scope="module")
def default_runs(tmp_path_factory):
    """Every notebook executed with its default parameters (only output_dir moved out of the repository)."""
    from presslens.report.runner import Job, run_notebooks

    out = tmp_path_factory.mktemp("default-runs")
    jobs = [Job(nb, out / nb.name, None, {"output_dir": str(out / nb.stem)}, nb.parent, out / f"{nb.stem}.log")
            for nb in NOTEBOOKS]
    return {o.name: o for o in run_notebooks(jobs, parallel=2)}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_with_its_defaults(path, default_runs):
    outcome = default_runs[path.stem]
    assert outcome.error is None, f"{path.name} fails with its defaults: {outcome.error}"
    nb = json.loads(outcome.executed.read_text(encoding="utf-8"))
    shown = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert shown, f"{path.name} shows nothing"
    assert not [o for o in shown if o.get("output_type") == "error"]
