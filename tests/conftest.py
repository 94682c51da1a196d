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
def story_dir(tmp_path_factory):
    """The README's `presslens compare` command on the six invented Oslo articles (data/validation/story),
    written once per test run."""
    return _readme_report(tmp_path_factory, lambda a: True, command="compare")[0]


def readme_commands() -> list[list[str]]:
    """The commands of the README's ``bash`` blocks, one argument list each (in the README's order)."""
    import re
    import shlex

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [shlex.split(line) for block in re.findall(r"```bash\n(.*?)```", text, re.S)
            for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def run_readme_command(argv: list[str], cwd: Path):
    """Run a README ``.venv/bin/presslens`` command as a user would, in ``cwd`` (where ``data`` is the
    repository's), with this checkout's presslens; stdout and stderr together, no terminal."""
    import subprocess
    import sys

    assert argv[0] == ".venv/bin/presslens", argv
    if not (cwd / "data").exists():
        (cwd / "data").symlink_to(ROOT / "data")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
    return subprocess.run([sys.executable, "-m", "presslens", *argv[1:]], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, env=env, cwd=cwd)


def _readme_report(tmp_path_factory, wanted, command: str = "report") -> tuple[Path, str]:
    argv = next(a for a in readme_commands() if a[:2] == [".venv/bin/presslens", command] and wanted(a))
    cwd = tmp_path_factory.mktemp("readme")
    done = run_readme_command(argv, cwd)
    assert done.returncode == 0, done.stdout[-3000:]
    return cwd / argv[argv.index("--out") + 1], done.stdout


@pytest.fixture(scope="session")
def detected_report(tmp_path_factory):
    """The README's "your own article" command: the default article without --parties, output not a terminal.

    Returns the report folder and what the command printed (stdout and stderr together).
    """
    return _readme_report(tmp_path_factory, lambda a: "--parties" not in a and a[2].endswith(".txt"))


@pytest.fixture(scope="session")
def corpus_report_dir(tmp_path_factory):
    """The README's corpus command: the shipped sample corpus (12 articles, four outlets)."""
    return _readme_report(tmp_path_factory, lambda a: a[2].endswith(".jsonl"))[0]
