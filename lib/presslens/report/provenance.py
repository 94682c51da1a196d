"""Provenance: what a reader needs to reproduce a report, in ``metrics.json`` and in every page's footer.
"""

from __future__ import annotations


import platform
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from presslens.attribution.registry import DEFAULT_MODEL, MODELS
from presslens.resources.files import LEXICON_DIR, MODEL_DIR
from presslens.resources.hashing import file_sha256, input_sha256
from presslens.report.runner import Job, Outcome, run_notebooks, to_html, warm_up  # noqa: F401 - to_html is part of the API

KEY_PACKAGES = ("nltk", "numpy", "pandas", "pyarrow", "pyyaml", "trafilatura", "papermill", "nbconvert", "nbclient",
                "ipykernel", "matplotlib")


def resource_versions() -> dict[str, str]:
    """SHA-256 of every shipped lexicon and model file, by name."""
    out = {}
    for folder in (LEXICON_DIR, MODEL_DIR):
        if folder.is_dir():
            for f in sorted(folder.rglob("*")):
                if f.is_file() and f.suffix in {".yml", ".yaml", ".csv", ".txt", ".json", ".gz"} \
                        and "__pycache__" not in f.parts:
                    out[f"{folder.name}/{f.relative_to(folder).as_posix()}"] = file_sha256(f)[:16]
    return out


def provenance(input_path: Path, parties_path: Path | None, parameters: Mapping[str, Any],
               kind: str = "article", attribution_model: str = DEFAULT_MODEL) -> dict[str, Any]:
    """What a reader needs to reproduce a report, and nothing that varies run to run.

    ``kind`` names the input in the footer: ``article``, ``corpus`` or
    ``annotations`` (a folder written by ``presslens annotate``).
    """
    from presslens import __version__

    packages = {}
    for name in KEY_PACKAGES:
        try:
            packages[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name] = None
    return {
        "presslens": __version__,
        "input": {"name": input_path.name, "kind": kind, "sha256": input_sha256(input_path)},
        "parties": {"name": parties_path.name, "sha256": file_sha256(parties_path)} if parties_path else None,
        "parameters": dict(parameters),
        "resources": resource_versions(),
        "attribution_model": attribution_model,
        "python": platform.python_version(),
        "packages": packages,
    }


def provenance_html(prov: Mapping[str, Any], when: str = "", seconds: float | None = None) -> str:
    """The "how this was made" footer of the index and of every report."""
    from html import escape

    inp = prov.get("input") or {}
    par = prov.get("parties") or {}
    rows = [("presslens", escape(str(prov.get("presslens")))),
            (escape(str(inp.get("kind") or "article")),
             f"<code>{escape(str(inp.get('name')))}</code> SHA-256 <code>{escape(str(inp.get('sha256')))}</code>")]
    if par.get("detected"):
        rows.append(("parties", f"<code>{escape(str(par.get('name')))}</code> in this folder, detected by presslens "
                                "from the text (no parties file was given)"))
    elif par:
        rows.append(("parties", f"<code>{escape(str(par.get('name')))}</code> SHA-256 <code>{escape(str(par.get('sha256')))}</code>"))
    rows.append(("parameters", escape(", ".join(f"{k}={v}" for k, v in (prov.get("parameters") or {}).items()))))
    rows.append(("software", escape(f"Python {prov.get('python')}; " + ", ".join(
        f"{k} {v}" for k, v in (prov.get("packages") or {}).items() if v))))
    if prov.get("attribution_model"):
        card = MODELS[prov["attribution_model"]].card if prov["attribution_model"] in MODELS else "?"
        rows.append(("attribution model", escape(str(prov["attribution_model"]))
                     + f" (<code>--attribution-model</code>; see models/{card})"))
    rows.append(("lexicons and models", "; ".join(
        f"{escape(k)} <code>{escape(v[:12])}</code>" for k, v in (prov.get("resources") or {}).items())))
    if when:
        rows.append(("run", escape(when + (f", {seconds:.1f} s" if seconds is not None else ""))))
    body = "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows)
    return f'<footer class="pl-provenance"><b>How this was made</b><table>{body}</table></footer>'
