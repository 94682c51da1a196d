"""Tests of party framing: mention roles, verbs and per-party measures."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import pytest

from presslens import annotate_text
from presslens.framing import measures, mentions
from presslens.report.methods import methods_note
from presslens.framing.mentions import add_mentions
from presslens.resources.verbs import agency_power_lexicon
from presslens.syntax.morphology import lemma
from presslens.framing.measures import mentions_table, party_measures
from presslens.framing.parties import PartyConfig

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "data/articles/pakistan-afghan-istanbul-talks.txt"
PARTIES = ROOT / "data/parties/pakistan-afghanistan.yml"
GOLD = ROOT / "tests/fixtures/pakistan-afghan-istanbul-talks.gold.json"

CFG = PartyConfig.from_dict({"parties": {
    "pk": {"label": "Pakistan", "aliases": ["Pakistan", "Pakistani", "Islamabad"]},
    "af": {"label": "Afghan Taliban", "aliases": ["Afghan Taliban", "Taliban", "Afghan", "Afghanistan"]},
    "med": {"label": "Mediators", "aliases": ["Qatar", "Türkiye"]},
    "mil": {"label": "Militants", "aliases": [{"text": "militants", "ignore_case": True},
                                             {"text": "militant groups", "ignore_case": True}]},
}})


def roles(text: str, **kw) -> list[tuple[str, str, str | None, str | None]]:
    t = mentions_table(add_mentions(annotate_text(text), CFG, **kw))
    return [(r.text, r.role, r.verb, r.stance) for r in t.itertuples()]


@pytest.fixture(scope="module")
def article():
    cfg = PartyConfig.from_file(PARTIES)
    doc = add_mentions(annotate_text(ARTICLE.read_text(encoding="utf-8"), "istanbul"), cfg)
    return doc, cfg


def _gold_scores(doc) -> tuple[float, float, int]:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["mentions"]
    t = mentions_table(doc)
    found = right = 0
    for g in gold:
        s, e = g["span"][:2]
        hit = t[(t["start"] < e) & (t["end"] > s) & (t["party"] == g["party"])]
        if len(hit):
            found += 1
            right += hit.iloc[0]["role"] == g["role"]
    return found / len(gold), right / found, len(gold)


def test_gold_coverage_and_role_accuracy(article):
    doc, _ = article
    coverage, accuracy, n = _gold_scores(doc)
    print(f"gold mentions {n}: coverage {coverage:.3f}, role accuracy on found {accuracy:.3f}")
    # Measured: coverage 30/30, roles right for 29/30 = 0.967 (the parser
    # reads "... between Pakistan and the Afghan Taliban government is set
    # to take place" with "government" as the subject of "is set").
    assert coverage == 1.0
    assert accuracy >= 0.9


def test_article_verbs_and_places(article):
    doc, _ = article
    t = mentions_table(doc)
    by_np = {(r.np_text, r.role, r.verb) for r in t.itertuples()}
    assert ("Pakistan", "patient", "target") in by_np
    assert ("Afghan security forces", "agent", "conduct") in by_np
    assert ("the Afghan Taliban", "agent", "describe") in by_np
    # "in both Islamabad and Kabul", "terrorism in Pakistan" are places: left out by default.
    assert not any(t["text"].eq("Kabul"))
    assert len(t) == 32  # 30 gold actor mentions are all among them


def test_passive_by_phrase_agent_and_subject_patient():
    assert roles("Pakistan was attacked by militants.") == [
        ("Pakistan", "patient", "attack", None), ("militants", "agent", "attack", None)]
    assert roles("Operations could be conducted by the Afghan Taliban.") == [
        ("Afghan Taliban", "agent", "conduct", None)]


def test_against_and_anti_compound_patient():
    assert roles("The army will act against militant groups.") == [("militant groups", "patient", "act", None)]
    assert roles("Anti-Pakistan attacks have persisted.") == [("Anti-Pakistan", "patient", None, "anti")]


def test_object_and_catenative_chain():
    assert roles("Militant groups based in Afghanistan continue to target Pakistan.") == [
        ("Militant groups", "agent", "target", None), ("Pakistan", "patient", "target", None)]
    assert roles("Pakistan is expected to reiterate its demand.") == [("Pakistan", "agent", "reiterate", None)]


def test_coordinated_subjects():
    assert roles("Qatar and Türkiye are mediating the discussions.") == [
        ("Qatar", "agent", "mediate", None), ("Türkiye", "agent", "mediate", None)]


def test_a_titled_name_acts_when_its_first_name_is_the_subject():
    """UD heads a name on its first word: "Sara" is the subject, "Malik" a flat dependent of it."""
    cfg = PartyConfig.from_dict({"parties": {"opp": {"label": "Opposition", "aliases": ["Opposition leader Sara Malik"]}}})
    doc = add_mentions(annotate_text("Flood aid\n\nOpposition leader Sara Malik claimed on social media that the "
                                     "figures were invented."), cfg)
    t = mentions_table(doc)
    assert [(r.text, r.role, r.verb) for r in t.itertuples()] == [("Opposition leader Sara Malik", "agent", "claim")]


def test_place_only_is_not_an_actor():
    assert roles("Militants are hiding in Afghanistan.") == [("Militants", "agent", "hide", None)]
    assert roles("Attacks were launched from Afghan soil.") == []
    kept = mentions_table(add_mentions(annotate_text("Militants are hiding in Afghanistan."), CFG, keep_places=True))
    place = kept[kept["text"] == "Afghanistan"].iloc[0]
    assert place["place_only"] and place["role"] == "other"


def test_reported_subject_and_possessor():
    assert roles("Sources said Pakistan would consider halting airstrikes.") == [("Pakistan", "agent", "halt", None)]
    assert roles("Despite Islamabad's status, talks resumed.") == [("Islamabad", "other", None, None)]


def test_lexicon_and_lemmas():
    lex = agency_power_lexicon()
    assert len(lex) > 2100 and lex["attack"] == (1, 1)
    assert [lemma(w, t) for w, t in [("conducted", "VBN"), ("shared", "VBN"), ("mediating", "VBG"),
                                     ("provided", "VBD"), ("continues", "VBZ"), ("said", "VBD")]] == [
        "conduct", "share", "mediate", "provide", "continue", "say"]


def test_party_measures(article):
    doc, cfg = article
    m = party_measures(doc, cfg)
    assert list(m.columns) == ["party", "measure", "value", "n"]
    v = m.set_index(["party", "measure"])["value"]
    assert v["mediators", "agent_share"] == 1.0
    assert v["pakistan", "patient_share"] > 0
    shares = sum(v[p, "mention_share"] for p in cfg.ids)
    assert shares == pytest.approx(1.0)
    assert all(abs(v[p, "agent_share"] + v[p, "patient_share"] + v[p, "other_share"] - 1) < 1e-9
               for p in cfg.ids)


def test_voice_share_from_attributions():
    from presslens.attribution.annotate import add_attributions

    cfg = PartyConfig.from_file(PARTIES)
    doc = add_attributions(annotate_text("Pakistani officials said the talks failed. Sources said more would follow."),
                           parties=cfg)
    m = party_measures(doc, cfg).set_index(["party", "measure"])
    n_attr = len(doc.layer("attribution"))
    assert m.loc[("pakistan", "voice_share"), "n"] == n_attr
    expected = (doc.layer("attribution")["source_party"] == "pakistan").sum() / n_attr
    assert m.loc[("pakistan", "voice_share"), "value"] == pytest.approx(expected)


def test_doctests():
    result = doctest.testmod(mentions)
    assert result.failed == 0
    result = doctest.testmod(measures)
    assert result.failed == 0 and result.attempted > 0


def test_relative_clauses_and_targeting():
    # The main clause governs the subject: the militants flee (and "who",
    # not "Militants", is the subject of the relative clause).
    assert roles("Militants who attacked Pakistan fled.") == [
        ("Militants", "agent", "flee", None), ("Pakistan", "patient", "attack", None)]
    assert roles("Pakistan, which was attacked by militants, responded.") == [
        ("Pakistan", "patient", "attack", None), ("militants", "agent", "attack", None)]
    assert roles("Airstrikes targeting militants killed ten.") == [("militants", "patient", "target", None)]
    assert roles("The talks were mediated by Qatar and Türkiye.") == [
        ("Qatar", "agent", "mediate", None), ("Türkiye", "agent", "mediate", None)]


@pytest.mark.parametrize("body, line, words", [
    ("parties:\n  pk:\n    label: Pakistan\n    aliases: [Pakistan, Islamabad\n  af:\n    label: Kabul\n",
     "line 5", "flow sequence that starts on line 4"),
    ("parties:\n  pk:\n    label: Pakistan\n    aliases: Pakistan\n", "line 4", "non-empty list of 'aliases'"),
    ("parties:\n  pk:\n    aliases: [Pakistan]\n  af:\n    aliases: [Kabul,\n      Pakistan]\n",
     "line 6", "'Pakistan' belongs to both 'pk' and 'af'"),
    ("parties:\n  pk:\n    aliases: [Pakistan]\n    colour: red\n", "line 3", "unknown keys: colour"),
    ("parties: [Pakistan]\n", "line 1", "'parties' must map"),
    ("parties:\n  2pk:\n    aliases: [Pakistan]\n", "line 2", "plain identifier"),
])
def test_malformed_parties_file_names_the_line(tmp_path, body, line, words):
    from presslens.errors import ConfigError

    path = tmp_path / "bad.yml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        PartyConfig.from_file(path)
    msg = str(err.value)
    assert msg.startswith(f"{path}: {line}:") and words in msg, msg


def test_alias_matching_rules():
    cfg = PartyConfig.from_dict({"parties": {
        "af": {"label": "Afghan Taliban", "aliases": ["Taliban", "Afghan Taliban", "Afghan Taliban government"]},
        "us": {"label": "United States", "aliases": ["US", {"text": "washington", "ignore_case": True}]}}})
    found = [(m.alias, m.stance) for m in cfg.find("The Afghan Taliban government met pro-Afghan Taliban "
                                                  "groups; the US, us and WASHINGTON; USA and anti-US rallies.")]
    # Longest alias first, compounds keep their stance, case-sensitive unless marked, whole words only.
    assert found == [("Afghan Taliban government", None), ("Afghan Taliban", "pro"), ("US", None),
                     ("washington", None), ("US", "anti")]


def test_article_highlights_are_escaped_and_in_party_colours():
    from presslens.report import display as show

    cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan <PK>", "aliases": ["Pakistan"]}}})
    doc = add_mentions(annotate_text("Militants <script>alert(1)</script> attacked Pakistan & its allies."), cfg)
    html = show.party_highlights(doc, {"pk": "Pakistan <PK>"})
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp; its allies" in html
    colour = show.party_colours(["pk"])["pk"]
    assert colour in html and "Pakistan &lt;PK&gt;" in html


def test_methods_note_quotes_the_validation_figures(tmp_path):
    path = tmp_path / "figures.json"
    path.write_text(json.dumps({"roles": {"accuracy": 0.9128, "n": 3247, "uas": 0.85},
                                "tone": {"macro_f1": 0.671, "n": 1476, "vader_macro_f1": 0.496},
                                "article_mentions": {"found": 30, "n_gold": 30, "role_right": 29}}), encoding="utf-8")
    note = methods_note(path)
    assert "91.3%" in note and "3,247" in note and "0.671" in note and "0.496" in note and "30 of 30" in note
    assert "VALIDATION.md" in methods_note(tmp_path / "missing.json")


def test_noun_phrase_spans_and_compound_parts():
    cfg = PartyConfig.from_dict({"parties": {"mt": {"label": "Mediators", "aliases": ["Turkish"]},
                                             "us": {"label": "United States", "aliases": ["US"]}}})
    t = mentions_table(add_mentions(annotate_text(
        "The Turkish Ministry of Foreign Affairs issued a statement. A US-led coalition attacked the camps."), cfg))
    assert t["np_text"].tolist() == ["The Turkish Ministry of Foreign Affairs", "US"]
    assert t["role"].tolist() == ["agent", "other"]  # the coalition, not the US, is the subject


def test_parse_repairs_relative_clause_subject_and_lone_iobj():
    # "Qatar, which hosted ..., urged ...": Qatar is the one who urges.
    assert roles("Qatar, which hosted the talks, urged Pakistan to show restraint.") == [
        ("Qatar", "agent", "urge", None), ("Pakistan", "patient", "urge", None)]
    # A lone indirect object is the object; "has urged" is no participle modifier.
    t = mentions_table(add_mentions(annotate_text("Qatar has urged Pakistan to act."), CFG))
    assert [(r.np_text, r.role, r.verb) for r in t.itertuples()] == [
        ("Qatar", "agent", "urge"), ("Pakistan", "patient", "urge")]


def test_default_parties_file_matches_common_nouns_in_any_case():
    cfg = PartyConfig.from_file(PARTIES)
    found = [(m.party, m.alias) for m in cfg.find("Militants attacked. MILITANT GROUPS fled; Taliban and taliban.")]
    assert found == [("militants", "militants"), ("militants", "militant groups"), ("afghan_taliban", "Taliban")]


@pytest.mark.parametrize("text, alias, role", [
    ("Nine rebel fighters lost their lives in the clashes.", "rebel", "patient"),
    ("Northland has seen a surge in militant attacks since June.", "Northland", "patient"),
    ("Northland, with Southland, has been engaged in weeks of talks.", "Northland", "agent"),
    ("Northland, Southland hold crucial talks on water", "Northland", "agent"),
    ("The Northland Liberation Forces (NLF) agreed to a truce on Thursday.", "NLF", "agent"),
    ("Northlandic Prime Minister Ana Ruiz and the southern leader will sign the accord.", "Northlandic", "agent"),
])
def test_role_classes_of_news_prose(text, alias, role):
    cfg = PartyConfig.from_dict({"parties": {"p": {"label": "P", "aliases": [alias]}}})
    doc = add_mentions(annotate_text("Headline words here\n\n" + text), cfg)
    m = doc.layer("mention")
    assert len(m) and m.iloc[0]["role"] == role, m[["alias", "role", "rule"]].values.tolist()


def test_framing_figures_count_no_headline_or_boilerplate_mention(article):
    """The headline names Pakistan once ("Pakistan-Afghan talks"): listed as a mention, counted in no figure."""
    doc, cfg = article
    labels = doc.layer("sentence")["label"].tolist()
    every = mentions_table(doc)
    in_headline = every[[labels[s] != "body" for s in every["sentence"]]]
    assert len(in_headline) >= 1 and not in_headline["counted"].any()
    counted = measures.counted_mentions(doc)
    assert all(labels[s] == "body" for s in counted["sentence"])
    table = party_measures(doc, cfg).set_index(["party", "measure"])["value"]
    assert table["pakistan", "mentions"] == int(((every["party"] == "pakistan") & every["counted"]).sum()) == 12
    assert table[:, "mentions"].sum() == len(counted)


def test_one_word_and_sentence_count_for_annotate_and_the_reports(article):
    from presslens.attribution.measures import sourcing_measures
    from presslens.cli import summary_line
    from presslens.syntax.segment import body_counts

    doc, _ = article
    counts = body_counts(doc)
    m = sourcing_measures(doc).set_index("measure")["value"]
    assert (counts.words, counts.sentences) == (int(m["words"]), int(m["body_sentences"]))
    assert counts.describe() in summary_line([doc], Path("out.jsonl"))
