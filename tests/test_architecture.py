"""The package's shape: subpackages by concern, no import cycles, modules a newcomer can read at one sitting."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "lib" / "presslens"
MAX_LINES = 700
MAX_TOP_MODULES = 8


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts or path.is_relative_to(PACKAGE / "notebooks"):
            continue
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    return "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """presslens modules a file imports anywhere (functions included), TYPE_CHECKING blocks aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            skip.update(id(n) for n in ast.walk(node))
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            if not base.startswith("presslens"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in modules else base)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("presslens"):
                    found.add(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import (presslens uses absolute imports)")
    return {m for m in found if m in modules}


def test_no_import_cycles():
    modules = _modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_no_module_over_700_lines():
    long = {name: n for name, path in _modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_analyses_live_in_subpackages():
    top = [p.stem for p in PACKAGE.glob("*.py")]
    assert len(top) <= MAX_TOP_MODULES, top
    for package in ("document", "resources", "syntax", "attribution", "hedging", "framing", "corpus", "report",
                    "evaluate", "training"):
        assert (PACKAGE / package / "__init__.py").is_file(), package


def test_runtime_modules_do_not_import_training_code():
    modules = _modules()
    for name, path in modules.items():
        if not name.startswith("presslens.training"):
            assert not any(m.startswith("presslens.training") for m in _imports(path, modules)), name


def test_notebook_runner_imports_nothing_from_presslens():
    """The runner drives kernels; it must run without loading the annotator."""
    modules = _modules()
    assert _imports(modules["presslens.report.runner"], modules) == set()
