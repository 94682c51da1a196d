"""Agreement and error analysis: Krippendorff's alpha, span scores, confusion, error browser, notebook 05."""

from __future__ import annotations

import json
import math

import pytest
from conftest import ROOT

from presslens.evaluate.agreement import (alpha_table, confusion, error_table, gold_json_spans,
                                          krippendorff_alpha, sentence_coding, span_scores)
from presslens.evaluate.attribution import annotations_by_text, read_brat_string, read_standoff

N = None


def test_alpha_textbook_nominal_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", nominal data.
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
            [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N]]
    assert round(krippendorff_alpha(data), 3) == 0.743


def test_alpha_perfect_missing_and_degenerate():
    assert krippendorff_alpha([["a", "b", "a"], ["a", "b", "a"]]) == 1.0
    # A unit coded once is not pairable: adding it changes nothing.
    base = krippendorff_alpha([["a", "b", "a", "b"], ["a", "b", "b", "b"]])
    assert krippendorff_alpha([["a", "b", "a", "b", "a"], ["a", "b", "b", "b", ""]]) == base
    assert math.isnan(krippendorff_alpha([["a", "a"], ["a", "a"]]))
    with pytest.raises(ValueError):
        krippendorff_alpha([["a"], ["a", "b"]])


def test_alpha_systematic_disagreement_is_negative():
    assert krippendorff_alpha([["yes", "no", "yes", "no"], ["no", "yes", "no", "yes"]]) < 0


def test_span_scores_exact_and_overlap():
    gold = {"cue": [(10, 14, None), (30, 38, None)]}
    pred = {"cue": [(10, 14, None), (29, 36, None), (50, 55, None)]}
    scores = span_scores(pred, gold).set_index("match")
    assert scores.loc["exact", "precision"] == pytest.approx(1 / 3)
    assert scores.loc["exact", "recall"] == pytest.approx(1 / 2)
    assert scores.loc["overlap", "recall"] == 1.0


def test_confusion_and_error_browser():
    text = "Sources said it may rain. The ministry said so."
    sents = [(0, 25), (26, len(text))]
    gold = {"cue": [(8, 12, "anonymous"), (39, 43, "institution")], "hedge": [(16, 19, "modal")],
            "source": [], "content": [], "mention": []}
    pred = {"cue": [(8, 12, "anonymous"), (39, 43, "media")], "hedge": [], "source": [(0, 7, None)],
            "content": [], "mention": []}
    table = confusion(pred["cue"], gold["cue"])
    assert table.loc["institution", "media"] == 1 and table.loc["anonymous", "anonymous"] == 1
    errors = error_table(text, sents, pred, gold, "d1")
    kinds = {(r.layer, r.error, r.span) for r in errors.itertuples()}
    assert ("hedge", "miss", "may") in kinds
    assert ("source", "false positive", "Sources") in kinds
    assert ("cue", "label", "said") in kinds
    miss = errors[errors["layer"] == "hedge"].iloc[0]
    assert miss["sentence"] == "Sources said it may rain." and miss["doc_id"] == "d1"


def test_sentence_coding_and_alpha_table_none_is_a_value():
    sents = [(0, 10), (11, 20), (21, 30)]
    a = sentence_coding({"cue": [(2, 5, "media")], "hedge": [(12, 14, "modal")]}, sents)
    b = sentence_coding({"cue": [(2, 5, "media")], "hedge": [(12, 14, "modal")]}, sents)
    assert a["hedge_category"].tolist() == ["", "modal", ""]
    table = alpha_table({"tool": a, "coder": b}, ["has_attribution", "hedge_category"]).set_index("variable")
    assert table.loc["has_attribution", "alpha"] == 1.0
    # Two "none" sentences and one "modal": alpha is defined (1.0), not NaN.
    assert table.loc["hedge_category", "alpha"] == 1.0 and table.loc["hedge_category", "units"] == 3


def test_gold_json_keeps_optional_apart():
    gold, optional = gold_json_spans(ROOT / "data" / "validation" / "pakistan-afghan-istanbul-talks.gold.json")
    assert gold["cue"] and gold["hedge"] and gold["mention"]
    assert optional["hedge"]  # "few" is marked optional in the coding
    assert not set(gold["hedge"]) & set(optional["hedge"])


def test_standoff_discontinuous_events_attributes_and_multi_annotator(tmp_path):
    text = "He said, in short, that it failed."
    ann = ("T1\tSource 0 2\tHe\nT2\tCue 3 7\tsaid\nT3\tContent 9 17;19 33\tin short that it failed\n"
           "T4\tAttribution 3 7\tsaid\nE1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\nA1\tSourceType T1 named_person\n"
           "#1\tAnnotatorNotes T1\tcheck\nstray line from a broken covered string\n")
    parsed = read_standoff(ann)
    assert parsed["entities"]["T3"]["fragments"] == [(9, 17), (19, 33)]
    assert parsed["events"]["E1"]["args"] == {"Content": "T3", "Cue": "T2", "Source": "T1"}
    assert parsed["attributes"]["A1"] == {"name": "SourceType", "target": "T1", "value": "named_person"}
    assert read_brat_string(ann, text)["content"] == {(9, 33)}
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "a.txt").write_text(text, encoding="utf-8")
    for coder in ("ab12", "cd34"):
        (tmp_path / "attributions" / f"a_{coder}.ann").write_text(ann, encoding="utf-8")
    by_text = annotations_by_text(tmp_path)
    assert list(next(iter(by_text.values()))) == ["ab12", "cd34"]


def test_notebook_05_runs_on_defaults(tmp_path):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "out"
    papermill.execute_notebook(str(ROOT / "notebooks" / "05_validation.ipynb"), str(tmp_path / "05.ipynb"),
                               parameters={"output_dir": str(out)}, kernel_name="python3",
                               cwd=str(ROOT / "notebooks"), progress_bar=False)
    metrics = json.loads((out / "metrics" / "05_validation.json").read_text(encoding="utf-8"))
    assert metrics["article"]["hedge_overlap_f1"] > 0.5
    assert metrics["article_alpha"]["has_attribution"] > 0.5
    assert "polnear" not in metrics  # shared sections default to off
