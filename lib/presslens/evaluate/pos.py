"""Part-of-speech accuracy on treebank files (``presslens evaluate pos``)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from presslens.syntax.conllu import read_conllu
from presslens.syntax.tagger import PerceptronTagger


def evaluate(tagger: PerceptronTagger, paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str]) -> dict[str, Any]:
    """Token accuracy of ``tagger`` on CoNLL-U file(s), gold tokens given."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    sents = [s for p in paths for s in read_conllu(p)]
    pred = tagger.tag_sents([w for w, _ in sents])
    correct = sum(p == g for (_, gold), tags in zip(sents, pred) for p, g in zip(tags, gold))
    tokens = sum(len(w) for w, _ in sents)
    return {"accuracy": correct / tokens if tokens else 0.0, "tokens": tokens, "correct": correct}
