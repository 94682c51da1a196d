"""Score agent/patient roles (and the parse under them) on a UD treebank.

For every sentence of the CoNLL-U files, the gold words are tagged by the
shipped tagger and parsed by the shipped parser, and
:func:`presslens.parser.semantic_roles` is applied both to the predicted
parse and to the gold tree.

* ``roles.accuracy`` -- over tokens whose gold relation is ``nsubj``,
  ``obj``, ``nsubj:pass`` or ``obl:agent`` (the issue's definition: agent =
  ``nsubj`` of an active predicate or ``obl:agent``; patient = ``obj`` or
  ``nsubj:pass``; an ``nsubj`` of a passive predicate, rare, is a patient),
  the share whose predicted role equals the gold role. Predicting ``other``
  counts as wrong.
* ``roles.by_gold`` -- precision, recall and F1 of each role over *all*
  tokens, gold roles being ``semantic_roles`` of the gold tree (so conjuncts
  and "against" objects count too, and a spurious agent anywhere lowers
  precision).
* ``parser`` -- UAS/LAS over all tokens, punctuation included.

>>> r = run(["en_ewt-ud-test.conllu"])  # doctest: +SKIP
>>> r["roles"]["accuracy"] >= 0.9  # doctest: +SKIP
True
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import prf
from ..parser import AGENT, PATIENT, DependencyParser, attachment_scores, default_parser, read_conllu_trees, semantic_roles

#: Gold relations scored by ``roles.accuracy``.
SCORED_DEPRELS: tuple[str, ...] = ("nsubj", "obj", "nsubj:pass", "obl:agent")
ROLES: tuple[str, ...] = (AGENT, PATIENT)


def run(paths: Sequence[str | os.PathLike[str]], parser: DependencyParser | None = None,
        max_sentences: int | None = None) -> dict[str, Any]:
    """Tag, parse and score every sentence of the CoNLL-U files in ``paths``.

    ``max_sentences`` stops after that many sentences in all (for quick checks).
    Returns ``{"roles": {"accuracy", "n", "by_gold": {role: {precision, recall,
    f1, n_gold, n_pred}}}, "parser": {"uas", "las", "tokens"}, "files": [...]}``.
    """
    from ..tagger import default_tagger

    parser = parser or default_parser()
    trees = []
    for path in paths:
        if not Path(path).is_file():
            raise FileNotFoundError(f"{path}: no such file")
        trees.extend(read_conllu_trees(path))
    if max_sentences is not None:
        trees = trees[:max_sentences]
    words = [w for w, *_ in trees]
    tags = default_tagger().tag_sents(words)
    parses = parser.parse_sents(words, tags)

    n = correct = 0
    tp = {r: 0 for r in ROLES}
    n_pred = {r: 0 for r in ROLES}
    n_gold = {r: 0 for r in ROLES}
    for (w, _, gh, gr), tg, parse in zip(trees, tags, parses):
        gold_roles = semantic_roles(w, tg, gh, gr)
        pred_roles = semantic_roles(w, tg, [h for h, _ in parse], [r for _, r in parse])
        for rel, (g, _), (p, _) in zip(gr, gold_roles, pred_roles):
            if rel in SCORED_DEPRELS:
                n += 1
                correct += g == p
            if g in tp:
                n_gold[g] += 1
            if p in tp:
                n_pred[p] += 1
                tp[p] += g == p
    by_gold = {r: prf(tp[r], n_pred[r], n_gold[r]) for r in ROLES}
    gold_arcs = [list(zip(h, r)) for _, _, h, r in trees]
    return {
        "roles": {"accuracy": correct / n if n else 0.0, "n": n, "by_gold": by_gold},
        "parser": attachment_scores(gold_arcs, parses),
        "files": [Path(p).name for p in paths],
    }


def format_report(result: dict[str, Any]) -> str:
    """A plain-text summary of :func:`run`'s result."""
    r = result["roles"]
    p = result["parser"]
    lines = [
        f"files: {', '.join(result['files'])}",
        f"role accuracy on gold {'/'.join(SCORED_DEPRELS)}: {r['accuracy']:.4f} ({r['n']} tokens)",
        f"{'role':<8} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}   (all tokens)",
    ]
    for role, s in r["by_gold"].items():
        lines.append(f"{role:<8} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
                     f"{s['n_gold']:6d} {s.get('n_pred', 0):6d}")
    lines.append(f"parser: UAS {p['uas']:.4f}  LAS {p['las']:.4f}  ({p['tokens']} tokens, punctuation included)")
    return "\n".join(lines)


__all__ = ["run", "format_report", "SCORED_DEPRELS"]
