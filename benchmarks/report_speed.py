#!/usr/bin/env python3
"""Whole `presslens report` on the default article against its floor.

Run: .venv/bin/python benchmarks/report_speed.py [--repeat N]

The floor is what papermill and nbconvert cost by themselves: the same
number of trivial notebooks (one parameters cell, one `x = 1` cell) executed
with the same parallelism and converted to HTML in the same run. The target
of issue 6 is a ratio of at most 1.5.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from concurrent.futures import ProcessPoolExecutor

from presslens.report import _execute, discover_notebooks, run_report, to_html

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "data" / "articles" / "pakistan-afghan-istanbul-talks.txt"
PARTIES = ROOT / "data" / "parties" / "pakistan-afghanistan.yml"


def trivial_notebooks(folder: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        params = nbformat.v4.new_code_cell("input_path = ''\nparties_path = ''\noutput_dir = '.'")
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params, nbformat.v4.new_code_cell("x = 1")]
        path = folder / f"{i:02d}_trivial.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def floor_run(notebooks: list[Path], out: Path) -> None:
    """papermill + nbconvert only: the same parallel execution and HTML, no presslens work."""
    out.mkdir(parents=True, exist_ok=True)
    params = {"input_path": "", "parties_path": "", "output_dir": str(out)}
    with ProcessPoolExecutor(max_workers=min(2, len(notebooks))) as pool:
        futures = [pool.submit(_execute, str(nb), str(out / nb.name), params, str(nb.parent), str(out / f"{nb.stem}.log"))
                   for nb in notebooks]
        for fut in futures:
            assert fut.result()[1] is None
    for nb in notebooks:
        (out / f"{nb.stem}.html").write_text(to_html(out / nb.name), encoding="utf-8")


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n = len(discover_notebooks())
    full, floor = [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        trivial = trivial_notebooks(tmp, n)
        for r in range(args.repeat):
            floor.append(timed(lambda: floor_run(trivial, tmp / f"floor{r}")))
            full.append(timed(lambda: run_report(ARTICLE, tmp / f"full{r}", PARTIES, progress=False)))
    f, fl = statistics.median(full), statistics.median(floor)
    print(f"{n} notebooks, median of {args.repeat} runs, 2 cores")
    print(f"presslens report:        {f:.2f} s")
    print(f"floor (trivial nbs):     {fl:.2f} s")
    print(f"ratio report / floor:    {f / fl:.2f}  (target <= 1.5)")


if __name__ == "__main__":
    main()
