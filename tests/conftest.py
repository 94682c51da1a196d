"""Shared fixtures: paths to the repository, the default article and ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLE = ROOT / "data" / "articles" / "pakistan-afghan-istanbul-talks.txt"
PARTIES = ROOT / "data" / "parties" / "pakistan-afghanistan.yml"
# CI lays ../shared beside the clone; PRESSLENS_SHARED points elsewhere.
SHARED = Path(os.environ.get("PRESSLENS_SHARED", ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with a message when absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"reference data not available: {path} (set PRESSLENS_SHARED to its folder)")
    return path


@pytest.fixture(scope="session")
def default_doc():
    import presslens

    return presslens.annotate_paths([DEFAULT_ARTICLE])[0]


@pytest.fixture(scope="session")
def gold():
    import json

    # A copy of ../shared/gold kept as a fixture, so these tests run without ../shared.
    return json.loads((ROOT / "tests" / "fixtures" / "pakistan-afghan-istanbul-talks.gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def report_dir(tmp_path_factory):
    """The full report set for the default article, built once per test run."""
    from presslens.report.article import run_report

    out = tmp_path_factory.mktemp("report")
    run_report(DEFAULT_ARTICLE, out, PARTIES, progress=False)
    return out


@pytest.fixture(scope="session")
def detected_report(tmp_path_factory):
    """``presslens report`` on the default article without --parties, as a user runs it with output to a file.

    Returns the report folder and what the command printed (stdout and stderr together).
    """
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("detected") / "report"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
    done = subprocess.run([sys.executable, "-m", "presslens", "report", str(DEFAULT_ARTICLE), "--out", str(out)],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                          env=env, cwd=ROOT)
    assert done.returncode == 0, done.stdout[-3000:]
    return out, done.stdout


@pytest.fixture(scope="session")
def corpus_report_dir(tmp_path_factory):
    """The corpus report of the shipped sample corpus (12 articles, four outlets), with the project's parties file."""
    from presslens.report.corpus_report import run_corpus_report

    out = tmp_path_factory.mktemp("corpus") / "corpus-sample"
    run_corpus_report(ROOT / "data" / "corpora" / "sample" / "articles.jsonl", out, PARTIES, progress=False)
    return out
