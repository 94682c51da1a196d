"""Score agent/patient roles (and the parse under them) on a UD treebank.

For every sentence of the CoNLL-U files, the gold words are tagged by the
shipped tagger and parsed by the shipped parser, and
:func:`presslens.framing.sentence_roles` -- the very function the ``mention``
layer takes its roles from -- calls each token's role. Gold roles are read
off the gold tree by :func:`presslens.parser.semantic_roles`.

* ``role.gold_relations`` -- over tokens whose gold relation is ``nsubj``,
  ``obj``, ``nsubj:pass`` or ``obl:agent`` (the issue's definition: agent =
  ``nsubj`` of an active predicate or ``obl:agent``; patient = ``obj`` or
  ``nsubj:pass``; an ``nsubj`` of a passive predicate, rare, is a patient),
  the share whose call equals the gold role. Calling ``other`` counts as
  wrong. This is the headline figure.
* ``role.parse_only`` -- the same with the bare parse
  (:func:`~presslens.parser.semantic_roles` on the predicted tree, no
  raising or word-order fallback), to show what the framing layer adds.
* ``agent`` / ``patient`` ``.all_tokens`` -- precision, recall and F1 of each
  role over *all* tokens, against the gold tree's roles (so conjuncts and
  "against" objects count too, and a spurious agent anywhere lowers
  precision). Gold subjects of raising predicates keep the treebank's
  reading ("Pakistan is expected to ..." is a patient of "expected"), so
  the framing call "agent of the complement" counts against it.
* ``parser.all_tokens`` -- UAS/LAS over all tokens, punctuation included.

>>> r = run(["en_ewt-ud-test.conllu"])  # doctest: +SKIP
>>> r["role"]["gold_relations"]["accuracy"] >= 0.9  # doctest: +SKIP
True
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from presslens.evaluate import prf
from presslens.syntax.roles import sentence_roles
from presslens.syntax.roles import AGENT, PATIENT, semantic_roles
from presslens.syntax.parser import DependencyParser, attachment_scores, default_parser, read_conllu_trees

#: Gold relations scored by ``role.gold_relations``.
SCORED_DEPRELS: tuple[str, ...] = ("nsubj", "obj", "nsubj:pass", "obl:agent")
ROLES: tuple[str, ...] = (AGENT, PATIENT)


def run(paths: Sequence[str | os.PathLike[str]], parser: DependencyParser | None = None,
        max_sentences: int | None = None) -> dict[str, Any]:
    """Tag, parse and score every sentence of the CoNLL-U files in ``paths``.

    ``max_sentences`` stops after that many sentences in all (for quick
    checks). Returns ``{"role": {"gold_relations": {accuracy, n, correct},
    "parse_only": {...}}, "agent": {"all_tokens": {precision, recall, f1,
    n_gold, n_pred}}, "patient": {...}, "parser": {"all_tokens": {uas, las,
    n}}, "by_relation": {deprel: {accuracy, n}}, "files": [...]}``.
    """
    from presslens.syntax.tagger import default_tagger

    parser = parser or default_parser()
    trees = []
    for path in paths:
        trees.extend(read_conllu_trees(path))  # a missing, binary or malformed file: InputError
    if max_sentences is not None:
        trees = trees[:max_sentences]
    words = [w for w, *_ in trees]
    tags = default_tagger().tag_sents(words)
    parses = parser.parse_sents(words, tags)

    n = correct = correct_parse = 0
    per_rel: dict[str, list[int]] = {r: [0, 0] for r in SCORED_DEPRELS}
    tp = {r: 0 for r in ROLES}
    n_pred = {r: 0 for r in ROLES}
    n_gold = {r: 0 for r in ROLES}
    for (w, _, gh, gr), tg, parse in zip(trees, tags, parses):
        gold_roles = semantic_roles(w, tg, gh, gr)
        calls = sentence_roles(w, tg, parse)
        bare = semantic_roles(w, tg, [h for h, _ in parse], [r for _, r in parse])
        for rel, (g, _), (p, _, _), (b, _) in zip(gr, gold_roles, calls, bare):
            if rel in SCORED_DEPRELS:
                n += 1
                correct += g == p
                correct_parse += g == b
                per_rel[rel][0] += g == p
                per_rel[rel][1] += 1
            if g in tp:
                n_gold[g] += 1
            if p in tp:
                n_pred[p] += 1
                tp[p] += g == p
    if not n:
        from presslens.errors import InputError

        raise InputError(", ".join(map(str, paths)), f"no gold {'/'.join(SCORED_DEPRELS)} relation to score roles on")
    gold_arcs = [list(zip(h, r)) for _, _, h, r in trees]
    att = attachment_scores(gold_arcs, parses)
    out: dict[str, Any] = {
        "role": {"gold_relations": {"accuracy": correct / n if n else 0.0, "n": n, "correct": correct},
                 "parse_only": {"accuracy": correct_parse / n if n else 0.0, "n": n, "correct": correct_parse}},
    }
    for r in ROLES:
        out[r] = {"all_tokens": prf(tp[r], n_pred[r], n_gold[r])}
    out["parser"] = {"all_tokens": {"uas": att["uas"], "las": att["las"], "n": att["tokens"]}}
    out["by_relation"] = {rel: {"accuracy": c / k if k else 0.0, "n": k} for rel, (c, k) in per_rel.items()}
    out["files"] = [Path(p).name for p in paths]
    return out


def format_report(result: dict[str, Any]) -> str:
    """A plain-text summary of :func:`run`'s result."""
    r = result["role"]["gold_relations"]
    b = result["role"]["parse_only"]
    p = result["parser"]["all_tokens"]
    lines = [
        f"files: {', '.join(result['files'])}",
        f"role accuracy (framing calls) on gold {'/'.join(SCORED_DEPRELS)}: {r['accuracy']:.4f} "
        f"({r['correct']} of {r['n']} tokens; bare parse: {b['accuracy']:.4f})",
        "  by gold relation: " + ", ".join(f"{k} {v['accuracy']:.3f} ({v['n']})"
                                          for k, v in result["by_relation"].items()),
        f"{'role':<8} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}   (all tokens)",
    ]
    for role in ROLES:
        s = result[role]["all_tokens"]
        lines.append(f"{role:<8} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
                     f"{s['n_gold']:6d} {s.get('n_pred', 0):6d}")
    lines.append(f"parser: UAS {p['uas']:.4f}  LAS {p['las']:.4f}  ({p['n']} tokens, punctuation included)")
    return "\n".join(lines)


__all__ = ["run", "format_report", "SCORED_DEPRELS"]
