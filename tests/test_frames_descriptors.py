"""Frame dimensions, labels and descriptors, and where each party's mentions sit (voice)."""

from __future__ import annotations

import pytest

from presslens import annotate_text
from presslens.framing.descriptors import descriptor_summary, load_descriptor_lexicon, party_descriptors
from presslens.errors import ConfigError
from presslens.framing.frames import add_frames, load_frame_lexicon
from presslens.framing.measures import party_frames, sentence_frames
from presslens.framing.mentions import add_mentions
from presslens.framing.measures import mention_voice, party_measures, party_verbs
from presslens.framing.parties import PartyConfig

CFG = PartyConfig.from_dict({"parties": {
    "north": {"label": "Northland", "aliases": ["Northland", "Northern"]},
    "rebels": {"label": "Rebels", "aliases": ["rebels", "rebel groups"]},
}})


def _doc(text: str):
    return add_mentions(annotate_text(text), CFG)


def test_frames_are_spans_over_cue_words_with_inflections():
    doc = add_frames(annotate_text("Negotiators negotiated a ceasefire. Refugees fled the shelling."))
    frames = doc.layer("frame")
    found = {(doc.text[s:e], lab) for s, e, lab in frames[["start", "end", "label"]].itertuples(index=False)}
    assert ("negotiated", "diplomacy_negotiation") in found
    assert ("ceasefire", "security_defence") in found
    assert ("Refugees", "humanitarian") in found
    assert ("shelling", "security_defence") in found


def test_phrase_cue_beats_its_first_word():
    doc = add_frames(annotate_text("They called it an internal issue."))
    assert doc.layer("frame")[["label", "cue"]].values.tolist() == [["sovereignty_territory", "internal issue"]]


def test_party_frames_share_counts_sentences_not_cues():
    doc = _doc("Northland joined the talks and the negotiations. Northland closed its border. The rebels attacked.")
    t = party_frames(doc, CFG).set_index(["party", "dimension"])
    assert t.loc[("north", "diplomacy_negotiation"), "sentences"] == 1
    assert t.loc[("north", "diplomacy_negotiation"), "share"] == pytest.approx(0.5)
    assert t.loc[("rebels", "security_defence"), "share"] == pytest.approx(1.0)


def test_user_frame_lexicon_extends_the_shipped_one(tmp_path):
    extra = tmp_path / "frames.yml"
    extra.write_text("dimensions:\n  water:\n    label: Water\n    cues: [dam, river water]\n", encoding="utf-8")
    lex = load_frame_lexicon(extra)
    doc = add_frames(annotate_text("The dam holds river water for the talks."), lex)
    assert {"water", "diplomacy_negotiation"} <= set(doc.layer("frame")["label"])
    assert "text" in sentence_frames(doc, lex).columns


def test_bad_frame_lexicon_names_the_file(tmp_path):
    bad = tmp_path / "frames.yml"
    bad.write_text("dimensions: [oops\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="frames.yml"):
        load_frame_lexicon(bad)


def test_descriptors_of_each_kind():
    doc = _doc("Northland, a close partner, condemned the banned rebel groups. "
               "The rebels are a brutal militia. Northern forces were described as restrained.")
    d = party_descriptors(doc, CFG)
    got = {(r.party, doc.text[r.start:r.end], r.kind) for r in d.itertuples()}
    assert ("north", "a close partner", "apposition") in got
    assert ("rebels", "banned", "modifier") in got
    assert ("rebels", "a brutal militia", "predicate") in got
    assert ("north", "forces", "head") in got
    assert ("north", "restrained", "called") in got
    groups = dict(((r.party, doc.text[r.start:r.end]), r.group) for r in d.itertuples())
    assert groups[("rebels", "banned")] == "delegitimising"
    assert groups[("north", "a close partner")] == "legitimising"
    summary = descriptor_summary(d, CFG).set_index("party")
    assert summary.loc["rebels", "delegitimising"] >= 2


def test_descriptor_lexicon_plural_forms():
    lex = load_descriptor_lexicon()
    assert lex.phrases[("terrorists",)] == "delegitimising"
    assert lex.phrases[("major", "non-nato", "ally")] == "legitimising"


def test_mention_voice_separates_quoted_from_reporter_text():
    doc = _doc("Officials said the rebels attacked Northland. Northland held talks.")
    voice = dict(zip(doc.layer("mention")["start"], mention_voice(doc)))
    text = doc.text
    assert voice[text.index("rebels")] == "attributed"
    assert voice[text.rindex("Northland")] == "reporter"
    m = party_measures(doc, CFG).set_index(["party", "measure"])["value"]
    assert m[("north", "in_attributed_voice_share")] == pytest.approx(0.5)
    assert m[("rebels", "in_reporter_voice_share")] == 0.0


def test_party_verbs_lists_what_each_party_does_and_undergoes():
    doc = _doc("The rebels attacked Northland. Northland arrested the rebels.")
    v = party_verbs(doc, CFG).set_index("party")
    assert v.loc["rebels", "does"] == "attack"
    assert v.loc["rebels", "undergoes"] == "arrest"
    assert v.loc["north", "does"] == "arrest"
