"""Parties proposed from the text (no parties file): the gazetteer, the merging of variants, the parties file written."""

from __future__ import annotations

import pytest

from conftest import DEFAULT_ARTICLE, PARTIES
from presslens import annotate_text
from presslens.document.spans import Document
from presslens.framing.gazetteer import default_gazetteer, load_gazetteer
from presslens.framing.parties import PartyConfig
from presslens.framing.proposal import propose_parties, proposal_yaml
from presslens.errors import ConfigError


@pytest.fixture(scope="module")
def proposed():
    return {p.id: p for p in propose_parties([Document("talks", DEFAULT_ARTICLE.read_text(encoding="utf-8"))])}


def test_the_default_article_gets_pakistan_and_the_afghan_taliban_with_their_main_aliases(proposed):
    reference = PartyConfig.from_file(PARTIES)
    assert list(proposed)[:2] == ["pakistan", "afghan_taliban"]  # the ids of the project's own file
    for pid, main in (("pakistan", {"Pakistan", "Pakistani", "Islamabad", "Pakistani delegation", "Pakistani officials"}),
                      ("afghan_taliban", {"Afghan Taliban", "Taliban", "Kabul", "Afghan Taliban government",
                                          "Afghan security forces"})):
        assert proposed[pid].label == reference.label(pid)
        assert main <= set(proposed[pid].aliases) and main <= {a for a, _ in reference.parties[pid].aliases}
    # Afghanistan is the Taliban's ("the Afghan Taliban government"): no party of its own, no bare "Afghan".
    assert "afghanistan" not in proposed and "Afghan" not in proposed["afghan_taliban"].aliases
    assert {"qatar", "turkiye", "united_states"} <= set(proposed)
    # Proposed only what acts or is acted upon: Istanbul (a venue) and the Doha Agreement are not parties.
    assert not {"istanbul", "doha_agreement"} & set(proposed)
    assert proposed["pakistan"].mentions == 12 and proposed["pakistan"].actor_mentions >= 8


def test_the_proposal_is_a_parties_file_that_loads_and_explains_itself(proposed, tmp_path):
    path = tmp_path / "parties.yml"
    path.write_text(proposal_yaml(list(proposed.values()), "talks", "0.1.0"), encoding="utf-8")
    cfg = PartyConfig.from_file(path)
    assert cfg.ids == list(proposed) and cfg.label("turkiye") == "Türkiye"
    text = path.read_text(encoding="utf-8")
    assert "detected, not chosen" in text and "--parties parties.yml" in text and "docs/parties.md" in text
    assert "government of Afghanistan" in text  # why Kabul is the Taliban's


def test_people_places_and_state_bodies():
    doc = annotate_text("Talks\n\nForeign Minister Ishaq Dar met Hamas leaders in Cairo. Dar said Hamas had "
                        "attacked Israeli posts. The Israeli Ministry of Defence rejected the claim. "
                        "Egypt hosted the meeting. President Joe Biden urged Egypt to act, and Biden praised "
                        "the Israel Defense Forces.")
    found = {p.id: p for p in propose_parties([doc])}
    assert "hamas" in found  # a one-word group name
    assert not any("dar" in pid or "biden" in pid for pid in found), "people are not parties: Ishaq Dar, then Dar"
    assert "israel_defense_forces" not in found, "the country's forces are the country"
    assert "israel" in found and "egypt" in found
    assert not any("ministry" in pid for pid in found), "a state body joins its country"


def test_common_nouns_are_not_proposed_and_nothing_found_is_said():
    doc = annotate_text("Rain\n\nMilitants attacked a convoy. Protesters blocked the road.")
    assert propose_parties([doc]) == []
    assert "parties: {}" in proposal_yaml([], "rain")


def test_gazetteer_variants_and_errors(tmp_path):
    gaz = default_gazetteer()
    assert gaz.country_of("Washington") == "united_states" and gaz.country_of("U.S.") == "united_states"
    assert gaz.country_of("Dominican") is None, "a demonym two countries share names neither"
    assert len(gaz.countries) >= 190
    bad = tmp_path / "g.tsv"
    bad.write_text("# comment\nxx\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 2"):
        load_gazetteer(bad)


def test_presslens_parties_writes_a_file_and_never_overwrites_one(tmp_path, capsys):
    from presslens.cli import main

    out = tmp_path / "parties.yml"
    assert main(["parties", str(DEFAULT_ARTICLE), "--out", str(out)]) == 0
    line = capsys.readouterr().out
    assert "Pakistan (12)" in line and "Afghan Taliban" in line and f"--parties {out}" in line
    assert PartyConfig.from_file(out).ids[:2] == ["pakistan", "afghan_taliban"]
    out.write_text(out.read_text(encoding="utf-8") + "# my edit\n", encoding="utf-8")
    assert main(["parties", str(DEFAULT_ARTICLE), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "exists" in err[0] and "# my edit" in out.read_text(encoding="utf-8")
