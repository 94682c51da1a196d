"""Faults and hostile inputs: no silent loss, no hang, no traceback, nothing deleted that is not presslens's own.

Interrupts are checked by ``benchmarks/interrupts.py`` (ten of each at varied
moments); here a few of them run, at moments that hit start-up, the kernels
and the annotation.
"""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DEFAULT_ARTICLE, PARTIES, ROOT
from presslens.cli import main
from presslens.errors import ConfigError, InputError, PresslensError

TEXT = "Officials said the talks could resume next week. The minister told reporters a deal was possible."


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(result: tuple[int, str, str], *words: str) -> None:
    """``result`` of :func:`run_cli`: exit 2, one line on stderr naming ``words``, nothing on stdout."""
    code, out, err = result
    lines = err.strip().splitlines()
    assert not out.strip(), out
    assert code == 2 and len(lines) == 1 and lines[0].startswith("presslens: error: "), err
    for word in words:
        assert word in lines[0], lines[0]


# --- strict input -------------------------------------------------------------------------------

def _csv_with_an_open_quote(path: Path) -> Path:
    path.write_text('id,text,outlet\n'
                    f'a,"{TEXT}",Dawn\n'
                    'b,"An open quote swallows what follows,Dawn\n'
                    f'c,{TEXT},Geo\n'
                    f'd,"{TEXT}",Geo,extra\n'
                    f'e,"{TEXT}",Dawn\n', encoding="utf-8")
    return path


def test_a_malformed_csv_row_is_an_error_naming_its_line(tmp_path):
    from presslens.document.inputs import read_documents

    with pytest.raises(InputError, match=r"corpus.csv: line 3: malformed CSV row"):
        read_documents([_csv_with_an_open_quote(tmp_path / "corpus.csv")])


def test_corpus_mode_skips_malformed_rows_and_loses_none(tmp_path):
    from presslens.corpus.annotate import annotate_corpus
    from presslens.corpus.read import read_measures, read_skipped

    out = tmp_path / "out.parquet"
    run = annotate_corpus([_csv_with_an_open_quote(tmp_path / "corpus.csv")], out)
    skipped = read_skipped(out)
    assert sorted(read_measures(out)["doc_id"]) == ["a", "c", "e"], "rows after the open quote are read again"
    assert run.annotated + run.skipped == 5, "every input row is annotated or skipped"
    assert [r.split(":")[0] for r in skipped["reason"]] == ["malformed CSV row (',' expected after '\"'; a quote left open?)"
                                                            .split(":")[0], "has 4 fields, the header 3"]
    assert list(skipped["doc_id"]) == ["corpus.csv:line 3", "corpus.csv:line 5"]


def test_devices_and_pipes_are_refused_without_reading(tmp_path, capsys):
    from presslens.document.inputs import read_documents, read_text_file
    from presslens.framing.parties import load_parties

    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    for path in ("/dev/zero", fifo):
        with pytest.raises(InputError, match="not a regular file"):
            read_documents([path])
        with pytest.raises(InputError, match="not a regular file"):
            read_text_file(path)
        with pytest.raises(ConfigError, match="not a regular file"):
            load_parties(path)
    one_line_error(run_cli(capsys, "report", "/dev/zero"), "/dev/zero", "not a regular file")
    one_line_error(run_cli(capsys, "annotate", str(fifo), "--out", str(tmp_path / "x.jsonl")), "not a regular file")
    one_line_error(run_cli(capsys, "evaluate", "pos", "/dev/zero"), "not a regular file")


def test_sizes_are_counted_while_reading(tmp_path):
    from presslens.document.inputs import read_limited

    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 11)
    assert read_limited(path, 11) == b"x" * 11
    with pytest.raises(InputError, match="too large"):
        read_limited(path, 10)


def test_utf16_and_byte_order_marks(tmp_path, capsys):
    from presslens.document.inputs import read_documents

    (tmp_path / "utf16.txt").write_bytes(TEXT.encode("utf-16"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + TEXT.encode())
    (tmp_path / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + json.dumps({"id": "j", "text": TEXT}).encode() + b"\n")
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbfid,text\nc," + TEXT.encode() + b"\n")
    docs = read_documents([tmp_path / n for n in ("utf16.txt", "bom.txt", "bom.jsonl", "bom.csv")])
    assert [d.text for d in docs] == [TEXT] * 4
    (tmp_path / "utf16.jsonl").write_bytes((json.dumps({"id": "j", "text": TEXT}) + "\n").encode("utf-16"))
    (tmp_path / "utf16le.txt").write_bytes(TEXT.encode("utf-16-le"))
    for name, problem in (("utf16.jsonl", "is UTF-16 text; save it as UTF-8"), ("utf16le.txt", "looks like UTF-16")):
        one_line_error(run_cli(capsys, "annotate", str(tmp_path / name), "--out", str(tmp_path / "o.jsonl")),
                       name, problem)


# --- outputs ------------------------------------------------------------------------------------

def test_output_errors_are_one_line_before_any_work(tmp_path, capsys, monkeypatch):
    import presslens.document.inputs as inputs

    def no_reading(*args, **kwargs):
        raise AssertionError("the input was read before the output was checked")

    monkeypatch.setattr(inputs, "iter_records", no_reading)
    folder = tmp_path / "out.jsonl"
    folder.mkdir()
    one_line_error(run_cli(capsys, "annotate", str(DEFAULT_ARTICLE), "--out", str(folder)), "is a folder")
    # /sys is mounted read-only (a permission bit would not stop root).
    one_line_error(run_cli(capsys, "annotate", str(DEFAULT_ARTICLE), "--out", "/sys/presslens.jsonl"),
                   "cannot write there")
    one_line_error(run_cli(capsys, "report", str(DEFAULT_ARTICLE), "--out", "/sys/presslens"), "cannot write there")
    one_line_error(run_cli(capsys, "annotate", str(DEFAULT_ARTICLE), "--out", "/sys/corpus.parquet"),
                   "cannot write there")
    (tmp_path / "file").write_text("x")
    one_line_error(run_cli(capsys, "report", str(DEFAULT_ARTICLE), "--out", str(tmp_path / "file")),
                   "is a file, not a folder")


def test_disk_full_while_writing_is_one_line_and_leaves_no_file(tmp_path, capsys, monkeypatch):
    import presslens.document.outputs as outputs

    real_open = open

    def full_disk_open(path, mode="r", *args, **kwargs):
        fh = real_open(path, mode, *args, **kwargs)
        if "w" in mode and str(path).endswith(".part"):
            def write(_text):
                raise OSError(errno.ENOSPC, "No space left on device", str(path))
            fh.write = write
        return fh

    monkeypatch.setattr(outputs, "open", full_disk_open, raising=False)
    out = tmp_path / "x.jsonl"
    one_line_error(run_cli(capsys, "annotate", str(DEFAULT_ARTICLE), "--out", str(out)), "No space left on device")
    assert list(tmp_path.iterdir()) == [], "no partial or temporary file"


def test_restart_deletes_only_a_folder_presslens_wrote(tmp_path, capsys):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": TEXT}) + "\n", encoding="utf-8")
    foreign = tmp_path / "mine.parquet"
    foreign.mkdir()
    (foreign / "manifest.json").write_text('{"project": "my thesis"}', encoding="utf-8")
    (foreign / "chapter1.docx").write_text("years of work", encoding="utf-8")
    one_line_error(run_cli(capsys, "annotate", str(corpus), "--out", str(foreign), "--restart"),
                   "not written by presslens")
    assert sorted(p.name for p in foreign.iterdir()) == ["chapter1.docx", "manifest.json"]
    one_line_error(run_cli(capsys, "report", str(foreign)), "not written by presslens")
    # A folder presslens wrote: --restart clears what presslens wrote there, and only that.
    own = tmp_path / "own.parquet"
    assert run_cli(capsys, "annotate", str(corpus), "--out", str(own), "--quiet")[0] == 0
    (own / "notes.txt").write_text("mine", encoding="utf-8")
    assert run_cli(capsys, "annotate", str(corpus), "--out", str(own), "--restart", "--quiet")[0] == 0
    assert (own / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert json.loads((own / "manifest.json").read_text(encoding="utf-8"))["annotated"] == 1


def test_a_folder_in_use_is_refused_with_one_line(tmp_path, capsys):
    from presslens.document.outputs import folder_lock

    out = tmp_path / "report"
    with folder_lock(out):
        one_line_error(run_cli(capsys, "report", str(DEFAULT_ARTICLE), "--out", str(out)),
                       "in use by another presslens run", f"process {os.getpid()}")
        with pytest.raises(PresslensError, match="in use"), folder_lock(out):
            pass
    assert not (tmp_path / ".report.lock").exists(), "the lock file goes with the run"
    with folder_lock(out):  # free again
        pass


def test_two_concurrent_reports_into_one_folder(tmp_path):
    other = tmp_path / "other-article.txt"
    other.write_text("Rivals meet\n\nThe envoy said the rivals would meet on Friday, officials told reporters.\n",
                     encoding="utf-8")
    out = tmp_path / "report"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "lib")}
    cmd = [sys.executable, "-m", "presslens", "report", "--parties", str(PARTIES), "--out", str(out), "--quiet"]
    first = subprocess.Popen([*cmd, str(DEFAULT_ARTICLE)], env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (tmp_path / ".report.lock").exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    second = subprocess.run([*cmd, str(other)], env=env, stderr=subprocess.PIPE, text=True, timeout=120)
    _, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err
    assert second.returncode == 2 and second.stderr.strip().splitlines() == [
        f"presslens: error: {out}: in use by another presslens run (process {first.pid}); "
        "wait for it to finish or choose another output"]
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["provenance"]["input"]["name"] == DEFAULT_ARTICLE.name
    for page in out.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert DEFAULT_ARTICLE.name in html and other.name not in html, page.name
    assert not list(tmp_path.glob(".*.lock")) and not list(out.glob(".*.part"))


# --- annotate --out FILE.jsonl streams -------------------------------------------------------------

def test_annotate_streams_a_batch_at_a_time():
    from presslens.document.spans import Document
    from presslens.pipeline import SEGMENT_BATCH, annotate_stream

    taken = []

    def docs():
        for i in range(3 * SEGMENT_BATCH):
            taken.append(i)
            yield Document(f"d{i}", TEXT)

    stream = annotate_stream(docs())
    first = next(stream)
    assert first.doc_id == "d0" and "attribution" in first.layers
    assert len(taken) == SEGMENT_BATCH, "one batch read, not the corpus"
    assert sum(1 for _ in stream) == 3 * SEGMENT_BATCH - 1


# --- evaluate -----------------------------------------------------------------------------------

@pytest.mark.parametrize("what", ["pos", "roles", "tone", "hedges", "coding"])
def test_evaluate_refuses_wrong_binary_and_empty_inputs_with_one_line(tmp_path, capsys, what):
    binary = tmp_path / "data.conllu"
    binary.write_bytes(b"\x00\x01\x02 binary")
    empty = tmp_path / "empty.conllu"
    empty.write_text("", encoding="utf-8")
    wrong = tmp_path / "wrong.conllu"
    wrong.write_text("This is an article, not a treebank.\n", encoding="utf-8")
    for path in (binary, empty, wrong):
        if what == "hedges":  # named as the sentence-list format wants
            path = path.rename(path.with_name(f"{path.stem}-certain.txt"))
        if what == "hedges" and path.stem.startswith("wrong"):
            continue  # any text is a valid sentence list
        one_line_error(run_cli(capsys, "evaluate", what, str(path)))


def test_evaluate_scores_no_figure_over_zero_items(tmp_path, capsys):
    comments = tmp_path / "comments.conllu"
    comments.write_text("# sent_id = 1\n# text = nothing\n\n", encoding="utf-8")
    one_line_error(run_cli(capsys, "evaluate", "pos", str(comments)), "no CoNLL-U sentence")
    brat = tmp_path / "brat"
    (brat / "text").mkdir(parents=True)
    (brat / "attributions").mkdir()
    (brat / "text" / "a.txt").write_text(TEXT, encoding="utf-8")
    (brat / "attributions" / "a.ann").write_text("", encoding="utf-8")
    one_line_error(run_cli(capsys, "evaluate", "attribution", str(brat)), "no gold")


# --- coding export ------------------------------------------------------------------------------

def test_coding_export_names_are_unique_bounded_and_safe_for_any_id(tmp_path):
    from presslens.document.spans import Document
    from presslens.evaluate.agreement import brat_coding_report
    from presslens.evaluate.coding import export_coding, export_names

    ids = ["a/b", "a_b", "x" * 300, "nul\x00id", "Talks", "talks", "report_a001", "CON", "../up", "plain-id.1"]
    names = export_names(ids)
    assert len({n.lower() for n in names.values()}) == len(ids), "unique, also without regard to case"
    assert all(len(n) <= 60 and n.replace("-", "").replace("_", "").replace(".", "").isalnum() for n in names.values())
    assert names["plain-id.1"] == "plain-id.1" and names["a_b"] == "a_b"
    docs = [Document(i, f"{TEXT} Document {k}.") for k, i in enumerate(ids[:4])]
    out = tmp_path / "coding"
    summary = export_coding(docs, 4, 0, out, preannotate=False)
    assert summary["n_documents"] == 4
    texts = sorted(p.name for p in (out / "text").iterdir())
    assert len(texts) == 4 and len(list((out / "attributions").iterdir())) == 4
    mapping = json.loads((out / "ids.json").read_text(encoding="utf-8"))["files"]
    assert sorted(e["doc_id"] for e in mapping) == sorted(ids[:4])
    for e in mapping:
        assert (out / e["text"]).read_text(encoding="utf-8").endswith(f"Document {ids.index(e['doc_id'])}.")
    for ann in (out / "attributions").glob("*.ann"):  # a coder has worked through them (an untouched export is refused)
        ann.write_text(ann.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = brat_coding_report(out)
    assert set(report["alpha"].columns) and not report["scores"].empty
    with pytest.raises(PresslensError, match="not an empty folder"):
        export_coding(docs, 1, 0, out)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no half-written export left"


# --- parties files ------------------------------------------------------------------------------

@pytest.mark.parametrize("body, problem", [
    ("    label: [Pakistan, PK]\n    aliases: [Pakistan]\n", "line 3: the label of 'pk' must be text, not a list"),
    ("    label: Pakistan\n    aliases: [Pakistan, ~]\n", "line 4: an alias of 'pk' is empty"),
    ("    label: Pakistan\n    aliases: [{text: pak, ignore_case: sometimes}]\n",
     "line 4: ignore_case of an alias of 'pk' must be true or false, not 'sometimes'"),
    ("    label: Pakistan\n    label: PK\n    aliases: [Pakistan]\n", "line 4: party 'pk': key 'label' is given twice"),
    ("    label: Pakistan\n    aliases: [{text: pak, text: pk}]\n", "line 4: an alias of 'pk': key 'text' is given twice"),
    ("    label: Pakistan\n    aliases: [{text: pak, case: true}]\n", "line 4: alias of 'pk' has unknown keys: case"),
])
def test_parties_file_types_are_checked_with_the_line(tmp_path, body, problem):
    from presslens.framing.parties import load_parties

    path = tmp_path / "parties.yml"
    path.write_text("parties:\n  pk:\n" + body, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_parties(path)
    assert str(err.value) == f"{path}: {problem}" or str(err.value).startswith(f"{path}: {problem}")


def test_common_words_as_aliases_are_warned_about(tmp_path, capsys):
    path = tmp_path / "parties.yml"
    path.write_text("parties:\n  pk:\n    label: Pakistan\n    aliases: [Pakistan, US, the, {text: Said, ignore_case: true}]\n",
                    encoding="utf-8")
    code, _, err = run_cli(capsys, "annotate", str(DEFAULT_ARTICLE), "--parties", str(path),
                           "--out", str(tmp_path / "x.jsonl"), "--quiet")
    assert code == 0
    lines = err.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith(f"presslens: warning: {path}: line 4: alias ") for line in lines)
    assert "'the'" in lines[0] and "'Said'" in lines[1] and "'US'" not in err


# --- interrupts ---------------------------------------------------------------------------------

def _interrupts():
    spec = importlib.util.spec_from_file_location("interrupts", ROOT / "benchmarks" / "interrupts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Three moments here; benchmarks/interrupts.py runs sixty (ten of each signal for each command).
@pytest.mark.parametrize("kind, delay, sig", [("report", 1.0, signal.SIGINT), ("report", 4.0, signal.SIGTERM),
                                              ("annotate", 2.5, signal.SIGINT)])
def test_an_interrupt_stops_the_command_cleanly(kind, delay, sig):
    import shutil
    import tempfile

    # A short folder: the kernels' sockets must lie in the run's own temporary folder to be checked.
    root = Path(tempfile.mkdtemp(prefix="pl-int-"))
    try:
        ok, line = _interrupts().one_run(kind, delay, sig, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert ok, line


def test_a_new_run_removes_only_the_earlier_runs_files(tmp_path):
    from presslens.report.report_set import clear_outputs

    out = tmp_path / "report"
    out.mkdir()
    for name in ("index.html", "01_sourcing_density.html", "ranked_articles.csv", "notes.html", "article.html",
                 "corpus.csv"):
        (out / name).write_text("x", encoding="utf-8")
    (out / "run.json").write_text(json.dumps({"files": ["ranked_articles.csv", "../corpus.csv", "/etc/passwd"]}),
                                  encoding="utf-8")
    left = clear_outputs(out, notebooks=[Path("01_sourcing_density.ipynb")])
    assert sorted(left) == ["article.html", "corpus.csv", "notes.html"], "the researcher's files stay"
