"""The shipped part-of-speech tagger: offline, deterministic, accurate."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import shared_path

from presslens.syntax.tagger import MODEL_PATH, default_tagger
from presslens.evaluate.pos import evaluate
from presslens.syntax.conllu import read_conllu

#: The bar set for the shipped model on UD English EWT test (gold tokens).
MIN_EWT_TEST_ACCURACY = 0.945


def test_model_ships_inside_the_package_as_json():
    assert MODEL_PATH.is_file()
    assert MODEL_PATH.name.endswith((".json", ".json.gz"))
    assert MODEL_PATH.stat().st_size < 10_000_000


def test_tags_a_news_sentence():
    words = ["Pakistani", "officials", "said", "the", "talks", "could", "resume", "on", "Monday", "."]
    assert default_tagger().tag(words) == ["JJ", "NNS", "VBD", "DT", "NNS", "MD", "VB", "IN", "NNP", "."]


def test_tagging_is_deterministic():
    words = "The delegation will seek a written assurance from Kabul .".split()
    assert default_tagger().tag(words) == default_tagger().tag(list(words))


def test_accuracy_on_ewt_test():
    test_file = shared_path("data", "ud-english-ewt", "en_ewt-ud-test.conllu")
    result = evaluate(default_tagger(), [test_file])
    assert result["tokens"] > 25_000
    assert result["accuracy"] >= MIN_EWT_TEST_ACCURACY, result


def test_read_conllu_skips_multiword_and_empty_nodes(tmp_path):
    f = tmp_path / "t.conllu"
    f.write_text(
        "# text = Don't go.\n"
        "1-2\tDon't\t_\t_\t_\t_\t_\t_\t_\t_\n"
        "1\tDo\tdo\tAUX\tVBP\t_\t3\taux\t_\t_\n"
        "2\tn't\tnot\tPART\tRB\t_\t3\tadvmod\t_\t_\n"
        "3\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\t_\n"
        "3.1\tgone\tgo\tVERB\tVBN\t_\t_\t_\t_\t_\n"
        "4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_\n\n",
        encoding="utf-8",
    )
    assert read_conllu(f) == [(["Do", "n't", "go", "."], ["VBP", "RB", "VB", "."])]


def test_cli_evaluate_pos_json(tmp_path):
    f = tmp_path / "t.conllu"
    f.write_text("1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n2\ttalks\ttalk\tNOUN\tNNS\t_\t0\troot\t_\t_\n\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "presslens", "evaluate", "pos", str(f), "--json"],
        capture_output=True, text=True, check=True,
    )
    result = json.loads(out.stdout)
    assert result == {"accuracy": 1.0, "tokens": 2}


def test_cli_version():
    import presslens

    out = subprocess.run([sys.executable, "-m", "presslens", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"presslens {presslens.__version__}"


def test_a_trained_model_survives_saving_and_loading_exactly(tmp_path):
    from presslens.syntax.tagger import PerceptronTagger
    from presslens.training.tagger import save, train

    sents = [("The talks resumed on Monday .".split(), ["DT", "NNS", "VBD", "IN", "NNP", "."]),
             ("Officials said the talks could resume .".split(), ["NNS", "VBD", "DT", "NNS", "MD", "VB", "."]),
             ("Kabul denied it .".split(), ["NNP", "VBD", "PRP", "."])] * 4
    trained = train(sents, n_iter=2, folds=2, runs=1)
    save(trained, tmp_path / "m.json.gz")
    loaded = PerceptronTagger.load(tmp_path / "m.json.gz")
    probe = [s for s, _ in sents[:3]] + [["Unseen", "words", "resumed", "."]]
    assert loaded.tag_sents(probe) == trained.tag_sents(probe)
    assert loaded.to_bytes() == (tmp_path / "m.json.gz").read_bytes()
    assert loaded.version == trained.version
