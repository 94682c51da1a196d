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
import re
from collections.abc import Iterator

#: A parsed sentence: words, tags, heads (1-based, 0 = root), relations.
Tree = tuple[list[str], list[str], list[int], list[str]]
_SKIPPED_ID = re.compile(r"\d+-\d+|\d+\.\d+")


def _sentences(path: str | os.PathLike[str], min_columns: int) -> Iterator[list[list[str]]]:
    """The word lines of each sentence, split into columns.

    Strict: a line that is neither a comment, a blank line, a multiword
    token nor an empty node, and has fewer than ``min_columns`` columns or
    no word id, is an :class:`~presslens.errors.InputError` naming the file
    and line, as is a file (UTF-8 text, read within a size bound) with no
    sentence at all.
    """
    from presslens.document.inputs import read_text_file
    from presslens.errors import InputError

    text = read_text_file(path, what="CoNLL-U file")
    rows: list[list[str]] = []
    found = False
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            if rows:
                found = True
                yield rows
                rows = []
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if _SKIPPED_ID.fullmatch(cols[0]):
            continue  # multiword token or empty node
        if len(cols) < min_columns or not cols[0].isdigit():
            raise InputError(f"{path}: line {lineno}", f"not a CoNLL-U word line (expected 10 tab-separated "
                                                       f"columns starting with a word number, found {len(cols)})")
        if min_columns > 6 and not cols[6].isdigit():
            raise InputError(f"{path}: line {lineno}", f"head {cols[6]!r} is not a word number")
        rows.append(cols)
    if rows:
        found = True
        yield rows
    if not found:
        raise InputError(path, "holds no CoNLL-U sentence")


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
