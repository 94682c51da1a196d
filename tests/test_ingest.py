"""Every input format, and every kind of bad input, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from presslens.cli import main
from presslens.errors import InputError
from presslens.document.inputs import read_documents

ARTICLE = "Islamabad confirmed the talks.\n\nSources said a deal could follow. They added nothing.\n"


def _annotate(capsys, *args):
    code = main(["annotate", "--quiet", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.err


def test_plain_text_file(tmp_path):
    f = tmp_path / "a1.txt"
    f.write_text(ARTICLE, encoding="utf-8")
    [doc] = read_documents([f])
    assert doc.doc_id == "a1" and doc.text == ARTICLE


def test_folder_of_text_files(tmp_path):
    for name in ("b.txt", "a.txt"):
        (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    assert [d.doc_id for d in read_documents([tmp_path])] == ["a", "b"]


def test_jsonl_corpus_keeps_metadata(tmp_path):
    f = tmp_path / "c.jsonl"
    rows = [{"id": "x1", "text": ARTICLE, "outlet": "Dawn", "date": "2025-11-05"},
            {"id": "x2", "text": ARTICLE, "url": "https://example.org/a"}]
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    docs = read_documents([f])
    assert [d.doc_id for d in docs] == ["x1", "x2"]
    assert docs[0].meta["outlet"] == "Dawn" and docs[1].meta["url"].startswith("https://")


def test_csv_corpus(tmp_path):
    f = tmp_path / "c.csv"
    pd.DataFrame({"id": ["r1", "r2"], "text": [ARTICLE, ARTICLE + "More."], "outlet": ["A", "B"]}).to_csv(f, index=False)
    docs = read_documents([f])
    assert [d.meta["outlet"] for d in docs] == ["A", "B"]
    assert docs[1].text.endswith("More.")


def test_html_page_main_text(tmp_path):
    f = tmp_path / "page.html"
    f.write_text(
        "<html><head><title>Talks resume - The Daily</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        "<article><h1>Talks resume in Istanbul</h1>"
        "<p>Pakistani officials said on Tuesday that the talks would resume after a week of consultations.</p>"
        "<p>Sources familiar with the matter said a written assurance was the main demand of the delegation.</p>"
        "</article><footer>Copyright 2025 The Daily. All rights reserved.</footer></body></html>",
        encoding="utf-8",
    )
    [doc] = read_documents([f])
    assert "written assurance" in doc.text
    assert "Home" not in doc.text and "All rights reserved" not in doc.text
    assert doc.meta["title"]


def test_html_byline_loses_its_separators(tmp_path):
    f = tmp_path / "page.html"
    f.write_text(
        "<html><head><title>Port strike ends</title></head><body><article><h1>Port strike ends</h1>"
        "<p class='byline'>By Staff Reporter · 3 March 2026</p>"
        "<p>Dock workers returned to work on Tuesday after a nine-day strike, the union said in a statement.</p>"
        "<p>The port authority confirmed the agreement but declined to give details of the settlement.</p>"
        "</article></body></html>", encoding="utf-8")
    [doc] = read_documents([f])
    assert doc.meta["author"] == "Staff Reporter"


def test_annotate_jsonl_contract(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, err = _annotate(capsys, src, "--out", out)
    assert code == 0, err
    [rec] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert set(rec) == {"doc_id", "text", "meta", "spans"}
    layers = {s["layer"] for s in rec["spans"]}
    assert {"sentence", "token", "paragraph"} <= layers
    for s in rec["spans"]:
        assert {"layer", "start", "end", "label"} <= set(s)
        assert rec["text"][s["start"]:s["end"]].strip()
    assert {s["label"] for s in rec["spans"] if s["layer"] == "sentence"} <= {"headline", "body", "boilerplate"}


def test_annotate_parquet_span_table(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out.parquet"
    code, err = _annotate(capsys, src, "--out", out)
    assert code == 0, err
    # Corpus mode: a folder of partitioned span tables, read back by corpus.read_spans.
    from presslens.corpus.read import read_spans

    table = read_spans(out)
    assert list(table.columns[:5]) == ["doc_id", "layer", "start", "end", "label"]
    assert (table["doc_id"] == "a").all()
    assert {"sentence", "token"} <= set(table["layer"])


def test_same_input_same_output(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    _annotate(capsys, src, "--out", tmp_path / "1.jsonl")
    _annotate(capsys, src, "--out", tmp_path / "2.jsonl")
    assert (tmp_path / "1.jsonl").read_bytes() == (tmp_path / "2.jsonl").read_bytes()


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    empty_dir = tmp_path / "emptydir"
    empty_dir.mkdir()
    (empty_dir / "readme.pdf").write_bytes(b"%PDF-1.4")
    cases = {
        "missing": (tmp_path / "nope.txt", "no such file"),
        "empty folder": (empty_dir, "no articles"),
        "empty": (tmp_path / "empty.txt", "empty"),
        "whitespace": (tmp_path / "ws.txt", "only whitespace"),
        "latin-1": (tmp_path / "latin.txt", "not UTF-8"),
        "binary": (tmp_path / "bin.txt", "binary"),
        "huge": (tmp_path / "huge.txt", "too large"),
        "csv without text": (tmp_path / "c.csv", "no 'text' column"),
        "bad jsonl": (tmp_path / "c.jsonl", "not valid JSON"),
    }
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "ws.txt").write_text(" \n\t\n  ", encoding="utf-8")
    (tmp_path / "latin.txt").write_bytes("Peshawar caf\u00e9 talks".encode("latin-1"))
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 4)
    with open(tmp_path / "huge.txt", "wb") as fh:
        fh.write(b"Sources said talks resumed. " * (50_000_000 // 28 + 1))
    (tmp_path / "c.csv").write_text("id,body\n1,Sources said so.\n", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text('{"id": "1", "text": "ok"}\n{"id": 2, "text": \n', encoding="utf-8")
    return cases


def test_bad_inputs_fail_with_one_line_and_no_output(tmp_path, capsys):
    for name, (path, message) in _bad_inputs(tmp_path).items():
        out = tmp_path / f"out-{name.replace(' ', '_')}.jsonl"
        code, err = _annotate(capsys, path, "--out", out)
        assert code == 2, name
        lines = err.strip().splitlines()
        assert len(lines) == 1, (name, err)
        assert lines[0].startswith("presslens: error: ") and str(path) in lines[0], (name, err)
        assert message in lines[0], (name, err)
        assert "Traceback" not in err
        assert not out.exists(), name
        assert not list(tmp_path.glob(f".{out.name}*")), f"{name}: temporary file left behind"


def test_bad_input_error_names_the_corpus_line(tmp_path):
    f = tmp_path / "c.jsonl"
    f.write_text('{"id": "1", "text": "Sources said so."}\n{"id": "2", "text": "   "}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"c\.jsonl: line 2: article holds only whitespace"):
        read_documents([f])


def test_unknown_output_suffix(tmp_path, capsys):
    src = tmp_path / "a.txt"
    src.write_text(ARTICLE, encoding="utf-8")
    code, err = _annotate(capsys, src, "--out", tmp_path / "out.xlsx")
    assert code == 2 and "must end in .jsonl or .parquet" in err
