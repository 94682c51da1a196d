"""Charts for corpus comparison: one function per chart, each returns the figure.

Display with :func:`presslens.plots.show`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from presslens.report.plots import PALETTE, _finish


def distribution(measures: pd.DataFrame, measure: str, by: str = "outlet", means: pd.DataFrame | None = None,
                 max_points: int = 2000, seed: int = 0):
    """One row per group: every article as a dot, the group mean and its CI as a bar.

    ``means`` is the :func:`presslens.compare.group_means` table; groups
    flagged ``small`` are labelled so. A group with more than ``max_points``
    articles shows a random sample of that many dots (the label keeps the
    full count, the mean and interval are over all articles).

    >>> fig = distribution(pd.DataFrame({"outlet": ["X", "Y"], "x": [1.0, 2.0]}), "x")  # doctest: +SKIP
    """
    groups = measures[by].astype("object").where(measures[by].notna(), "(none)")
    names = sorted(groups.unique(), key=str)
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(names) + 1.2))
    rng = np.random.default_rng(seed)
    labels = []
    sampled = False
    for i, name in enumerate(names):
        v = measures.loc[groups == name, measure].astype(float).dropna().to_numpy()
        n = len(v)
        if n > max_points:
            v = rng.choice(v, max_points, replace=False)
            sampled = True
        jitter = rng.uniform(-0.15, 0.15, len(v))
        ax.scatter(v, np.full(len(v), i) + jitter, s=36 if n <= 200 else 8, alpha=0.7 if n <= 200 else 0.3,
                   color=PALETTE[i % len(PALETTE)], linewidths=0, zorder=2)
        label = f"{name} (n={n:,})"
        if means is not None:
            row = means[(means["group"] == name) & (means["measure"] == measure)]
            if len(row):
                r = row.iloc[0]
                if not np.isnan(r["mean"]):
                    err = [[r["mean"] - r["ci_low"]], [r["ci_high"] - r["mean"]]] if not np.isnan(r["ci_low"]) else None
                    ax.errorbar(r["mean"], i, xerr=err, fmt="D", color="black", ms=6, capsize=4, lw=1.2, zorder=3)
                if r["small"]:
                    label += " · small"
        labels.append(label)
    ax.set_yticks(range(len(names)), labels)
    ax.invert_yaxis()
    ax.set_xlabel(measure + (f" (dots: a random {max_points:,} per larger group)" if sampled else ""))
    return _finish(fig, ax, f"{measure} by {by}")
