"""Charts for the report notebooks: plain matplotlib, one function per chart.

Each takes a tidy table from a measures function and returns the figure, so
notebooks only call and display.
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

PALETTE = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C"]


def _finish(fig, ax, title: str):
    ax.set_title(title, loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def show(fig) -> None:
    """Display a figure once in a notebook and free it.

    Explicit display works the same in JupyterLab and under papermill,
    whatever matplotlib backend is active.
    """
    import io

    from IPython.display import Image, display

    # A PNG rendered here rather than the backend's figure repr: the same
    # image in JupyterLab, under papermill and in the HTML, whatever backend.
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    plt.close(fig)
    display(Image(data=buf.getvalue(), format="png"))


def bar_shares(labels, values, title: str, xlabel: str = "share", percent: bool = True, annotate=None):
    """Horizontal bars in the given order (first on top), with value labels."""
    data = pd.DataFrame({"label": list(labels), "value": list(values)})
    data = data.iloc[::-1]
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * max(len(data), 2) + 1.1))
    bars = ax.barh(data["label"].astype(str), data["value"], color=PALETTE[0])
    texts = annotate if annotate is not None else [f"{v:.0%}" if percent else f"{v:.2f}" for v in data["value"]]
    if annotate is not None:
        texts = list(annotate)[::-1]
    for bar, text in zip(bars, texts):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {text}", va="center", fontsize=9)
    ax.set_xlabel(xlabel)
    if percent:
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_xlim(0, max(1.0, float(data["value"].max() or 0) * 1.15))
    else:
        ax.set_xlim(0, float(data["value"].max() or 1) * 1.2 + 1e-9)
    return _finish(fig, ax, title)


def position_strip(positions, labels, title: str, categories=None, xlabel: str = "position in article (0 = start, 1 = end)"):
    """Dots along the article: where the counted spans sit, coloured by category."""
    data = pd.DataFrame({"position": list(positions), "label": list(labels)})
    cats = list(categories or sorted(data["label"].dropna().unique()))
    fig, ax = plt.subplots(figsize=(7, 0.45 * max(len(cats), 2) + 1.2))
    for i, cat in enumerate(cats):
        sub = data[data["label"] == cat]
        ax.scatter(sub["position"], [i] * len(sub), s=60, color=PALETTE[i % len(PALETTE)], alpha=0.85, label=cat)
    ax.set_yticks(range(len(cats)), cats)
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.7, len(cats) - 0.3)
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)
    return _finish(fig, ax, title)


def per_paragraph(counts: pd.DataFrame, value: str, title: str, ylabel: str):
    """Bars per body paragraph (x: paragraph number)."""
    fig, ax = plt.subplots(figsize=(7, 2.8))
    ax.bar(range(1, len(counts) + 1), counts[value], color=PALETTE[0])
    ax.set_xlabel("body paragraph")
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    return _finish(fig, ax, title)


def stacked_shares(table: pd.DataFrame, index: str, columns: list[str], title: str, colours=None, xlabel: str = "share of mentions"):
    """One horizontal bar per row of ``table`` split into ``columns`` (shares summing to 1)."""
    data = table.set_index(index)[columns].iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.5 * max(len(data), 2) + 1.3))
    left = pd.Series(0.0, index=data.index)
    for i, col in enumerate(columns):
        colour = (colours or {}).get(col, PALETTE[i % len(PALETTE)])
        ax.barh(data.index.astype(str), data[col], left=left, color=colour, label=col, edgecolor="white")
        left += data[col]
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(xlabel)
    ax.legend(ncol=len(columns), loc="lower center", bbox_to_anchor=(0.5, 1.02), frameon=False, fontsize=9)
    fig.tight_layout()
    ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(title, x=0.02, ha="left", fontsize=11)
    fig.tight_layout()
    return fig


def heatmap(table: pd.DataFrame, title: str, fmt: str = "{:.0%}", cmap: str = "Blues", vmax: float | None = 1.0):
    """A labelled heatmap of a wide table (rows x columns), values written in the cells; NaN left blank."""
    import numpy as np

    values = table.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(1.0 * max(len(table.columns), 3) + 2.5, 0.5 * max(len(table), 2) + 1.6))
    im = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=0, vmax=vmax, aspect="auto")
    ax.set_xticks(range(len(table.columns)), [str(c) for c in table.columns], rotation=35, ha="right", fontsize=9)
    ax.set_yticks(range(len(table.index)), [str(i) for i in table.index], fontsize=9)
    top = vmax if vmax is not None else np.nanmax(values) if np.isfinite(values).any() else 1
    for (i, j), v in np.ndenumerate(values):
        if np.isfinite(v):
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8,
                    color="white" if top and v > 0.6 * top else "black")
    fig.colorbar(im, ax=ax, fraction=0.03, pad=0.02)
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout()
    return fig


def diverging_bars(labels, values, title: str, xlabel: str, counts=None):
    """Horizontal bars around zero (negative red, positive green), e.g. mean tone per party."""
    data = pd.DataFrame({"label": list(labels), "value": list(values)}).iloc[::-1]
    fig, ax = plt.subplots(figsize=(6.5, 0.45 * max(len(data), 2) + 1.1))
    colours = ["#C44E52" if v < 0 else "#55A868" for v in data["value"].fillna(0)]
    bars = ax.barh(data["label"].astype(str), data["value"].fillna(0), color=colours)
    notes = list(counts)[::-1] if counts is not None else [None] * len(data)
    for bar, v, n in zip(bars, data["value"], notes):
        text = "n/a" if pd.isna(v) else f"{v:+.2f}" + (f" (n={n})" if n is not None else "")
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {text} ", va="center", fontsize=9,
                ha="left" if (v or 0) >= 0 else "right")
    ax.axvline(0, color="#444", lw=0.8)
    ax.set_xlim(-1.05, 1.05)
    ax.set_xlabel(xlabel)
    return _finish(fig, ax, title)
