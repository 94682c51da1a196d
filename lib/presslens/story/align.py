"""Claims aligned across articles: sentences grouped by meaning, never two of one article in a group.

Agglomerative clustering with average linkage on the cosine of sentence
embeddings (:mod:`presslens.story.embed`): every sentence starts alone, and
the two groups with the highest mean cosine between their members are merged
while that mean is at least the threshold. A cannot-link constraint keeps
each group to one sentence per article: an outlet that repeats a claim
(lede and body) carries it once, and the one that matches the other
outlets best is the one kept. The threshold was chosen on the hand-aligned
validation set (``data/validation/story``; VALIDATION.md).

>>> import numpy as np
>>> v = np.array([[1.0, 0.0], [0.96, 0.28], [0.0, 1.0], [0.99, 0.14]])
>>> align(v, ["a", "b", "b", "c"], threshold=0.8)
[[0, 1, 3], [2]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: The cosine at or above which groups merge (mean over member pairs), chosen on the validation set.
THRESHOLD = 0.6


def align(vectors: np.ndarray, articles: Sequence[str], threshold: float = THRESHOLD) -> list[list[int]]:
    """Groups of row indices (each sorted; groups ordered by their first row), one article at most once per group.

    ``vectors`` are unit-length rows; ``articles[i]`` names row i's article.
    """
    n = len(articles)
    if n == 0:
        return []
    sims = np.clip(np.asarray(vectors, dtype=np.float64) @ np.asarray(vectors, dtype=np.float64).T, -1.0, 1.0)
    # Sum of member-pair cosines between groups, and the member counts; the
    # mean linkage is sum / (size_i * size_j).
    total = sims.copy()
    size = np.ones(n)
    alive = np.ones(n, dtype=bool)
    members: list[list[int]] = [[i] for i in range(n)]
    docs: list[set[str]] = [{articles[i]} for i in range(n)]
    names = sorted(set(articles))
    owner = np.array([names.index(a) for a in articles])
    # Groups that share an article may never merge.
    blocked = owner[:, None] == owner[None, :]
    while True:
        mean = total / np.outer(size, size)
        mean[blocked | ~alive[:, None] | ~alive[None, :]] = -np.inf
        np.fill_diagonal(mean, -np.inf)
        flat = int(np.argmax(mean))
        i, j = divmod(flat, n)
        if not np.isfinite(mean[i, j]) or mean[i, j] < threshold:
            break
        i, j = min(i, j), max(i, j)
        members[i] += members[j]
        docs[i] |= docs[j]
        total[i, :] += total[j, :]
        total[:, i] += total[:, j]
        size[i] += size[j]
        alive[j] = False
        blocked[i, :] |= blocked[j, :]
        blocked[:, i] |= blocked[:, j]
    groups = [sorted(members[i]) for i in range(n) if alive[i]]
    return sorted(groups, key=lambda g: g[0])


def pair_scores(predicted: Sequence[Sequence[int]], gold: Sequence[Sequence[int]]) -> dict[str, float]:
    """Pair precision, recall and F1 of a grouping against a gold grouping (pairs of items in one group).

    >>> pair_scores([[0, 1, 2], [3]], [[0, 1], [2, 3]])
    {'precision': 0.333333, 'recall': 0.5, 'f1': 0.4, 'f05': 0.357143, 'predicted_pairs': 3, 'gold_pairs': 2, 'correct_pairs': 1}
    """
    def pairs(groups: Sequence[Sequence[int]]) -> set[tuple[int, int]]:
        return {(a, b) for g in groups for a in g for b in g if a < b}

    p, g = pairs(predicted), pairs(gold)
    hit = len(p & g)
    prec = hit / len(p) if p else float("nan")
    rec = hit / len(g) if g else float("nan")
    f1 = 2 * prec * rec / (prec + rec) if p and g and prec + rec else 0.0
    # F0.5 weighs precision twice: a false alignment puts a false divergence on the page.
    f05 = 1.25 * prec * rec / (0.25 * prec + rec) if p and g and prec + rec else 0.0
    return {"precision": round(prec, 6), "recall": round(rec, 6), "f1": round(f1, 6), "f05": round(f05, 6),
            "predicted_pairs": len(p), "gold_pairs": len(g), "correct_pairs": hit}
