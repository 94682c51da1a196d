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
from collections.abc import Mapping, Sequence
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


#: What a reader sees instead of a column name.
MEASURE_LABELS = {
    "words": "words (body text)", "body_sentences": "body sentences", "sentences": "sentences (all)",
    "attributions": "attributions", "attributions_per_100_words": "attributions per 100 words",
    "attributions_per_body_sentence": "attributions per body sentence",
    "share_body_sentences_with_attribution": "body sentences carrying an attribution (share)",
    "share_body_chars_in_content": "body text inside attributed content (share)",
    "anonymous_share": "attributions to anonymous sources or unnamed officials (share)",
    "named_share": "attributions to named people (share)", "distinct_sources": "distinct sources",
    "count_agentless": "attributions without a source", "mean_attribution_position":
    "mean position of attributions (0 first paragraph, 1 last)", "claims": "claims (body sentences)",
    "hedged_claim_share": "claims hedged (share)", "hedges_per_100_words": "hedges per 100 words",
    "boosters_per_100_words": "boosters per 100 words", "hedge_booster_ratio": "hedges per booster",
    "hedged_share_attributed": "attributed claims hedged (share)",
    "hedged_share_unattributed": "unattributed claims hedged (share)",
}
#: Per-party measures (``<party>.<measure>``): what the measure says about the party.
PARTY_MEASURE_LABELS = {
    "mentions": "mentions", "mention_share": "share of all party mentions", "agent_share": "acts (share of its mentions)",
    "patient_share": "acted upon (share of its mentions)", "other_share": "only named (share of its mentions)",
    "mean_agent_agency": "agency of the verbs it does (−1…+1)", "mean_agent_power": "power of the verbs it does (−1…+1)",
    "in_attributed_voice_share": "mentions inside quoted or attributed words (share)",
    "in_reporter_voice_share": "mentions in the reporter's voice (share)", "mean_tone": "mean tone toward it (−1…+1)",
    "negative_tone_share": "negative mentions (share)", "positive_tone_share": "positive mentions (share)",
    "voice_share": "attributions it voices (share)", "hedged_share": "claims naming it hedged (share)",
}


def measure_label(column: str, party_labels: Mapping[str, str] | None = None) -> str:
    """The human label of a measures-table column.

    >>> measure_label("pakistan.agent_share", {"pakistan": "Pakistan"})
    'Pakistan: acts (share of its mentions)'
    >>> measure_label("hedges_per_100_words.modal"), measure_label("voice_share_afghan_taliban")
    ('hedges per 100 words: modal', 'Afghan Taliban: attributions it voices (share)')
    """
    party_labels = party_labels or {}

    def party(pid: str) -> str:
        return party_labels.get(pid) or pid.replace("_", " ").title()

    if column in MEASURE_LABELS:
        return MEASURE_LABELS[column]
    if column.startswith("voice_share_"):
        return f"{party(column.removeprefix('voice_share_'))}: {PARTY_MEASURE_LABELS['voice_share']}"
    head, _, tail = column.partition(".")
    if head in MEASURE_LABELS and tail:
        return f"{MEASURE_LABELS[head]}: {tail.replace('_', ' ')}"
    if tail and tail.split(".")[0] in PARTY_MEASURE_LABELS:
        rest = tail.split(".", 1)
        return f"{party(head)}: {PARTY_MEASURE_LABELS[rest[0]]}" + (f", {rest[1].replace('_', ' ')}" if len(rest) > 1 else "")
    for prefix, what in (("share_", "attributions to {} sources (share)"), ("count_", "attributions to {} sources")):
        if column.startswith(prefix):
            return what.format(column.removeprefix(prefix).replace("_", " "))
    if column.startswith("position_"):
        return f"attributions in the {column.removeprefix('position_').replace('_', ' ')} of the article"
    return column.replace("_", " ")


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
    bootstrap, ``n_boot`` draws; ``seed`` makes it reproducible). An
    interval needs ``min_group_size`` articles with a value: below that it
    is NaN (a bootstrap over two or three articles says nothing). Articles
    with no value in ``by`` form the group ``(none)``.

    >>> m = pd.DataFrame({"doc_id": list("abc"), "outlet": ["X", "X", "Y"], "share": [0.2, 0.4, 1.0]})
    >>> t = group_means(m, columns=["share"], n_boot=500, min_group_size=2)
    >>> t[["group", "mean", "small"]].values.tolist()
    [['X', 0.30000000000000004, False], ['Y', 1.0, True]]
    >>> bool(np.isnan(t["ci_low"].iloc[1]))  # one article: no interval
    True
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
            n = int((~np.isnan(values)).sum())
            if n < min_group_size:
                low = high = math.nan
            rows.append({"group": group, "measure": col, "articles": len(part), "n": n,
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


#: The outlier rule (Iglewicz & Hoaglin 1993): robust z-score above 3.5, on measures with 10 values or more.
OUTLIER_RULE = ("an article is an outlier on a measure when its robust z-score, 0.6745 × (value − median) / "
                "median absolute deviation, is beyond ±{threshold:g} (Iglewicz & Hoaglin 1993); only measures "
                "with at least {min_n} articles holding a value and some spread around the median are tested")


def outliers(measures: pd.DataFrame, columns: Sequence[str] | None = None, threshold: float = 3.5,
             by: str | None = None, min_n: int = 10) -> pd.DataFrame:
    """Articles far from the others on a measure, by a robust rule (:data:`OUTLIER_RULE`).

    The robust z-score uses the median and the median absolute deviation
    (MAD), which the outliers themselves barely move; a mean and a standard
    deviation are pulled toward them, and on skewed shares flag half a small
    corpus. Columns: ``doc_id``, ``group`` (the ``by`` column, when given),
    ``measure``, ``value``, ``median``, ``z`` (robust); largest ``|z|`` first.
    A measure with fewer than ``min_n`` values, or a MAD of zero (most
    articles alike), is not tested.

    >>> m = pd.DataFrame({"doc_id": list("abcdefghijk"), "x": [1.0, 1.1, 0.9, 1.0, 1.2, 0.8, 1.0, 1.1, 0.9, 1.0, 9.0]})
    >>> outliers(m, ["x"])[["doc_id", "value"]].values.tolist()
    [['k', 9.0]]
    """
    columns = list(columns) if columns is not None else measure_columns(measures)
    parts = []
    for col in columns:
        v = measures[col].astype(float)
        if v.notna().sum() < min_n:
            continue
        median = v.median()
        mad = (v - median).abs().median()
        if not mad or np.isnan(mad):
            continue
        z = 0.6745 * (v - median) / mad
        hit = z.abs() > threshold
        if hit.any():
            parts.append(pd.DataFrame({
                "doc_id": measures.loc[hit, "doc_id"].to_numpy(),
                "group": measures.loc[hit, by].to_numpy() if by else None,
                "measure": col, "value": v[hit].to_numpy(), "median": median, "z": z[hit].to_numpy(),
            }))
    cols = ["doc_id", "group", "measure", "value", "median", "z"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    return out.reindex(out["z"].abs().sort_values(ascending=False).index)[cols].reset_index(drop=True)


def charted_measures(measures: pd.DataFrame, columns: Sequence[str]) -> tuple[list[str], list[str]]:
    """``(charted, left_out)``: measures with some article's value other than zero, and those without.

    A chart of nothing but zeros or blanks shows nothing; the page names
    what it left out instead.

    >>> charted_measures(pd.DataFrame({"a": [0.0, 0.0], "b": [0.0, 0.5], "c": [np.nan, np.nan]}), ["a", "b", "c"])
    (['b'], ['a', 'c'])
    """
    charted = [c for c in columns if (measures[c].astype(float).fillna(0) != 0).any()]
    return charted, [c for c in columns if c not in charted]


def means_table(means: pd.DataFrame, labels: Mapping[str, str], digits: int = 3) -> pd.DataFrame:
    """The :func:`group_means` table in reading form: one row per measure, one column per group.

    Each cell is the mean with its interval, or the mean with "n too small"
    when the group has too few articles with a value for an interval.

    >>> t = pd.DataFrame({"group": ["X", "Y"], "measure": ["m", "m"], "articles": [9, 2], "n": [9, 2],
    ...                   "mean": [0.5, 0.25], "ci_low": [0.4, np.nan], "ci_high": [0.6, np.nan], "small": [False, True]})
    >>> means_table(t, {"m": "a measure"}).values.tolist()
    [['a measure', '0.5 [0.4, 0.6]', '0.25 · n too small (2)']]
    """
    def cell(r) -> str:
        if r["n"] == 0 or np.isnan(r["mean"]):
            return "–"
        mean = f"{r['mean']:.{digits}g}"
        if np.isnan(r["ci_low"]):
            return f"{mean} · n too small ({int(r['n'])})"
        return f"{mean} [{r['ci_low']:.{digits}g}, {r['ci_high']:.{digits}g}]"

    order = list(dict.fromkeys(means["measure"]))
    wide = means.assign(cell=means.apply(cell, axis=1)).pivot(index="measure", columns="group", values="cell")
    wide = wide.loc[order].reset_index()
    wide.columns.name = None
    wide["measure"] = wide["measure"].map(lambda c: labels.get(c, c))
    return wide


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


__all__ = ["measure_columns", "measure_label", "key_measures", "bootstrap_mean_ci", "group_means", "group_sizes",
           "outliers", "charted_measures", "means_table", "rank_articles", "report_links"]
