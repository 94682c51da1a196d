"""What a researcher sees on a terminal: one progress bar at most, and errors before any bar."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT


def _on_a_terminal(args: list[str], cwd) -> tuple[int, str]:
    """Run ``presslens ARGS`` with stdout and stderr on a pseudo-terminal; its exit status and all it wrote."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib"), "COLUMNS": "100"}
    proc = subprocess.Popen([sys.executable, "-m", "presslens", *args], stdout=follower, stderr=follower,
                            stdin=subprocess.DEVNULL, cwd=cwd, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(), b"".join(chunks).decode("utf-8", "replace")


def test_an_unreadable_corpus_fails_on_one_line_before_any_bar(tmp_path):
    (tmp_path / "empty").mkdir()
    code, seen = _on_a_terminal(["annotate", "empty", "--out", "out.parquet"], tmp_path)
    assert code == 2
    assert seen.strip().splitlines() == ["presslens: error: empty: folder holds no articles (.txt or .html files)"]


def test_annotating_several_articles_shows_one_bar_on_a_terminal(tmp_path):
    for i in range(3):
        (tmp_path / f"a{i}.txt").write_text(f"Officials said talk {i} could resume on Monday.\n", encoding="utf-8")
    code, seen = _on_a_terminal(["annotate", ".", "--out", "out.jsonl"], tmp_path)
    assert code == 0
    assert "annotating" in seen and seen.count("\x1b[A") == 0, "one bar, not several stacked"
    assert seen.strip().splitlines()[-1].startswith("annotated 3 document(s): ")


def test_a_report_on_a_terminal_shows_one_bar_then_its_summary(tmp_path):
    article = ROOT / "data" / "articles" / "pakistan-afghan-istanbul-talks.txt"
    parties = ROOT / "data" / "parties" / "pakistan-afghanistan.yml"
    code, seen = _on_a_terminal(["report", str(article), "--parties", str(parties), "--out", "out"], tmp_path)
    assert code == 0
    assert seen.count("running the report notebooks") >= 1 and "\x1b[A" not in seen, "one bar, no stacked bars"
    for noise in ("WARNING", "Warning", "TCP", "Traceback", "cell/s"):
        assert noise not in seen
    assert seen.strip().splitlines()[-1].endswith("index.html")
