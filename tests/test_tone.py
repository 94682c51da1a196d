"""Target-level tone: the shipped model, its offsets, the baseline and the NewsMTSC bar."""

from __future__ import annotations

import base64
import gzip
import json

import numpy as np
import pytest
from conftest import shared_path

from presslens.evaluate.tone import class_scores, format_report, read_newsmtsc, run
from presslens.framing.tone import (
    LABELS,
    MODEL_PATH,
    ToneModel,
    default_tone_model,
    vader_sentence_tone,
    word_valence,
)

#: The issue's bar: macro-F1 over negative/neutral/positive on NewsMTSC devtest_mt.
MIN_DEVTEST_MT_MACRO_F1 = 0.65


def tone(sentence: str, target: str, nth: int = 0) -> str:
    start = -1
    for _ in range(nth + 1):
        start = sentence.index(target, start + 1)
    return default_tone_model().predict(sentence, start, start + len(target))[0]


def test_model_ships_inside_the_package():
    assert MODEL_PATH.is_file() and MODEL_PATH.name.endswith(".json.gz")
    assert MODEL_PATH.stat().st_size < 5_000_000
    assert (MODEL_PATH.parent / "tone_newsmtsc.md").is_file()


def test_model_file_is_plain_json_with_one_float64_weight_array():
    # Readable by any JSON tool (no pickle); the weights are one base64 float64 matrix.
    data = json.loads(gzip.decompress(MODEL_PATH.read_bytes()).decode("ascii"))
    assert (data["format"], data["format_version"]) == ("presslens-tone-logreg", 2)
    assert set(data) == {"format", "format_version", "labels", "meta", "features", "weights", "bias"}
    assert tuple(data["labels"]) == LABELS
    w = data["weights"]
    assert w["dtype"] == "<f8" and w["shape"] == [len(data["features"]), len(LABELS)]
    weights = np.frombuffer(base64.b64decode(w["base64"]), dtype="<f8").reshape(w["shape"])
    assert data["bias"]["dtype"] == "<f8" and data["bias"]["shape"] == [len(LABELS)]
    model = default_tone_model()
    assert model.features == data["features"] and np.array_equal(model.weights, weights)
    assert model.weights.dtype == np.float64


def test_saving_gives_the_same_bytes_and_version():
    model = ToneModel.load()
    assert model.to_bytes() == MODEL_PATH.read_bytes()
    assert len(model.version) == 12 and model.version == default_tone_model().version
    # rebuilt from its arrays, the model writes the same file
    again = ToneModel(model.features, model.weights.copy(), model.bias.copy(), model.meta)
    assert again.to_bytes() == MODEL_PATH.read_bytes()


def test_model_round_trip_is_exact(tmp_path):
    # Weights are stored rounded to 5 decimals; what is read back is bit for
    # bit what the next save writes, so the bytes stay the same.
    rng = np.random.default_rng(0)
    model = ToneModel(["L1=attacked", "R1=praised", "w=talks"], rng.normal(size=(3, 3)), rng.normal(size=3),
                      {"note": "test"})
    path = tmp_path / "tiny.json.gz"
    model.save(path)
    back = ToneModel.load(path)
    assert np.array_equal(back.weights, np.round(model.weights, 5)) and np.array_equal(back.bias, np.round(model.bias, 5))
    assert back.to_bytes() == path.read_bytes()
    back.save(tmp_path / "again.json.gz")
    assert (tmp_path / "again.json.gz").read_bytes() == path.read_bytes()
    assert back.features == model.features and back.meta == {"note": "test"} and len(back.version) == 12
    feats = [{"bias": 1.0, "L1=attacked": 1.0, "unknown": 1.0}, {"w=talks": 0.5}]
    assert np.array_equal(back.predict_proba_features(feats), ToneModel.load(path).predict_proba_features(feats))
    with pytest.raises(ValueError):
        ToneModel(["a", "a"], np.zeros((2, 3)), np.zeros(3))
    old = tmp_path / "format1.json.gz"  # the pre-2 layout (weights as nested JSON lists) is refused
    old.write_bytes(gzip.compress(json.dumps({"format": "presslens-tone-logreg", "format_version": 1,
                                              "labels": list(LABELS), "features": [], "weights": []}).encode()))
    with pytest.raises(ValueError, match="format"):
        ToneModel.load(old)
    with pytest.raises(ValueError):
        ToneModel(["a"], np.zeros((2, 3)), np.zeros(3))


def test_the_attacked_target_is_not_positive():
    assert tone("Militants attacked Pakistan.", "Pakistan") != "positive"
    assert tone("Critics accused Pakistan of sheltering terrorists.", "Pakistan") == "negative"
    assert tone("The Afghan government was widely criticised for its failures.", "The Afghan government") == "negative"
    # NewsMTSC annotators often call plain reports of violence neutral; the score still leans negative
    s = "Gunmen killed six Afghan soldiers near the border."
    start = s.index("Afghan soldiers")
    assert default_tone_model().predict(s, start, start + 15)[1] < 0


def test_praise_is_positive_for_the_one_praised():
    assert tone("Qatar praised Pakistan's restraint.", "Pakistan") == "positive"
    assert tone("The minister thanked Turkey for its generous help.", "Turkey") == "positive"


def test_anti_prefix_does_not_make_the_target_the_attacker():
    # "anti-Pakistan attacks" happen to Pakistan: not a positive context
    assert tone("The anti-Pakistan attacks have persisted for months.", "Pakistan") != "positive"


def test_plain_report_is_neutral():
    assert tone("Delegations from Pakistan and Afghanistan met in Istanbul on Monday.", "Afghanistan") == "neutral"


def test_score_and_label_agree_and_stay_in_range():
    model = default_tone_model()
    for sentence, target in [("Militants attacked Pakistan.", "Pakistan"),
                             ("Qatar praised Pakistan's restraint.", "Pakistan"),
                             ("Officials from Kabul arrived on Tuesday.", "Kabul")]:
        s = sentence.index(target)
        label, score = model.predict(sentence, s, s + len(target))
        assert label in LABELS and -1.0 <= score <= 1.0
        if label == "positive":
            assert score > 0
        if label == "negative":
            assert score < 0


def test_offsets_are_raw_document_offsets_with_a_sentence_context():
    model = default_tone_model()
    sentence = "Qatar praised Pakistan\u2019s restraint."
    doc = "Talks resumed on Monday.\n\n" + sentence + " Both sides left."
    s = doc.index("Pakistan")
    ctx = (doc.index(sentence), doc.index(sentence) + len(sentence))
    alone = model.predict(sentence, sentence.index("Pakistan"), sentence.index("Pakistan") + 8)
    assert model.predict(doc, s, s + 8, context=ctx) == alone
    with pytest.raises(ValueError):
        model.predict(doc, s, s + 8, context=(0, 10))


def test_predict_many_matches_predict():
    model = default_tone_model()
    s = "Militants attacked Pakistan, and Qatar praised the Afghan delegation."
    items = [(s, s.index(t), s.index(t) + len(t)) for t in ("Militants", "Pakistan", "Qatar", "Afghan delegation")]
    assert model.predict_many(items) == [model.predict(*it) for it in items]
    assert model.predict_many([]) == []


def test_vader_baseline_uses_standard_thresholds():
    assert vader_sentence_tone("The talks were a great success.")[0] == "positive"
    assert vader_sentence_tone("Militants attacked Pakistan.")[0] == "negative"
    assert vader_sentence_tone("The delegation arrived on Monday.") == ("neutral", 0.0)


def test_word_valence_finds_inflected_forms():
    assert word_valence("attacked") < 0 < word_valence("praised")
    assert word_valence("delegation") == 0.0


def test_class_scores_macro_f1():
    r = class_scores(["negative", "neutral", "positive", "neutral"], ["negative", "neutral", "positive", "positive"])
    assert r["per_class"]["positive"]["recall"] == 0.5
    assert r["per_class"]["neutral"]["precision"] == 0.5
    assert r["macro_f1"] == pytest.approx((1.0 + 2 / 3 + 2 / 3) / 3)
    assert r["n"] == 4 and r["accuracy"] == 0.75


def test_run_on_a_newsmtsc_format_file(tmp_path):
    # our own sentences in the NewsMTSC format (spans end-exclusive)
    rows = [("Militants attacked Pakistan.", "Pakistan", 2.0),
            ("Qatar praised Pakistan's restraint.", "Pakistan", 6.0),
            ("Delegations from Pakistan and Afghanistan met in Istanbul on Monday.", "Afghanistan", 4.0)]
    path = tmp_path / "mini.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i, (sent, target, pol) in enumerate(rows):
            s = sent.index(target)
            fh.write(json.dumps({"primary_gid": str(i), "sentence_normalized": sent, "targets": [
                {"Input.gid": str(i), "from": s, "to": s + len(target), "mention": target, "polarity": pol}]}) + "\n")
    assert [g for *_, g, _ in read_newsmtsc(path)] == ["negative", "positive", "neutral"]
    full = run([str(path)])
    assert set(full) >= {"tone", "files", "model_version"}
    result = full["tone"]
    for key in ("model", "vader_sentence"):
        assert set(result[key]) == {"macro_f1", "accuracy", "n", "per_class"}
        assert set(result[key]["per_class"]) == set(LABELS)
        assert set(result[key]["per_class"]["negative"]) == {"precision", "recall", "f1", "n_gold"}
    assert result["model"]["accuracy"] == 1.0
    assert "macro-F1" in format_report(full)


@pytest.mark.validation  # a whole corpus: tasks.py validate
def test_newsmtsc_devtest_mt_bar():
    path = shared_path("data", "newsmtsc", "devtest_mt.jsonl")
    result = run([str(path)])["tone"]
    assert result["model"]["n"] == 1476
    assert result["model"]["macro_f1"] >= MIN_DEVTEST_MT_MACRO_F1
    assert result["model"]["macro_f1"] > result["vader_sentence"]["macro_f1"] + 0.05


def test_framing_layer_tone_equals_predict_on_the_sentence():
    # The mention layer reuses its sentence's tokens, tags and parse; the tone
    # must be what `predict` gives for the same span and sentence.
    from presslens import annotate_text
    from presslens.framing.mentions import add_mentions
    from presslens.framing.parties import PartyConfig

    cfg = PartyConfig.from_dict({"parties": {"pk": {"label": "Pakistan", "aliases": ["Pakistan"]},
                                             "q": {"label": "Qatar", "aliases": ["Qatar"]}}})
    text = ("Talks resumed.\n\n\"Militants attacked Pakistan,\" officials said. Qatar praised Pakistan\u2019s "
            "restraint, and anti-Pakistan campaigns continue.")
    doc = add_mentions(annotate_text(text), cfg)
    sents = doc.layer("sentence")[["start", "end"]].to_numpy()
    model = default_tone_model()
    m = doc.layer("mention")
    assert len(m) == 4
    for r in m.itertuples():
        ctx = (int(sents[r.sentence][0]), int(sents[r.sentence][1]))
        assert (r.tone, r.tone_score) == model.predict(doc.text, int(r.start), int(r.end), ctx)
