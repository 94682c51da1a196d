"""Export for human coding (BRAT + CSV sheet) and reading the coding back."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import shared_path

from presslens import Document, InputError
from presslens.evaluate.coding import (
    SHEET_COLUMNS,
    coder_table,
    export_coding,
    read_coding_sheet,
    run_cli_export,
    sample_ids,
)
from presslens.evaluate.agreement import alpha_table
from presslens.evaluate.attribution import annotations_by_text, read_brat, read_standoff


def test_sample_depends_only_on_ids_and_seed():
    ids = [f"doc{i:02d}" for i in range(30)]
    first = sample_ids(ids, 5, seed=3)
    assert first == sample_ids(list(reversed(ids)), 5, seed=3)
    assert len(set(first)) == 5 and first == sorted(first)
    assert first != sample_ids(ids, 5, seed=4)
    assert sample_ids(ids[:3], 10, seed=0) == ids[:3]


@pytest.fixture(scope="module")
def export(tmp_path_factory, default_doc):
    out = tmp_path_factory.mktemp("coding")
    other = Document("b-empty", "Nothing here.")
    summary = export_coding([other, default_doc], sample=1, seed=0, out_dir=out)
    return out, summary


def test_export_writes_brat_sheet_and_instructions(export, default_doc):
    out, summary = export
    chosen = summary["doc_ids"][0]
    for name in ("annotation.conf", "CODING.md", "coding_sheet.csv", "sample.txt", f"text/{chosen}.txt",
                 f"attributions/{chosen}.ann"):
        assert (out / name).is_file(), name
    sheet = pd.read_csv(out / "coding_sheet.csv", dtype=str, keep_default_na=False)
    assert list(sheet.columns) == list(SHEET_COLUMNS)
    assert (sheet["has_attribution"] == "").all()
    assert "source_type" in (out / "CODING.md").read_text(encoding="utf-8")


def test_exported_standoff_offsets_point_into_text(export):
    out, summary = export
    doc_id = summary["doc_ids"][0]
    text = (out / "text" / f"{doc_id}.txt").read_text(encoding="utf-8")
    ann = (out / "attributions" / f"{doc_id}.ann").read_text(encoding="utf-8")
    parsed = read_standoff(ann)
    assert parsed["entities"] and parsed["events"]
    for ent in parsed["entities"].values():
        (s, e), = ent["fragments"]
        assert text[s:e].replace("\n", " ") == ent["text"]
    sheet = pd.read_csv(out / "coding_sheet.csv", dtype=str, keep_default_na=False)
    for row in sheet[sheet["doc_id"] == doc_id].itertuples():
        assert text[int(row.start):int(row.end)] == row.sentence
    if sheet["tool_has_attribution"].eq("yes").any():
        assert read_brat(out / "attributions" / f"{doc_id}.ann", text)["cue"]


def test_filled_sheet_round_trip_and_alpha(export, tmp_path):
    out, _ = export
    sheet = pd.read_csv(out / "coding_sheet.csv", dtype=str, keep_default_na=False)
    for col in ("has_attribution", "source_type", "hedged", "hedge_category", "parties", "roles", "tone"):
        sheet[col] = sheet[f"tool_{col}"]
    sheet.loc[0, "has_attribution"] = "YES"
    path = tmp_path / "filled.csv"
    sheet.to_csv(path, index=False)
    back = read_coding_sheet(path)
    assert back.loc[0, "has_attribution"] == "yes"
    alphas = alpha_table({"tool": coder_table(back, tool=True), "coder": coder_table(back)}, ["hedged"])
    assert alphas["alpha"].iloc[0] in (1.0,) or pd.isna(alphas["alpha"].iloc[0])


@pytest.mark.parametrize("col,value,message", [
    ("has_attribution", "maybe", "has_attribution must be yes or no"),
    ("source_type", "blogger", "source_type: 'blogger' is not one of"),
    ("roles", "pakistan:hero", "roles: 'pakistan:hero' is not party:agent/patient/other"),
    ("tone", "pakistan", "tone:"),
])
def test_bad_sheet_values_name_the_row(tmp_path, col, value, message):
    rows = [{c: "" for c in SHEET_COLUMNS} for _ in range(2)]
    for i, r in enumerate(rows):
        r.update(doc_id="d", sentence_index=str(i), has_attribution="yes")
    rows[1][col] = value
    path = tmp_path / "sheet.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"sheet\.csv row 3: " + message.replace("(", r"\(")):
        read_coding_sheet(path)


def test_missing_column_is_an_input_error(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("doc_id,sentence_index\nd,0\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column"):
        read_coding_sheet(path)


def test_run_cli_export_summary(tmp_path):
    (tmp_path / "in").mkdir()
    for i in range(3):
        (tmp_path / "in" / f"a{i}.txt").write_text(f"Officials said talk {i} could resume.\n", encoding="utf-8")
    line = run_cli_export([str(tmp_path / "in")], 2, 5, str(tmp_path / "out"), None)
    assert "2 of 3 documents" in line and "seed 5" in line
    assert len((tmp_path / "out" / "sample.txt").read_text().split()) == 2


def test_polnear_dev_discontinuous_and_multi_annotator_files():
    folder = shared_path("data", "polnear", "dev")
    by_text = annotations_by_text(folder)
    assert by_text
    seen_discontinuous = False
    for txt, coders in list(by_text.items())[:40]:
        for ann in coders.values():
            parsed = read_standoff(ann.read_text(encoding="utf-8"))
            seen_discontinuous |= any(len(e["fragments"]) > 1 for e in parsed["entities"].values())
    assert seen_discontinuous


def test_exported_standoff_reads_back_as_the_tool_spans(export, default_doc):
    from presslens.evaluate.agreement import span_scores, standoff_spans, tool_spans

    out, summary = export
    doc_id = summary["doc_ids"][0]
    text = (out / "text" / f"{doc_id}.txt").read_text(encoding="utf-8")
    back = standoff_spans((out / "attributions" / f"{doc_id}.ann").read_text(encoding="utf-8"), text)
    tool = tool_spans(default_doc)
    scores = span_scores(back, tool).set_index(["layer", "match"])["f1"]
    assert scores["source", "exact"] == 1.0 and scores["hedge", "exact"] == 1.0
    # Content the tool found without a cue has nothing a coder could link: not exported.
    assert set(back["content"]) <= set(tool["content"])
    assert sorted(back["cue"]) == sorted(tool["cue"])  # source types survive the round trip
    assert sorted(back["hedge"]) == sorted(tool["hedge"])


def test_coded_brat_folder_scores_against_the_tool(export, tmp_path):
    import shutil

    from presslens.evaluate.agreement import brat_coding_report

    out, summary = export
    coded = tmp_path / "coded"
    shutil.copytree(out, coded)
    ann = coded / "attributions" / f"{summary['doc_ids'][0]}.ann"
    # The coder removes the hedges' categories' first line: one hedge fewer, every cue kept.
    lines = ann.read_text(encoding="utf-8").splitlines(keepends=True)
    first_hedge = next(i for i, line in enumerate(lines) if "\tHedge " in line)
    ann.write_text("".join(lines[:first_hedge] + lines[first_hedge + 1:]), encoding="utf-8")
    report = brat_coding_report(coded)
    scores = report["scores"].set_index(["layer", "match"])
    assert scores.loc[("cue", "exact"), "f1"] == 1.0 and scores.loc[("hedge", "overlap"), "recall"] == 1.0
    assert scores.loc[("hedge", "overlap"), "precision"] < 1.0
    assert report["alpha"].set_index("variable").loc["has_attribution", "alpha"] == 1.0
    assert not (report["errors"]["layer"] == "cue").any()


def test_an_uncoded_export_is_refused_never_scored_against_the_tool(export, capsys):
    from presslens.cli import main
    from presslens.evaluate.agreement import brat_coding_report

    out, _ = export
    with pytest.raises(InputError, match="holds no coder's answers"):
        brat_coding_report(out)
    for args in (["evaluate", "coding", str(out / "coding_sheet.csv")], ["evaluate", "coding", "--brat", str(out)]):
        assert main(args) == 2
        captured = capsys.readouterr()
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1 and "holds no coder's answers" in lines[0], captured.err
        assert args[-1] in lines[0] and not captured.out


def test_run_cli_evaluate_coding_report(export, tmp_path):
    from presslens.evaluate.coding import run_cli_evaluate_coding

    out, _ = export
    sheet = pd.read_csv(out / "coding_sheet.csv", dtype=str, keep_default_na=False)
    sheet["has_attribution"] = sheet["tool_has_attribution"]
    sheet["hedged"] = "no"
    sheet.to_csv(tmp_path / "c.csv", index=False)
    text = run_cli_evaluate_coding([str(tmp_path / "c.csv")])
    assert re.search(r"has_attribution\s+tool vs coder1\s+1\.000", text)
    n = int(re.search(r"(\d+) sentence answers differ", text).group(1))
    assert n >= int((sheet["tool_hedged"] == "yes").sum()) > 0


def test_two_coders_in_brat_confusion_and_alpha(tmp_path):
    import shutil

    from conftest import DEFAULT_ARTICLE, ROOT

    from presslens.evaluate.agreement import brat_coding_report
    from presslens.framing.parties import PartyConfig

    parties = PartyConfig.from_file(ROOT / "data" / "parties" / "pakistan-afghanistan.yml")
    out = tmp_path / "export"
    export_coding([Document("talks", DEFAULT_ARTICLE.read_text(encoding="utf-8"))], 1, 0, out, parties=parties)
    coded = tmp_path / "coded"
    shutil.copytree(out / "text", coded / "text")
    (coded / "attributions").mkdir()
    for ann in (out / "attributions").glob("*.ann"):
        text = ann.read_text(encoding="utf-8")
        (coded / "attributions" / f"{ann.stem}_a001.ann").write_text(text, encoding="utf-8")
        # The second coder calls every agent a patient.
        (coded / "attributions" / f"{ann.stem}_a002.ann").write_text(
            text.replace(" agent\n", " patient\n"), encoding="utf-8")
    report = brat_coding_report(coded, parties)
    roles = report["confusion"]["mention role"]
    assert roles.loc["patient", "agent"] > 0 and roles.loc["agent", "agent"] > 0
    assert {"source type (by cue)", "hedge category"} <= set(report["confusion"])
    alpha = report["alpha"].set_index(["variable", "coders"])["alpha"]
    assert alpha["roles", "tool vs a001"] == 1.0 and alpha["roles", "tool vs a002"] < 1.0
    assert alpha["roles", "a001 vs a002"] < 1.0 and ("roles", "all") in alpha.index
    errors = report["errors"]
    assert set(errors.loc[errors["layer"] == "mention", "coder"]) == {"a002"}
