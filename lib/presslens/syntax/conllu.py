"""Reading CoNLL-U treebank files (Universal Dependencies), the one reader for tagging and parsing data.

Multiword-token lines (``3-4``) and empty nodes (``8.1``) are skipped
everywhere; tags are the ``XPOS`` column (Penn Treebank tags in the English
treebanks); heads are 1-based (0 = root) as in the file.

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "t.conllu")
>>> _ = open(path, "w").write("# text = Talks resumed.\\n1\\tTalks\\ttalk\\tNOUN\\tNNS\\t_\\t2\\tnsubj\\t_\\t_\\n"
...                           "2\\tresumed\\tresume\\tVERB\\tVBD\\t_\\t0\\troot\\t_\\tSpaceAfter=No\\n3\\t.\\t.\\tPUNCT\\t.\\t_\\t2\\tpunct\\t_\\t_\\n\\n")
>>> read_conllu(path)
[(['Talks', 'resumed', '.'], ['NNS', 'VBD', '.'])]
>>> read_conllu_trees(path)[0][2:]
([2, 0, 2], ['nsubj', 'root', 'punct'])
"""

from __future__ import annotations

import os
from collections.abc import Iterator

#: A parsed sentence: words, tags, heads (1-based, 0 = root), relations.
Tree = tuple[list[str], list[str], list[int], list[str]]


def _sentences(path: str | os.PathLike[str], min_columns: int) -> Iterator[list[list[str]]]:
    """The word lines of each sentence, split into columns (lines with fewer columns are skipped)."""
    rows: list[list[str]] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                if rows:
                    yield rows
                    rows = []
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < min_columns or not cols[0].isdigit():
                continue
            rows.append(cols)
    if rows:
        yield rows


def read_conllu_spacing(path: str | os.PathLike[str]) -> list[tuple[list[str], list[str], list[bool]]]:
    """Sentences as ``(words, xpos_tags, space_after)``."""
    return [([c[1] for c in rows], [c[4] for c in rows],
             [len(c) < 10 or "SpaceAfter=No" not in c[9].split("|") for c in rows])
            for rows in _sentences(path, 5)]


def read_conllu(path: str | os.PathLike[str]) -> list[tuple[list[str], list[str]]]:
    """Sentences as ``(words, xpos_tags)``."""
    return [([c[1] for c in rows], [c[4] for c in rows]) for rows in _sentences(path, 5)]


def read_conllu_trees(path: str | os.PathLike[str]) -> list[Tree]:
    """Sentences as ``(words, xpos, heads, deprels)``."""
    return [([c[1] for c in rows], [c[4] for c in rows], [int(c[6]) for c in rows], [c[7] for c in rows])
            for rows in _sentences(path, 8)]
