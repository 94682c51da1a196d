#!/usr/bin/env python3
"""Corpus-mode throughput: words/s on one core, speed-up with 2 Dask workers, peak memory, ratio to the floor.

Run: .venv/bin/python benchmarks/corpus_throughput.py [--docs 10000] [--jobs 2] [--partition-size 200]

Builds a corpus from the PolNeAR article texts in ../shared/data/polnear
(replicated, ids made unique, to ``--docs`` documents) as a temporary JSONL
file, then runs ``presslens annotate CORPUS --out DIR.parquet`` end to end
(reading, annotation, measures, Parquet writing) as a child process:

1. ``--jobs 1`` (in-process pandas, one core);
2. ``--jobs N`` (a local Dask cluster of N single-threaded worker processes).

Both wall-clock and CPU seconds are reported: on a shared machine the CPU
seconds (of the command and every process it waited for) say what the work
costs, and the ratio to the floor is taken on both. Peak resident memory is sampled every 0.2 s over the whole process tree
with psutil (a dependency of distributed): the main process and the largest
worker separately. The floor is bare tokenisation of the same corpus in this
process (Punkt sentences + word tokens, as in benchmarks/annotate_speed.py);
words are the word tokens the floor counts. Wall-clock times include start-up
(model loading, cluster start), so they are what a user waits.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PRESSLENS_SHARED", ROOT.parent / "shared"))


def build_corpus(path: Path, n_docs: int) -> int:
    """Write ``n_docs`` PolNeAR texts (cycled) to ``path`` as JSONL; returns the distinct articles used."""
    files = sorted((SHARED / "data" / "polnear").glob("*/text/*.txt"))
    if not files:
        sys.exit(f"PolNeAR texts not found under {SHARED / 'data' / 'polnear'} (set PRESSLENS_SHARED)")
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n_docs):
            f = files[i % len(files)]
            # Outlet by copy number, so the measures table has groups to compare.
            row = {"id": f"{f.stem}-{i // len(files)}", "outlet": f"copy-{i // len(files) % 4}",
                   "text": f.read_text(encoding="utf-8")}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return min(n_docs, len(files))


def floor_seconds(corpus: Path) -> tuple[float, int, float]:
    """Bare tokenisation of every document: Punkt sentences + word tokens, one core.

    Returns wall seconds, words and CPU seconds.
    """
    from presslens.syntax.segment import default_segmenter, is_word, paragraph_spans

    seg = default_segmenter()
    seg.sentence_spans("Warm up. Done.", 0, 14)
    n_words = 0
    t0, c0 = time.perf_counter(), time.process_time()
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line)["text"]
            for ps, pe in paragraph_spans(text):
                for s, e in seg.sentence_spans(text, ps, pe):
                    n_words += sum(is_word(f) for _, _, f in seg.token_spans(text, s, e))
    return time.perf_counter() - t0, n_words, time.process_time() - c0


class TreeMemory:
    """Peak RSS of a process (main) and of its largest descendant (worker), sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        import psutil

        self.proc = psutil.Process(pid)
        self.main = self.worker = 0
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                self.main = max(self.main, self.proc.memory_info().rss)
                for child in self.proc.children(recursive=True):
                    try:
                        self.worker = max(self.worker, child.memory_info().rss)
                    except psutil.Error:
                        pass
            except psutil.Error:
                return
            time.sleep(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run_annotate(corpus: Path, out: Path, jobs: int, partition_size: int) -> dict[str, float]:
    cmd = [sys.executable, "-m", "presslens", "annotate", str(corpus), "--out", str(out), "--quiet",
           "--jobs", str(jobs), "--partition-size", str(partition_size), "--restart"]
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    # One thread per process: "one core" means one (numpy's BLAS would
    # otherwise spread large products over both cores).
    env = {**os.environ, **{v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    mem = TreeMemory(proc.pid)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - t0
    mem.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU time of the command and the descendants it waited for (Dask
    # workers included): on a shared machine it says what the work costs,
    # while wall time also counts waiting for the other jobs.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr[-2000:]}")
    manifest = json.loads((out / "manifest.json").read_text())
    return {"wall": wall, "cpu": cpu, "main_mb": mem.main / 2**20, "worker_mb": mem.worker / 2**20,
            "annotated": manifest["annotated"], "skipped": manifest["skipped"]}


def breakdown(corpus: Path, n: int) -> tuple[float, float, float]:
    """Seconds for the floor, ``presslens.annotate`` and :func:`measures_row` on the first ``n`` documents."""
    import presslens
    from presslens.corpus.annotate import measures_row
    from presslens.document.spans import Document

    with open(corpus, encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for _, line in zip(range(n), fh)]
    sample = corpus.with_name("sample.jsonl")
    sample.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")
    floor, _, _ = floor_seconds(sample)
    presslens.annotate_text("Warm up. Officials said so.")
    t0 = time.perf_counter()
    docs = [presslens.annotate(Document(f"d{i}", t)) for i, t in enumerate(texts)]
    t1 = time.perf_counter()
    for d in docs:
        measures_row(d)
    return floor, t1 - t0, time.perf_counter() - t1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000, help="documents in the corpus (default 10,000)")
    ap.add_argument("--jobs", type=int, default=2, help="Dask workers for the parallel run (default 2)")
    ap.add_argument("--partition-size", type=int, default=200)
    ap.add_argument("--skip-parallel", action="store_true", help="only the one-core run")
    ap.add_argument("--breakdown", type=int, default=50, metavar="N",
                    help="also split annotation from measures in-process on the first N documents (0: skip)")
    args = ap.parse_args()

    import presslens

    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="presslens-bench-") as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus.jsonl"
        distinct = build_corpus(corpus, args.docs)
        size_mb = corpus.stat().st_size / 2**20
        floor, n_words, floor_cpu = floor_seconds(corpus)
        print(f"corpus: {args.docs:,} documents ({distinct} distinct PolNeAR articles, replicated), "
              f"{n_words:,} words, {size_mb:.1f} MB JSONL; partitions of {args.partition_size}")
        print(f"floor (Punkt sentences + word tokens, one core): {floor:.1f} s wall = {n_words / floor:,.0f} words/s; "
              f"{floor_cpu:.1f} s CPU = {n_words / floor_cpu:,.0f} words/s")
        one = run_annotate(corpus, tmp / "one.parquet", 1, args.partition_size)
        print(f"--jobs 1 (pandas, one process): {one['wall']:.1f} s wall = {n_words / one['wall']:,.0f} words/s; "
              f"{one['cpu']:.1f} s CPU = {n_words / one['cpu']:,.0f} words/s; peak RSS {one['main_mb']:.0f} MB; "
              f"annotated {one['annotated']:,}, skipped {one['skipped']}")
        print(f"ratio full annotation / floor: {one['wall'] / floor:.2f} (wall), {one['cpu'] / floor_cpu:.2f} (CPU)")
        if not args.skip_parallel:
            par = run_annotate(corpus, tmp / "par.parquet", args.jobs, args.partition_size)
            print(f"--jobs {args.jobs} (local Dask cluster): {par['wall']:.1f} s wall = {n_words / par['wall']:,.0f} words/s; "
                  f"speed-up {one['wall'] / par['wall']:.2f}x; {par['cpu']:.1f} s CPU in all processes; "
                  f"peak RSS main {par['main_mb']:.0f} MB, largest worker {par['worker_mb']:.0f} MB")
        if args.breakdown:
            fl, ann, mea = breakdown(corpus, min(args.breakdown, args.docs))
            print(f"breakdown on the first {min(args.breakdown, args.docs)} documents (in-process): floor {fl:.1f} s, "
                  f"presslens.annotate {ann:.1f} s ({ann / fl:.1f}x floor), per-document measures {mea:.1f} s "
                  f"({mea / fl:.1f}x floor); annotate + measures = {(ann + mea) / fl:.1f}x floor")
        print(f"python {sys.version.split()[0]}, presslens {presslens.__version__}, cores {os.cpu_count()}, "
              f"load average at start {load0:.2f}, at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
