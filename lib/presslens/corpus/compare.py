"""Comparing articles and outlets: plain functions from the measures table to tidy tables.

The input is the per-document measures table of a corpus
(:func:`presslens.corpus.read_measures`): one row per article, meta columns
such as ``outlet`` and one numeric column per measure. Missing values (a
share with no denominator) are left out of each measure's figures, never
counted as zero.

>>> import pandas as pd
>>> m = pd.DataFrame({"doc_id": list("abcd"), "outlet": ["X", "X", "Y", "Y"], "words": [100.0, 300, 200, 200]})
>>> group_means(m, "outlet", ["words"], n_boot=200)[["group", "measure", "n", "mean"]].values.tolist()
[['X', 'words', 2, 200.0], ['Y', 'words', 2, 200.0]]
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

#: Columns of the measures table that describe the article rather than measure it.
META = ("doc_id", "outlet", "date", "title", "url", "source_file")
#: The headline measures of each report, shown first when present.
KEY_MEASURES = ("attributions_per_100_words", "anonymous_share", "named_share", "hedged_claim_share",
                "hedges_per_100_words", "boosters_per_100_words")
#: Per-party measures shown by default (``<party>.<measure>``).
KEY_PARTY_MEASURES = ("agent_share", "mean_tone", "voice_share")


def measure_columns(measures: pd.DataFrame) -> list[str]:
    """The numeric measure columns of a measures table (meta columns excluded)."""
    return [c for c in measures.columns if c not in META and pd.api.types.is_numeric_dtype(measures[c])]


def key_measures(measures: pd.DataFrame) -> list[str]:
    """The headline measures present in ``measures``: the overall ones, then per-party ones.

    >>> key_measures(pd.DataFrame({"doc_id": ["a"], "pk.agent_share": [0.5], "anonymous_share": [0.1], "x": [1]}))
    ['anonymous_share', 'pk.agent_share']
    """
    cols = measure_columns(measures)
    main = [c for c in KEY_MEASURES if c in cols]
    party = [c for c in cols if "." in c and c.split(".", 1)[1] in KEY_PARTY_MEASURES and measures[c].notna().any()]
    return main + party


def bootstrap_mean_ci(values: np.ndarray, n_boot: int = 2000, seed: int = 0, level: float = 0.95,
                      rng: np.random.Generator | None = None) -> tuple[float, float, float]:
    """Mean and percentile-bootstrap confidence interval of ``values`` (NaN dropped).

    Returns ``(mean, low, high)``; with one value the interval is that value,
    with none all three are NaN.

    >>> bootstrap_mean_ci(np.array([1.0, 2.0, 3.0, np.nan]), n_boot=500)[0]
    2.0
    """
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if not len(v):
        return (math.nan, math.nan, math.nan)
    if len(v) == 1:
        return (float(v[0]),) * 3
    if n_boot < 1:
        return (float(v.mean()), math.nan, math.nan)
    rng = rng or np.random.default_rng(seed)
    # Chunked so a group of a million articles never needs n_boot x n indices at once.
    chunk = max(1, min(n_boot, 5_000_000 // len(v)))
    means = np.empty(n_boot)
    for a in range(0, n_boot, chunk):
        b = min(n_boot, a + chunk)
        means[a:b] = v[rng.integers(0, len(v), size=(b - a, len(v)))].mean(axis=1)
    alpha = (1 - level) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return float(v.mean()), float(low), float(high)


def group_means(measures: pd.DataFrame, by: str = "outlet", columns: Sequence[str] | None = None,
                n_boot: int = 2000, seed: int = 0, min_group_size: int = 5, level: float = 0.95) -> pd.DataFrame:
    """Per-group means with bootstrap confidence intervals, one row per group and measure.

    Columns: ``group``, ``measure``, ``articles`` (in the group), ``n``
    (articles with a value for the measure), ``mean``, ``ci_low``,
    ``ci_high``, ``small`` (fewer than ``min_group_size`` articles: shown,
    but flagged). Articles resample within each group (percentile
    bootstrap, ``n_boot`` draws; ``seed`` makes it reproducible). Articles
    with no value in ``by`` form the group ``(none)``.

    >>> m = pd.DataFrame({"doc_id": list("abc"), "outlet": ["X", "X", "Y"], "share": [0.2, 0.4, 1.0]})
    >>> t = group_means(m, columns=["share"], n_boot=500, min_group_size=2)
    >>> t[["group", "mean", "small"]].values.tolist()
    [['X', 0.30000000000000004, False], ['Y', 1.0, True]]
    """
    if by not in measures:
        raise KeyError(f"no column {by!r} in the measures table (columns: {', '.join(measures.columns[:12])}, ...)")
    columns = list(columns) if columns is not None else measure_columns(measures)
    rng = np.random.default_rng(seed)
    groups = measures[by].astype("object").where(measures[by].notna(), "(none)")
    rows = []
    for group, part in measures.groupby(groups, sort=True):
        for col in columns:
            values = part[col].to_numpy(dtype=float)
            mean, low, high = bootstrap_mean_ci(values, n_boot, rng=rng, level=level)
            rows.append({"group": group, "measure": col, "articles": len(part), "n": int((~np.isnan(values)).sum()),
                         "mean": mean, "ci_low": low, "ci_high": high, "small": len(part) < min_group_size})
    return pd.DataFrame(rows, columns=["group", "measure", "articles", "n", "mean", "ci_low", "ci_high", "small"])


def group_sizes(measures: pd.DataFrame, by: str = "outlet", min_group_size: int = 5) -> pd.DataFrame:
    """Articles per group, largest first, with the ``small`` flag.

    >>> group_sizes(pd.DataFrame({"outlet": ["X", "X", "Y"]}), min_group_size=2).values.tolist()
    [['X', 2, False], ['Y', 1, True]]
    """
    groups = measures[by].astype("object").where(measures[by].notna(), "(none)")
    sizes = groups.value_counts().rename_axis("group").reset_index(name="articles")
    sizes["small"] = sizes["articles"] < min_group_size
    return sizes


def outliers(measures: pd.DataFrame, columns: Sequence[str] | None = None, threshold: float = 2.0,
             by: str | None = None) -> pd.DataFrame:
    """Articles more than ``threshold`` standard deviations from a measure's mean (over all articles).

    Columns: ``doc_id``, ``group`` (the ``by`` column, when given),
    ``measure``, ``value``, ``mean``, ``z``; largest ``|z|`` first. Measures
    with no spread have no outliers.

    >>> m = pd.DataFrame({"doc_id": list("abcdefgh"), "x": [1.0] * 7 + [9.0]})
    >>> outliers(m, ["x"])[["doc_id", "value"]].values.tolist()
    [['h', 9.0]]
    """
    columns = list(columns) if columns is not None else measure_columns(measures)
    parts = []
    for col in columns:
        v = measures[col].astype(float)
        sd = v.std(ddof=1)
        if not sd or np.isnan(sd):
            continue
        z = (v - v.mean()) / sd
        hit = z.abs() > threshold
        if hit.any():
            parts.append(pd.DataFrame({
                "doc_id": measures.loc[hit, "doc_id"].to_numpy(),
                "group": measures.loc[hit, by].to_numpy() if by else None,
                "measure": col, "value": v[hit].to_numpy(), "mean": v.mean(), "z": z[hit].to_numpy(),
            }))
    cols = ["doc_id", "group", "measure", "value", "mean", "z"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    return out.reindex(out["z"].abs().sort_values(ascending=False).index)[cols].reset_index(drop=True)


def rank_articles(measures: pd.DataFrame, measure: str, by: str | None = "outlet", top: int | None = None,
                  ascending: bool = False) -> pd.DataFrame:
    """Articles ranked by one measure (highest first), articles without a value last.

    >>> m = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"], "x": [0.1, 0.7]})
    >>> rank_articles(m, "x")[["rank", "doc_id"]].values.tolist()
    [[1, 'b'], [2, 'a']]
    """
    cols = ["doc_id"] + [c for c in (by, "title") if c and c in measures and c != "doc_id"] + [measure]
    table = measures[cols].sort_values(measure, ascending=ascending, na_position="last", kind="stable")
    table.insert(0, "rank", range(1, len(table) + 1))
    table = table.reset_index(drop=True)
    return table.head(top) if top else table


def report_links(doc_ids: Sequence[str], reports_dir: str | os.PathLike[str], relative_to: str | os.PathLike[str] | None = None
                 ) -> list[str | None]:
    """Link (path) of each article's single-article report ``reports_dir/<doc_id>/index.html``, or None.

    >>> report_links(["nope"], "/no/such/reports")
    [None]
    """
    reports = Path(reports_dir)
    out: list[str | None] = []
    for doc_id in doc_ids:
        index = reports / str(doc_id) / "index.html"
        if index.exists():
            out.append(os.path.relpath(index, relative_to) if relative_to else str(index))
        else:
            out.append(None)
    return out


__all__ = ["measure_columns", "key_measures", "bootstrap_mean_ci", "group_means", "group_sizes", "outliers",
           "rank_articles", "report_links"]
