"""Peak memory of ``presslens annotate CORPUS --out FILE.jsonl`` on many tiny documents.

The command streams: it reads, annotates and writes a batch of documents at
a time, so its memory is bounded by a batch, not by the corpus. Issue 21's
bar: 20,000 tiny documents under 1 GB peak.

    python benchmarks/annotate_memory.py                # 20,000 documents
    python benchmarks/annotate_memory.py --docs 2000    # a quick look

Prints the documents, seconds, peak resident memory of the command (its
``ru_maxrss``, as ``/usr/bin/time -v`` reports it) and checks the output has
one line per document.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = [
    "Officials said the talks could resume next week.",
    "The minister told reporters that a deal was possible.",
    "According to diplomats, the envoys may meet again.",
    "Analysts expect the ceasefire to hold.",
]


def write_corpus(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            text = f"Talks {i}\n\n{SENTENCES[i % 4]} {SENTENCES[(i + 1) % 4]}"
            fh.write(json.dumps({"id": f"doc-{i}", "text": text, "outlet": f"outlet-{i % 7}"}) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--limit-gb", type=float, default=1.0, help="fail above this peak (default 1 GB)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "tiny.jsonl"
        out = Path(tmp) / "out.jsonl"
        write_corpus(corpus, args.docs)
        env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "presslens", "annotate", str(corpus), "--out", str(out), "--quiet"],
                       env=env, check=True)
        seconds = time.perf_counter() - t0
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
        with open(out, encoding="utf-8") as fh:
            lines = sum(1 for _ in fh)
    peak_gb = peak_kb / 1024 / 1024
    print(f"{args.docs:,} documents in {seconds:.0f} s ({args.docs / seconds:.0f}/s): peak {peak_kb / 1024:,.0f} MB; "
          f"{lines:,} output lines")
    ok = lines == args.docs and peak_gb < args.limit_gb
    print("ok" if ok else f"FAIL (limit {args.limit_gb} GB, {args.docs} lines expected)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
