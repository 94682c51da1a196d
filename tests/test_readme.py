"""The README: short, the two commands first, and every command it shows run here."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import ROOT, readme_commands, run_readme_command

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _tasks():
    """tasks.py, loaded from the checkout (it is a script, not a module on the path)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("presslens_tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_is_short_with_the_two_commands_first():
    lines = README.splitlines()
    assert len(lines) <= 150
    first = "\n".join(lines[:60])
    assert "python3 tasks.py report" in first and "python3 tasks.py test" in first
    assert readme_commands()[:2] == [["python3", "tasks.py", "report"], ["python3", "tasks.py", "test"]]


def test_readme_links_and_picture_exist():
    for target in re.findall(r"\]\(([^)#]+)\)", README):
        assert (ROOT / target).is_file(), target
    assert (ROOT / "docs" / "parties.md").is_file() and (ROOT / "docs" / "report-framing.png").stat().st_size > 10_000


def test_every_command_the_readme_shows_is_a_real_one():
    tasks = _tasks()
    inline = re.findall(r"`((?:python3 tasks\.py|\.venv/bin/presslens|presslens) [^`]*)`", README)
    for cmd in [" ".join(a) for a in readme_commands()] + inline:
        argv = cmd.split()
        if argv[0] == "python3":
            assert argv[1] == "tasks.py" and argv[2] in tasks.COMMANDS, cmd
        else:
            sub = argv[1]
            from presslens.cli import build_parser

            choices = build_parser()._subparsers._group_actions[0].choices
            assert sub in choices or sub.startswith("--"), cmd


def test_the_worked_example_runs_as_written(tmp_path):
    """The parties proposal, then the report given it back (the other README commands run as fixtures)."""
    commands = [a for a in readme_commands() if a[0] == ".venv/bin/presslens"]
    parties = next(a for a in commands if a[1] == "parties")
    given = next(a for a in commands if a[1] == "report" and "--parties" in a and a[a.index("--parties") + 1] == parties[-1])
    for argv in (parties, given, [".venv/bin/presslens", "--help"]):
        done = run_readme_command(argv, tmp_path)
        assert done.returncode == 0, done.stdout[-2000:]
    out = tmp_path / given[given.index("--out") + 1]
    assert (out / "index.html").is_file() and not (out / "parties.yml").exists(), "the given file is used"
    assert "parties.yml" not in (out / "index.html").read_text(encoding="utf-8").split("How this was made")[0]


def test_readme_commands_of_the_article_and_the_corpus(detected_report, corpus_report_dir):
    # Both fixtures are README commands: run once for this test, the report tests and the browser tests.
    assert (detected_report[0] / "index.html").is_file() and (corpus_report_dir / "index.html").is_file()


def test_python3_tasks_py_report_as_written():
    """Run where `python3 tasks.py test` set up .venv (CI); elsewhere it would first build the environment."""
    import shutil

    tasks = _tasks()
    if not tasks.STAMP.exists():
        pytest.skip("no .venv/ set up by tasks.py here: `python3 tasks.py report` would install it first")
    done = subprocess.run([shutil.which("python3") or sys.executable, "tasks.py", "report"], cwd=ROOT,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout[-1000:] + done.stderr[-2000:]
    assert (ROOT / "reports" / "pakistan-afghan-istanbul-talks" / "index.html").is_file()
    for noise in ("WARNING", "Traceback", "\x1b["):
        assert noise not in done.stdout + done.stderr
