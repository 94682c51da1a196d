#!/usr/bin/env python3
"""Whole `presslens report` on the default article against its floor.

Run: .venv/bin/python benchmarks/report_speed.py [--repeat N] [--jobs N]

Both sides run as fresh processes, as a researcher runs them, alternating
so that a change in the machine's load hits both alike:

- the report: ``presslens report ARTICLE --parties PARTIES --quiet``, every
  article-scope notebook, its HTML, index and metrics;
- the floor: the same number of trivial notebooks (a parameters cell taking
  the same parameters, one ``x = 1`` cell) executed by papermill and
  rendered by nbconvert through the very code the report uses
  (``presslens/notebook_runner.py``: same kernels, same parallelism, same
  template), loaded on its own so that the floor process does not even
  import presslens or pandas.

The ratio report / floor is what presslens adds on top of papermill and
nbconvert; issue 6 asks for at most 1.5. CPU seconds (this process's
children, kernels included) are printed too: on a loaded machine they are
steadier than wall time.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "data" / "articles" / "pakistan-afghan-istanbul-talks.txt"
PARTIES = ROOT / "data" / "parties" / "pakistan-afghanistan.yml"
RUNNER = ROOT / "lib" / "presslens" / "report" / "runner.py"
PARAMETERS = ("input_path", "parties_path", "output_dir", "annotations_path")


def _runner():
    """presslens/report/runner.py as a module of its own (it imports nothing from presslens)."""
    spec = importlib.util.spec_from_file_location("notebook_runner", RUNNER)
    module = importlib.util.module_from_spec(spec)
    sys.modules["notebook_runner"] = module
    spec.loader.exec_module(module)
    return module


def trivial_notebooks(folder: Path, n: int) -> list[Path]:
    """``n`` notebooks of one parameters cell and one ``x = 1`` cell, written as plain JSON."""
    paths = []
    for i in range(n):
        params = {"cell_type": "code", "execution_count": None, "metadata": {"tags": ["parameters"]}, "outputs": [],
                  "source": "\n".join(f"{p} = ''" for p in PARAMETERS), "id": f"p{i}"}
        code = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": "x = 1", "id": f"c{i}"}
        nb = {"cells": [params, code], "nbformat": 4, "nbformat_minor": 5,
              "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}
        path = folder / f"{i:02d}_trivial.ipynb"
        path.write_text(json.dumps(nb), encoding="utf-8")
        paths.append(path)
    return paths


def floor_run(folder: Path, n: int, jobs: int) -> None:
    """The floor itself (run in a fresh process by ``--floor``)."""
    runner = _runner()
    src, out = folder / "src", folder / "out"
    src.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    params = {p: str(out) for p in PARAMETERS}
    jobs_list = [runner.Job(nb, out / nb.name, out / f"{nb.stem}.html", params, src, out / f"{nb.stem}.log")
                 for nb in trivial_notebooks(src, n)]
    failed = [o for o in runner.run_notebooks(jobs_list, jobs) if o.error]
    if failed:
        sys.exit(f"floor notebook failed: {failed[0].name}: {failed[0].error}")


def timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, all descendants) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=None, help="kernels at once, both sides (default: the report's default)")
    ap.add_argument("--floor", metavar="DIR", help=argparse.SUPPRESS)
    ap.add_argument("-n", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.floor:
        floor_run(Path(args.floor), args.n, args.jobs)
        return

    from presslens.report.report_set import default_jobs, discover_notebooks

    n = len(discover_notebooks())
    jobs = args.jobs or default_jobs(n)
    py = sys.executable
    full, floor = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeat):
            floor.append(timed([py, __file__, "--floor", f"{tmp}/floor{r}", "-n", str(n), "--jobs", str(jobs)]))
            full.append(timed([py, "-m", "presslens", "report", str(ARTICLE), "--parties", str(PARTIES),
                               "--out", f"{tmp}/full{r}", "--jobs", str(jobs), "--quiet"]))
    f, fl = statistics.median(w for w, _ in full), statistics.median(w for w, _ in floor)
    fc, flc = statistics.median(c for _, c in full), statistics.median(c for _, c in floor)
    print(f"{n} notebooks, {jobs} kernels at once, median of {args.repeat} alternating runs, {os.cpu_count()} cores")
    print(f"presslens report:        {f:.2f} s  ({fc:.2f} CPU-s)")
    print(f"floor (trivial nbs):     {fl:.2f} s  ({flc:.2f} CPU-s)")
    print(f"ratio report / floor:    {f / fl:.2f}  (target <= 1.5; CPU ratio {fc / flc:.2f})")
    print("all runs (wall s): report " + " ".join(f"{w:.2f}" for w, _ in full)
          + " | floor " + " ".join(f"{w:.2f}" for w, _ in floor))


if __name__ == "__main__":
    main()
