"""The shipped dependency parser and the agent/patient roles read off its parses."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json

import numpy as np
import pytest
from conftest import shared_path

from presslens.syntax.parser import (
    MODEL_PATH,
    DependencyParser,
    default_parser,
    is_projective,
    oracle,
    read_conllu_trees,
)
from presslens.syntax.roles import semantic_roles
from presslens.syntax.tagger import default_tagger


def parse(sentence: str):
    words = sentence.split()
    tags = default_tagger().tag(words)
    arcs = default_parser().parse(words, tags)
    heads = [h for h, _ in arcs]
    rels = [r for _, r in arcs]
    return words, arcs, semantic_roles(words, tags, heads, rels)


def test_model_ships_inside_the_package_as_gzip_json():
    assert MODEL_PATH.is_file()
    assert MODEL_PATH.name.endswith(".json.gz")
    assert MODEL_PATH.stat().st_size < 10_000_000
    assert default_parser().version.startswith("ewt-arceager-1 sha256:")


def test_model_file_format_is_plain_json_with_base64_arrays():
    # Readable by any JSON tool (no pickle): the bulk weights are base64 arrays.
    data = json.loads(gzip.decompress(MODEL_PATH.read_bytes()).decode("ascii"))
    assert (data["format"], data["format_version"]) == ("presslens-arceager", 2)
    assert set(data) == {"format", "format_version", "name", "labels", "features", "scale", "meta", "weights"}
    n_features, n_classes = len(data["features"]), 2 + 2 * len(data["labels"])
    w = data["weights"]
    assert set(w) == {"counts", "classes", "values"}
    assert (w["counts"]["dtype"], w["classes"]["dtype"], w["values"]["dtype"]) == ("|u1", "|u1", "<i2")
    counts = np.frombuffer(base64.b64decode(w["counts"]["base64"]), dtype="|u1")
    classes = np.frombuffer(base64.b64decode(w["classes"]["base64"]), dtype="|u1")
    values = np.frombuffer(base64.b64decode(w["values"]["base64"]), dtype="<i2")
    assert w["counts"]["shape"] == [n_features] == [len(counts)]
    assert w["classes"]["shape"] == w["values"]["shape"] == [int(counts.sum())] == [len(values)]
    assert classes.max() < n_classes and np.all(values != 0)
    assert default_parser().n_features == n_features and default_parser().n_weights == len(values)


def test_passive_with_by_phrase():
    words, arcs, roles = parse("The talks were hosted by Turkey .")
    assert arcs[1] == (4, "nsubj:pass")
    assert arcs[5] == (4, "obl:agent")
    assert roles[1] == ("patient", 3)  # the talks, of "hosted"
    assert roles[5] == ("agent", 3)  # Turkey, of "hosted"


def test_active_transitive():
    words, arcs, roles = parse("Militants attacked the border post .")
    assert arcs[0] == (2, "nsubj") and arcs[4] == (2, "obj")
    assert roles[0] == ("agent", 1)
    assert roles[4] == ("patient", 1)
    assert roles[3] == ("other", None)  # "border" is a compound


def test_accuser_and_accused():
    words, arcs, roles = parse("Pakistan accused Kabul of harbouring militants .")
    assert roles[0] == ("agent", 1)
    assert roles[2] == ("patient", 1)
    # (The greedy parser reads "harbouring militants" as adjective + noun, so
    # "militants" is not a patient of "harbouring": a known limit.)


def test_conjuncts_share_the_role():
    words, arcs, roles = parse("Pakistan and Afghanistan signed the agreement in Doha .")
    assert roles[0] == ("agent", 3) and roles[2] == ("agent", 3)
    assert roles[5] == ("patient", 3)
    assert roles[7][0] == "other"


def test_semantic_roles_rules_on_hand_made_trees():
    # "Kabul is responsible": the subject of a copular clause is an agent of the copula.
    assert semantic_roles(["Kabul", "is", "responsible"], [], [3, 3, 0], ["nsubj", "cop", "root"])[0] == ("agent", 1)
    # "They launched strikes against militants": object of "against" is a patient.
    r = semantic_roles(["They", "launched", "strikes", "against", "militants"], [], [2, 0, 2, 5, 2],
                       ["nsubj", "root", "obj", "case", "obl"])
    assert r[4] == ("patient", 1)
    # "gave Kabul a deadline": the indirect object is a recipient, not a patient.
    r = semantic_roles(["Islamabad", "gave", "Kabul", "a", "deadline"], [], [2, 0, 2, 5, 2],
                       ["nsubj", "root", "iobj", "det", "obj"])
    assert [x[0] for x in r] == ["agent", "other", "other", "other", "patient"]
    # An nsubj under a passive auxiliary is a patient; possessives are other.
    r = semantic_roles(["Pakistan", "'s", "envoy", "was", "expelled"], [], [3, 1, 5, 5, 0],
                       ["nmod:poss", "case", "nsubj", "aux:pass", "root"])
    assert r[0] == ("other", None) and r[2] == ("patient", 4)


def test_parse_sents_equals_one_by_one_and_handles_empty():
    sents = [s.split() for s in ("Turkey hosted the talks .", "Kabul denied it .", "Talks resumed on Monday .")]
    p = default_parser()
    tags = default_tagger().tag_sents(sents)
    assert p.parse_sents(sents, tags) == [p.parse(w, t) for w, t in zip(sents, tags)]
    assert p.parse_sents(sents) == p.parse_sents(sents, tags)  # tags by default from the tagger
    assert p.parse([], []) == []
    with pytest.raises(ValueError):
        p.parse(["a", "b"], ["DT"])


def test_every_parse_is_a_tree():
    words = "Officials said on Friday that the ceasefire , agreed last week , had largely held .".split()
    arcs = default_parser().parse(words, default_tagger().tag(words))
    heads = [h for h, _ in arcs]
    assert sum(h == 0 for h in heads) == 1
    for k in range(1, len(heads) + 1):  # every token reaches the root without a cycle
        seen, j = set(), k
        while j != 0:
            assert j not in seen
            seen.add(j)
            j = heads[j - 1]


def test_oracle_rebuilds_projective_trees():
    heads = [2, 0, 4, 2, 2]
    rels = ["nsubj", "root", "det", "obj", "punct"]
    assert is_projective(heads)
    moves = oracle(heads, rels)
    assert [m for m, _ in moves].count(2) + [m for m, _ in moves].count(3) == len(heads)


def test_read_conllu_trees_skips_multiword_and_empty_nodes(tmp_path):
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
    assert read_conllu_trees(f) == [(["Do", "n't", "go", "."], ["VBP", "RB", "VB", "."], [3, 3, 0, 3],
                                     ["aux", "advmod", "root", "punct"])]


def test_saved_model_is_the_shipped_file_and_version_is_its_hash(tmp_path):
    # A parser rebuilt from the weight matrix the file was loaded into writes
    # the file's bytes again: loading and saving lose nothing.
    p = default_parser()
    again = DependencyParser(p.labels, list(p._fix), *p.sparse_weights(), scale=p.scale, name=p.name, meta=p.info)
    assert np.array_equal(again._W, p._W) and again._W.dtype == p._W.dtype == np.int16
    out = tmp_path / "m.json.gz"
    again.save(out)
    assert out.read_bytes() == MODEL_PATH.read_bytes()
    assert again.version == p.version
    assert hashlib.sha256(out.read_bytes()).hexdigest().startswith(p.version.split("sha256:")[1])


def tiny_parser() -> DependencyParser:
    """A hand-made model: nsubj/root/obj arcs scored from the tags alone."""
    labels = ["nsubj", "obj", "root"]  # classes: 0 SHIFT, 1 REDUCE, 2-4 LEFT-ARC, 5-7 RIGHT-ARC
    weights = {"fNNP": {0: 3}, "sNNP VBD": {2: 5}, "s-ROOT- VBD": {7: 6}, "sVBD NNS": {6: 4}, "bias": {1: 1}}
    names = sorted(weights)
    counts = [len(weights[f]) for f in names]
    classes = [c for f in names for c in sorted(weights[f])]
    values = [weights[f][c] for f in names for c in sorted(weights[f])]
    return DependencyParser(labels, names, counts, classes, values, meta={"note": "test"})


def test_model_round_trip_is_byte_identical_and_parses_the_same(tmp_path):
    p = tiny_parser()
    words, tags = ["Turkey", "hosted", "talks"], ["NNP", "VBD", "NNS"]
    assert p.parse(words, tags) == [(2, "nsubj"), (0, "root"), (2, "obj")]
    out = tmp_path / "tiny.json.gz"
    p.save(out)
    back = DependencyParser.load(out)
    assert back.to_bytes() == out.read_bytes() == p.to_bytes()
    assert np.array_equal(back._W, p._W) and back.labels == p.labels and back.info == {"note": "test"}
    assert back.parse(words, tags) == p.parse(words, tags)
    assert back.version == p.version and back.n_weights == 5 and back.n_features == 5


def test_model_file_errors_are_refused(tmp_path):
    with pytest.raises(ValueError, match="format"):
        DependencyParser.from_bytes(gzip.compress(b'{"format": "presslens-arceager", "format_version": 1}'))
    labels = ["root"]
    with pytest.raises(ValueError, match="duplicate"):
        DependencyParser(labels, ["a", "a"], [1, 1], [0, 0], [1, 1])
    with pytest.raises(ValueError, match="non-zero"):
        DependencyParser(labels, ["a", "b"], [1, 1], [0, 0], [1, 0])
    with pytest.raises(ValueError, match="each pair once"):
        DependencyParser(labels, ["a"], [2], [1, 0], [1, 1])
    with pytest.raises(ValueError, match="do not match"):
        DependencyParser(labels, ["a"], [1], [4], [1])  # class 4 of 4 (SHIFT, REDUCE, 2 arcs)


def test_roles_on_a_slice_of_ewt_test():
    from presslens.evaluate import roles

    test_file = shared_path("data", "ud-english-ewt", "en_ewt-ud-test.conllu")
    result = roles.run([test_file], max_sentences=300)
    scored = result["role"]["gold_relations"]
    assert scored["n"] > 300
    # The bar (0.90) is for the whole file, `presslens evaluate roles`; a slice is noisier.
    assert scored["accuracy"] >= 0.85, result
    assert result["parser"]["all_tokens"]["las"] >= 0.75, result
    assert {"agent", "patient"} <= set(result)
    assert set(result["agent"]["all_tokens"]) >= {"precision", "recall", "f1", "n_gold"}
    assert "role accuracy" in roles.format_report(result)
