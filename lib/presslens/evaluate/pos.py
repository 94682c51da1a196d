"""Part-of-speech accuracy on treebank files (``presslens evaluate pos``)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from presslens.syntax.conllu import read_conllu
from presslens.syntax.tagger import PerceptronTagger, default_tagger


def evaluate(tagger: PerceptronTagger, paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str]) -> dict[str, Any]:
    """Token accuracy of ``tagger`` on CoNLL-U file(s), gold tokens given."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    from presslens.errors import InputError

    paths = list(paths)
    sents = [s for p in paths for s in read_conllu(p)]
    if not sum(len(w) for w, _ in sents):
        raise InputError(", ".join(map(str, paths)), "no tokens to score")
    pred = tagger.tag_sents([w for w, _ in sents])
    correct = sum(p == g for (_, gold), tags in zip(sents, pred) for p, g in zip(tags, gold))
    tokens = sum(len(w) for w, _ in sents)
    return {"accuracy": correct / tokens if tokens else 0.0, "tokens": tokens, "correct": correct}


def run(paths: list[str]) -> dict[str, Any]:
    """``presslens evaluate pos``: accuracy of the shipped tagger on CoNLL-U files.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "t.conllu")
    >>> _ = open(path, "w").write("1\\tThe\\tthe\\tDET\\tDT\\t_\\t2\\tdet\\t_\\t_\\n2\\ttalks\\ttalk\\tNOUN\\tNNS\\t_\\t0\\troot\\t_\\t_\\n\\n")
    >>> run([path])
    {'accuracy': 1.0, 'tokens': 2}
    """
    result = evaluate(default_tagger(), paths)
    return {"accuracy": result["accuracy"], "tokens": result["tokens"]}


def format_report(result: dict[str, Any]) -> str:
    """One line of :func:`run`'s result."""
    return f"POS accuracy {result['accuracy']:.2%} on {result['tokens']:,} tokens"
