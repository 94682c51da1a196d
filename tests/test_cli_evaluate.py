"""The command line of the validation loop: evaluate roles / tone / coding and export-coding."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import shared_path

from presslens.cli import main

# Two hand-made sentences in CoNLL-U (our own, not from a treebank).
CONLLU = """\
# text = Militants attacked the post .
1\tMilitants\tmilitant\tNOUN\tNNS\t_\t2\tnsubj\t_\t_
2\tattacked\tattack\tVERB\tVBD\t_\t0\troot\t_\t_
3\tthe\tthe\tDET\tDT\t_\t4\tdet\t_\t_
4\tpost\tpost\tNOUN\tNN\t_\t2\tobj\t_\t_
5\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

# text = The talks were hosted by Turkey .
1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_
2\ttalks\ttalk\tNOUN\tNNS\t_\t4\tnsubj:pass\t_\t_
3\twere\tbe\tAUX\tVBD\t_\t4\taux:pass\t_\t_
4\thosted\thost\tVERB\tVBN\t_\t0\troot\t_\t_
5\tby\tby\tADP\tIN\t_\t6\tcase\t_\t_
6\tTurkey\tTurkey\tPROPN\tNNP\t_\t4\tobl:agent\t_\t_
7\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_

"""

TONE_ROWS = [("Militants attacked Pakistan.", "Pakistan", 2.0),
             ("Qatar praised Pakistan's restraint.", "Pakistan", 6.0),
             ("Delegations from Pakistan and Afghanistan met in Istanbul on Monday.", "Afghanistan", 4.0)]

ARTICLES = {
    "a1": "Talks resume in Istanbul\n\nOfficials said the talks could resume on Monday. The delegation arrived.\n",
    "a2": "Qatar mediates\n\nQatar is mediating the talks. Sources said Pakistan may ask for guarantees.\n",
    "a3": "Border reopens\n\nThe border reopened on Sunday. Traders welcomed the decision.\n",
    "a4": "Ministers meet\n\nThe ministry announced that ministers would meet. It is possibly the last round.\n",
}


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture()
def conllu(tmp_path):
    path = tmp_path / "mini.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    return path


@pytest.fixture()
def newsmtsc(tmp_path):
    path = tmp_path / "mini.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i, (sent, target, pol) in enumerate(TONE_ROWS):
            s = sent.index(target)
            fh.write(json.dumps({"primary_gid": str(i), "sentence_normalized": sent, "targets": [
                {"Input.gid": str(i), "from": s, "to": s + len(target), "mention": target, "polarity": pol}]}) + "\n")
    return path


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def test_evaluate_roles_json_shape(capsys, conllu):
    code, out, _ = run_cli(capsys, "evaluate", "roles", str(conllu), "--json")
    assert code == 0
    result = json.loads(out)
    scored = result["role"]["gold_relations"]
    assert scored["n"] == 4  # Militants (nsubj), post (obj), talks (nsubj:pass), Turkey (obl:agent)
    assert scored["accuracy"] == 1.0
    for role in ("agent", "patient"):
        assert set(result[role]["all_tokens"]) >= {"precision", "recall", "f1", "n_gold"}
        assert result[role]["all_tokens"]["n_gold"] == 2
    assert result["parser"]["all_tokens"]["n"] == 12


def test_evaluate_roles_scores_the_framing_function(conllu, monkeypatch):
    # `evaluate roles` must score the very calls the mention layer uses.
    from presslens.evaluate import roles
    from presslens.framing import mentions
    from presslens.syntax import roles as syntax_roles

    # Both read the one function of presslens.syntax.roles.
    assert roles.sentence_roles is mentions.sentence_roles is syntax_roles.sentence_roles

    def everyone_is_other(words, tags, arcs=None):
        return [("other", None, "test")] * len(words)

    monkeypatch.setattr(roles, "sentence_roles", everyone_is_other)
    assert roles.run([conllu])["role"]["gold_relations"]["accuracy"] == 0.0


def test_evaluate_roles_text_and_missing_file(capsys, conllu, tmp_path):
    code, out, _ = run_cli(capsys, "evaluate", "roles", str(conllu))
    assert code == 0 and "role accuracy" in out and "UAS" in out
    code, _, err = run_cli(capsys, "evaluate", "roles", str(tmp_path / "nope.conllu"))
    assert code == 2 and "nope.conllu" in err and "Traceback" not in err


def test_evaluate_tone_json_shape(capsys, newsmtsc):
    code, out, _ = run_cli(capsys, "evaluate", "tone", str(newsmtsc), "--json")
    assert code == 0
    result = json.loads(out)
    for key in ("model", "vader_sentence"):
        scores = result["tone"][key]
        assert scores["n"] == 3
        assert {"macro_f1", "accuracy"} <= set(scores)
        assert set(scores["per_class"]["positive"]) == {"precision", "recall", "f1", "n_gold"}
    assert result["tone"]["model"]["accuracy"] == 1.0
    code, out, _ = run_cli(capsys, "evaluate", "tone", str(newsmtsc))
    assert code == 0 and "VADER sentence" in out


def test_export_coding_is_reproducible(capsys, corpus, tmp_path):
    outs = []
    for k in range(2):
        out = tmp_path / f"coding{k}"
        code, line, _ = run_cli(capsys, "export-coding", str(corpus), "--sample", "2", "--seed", "3", "--out", str(out))
        assert code == 0 and "2 of 4 documents" in line
        outs.append(out)
    for name in ("sample.txt", "coding_sheet.csv", "annotation.conf"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()
    ids = (outs[0] / "sample.txt").read_text(encoding="utf-8").split()
    assert len(ids) == 2
    for doc_id in ids:
        assert (outs[0] / "text" / f"{doc_id}.txt").read_text(encoding="utf-8") == ARTICLES[doc_id]
        assert (outs[0] / "attributions" / f"{doc_id}.ann").is_file()
    other = tmp_path / "other_seed"
    run_cli(capsys, "export-coding", str(corpus), "--sample", "2", "--seed", "4", "--out", str(other))
    code, _, err = run_cli(capsys, "export-coding", str(corpus), "--sample", "0", "--out", str(other))
    assert code == 2 and "--sample" in err


def _fill_sheet(src, dst, change=None) -> None:
    """A coder who agrees with the tool everywhere (``change`` edits one row)."""
    with open(src, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for i, row in enumerate(rows):
        for col in ("has_attribution", "source_type", "hedged", "hedge_category", "parties", "roles", "tone"):
            row[col] = row[f"tool_{col}"]
        if change:
            change(i, row)
    with open(dst, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_evaluate_coding_sheets_json_and_errors(capsys, corpus, tmp_path):
    out = tmp_path / "coding"
    run_cli(capsys, "export-coding", str(corpus), "--sample", "4", "--seed", "1", "--out", str(out))
    sheet = out / "coding_sheet.csv"
    same = tmp_path / "coder1.csv"
    _fill_sheet(sheet, same)

    def flip(i, row):
        if i == 0:
            row["hedged"] = "no" if row["hedged"] == "yes" else "yes"
            row["hedge_category"] = ""

    other = tmp_path / "coder2.csv"
    _fill_sheet(sheet, other, flip)
    code, text, _ = run_cli(capsys, "evaluate", "coding", str(same), str(other), "--json")
    assert code == 0
    result = json.loads(text)
    assert result["alpha"]["has_attribution"]["tool vs coder1"]["alpha"] == 1.0
    assert result["alpha"]["hedged"]["tool vs coder1"]["alpha"] == 1.0
    assert result["alpha"]["hedged"]["coder1 vs coder2"]["alpha"] < 1.0
    assert "all" in result["alpha"]["hedged"]
    assert result["differences"] >= 1
    code, text, _ = run_cli(capsys, "evaluate", "coding", str(same))
    assert code == 0 and "alpha" in text

    def bad(i, row):
        if i == 1:
            row["hedged"] = "maybe"

    broken = tmp_path / "broken.csv"
    _fill_sheet(sheet, broken, bad)
    code, _, err = run_cli(capsys, "evaluate", "coding", str(broken))
    assert code == 2 and "row 3" in err and "hedged" in err and "maybe" in err
    code, _, err = run_cli(capsys, "evaluate", "coding")
    assert code == 2 and "coding sheet" in err


def test_evaluate_coding_refuses_an_uncoded_export_and_scores_a_coded_one(capsys, corpus, tmp_path):
    out = tmp_path / "coding"
    run_cli(capsys, "export-coding", str(corpus), "--sample", "3", "--seed", "2", "--out", str(out))
    # Nobody has coded yet: the pre-annotations are the tool's, never a coder.
    code, text, err = run_cli(capsys, "evaluate", "coding", "--brat", str(out), "--json")
    assert code == 2 and not text and len(err.strip().splitlines()) == 1 and "no coder's answers" in err
    # A coder saves their own copy of each file (BRAT's NAME_XXXX.ann), deleting one line of one.
    anns = sorted((out / "attributions").glob("*.ann"))
    for i, ann in enumerate(anns):
        lines = ann.read_text(encoding="utf-8").splitlines(keepends=True)
        (ann.parent / f"{ann.stem}_a001.ann").write_text("".join(lines[:-1] if i == 0 and lines else lines) + "\n",
                                                         encoding="utf-8")
    code, text, _ = run_cli(capsys, "evaluate", "coding", "--brat", str(out), "--json")
    assert code == 0
    spans = json.loads(text)["spans"]
    assert spans["cue"]["exact"]["f1"] == 1.0 and spans["hedge"]["labelled"]["f1"] < 1.0  # the line deleted


@pytest.mark.validation  # whole EWT test and NewsMTSC: tasks.py validate
def test_evaluate_roles_and_tone_on_shared_data_json(capsys):
    ewt = shared_path("data", "ud-english-ewt", "en_ewt-ud-test.conllu")
    mtsc = shared_path("data", "newsmtsc", "devtest_mt.jsonl")
    code, out, _ = run_cli(capsys, "evaluate", "roles", str(ewt), "--json")
    assert code == 0
    roles = json.loads(out)["role"]["gold_relations"]
    assert roles["n"] == 3247 and roles["accuracy"] >= 0.90
    code, out, _ = run_cli(capsys, "evaluate", "tone", str(mtsc), "--json")
    tone = json.loads(out)["tone"]
    assert tone["model"]["n"] == 1476
    assert tone["model"]["macro_f1"] >= 0.65 and tone["model"]["macro_f1"] > tone["vader_sentence"]["macro_f1"]


def test_export_coding_with_parties_fills_parties_and_roles(capsys, corpus, tmp_path):
    from conftest import ROOT

    out = tmp_path / "coding"
    parties = ROOT / "data" / "parties" / "pakistan-afghanistan.yml"
    code, _, _ = run_cli(capsys, "export-coding", str(corpus), "--sample", "4", "--seed", "1", "--out", str(out),
                         "--parties", str(parties))
    assert code == 0
    with open(out / "coding_sheet.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    qatar = next(r for r in rows if r["sentence"].startswith("Qatar is mediating"))
    assert qatar["tool_parties"] == "mediators" and qatar["tool_roles"] == "mediators:agent"
    assert all(r[c] == "" for r in rows for c in ("has_attribution", "hedged", "parties", "roles"))
    ann = (out / "attributions" / "a2.ann").read_text(encoding="utf-8")
    assert "Mention" in ann and "Party" in ann and "Role" in ann
