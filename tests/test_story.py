"""`presslens compare`: embeddings, sources, alignment, divergences, the report set and its errors.

Every article here is written for the tests or is one of the invented,
hand-aligned validation articles in data/validation/story/.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import ROOT

OSLO = ROOT / "data" / "validation" / "story" / "oslo-dam-talks"
CALDERA = ROOT / "data" / "validation" / "story" / "caldera-port-strike"


@pytest.fixture(scope="module")
def encoder():
    from presslens.story.embed import default_encoder

    return default_encoder()


def test_embeddings_reproduce_sentence_transformers_published_similarities(encoder):
    # The quick-start of sentence-transformers' documentation, for all-MiniLM-L6-v2:
    # similarities 0.6660, 0.1046 and 0.1411 between these three sentences.
    v = encoder.embed(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."])
    sims = v @ v.T
    assert v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5), "unit length"
    assert np.allclose(np.diag(sims), 1.0, atol=1e-5), "a sentence's cosine with itself is 1"
    assert abs(sims[0, 1] - 0.6660) < 0.002 and abs(sims[0, 2] - 0.1046) < 0.002 and abs(sims[1, 2] - 0.1411) < 0.002


def test_paraphrases_are_closer_than_unrelated_sentences_and_order_does_not_matter(encoder):
    texts = ["The ministers signed a water-sharing accord on Tuesday.",
             "On Tuesday the ministers put their names to an accord on sharing water.",
             "Heavy snow closed the mountain pass for a week."]
    v = encoder.embed(texts)
    assert v[0] @ v[1] > 0.7 > 0.3 > v[0] @ v[2]
    alone = encoder.embed([texts[2]])
    assert np.allclose(alone[0], v[2], atol=1e-5), "padding in a batch does not change a sentence's vector"
    assert encoder.embed([]).shape == (0, 384)


def test_sources_are_one_person_under_any_title_and_one_group_per_party():
    from presslens.story.sources import normalise_sources

    rows = [{"source": "Defence Minister Rafael Okafor", "source_type": "named_person"},
            {"source": "Okafor", "source_type": "named_person"},
            {"source": "Mr. Okafor", "source_type": "named_person"},
            {"source": "He", "source_type": "named_person", "source_resolves_to": "Rafael Okafor"},
            {"source": "Teluvian officials", "source_type": "unnamed_official", "source_party": "tv"},
            {"source": "officials in Marlo", "source_type": "unnamed_official", "source_party": "tv"},
            {"source": "officials", "source_type": "unnamed_official"},
            {"source": "the Foreign Office", "source_type": "institution", "source_party": "tv"},
            {"source": "Teluvia's Foreign Office", "source_type": "institution", "source_party": "tv"},
            {"source": None, "source_type": None}]
    out = normalise_sources(rows, {"tv": "Teluvia"}.get, ["Teluvia"])
    labels = [s.label if s else None for s in out]
    assert labels[:4] == ["Rafael Okafor"] * 4
    assert labels[4] == labels[5] == "unnamed officials (Teluvia)"
    assert labels[6] == "unnamed officials"
    assert out[7].key == out[8].key
    assert labels[9] is None


def test_a_surname_shared_by_two_people_stays_apart():
    from presslens.story.sources import normalise_sources

    rows = [{"source": "Anna Berg", "source_type": "named_person"}, {"source": "Tomas Berg", "source_type": "named_person"},
            {"source": "Berg", "source_type": "named_person"}]
    assert [s.label for s in normalise_sources(rows)] == ["Anna Berg", "Tomas Berg", "Berg"]


def test_alignment_never_puts_two_sentences_of_one_article_in_a_claim():
    from presslens.story.align import align

    rng = np.random.default_rng(0)
    base = rng.normal(size=(1, 16))
    v = base + 0.05 * rng.normal(size=(6, 16))  # six near-identical sentences
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    groups = align(v, ["a", "a", "b", "b", "c", "c"], threshold=0.5)
    assert sorted(len(g) for g in groups) == [3, 3]
    for g in groups:
        assert len({["a", "a", "b", "b", "c", "c"][i] for i in g}) == len(g)


def test_divergence_needs_two_outlets():
    from presslens.story.divergence import divergences

    same = [{"doc_id": "a", "stance": "flat", "roles": [[0, 1, "p", "agent"], [5, 6, "p", "patient"]]},
            {"doc_id": "a", "stance": "hedged", "roles": []}]
    assert divergences(same) == []


TEXTS = {
    "a": "Ceasefire holds\n\nTeluvia shelled the Rokani town of Abel on Friday, killing four civilians.\n\n"
         "The two governments will reopen the northern crossing on Monday.",
    "b": "Tense calm\n\nFour civilians were killed in Abel on Friday when Rokan shelled Teluvian positions, "
         "officials said.\n\nThe northern crossing could reopen on Monday.",
    "c": "Crossing to reopen\n\nThe northern crossing between the two countries will reopen on Monday.\n\n"
         "Fishermen say the catch has been poor this year.",
}


def _compare():
    import presslens
    from presslens.framing.parties import PartyConfig
    from presslens.story.compare import compare_story

    cfg = PartyConfig.from_dict({"parties": {"tv": {"label": "Teluvia", "aliases": ["Teluvia", "Teluvian"]},
                                             "rk": {"label": "Rokan", "aliases": ["Rokan", "Rokani"]}}})
    docs = [presslens.annotate_text(t, doc_id=k, outlet=f"Outlet {k.upper()}") for k, t in TEXTS.items()]
    return compare_story(docs, cfg)


@pytest.fixture(scope="module")
def story():
    return _compare()


def test_comparison_aligns_shared_claims_and_lists_single_ones(story):
    m = story.metrics()
    assert [a["doc_id"] for a in m["articles"]] == ["a", "b", "c"] and m["articles"][0]["outlet"] == "Outlet A"
    by_size = {len(c["articles"]): c for c in m["claims"]}
    assert sorted(by_size[3]["articles"]) == ["a", "b", "c"], "the crossing claim is carried by all three"
    assert any(len(c["articles"]) == 1 for c in m["claims"]), "claims of one outlet are listed too"
    for c in m["claims"]:
        assert set(c) >= {"id", "text", "articles", "members"}
        for mem in c["members"]:
            assert set(mem) >= {"doc_id", "start", "end", "attributed_to", "source_type", "hedged"}


def test_divergences_name_flat_vs_hedged_and_swapped_roles(story):
    kinds = {(d["kind"], d["detail"]) for d in story.divergences}
    assert ("firmness", "stated flatly vs hedged") in kinds
    roles = [d for d in story.divergences if d["kind"] == "roles"]
    assert roles and all(d["party"] in ("tv", "rk") for d in roles)


def test_rows_mark_the_differences():
    from presslens.story.measures import notable

    rows = [{"hedged_share": 0.1, "words": 100}, {"hedged_share": 0.12, "words": 300}, {"hedged_share": 0.6, "words": 200}]
    assert notable(rows, ["hedged_share"]) == {(0, "hedged_share"), (2, "hedged_share")}
    assert notable(rows[:2], ["hedged_share"]) == set(), "nothing marked below three articles"


def test_story_html_escapes_every_input_string():
    from presslens.report.story_display import articles_table_html, claim_html, who_speaks_html

    evil = '<script>alert("x")</script>'
    rows = [{"doc_id": "d", "outlet": evil, "date": evil, "title": evil, "words": 10}]
    html = articles_table_html(rows, {}) + who_speaks_html([{"label": evil, "kind": evil, "articles": {"d": 1}}], {"d": evil})
    unit = {"doc_id": "d", "start": 0, "end": len(evil), "text": evil, "stance": "named", "attributed": True,
            "source_label": evil, "source_type": evil, "source_span": [0, 8], "cue_span": None, "hedges": [], "roles": []}
    html += claim_html({"id": "c1", "text": evil, "members": [0]}, [unit], {"d": evil}, {"d": evil}, {})
    assert "<script>" not in html and "&lt;script&gt;" in html


def _cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "presslens", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_one_article_gets_a_clear_message_and_nothing_is_written(tmp_path):
    one = tmp_path / "one.txt"
    one.write_text("Talks resumed on Monday, officials said.\n", encoding="utf-8")
    r = _cli("compare", one, "--out", tmp_path / "out")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "comparison needs two or more articles" in r.stderr and "presslens report" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("problem", ["missing", "binary", "bad-jsonl", "bad-parties"])
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, problem):
    good = tmp_path / "good.txt"
    good.write_text("Talks resumed on Monday, officials said.\n", encoding="utf-8")
    args = [good]
    if problem == "missing":
        args.append(tmp_path / "missing.txt")
    elif problem == "binary":
        (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 50)
        args.append(tmp_path / "bin.txt")
    elif problem == "bad-jsonl":
        (tmp_path / "c.jsonl").write_text('{"id": "a", "text": "Talks resumed."}\n{"id": "b", "text": \n', encoding="utf-8")
        args = [tmp_path / "c.jsonl"]
    else:
        (tmp_path / "p.yml").write_text("parties: [unclosed\n", encoding="utf-8")
        args += [good, "--parties", tmp_path / "p.yml"]
    r = _cli("compare", *args, "--out", tmp_path / "out")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_threshold_out_of_range_is_refused(tmp_path):
    r = _cli("compare", OSLO / "articles.jsonl", "--threshold", "1.5", "--out", tmp_path / "out")
    assert r.returncode == 2 and "--threshold" in r.stderr and not (tmp_path / "out").exists()


def test_compare_writes_page_index_metrics_and_executed_notebook(story_dir):
    for name in ("06_story_comparison.html", "06_story_comparison.ipynb", "index.html", "metrics.json", "run.json"):
        assert (story_dir / name).exists(), name
    assert not list(story_dir.glob(".*.part"))
    m = json.loads((story_dir / "metrics.json").read_text(encoding="utf-8"))
    assert len(m["articles"]) == 6 and {"outlet", "date", "words", "hedged_share"} <= set(m["articles"][0])
    assert max(len(c["articles"]) for c in m["claims"]) >= 3
    assert m["provenance"]["input"]["kind"] == "articles" and len(m["provenance"]["input"]["files"]) == 1
    assert m["provenance"]["parameters"]["threshold"] == 0.6
    assert "articles" not in m["notebooks"]["06_story_comparison"], "lifted to the top, not kept twice"
    index = (story_dir / "index.html").read_text(encoding="utf-8")
    assert "06_story_comparison.html" in index and "6 articles" in index


def test_comparison_is_the_same_on_every_run(story):
    assert json.dumps(_compare().metrics(), sort_keys=True) == json.dumps(story.metrics(), sort_keys=True)


def test_evaluate_story_scores_the_hand_aligned_sets():
    from presslens.evaluate.story import format_report, run

    r = run([CALDERA])  # the held-out set (the smaller one: this test checks the scoring, VALIDATION.md both)
    assert r["threshold"] == 0.6 and len(r["sets"]) == 1 and r["sets"][0]["claims"] == 8
    assert r["pooled"]["precision"] >= 0.9 and r["pooled"]["recall"] >= 0.6
    assert "pooled: P" in format_report(r)
