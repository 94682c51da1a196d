"""Charts for corpus comparison: one function per chart, each returns the figure.

Display with :func:`presslens.plots.show`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from presslens.report.plots import PALETTE, _finish


def distribution(measures: pd.DataFrame, measure: str, by: str = "outlet", means: pd.DataFrame | None = None,
                 max_points: int = 2000, seed: int = 0, label: str | None = None):
    """One row per group: every article as a dot, the group mean as a diamond with its interval.

    ``means`` is the :func:`presslens.corpus.compare.group_means` table; a
    group with too few articles for an interval shows its mean alone. A
    group with more than ``max_points`` articles shows a random sample of
    that many dots (the label keeps the full count, the mean and interval
    are over all articles). ``label`` is the measure's human name.

    >>> fig = distribution(pd.DataFrame({"outlet": ["X", "Y"], "x": [1.0, 2.0]}), "x")  # doctest: +SKIP
    """
    groups = measures[by].astype("object").where(measures[by].notna(), "(none)")
    names = sorted(groups.unique(), key=str)
    fig, ax = plt.subplots(figsize=(7, 0.32 * len(names) + 1.0))
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
        tick = f"{name} (n = {n:,})"
        if means is not None:
            row = means[(means["group"] == name) & (means["measure"] == measure)]
            if len(row):
                r = row.iloc[0]
                if not np.isnan(r["mean"]):
                    err = [[r["mean"] - r["ci_low"]], [r["ci_high"] - r["mean"]]] if not np.isnan(r["ci_low"]) else None
                    ax.errorbar(r["mean"], i, xerr=err, fmt="D", color="black", ms=6, capsize=4, lw=1.2, zorder=3)
                if np.isnan(r["ci_low"]):
                    tick += ", no interval"
        labels.append(tick)
    ax.set_yticks(range(len(names)), labels)
    ax.invert_yaxis()
    ax.set_ylim(len(names) - 0.5, -0.5)
    shown = label or measure
    ax.set_xlabel(shown + (f" (dots: a random {max_points:,} per larger group)" if sampled else ""), fontsize=9)
    return _finish(fig, ax, f"{shown}, by {by}")


def distributions(measures: pd.DataFrame, columns: list[str], by: str = "outlet", means: pd.DataFrame | None = None,
                  labels: dict[str, str] | None = None, ncols: int = 2, max_points: int = 2000, seed: int = 0):
    """Small multiples of :func:`distribution`: one panel per measure, ``ncols`` across, in one figure.

    Each panel shows every article as a dot and each group's mean as a
    diamond, with its interval where ``means`` has one (the
    :func:`presslens.corpus.compare.group_means` table). Groups are rows,
    named once per row of panels with their article counts.

    >>> fig = distributions(pd.DataFrame({"outlet": ["X", "Y"], "x": [1.0, 2.0], "y": [0.1, 0.2]}), ["x", "y"])
    >>> len(fig.axes)
    2
    """
    import textwrap

    labels = labels or {}
    groups = measures[by].astype("object").where(measures[by].notna(), "(none)")
    names = sorted(groups.unique(), key=str)
    counts = groups.value_counts()
    rows = -(-len(columns) // ncols)
    panel_h = 0.26 * len(names) + 0.95
    fig, axes = plt.subplots(rows, ncols, figsize=(9.2, panel_h * rows), squeeze=False)
    rng = np.random.default_rng(seed)
    for k, ax in enumerate(axes.flat):
        if k >= len(columns):
            ax.set_visible(False)
            continue
        col = columns[k]
        for i, name in enumerate(names):
            v = measures.loc[groups == name, col].astype(float).dropna().to_numpy()
            if len(v) > max_points:
                v = rng.choice(v, max_points, replace=False)
            ax.scatter(v, np.full(len(v), i) + rng.uniform(-0.15, 0.15, len(v)), s=18, alpha=0.6,
                       color=PALETTE[i % len(PALETTE)], linewidths=0, zorder=2)
            if means is not None:
                row = means[(means["group"] == name) & (means["measure"] == col)]
                if len(row) and not np.isnan(row["mean"].iloc[0]):
                    r = row.iloc[0]
                    err = ([[r["mean"] - r["ci_low"]], [r["ci_high"] - r["mean"]]]
                           if not np.isnan(r["ci_low"]) else None)
                    ax.errorbar(r["mean"], i, xerr=err, fmt="D", color="black", ms=4.5, capsize=3, lw=1, zorder=3)
        ax.set_yticks(range(len(names)), [f"{n} ({counts[n]:,})" for n in names] if k % ncols == 0 else [])
        ax.set_ylim(len(names) - 0.5, -0.5)
        ax.tick_params(labelsize=8)
        ax.set_title(textwrap.fill(labels.get(col, col), 48), loc="left", fontsize=8.5)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="x", color="#e3e3e3", lw=0.6, zorder=0)
    fig.tight_layout(h_pad=1.2, w_pad=1.5)
    return fig
