"""Interrupt ``presslens report`` and ``presslens annotate`` at varied moments and check what is left.

Each run starts the command in a session of its own (as a terminal would
put it in a process group), sends SIGINT to the whole group (what Ctrl-C
does) or SIGTERM to the command after a delay, and checks: the exit
within 10 s, status 130, exactly one line on stderr, no process left (of
the group, or a kernel or worker carrying the run's private temporary folder
in its environment), no temporary file left (``.part`` files, annotation
markers, the lock file, kernel sockets in that temporary folder).

    python benchmarks/interrupts.py                 # ten of each command, SIGINT then SIGTERM
    python benchmarks/interrupts.py --runs 3 --commands report

Prints one line per run and a summary; exits 1 when any run failed a check.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "data" / "articles" / "pakistan-afghan-istanbul-talks.txt"
PARTIES = ROOT / "data" / "parties" / "pakistan-afghanistan.yml"
CORPUS = ROOT / "data" / "corpora" / "sample" / "articles.jsonl"
TEMPORARY = (".part", ".pending", ".error", ".lock")


def command(kind: str, out: Path, corpus: Path) -> list[str]:
    py = [sys.executable, "-m", "presslens"]
    if kind == "report":
        return [*py, "report", str(ARTICLE), "--parties", str(PARTIES), "--out", str(out / "report"), "--quiet"]
    if kind == "annotate":
        return [*py, "annotate", str(corpus), "--parties", str(PARTIES), "--out", str(out / "corpus.jsonl"), "--quiet"]
    if kind == "corpus":
        return [*py, "annotate", str(corpus), "--parties", str(PARTIES), "--out", str(out / "corpus.parquet"),
                "--jobs", "2", "--quiet"]
    raise ValueError(kind)


def long_corpus(root: Path, copies: int = 30) -> Path:
    """The sample corpus several times over (new ids): annotating it outlasts every moment tried."""
    path = root / "corpus.jsonl"
    if not path.exists():
        rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
        path.write_text("".join(json.dumps({**r, "id": f"{r['id']}-{k}"}) + "\n" for k in range(copies) for r in rows),
                        encoding="utf-8")
    return path


def run_processes(pgid: int, tmp: Path) -> list[str]:
    """Processes still alive from the run: in the session the command led, or (kernels start a session
    of their own) holding the run's private temporary folder in their environment."""
    marker = f"TMPDIR={tmp}".encode()
    left = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            state, sid = fields[0], int(fields[3])
            if state == "Z":
                continue
            if sid == pgid or marker in (proc / "environ").read_bytes().split(b"\0"):
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                left.append(f"{proc.name} {cmdline[:80]}")
        except (OSError, ValueError):
            continue
    return left


def leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.name.endswith(TEMPORARY) or p.name.startswith("presslens-kernel-") or p.name.startswith("kernel-"))


def complete(kind: str, out: Path) -> bool:
    """Whether the command wrote all its output (then an exit 0 after the signal is right)."""
    if kind == "report":
        return (out / "report" / "run.json").is_file()
    if kind == "annotate":
        return (out / "corpus.jsonl").is_file()
    manifest = out / "corpus.parquet" / "manifest.json"
    return manifest.is_file() and json.loads(manifest.read_text(encoding="utf-8")).get("status") == "complete"


def one_run(kind: str, delay: float, sig: signal.Signals, root: Path) -> tuple[bool, str]:
    work = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=root))
    tmp = work / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONPATH": str(ROOT / "lib")}
    proc = subprocess.Popen(command(kind, work / "out", long_corpus(root)), cwd=work, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    time.sleep(delay)
    finished_early = proc.poll() is not None
    sent = time.monotonic()
    try:
        if sig == signal.SIGINT:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C: the whole foreground group
        else:
            proc.send_signal(signal.SIGTERM)
    except ProcessLookupError:  # it finished meanwhile
        finished_early = True
    try:
        out, err = proc.communicate(timeout=10)
        seconds = time.monotonic() - sent
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        seconds = float("inf")
    time.sleep(0.5)  # children killed by the command need a moment to be reaped
    left = run_processes(proc.pid, tmp)
    files = leftovers(work)
    lines = err.decode(errors="replace").strip().splitlines()
    if proc.returncode == 0 and not err.strip() and complete(kind, work / "out"):
        finished_early = True  # its work was done as the signal came: it exits 0, ignoring it
    problems = []
    if finished_early:
        problems.append("finished before the signal")
    elif proc.returncode != 130:
        problems.append(f"exit {proc.returncode}")
    if not finished_early and lines != ["presslens: interrupted"]:
        problems.append(f"stderr {lines[:6]}")
    if seconds > 10:
        problems.append("no exit within 10 s")
    if left:
        problems.append(f"processes left {left}")
        for pid in [int(x.split()[0]) for x in left]:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    if files:
        problems.append(f"files left {files}")
    shutil.rmtree(work, ignore_errors=True)
    ok = not problems or problems == ["finished before the signal"]
    return ok, (f"{kind:<8} {sig.name:<7} after {delay:4.1f} s: exit {proc.returncode} in {seconds:.1f} s"
                + ("" if not problems else "  " + "; ".join(problems)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=10, help="runs per command and signal (default 10)")
    ap.add_argument("--commands", nargs="+", default=["report", "annotate"], choices=["report", "annotate", "corpus"])
    ap.add_argument("--signals", nargs="+", default=["INT", "TERM"], choices=["INT", "TERM"])
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="presslens-interrupts-"))
    failures = 0
    total = 0
    for kind in args.commands:
        for name in args.signals:
            sig = signal.Signals[f"SIG{name}"]
            # Moments spread over start-up, model loading, kernels starting, notebooks running.
            delays = [0.3 + i * 9.0 / max(1, args.runs - 1) for i in range(args.runs)]
            for delay in delays:
                ok, line = one_run(kind, delay, sig, root)
                total += 1
                failures += not ok
                print(("ok   " if ok else "FAIL ") + line, flush=True)
    shutil.rmtree(root, ignore_errors=True)
    print(f"{total - failures} of {total} interrupted runs clean")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
