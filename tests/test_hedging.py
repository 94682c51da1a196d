"""Hedges and boosters: the default article against its gold file, the
disambiguation rules, the lexicon extension, the measures and the corpus bars."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DEFAULT_ARTICLE, shared_path

import presslens
from presslens.errors import ConfigError
from presslens.hedging.lexicon import HedgeLexicon
from presslens.hedging.annotate import add_hedges
from presslens.hedging.measures import hedge_measures, hedged_claims
from presslens.document.spans import Document

GOLD_FIXTURE = Path(__file__).parent / "fixtures" / "pakistan-afghan-istanbul-talks.gold.json"
#: Bars of issue 4.
MIN_FACTBANK_SENTENCE_F1 = 0.80
#: Best system of the CoNLL-2010 shared task on Wikipedia weasels.
CONLL2010_WIKI_BEST_F1 = 0.602


@pytest.fixture(scope="module")
def article():
    return add_hedges(presslens.annotate_paths([DEFAULT_ARTICLE])[0])


@pytest.fixture(scope="module")
def article_gold():
    return json.loads(GOLD_FIXTURE.read_text(encoding="utf-8"))


def cues(text: str, layer: str = "hedge", lexicon: HedgeLexicon | None = None) -> list[tuple[str, str, bool]]:
    """(covered text, category, negated) of every cue of ``layer`` in ``text``."""
    doc = add_hedges(presslens.annotate_text(text), lexicon)
    table = doc.layer(layer)
    return [(doc.text[s:e], label, bool(neg)) for s, e, label, neg in table[["start", "end", "label", "negated"]].itertuples(index=False)]


# ------------------------------------------------------------ default article

def _non_boilerplate_sentences(doc: Document) -> list[tuple[int, int]]:
    table = doc.layer("sentence")
    return [(s, e) for s, e, label in table[["start", "end", "label"]].itertuples(index=False) if label != "boilerplate"]


def test_every_gold_hedge_found_with_its_category(article, article_gold):
    found = {(s, e): label for s, e, label in article.layer("hedge")[["start", "end", "label"]].itertuples(index=False)}
    for item in article_gold["hedges"]:
        if item.get("optional"):
            continue
        s, e, covered = item["span"]
        assert article.text[s:e] == covered
        assert found.get((s, e)) == item["category"], f"missed or mislabelled: {covered!r} [{s}, {e})"


def test_no_false_alarms_among_body_sentences(article, article_gold):
    gold = {tuple(item["span"][:2]) for item in article_gold["hedges"]}  # optional ones count neither way
    body = [(s, e) for s, e, label in article.layer("sentence")[["start", "end", "label"]].itertuples(index=False) if label == "body"]
    for s, e in article.layer("hedge")[["start", "end"]].itertuples(index=False):
        if any(bs <= s and e <= be for bs, be in body):
            assert (s, e) in gold, f"false alarm: {article.text[s:e]!r} [{s}, {e})"


def test_eight_of_sixteen_sentences_hedged(article, article_gold):
    sentences = _non_boilerplate_sentences(article)
    assert len(sentences) == article_gold["body_sentences"] == 16
    hedges = article.layer("hedge")[["start", "end"]].values.tolist()
    hedged = [any(ss <= s and e <= se for s, e in hedges) for ss, se in sentences]
    assert sum(hedged) == article_gold["hedged_sentences"] == 8


def test_negation_flag_and_discontinuous_cue_in_article(article):
    table = article.layer("hedge")
    row = table[table["start"] == 813].iloc[0]
    assert article.text[row.start:row.end] == "is not expected to"
    assert bool(row.negated) is True
    assert not table[table["start"] != 813]["negated"].any()


def test_gold_boosters_found(article, article_gold):
    found = {(s, e): label for s, e, label in article.layer("booster")[["start", "end", "label"]].itertuples(index=False)}
    for item in article_gold["boosters"]:
        if not item.get("optional"):
            assert found.get(tuple(item["span"][:2])) == item["category"]
    # "is set to take place" (a schedule) and "will participate" (the future) are no hedges
    assert "set to" not in " ".join(article.texts("hedge"))


def test_layers_export_with_label_and_negated(article):
    rec = article.to_record()
    hedges = [s for s in rec["spans"] if s["layer"] == "hedge"]
    assert hedges and all(isinstance(s["negated"], bool) and s["label"] for s in hedges)
    assert {s["layer"] for s in rec["spans"]} >= {"hedge", "booster"}


# ------------------------------------------------------------ disambiguation

def test_may_the_month_is_no_modal():
    assert cues("The talks may resume in May.") == [("may", "modal", False)]
    assert cues("In May 2024, the officials met again.") == []
    assert cues("The ceasefire began on 5 May and held.") == []


def test_will_and_might_as_nouns():
    assert cues("The will of the people prevailed in the end.") == []
    assert cues("They fought with all their might against the plan.") == []
    assert cues("The talks might collapse.") == [("might", "modal", False)]


def test_future_will_is_no_hedge_but_will_certainly_is_a_booster():
    assert cues("The delegation will attend the meeting on Monday.") == []
    assert cues("The delegation will certainly attend.", "booster") == [("will certainly", "strong_modal", False)]


def test_can_of_ability_is_no_hedge():
    assert cues("She can speak three languages.") == []
    assert cues("The minister can sign the decree himself.") == []


def test_would_of_past_habit_is_no_hedge():
    assert cues("As a boy, he would walk to school every day.") == []
    assert cues("Pakistan would consider halting the strikes.") == [("would", "modal", False)]


def test_would_of_refusal_is_no_hedge():
    assert cues("The ministry would not comment on the report.") == []


def test_about_as_topic_preposition_is_no_hedge():
    assert cues("They talked about the border for hours.") == []
    assert cues("About 200 people attended the rally.") == [("About", "approximator", False)]


def test_if_in_indirect_question_is_investigation():
    assert cues("Reporters asked if the ceasefire was holding.") == [("if", "investigation", False)]
    assert cues("If consensus is reached, envoys meet.") == [("If", "conditional", False)]
    assert cues("It is not known whether the envoys met.") == [("whether", "investigation", False)]


def test_negation_is_kept_as_a_flag():
    found = cues("The talks could not possibly resume.")
    assert [c[:2] for c in found] == [("could", "modal"), ("possibly", "epistemic_adverb")]
    assert all(neg for _, _, neg in found)


def test_schedules_are_no_hedges():
    assert cues("The meeting is set to take place on Monday.") == []
    assert cues("The minister is due to arrive tomorrow.") == []
    assert cues("The vote is scheduled to take place in June.") == []


def test_discontinuous_cues():
    assert cues("The delegation is not expected to back down.") == [("is not expected to", "anticipatory", True)]
    assert cues("The envoy is widely expected to resign.") == [("is widely expected to", "anticipatory", False)]


def test_inflections():
    assert cues("Officials suggested that the talks had stalled.") == [("suggested", "epistemic_verb", False)]
    assert cues("The figures suggest that demand is falling.") == [("suggest", "epistemic_verb", False)]
    assert cues("Analysts expect the talks to fail.") == [("expect", "anticipatory", False)]
    assert cues("The talks seemed to stall.") == [("seemed", "epistemic_verb", False)]
    assert cues("Diplomats confirmed the date.", "booster") == [("confirmed", "certainty_verb", False)]


def test_plain_object_verbs_are_no_hedges():
    assert cues("The firm will assume the debt.") == []
    assert cues("The ceremony indicated the end of the mission.") == []


def test_unverified_attribution():
    assert cues("The commander was reportedly killed.") == [("reportedly", "unverified_attribution", False)]
    assert cues("Critics argue that the deal is weak.")[0][1] == "unverified_attribution"


# ------------------------------------------------------------ the lexicon

def test_shipped_lexicon_entries_are_cited():
    lex = HedgeLexicon.load()
    assert lex.version == "1.0"
    assert all(e.source for e in lex.entries)
    assert len(lex.describe()["sha256"][0]) == 64


def test_user_extension_adds_and_disables_cues(tmp_path):
    extra = tmp_path / "my-hedges.yml"
    extra.write_text(
        "entries:\n"
        "  - {cue: in all probability, category: epistemic_adverb, source: my project}\n"
        "  - {cue: touted+, category: emphasis, source: my project}\n"
        "  - {cue: could, disable: true}\n",
        encoding="utf-8",
    )
    lex = HedgeLexicon.load(extra)
    assert lex.files[-1] == str(extra)
    text = "In all probability the talks could resume."
    assert cues(text, lexicon=lex) == [("In all probability", "epistemic_adverb", False)]
    assert ("could", "modal", False) in cues(text)


def test_malformed_extension_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("entries:\n  - {cue: perhaps, category: modal\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.yml.*line"):
        HedgeLexicon.load(bad)
    wrong = tmp_path / "wrong.yml"
    wrong.write_text("entries:\n  - {cue: perhaps, category: modal, source: x}\n  - {cue: hmm, category: vague, source: x}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"wrong\.yml: line 3: .*'vague'"):
        HedgeLexicon.load(wrong)
    uncited = tmp_path / "uncited.yml"
    uncited.write_text("entries:\n  - {cue: perhaps, category: modal}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"uncited\.yml: line 2: .*source"):
        HedgeLexicon.load(uncited)


# ------------------------------------------------------------ measures

def test_hedged_claims_of_the_article(article):
    claims = hedged_claims(article)
    assert len(claims) == 15  # body sentences: headline and boilerplate excluded
    assert int(claims["hedged"].sum()) == 8
    assert claims["n_hedges"].sum() == 11
    assert "conditional" in claims.loc[claims["start"] == 1623, "categories"].item()


def test_hedge_measures_are_tidy_and_consistent(article):
    m = hedge_measures(article)
    assert list(m.columns) == ["doc_id", "measure", "category", "party", "value", "n"]
    share = m.loc[m.measure == "hedged_claim_share", "value"].item()
    assert share == pytest.approx(8 / 15)
    per100 = m[(m.measure == "hedges_per_100_words")]
    assert per100.loc[per100.category == "all", "value"].item() == pytest.approx(
        per100.loc[per100.category != "all", "value"].sum())
    words = per100["n"].iloc[0]
    assert per100.loc[per100.category == "all", "value"].item() == pytest.approx(100 * 11 / words)
    assert m.loc[m.measure == "hedge_booster_ratio", "value"].item() == pytest.approx(11 / 3)


def test_attributed_and_party_measures_use_other_layers():
    doc = presslens.annotate_text("Talks resume\n\nSources said talks could resume. Pakistan met Kabul. Kabul may agree.")
    add_hedges(doc)
    text = doc.text
    doc.add_layer("attribution", [(text.index("Sources"), text.index("resume."), "attribution")])
    doc.add_layer("mention", [(text.index("Pakistan"), text.index("Pakistan") + 8, "pakistan"),
                              (text.rindex("Kabul"), text.rindex("Kabul") + 5, "afghan_taliban")])
    claims = hedged_claims(doc)
    assert claims["attributed"].tolist() == [True, False, False]
    assert claims["parties"].tolist() == [[], ["pakistan"], ["afghan_taliban"]]
    m = hedge_measures(doc).set_index(["measure", "party"])["value"]
    assert m[("hedged_share_attributed", None)] == 1.0
    assert m[("hedged_share_unattributed", None)] == 0.5
    assert m[("hedged_share_party", "afghan_taliban")] == 1.0
    assert m[("hedged_share_party", "pakistan")] == 0.0


# ------------------------------------------------------------ corpus bars

def test_factbank_sentence_f1():
    from presslens.evaluate.hedges import format_report, run

    path = shared_path("data", "hedges", "factbank-dev.xml")
    result = run([path])["factbank-dev.xml"]
    binary = result["sentence"]["binary"]
    assert binary["n_items"] > 1500 and binary["n_gold"] > 250
    assert binary["f1"] >= MIN_FACTBANK_SENTENCE_F1, format_report({"factbank-dev.xml": result})
    assert result["cue"]["overlap"]["f1"] >= result["cue"]["exact"]["f1"] > 0.5


@pytest.mark.validation  # a whole corpus: tasks.py validate
def test_wikiweasel_sentence_f1_beats_conll2010():
    from presslens.evaluate.hedges import format_report, run

    files = [shared_path("data", "hedges", f"wikiweasel-train-{c}.txt") for c in ("certain", "uncertain")]
    result = run(files)
    assert list(result) == ["wikiweasel-train"]
    binary = result["wikiweasel-train"]["sentence"]["binary"]
    assert binary["n_items"] > 7000
    assert binary["f1"] > CONLL2010_WIKI_BEST_F1, format_report(result)
    json.dumps(result)  # the --json output is plain JSON
