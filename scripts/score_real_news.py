"""Score presslens on the real-news development set (``../shared/dev-real``): twelve real articles from twelve outlets.

    .venv/bin/python scripts/score_real_news.py [--shared ../shared] [--model default|accurate] [--errors] [--json]

Annotates every article with its parties file (``parties-a.yml`` for 01-06,
``parties-b.yml`` for 11-16), writes the JSONL that ``presslens annotate``
writes, and runs the set's own independent scorer (``dev-real/score.py``).
``--json`` prints the figures ``scripts/build_validation.py`` puts in
VALIDATION.md's real-news section. The articles are third-party news copy:
they are read in place and never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMAND = ".venv/bin/python scripts/score_real_news.py"


def score(shared: Path, model: str = "default", errors: bool = False) -> str:
    """The scorer's report for a fresh annotation of the set."""
    sys.path.insert(0, str(ROOT / "lib"))
    from presslens.document.inputs import read_documents
    from presslens.document.outputs import write_jsonl
    from presslens.framing.parties import load_parties
    from presslens.pipeline import annotate_documents

    dev = shared / "dev-real"
    with tempfile.TemporaryDirectory() as out:
        for prefix, parties in (("0", "parties-a.yml"), ("1", "parties-b.yml")):
            files = sorted(dev.glob(f"{prefix}*.txt"))
            docs = annotate_documents(read_documents(files), load_parties(dev / parties), attribution_model=model)
            for f, doc in zip(files, docs):
                write_jsonl([doc], Path(out) / f"{f.stem}.jsonl")
        cmd = [sys.executable, str(dev / "score.py"), out, "--gold", str(dev / "gold")] + (["--errors"] if errors else [])
        return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def figures(report: str) -> dict:
    """The table rows and counts of the scorer's report, as numbers."""
    out: dict = {"measures": {}}
    for line in report.splitlines():
        m = re.match(r"^(\S.*?\S)\s{2,}(\d+)\s+(\d+)\s+([\d.]+|nan)\s+([\d.]+|nan)\s+([\d.]+|nan)$", line)
        if m:
            name, gold, tool, p, r, f1 = m.groups()
            out["measures"][name] = {"gold": int(gold), "tool": int(tool), "precision": float(p), "recall": float(r),
                                     "f1": float(f1)}
        m = re.match(r"^(source_type accuracy|mention role accuracy).*?(\d+)/(\d+)\s+=\s+([\d.]+)", line)
        if m:
            out["measures"][m.group(1)] = {"right": int(m.group(2)), "n": int(m.group(3)), "accuracy": float(m.group(4))}
        m = re.match(r"^SUMMARY.*headline (\d+)/(\d+), boilerplate (\d+)/(\d+)", line)
        if m:
            out["headline"] = [int(m.group(1)), int(m.group(2))]
            out["boilerplate"] = [int(m.group(3)), int(m.group(4))]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("PRESSLENS_SHARED", str(ROOT.parent / "shared")))
    ap.add_argument("--model", default="default", help="attribution model (default or accurate)")
    ap.add_argument("--errors", action="store_true", help="list every miss and false alarm")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    if not (shared / "dev-real" / "score.py").is_file():
        print(f"score_real_news: {shared / 'dev-real'} not found", file=sys.stderr)
        return 2
    report = score(shared, args.model, args.errors)
    print(json.dumps(figures(report), indent=2) if args.json else report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
