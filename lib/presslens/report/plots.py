"""Charts for the report notebooks: small SVG drawings, one function per chart.

Each function takes a tidy table (or columns of one) from a measures
function and returns a :class:`Chart`; notebooks only call and display
(:func:`show`). The charts are plain SVG written here rather than matplotlib
figures: they stay sharp at any zoom, their text can be searched and copied,
the same input gives the same bytes, and a report kernel does not pay for
importing and rendering with matplotlib. :func:`show` also displays
matplotlib figures (the corpus charts in :mod:`presslens.report.compare_plots`).

>>> chart = bar_shares(["named person", "anonymous"], [0.6, 0.4], "Share of attributions by source type")
>>> chart.svg.startswith("<svg") and "named person" in chart.svg
True
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PALETTE = ["#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C"]
FONT = "Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
WIDTH = 680
TEXT = "#222"
MUTED = "#666"
GRID = "#e3e3e3"

# Helvetica/Arial advance widths (1/1000 em) for laying out labels without a
# font engine; anything else counts as a wide character.
_WIDTHS = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278] + [556] * 10
    + [278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
       722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556,
       556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556,
       500, 722, 500, 500, 500, 334, 260, 334, 584],
))


@dataclass(frozen=True)
class Chart:
    """An SVG chart: ``svg`` is the whole drawing; notebooks display it with :func:`show`."""

    svg: str
    title: str = ""

    def _repr_svg_(self) -> str:  # JupyterLab shows a chart left as a cell's last value
        return self.svg

    def save(self, path: str) -> None:
        """Write the chart as an ``.svg`` file (for a paper or a slide)."""
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(self.svg)


def show(chart: Any) -> None:
    """Display a chart once in a notebook.

    Explicit display works the same in JupyterLab and under papermill. A
    matplotlib figure is rendered to PNG and closed.
    """
    from IPython.display import SVG, Image, display

    if isinstance(chart, Chart):
        display(SVG(data=chart.svg))
        return
    import io

    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    chart.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    plt.close(chart)
    display(Image(data=buf.getvalue(), format="png"))


def _finish(fig, ax, title: str):
    """Title and clean axes for a matplotlib chart (used by :mod:`presslens.report.compare_plots`)."""
    ax.set_title(title, loc="left", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


# --- drawing primitives -------------------------------------------------------
def text_width(text: str, size: float = 12) -> float:
    """Approximate rendered width in pixels of ``text`` in the chart font."""
    return sum(_WIDTHS.get(ch, 600 if ord(ch) < 0x2E80 else 1000) for ch in str(text)) * size / 1000


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if math.isfinite(x) else "0"


def _text(x: float, y: float, text: Any, size: float = 12, anchor: str = "start", fill: str = TEXT,
          weight: str | None = None, extra: str = "") -> str:
    w = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" text-anchor="{anchor}" fill="{fill}"{w}{extra}>'
            f"{_esc(text)}</text>")


def _rect(x: float, y: float, w: float, h: float, fill: str, tip: str | None = None, extra: str = "") -> str:
    title = f"<title>{_esc(tip)}</title>" if tip else ""
    return (f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(max(w, 0))}" height="{_num(max(h, 0))}" fill="{fill}"{extra}>'
            f"{title}</rect>")


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = GRID, width: float = 1) -> str:
    return f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" stroke="{stroke}" stroke-width="{width}"/>'


def _svg(width: float, height: float, title: str, body: Sequence[str]) -> Chart:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" height="{_num(height)}" '
            f'viewBox="0 0 {_num(width)} {_num(height)}" role="img" font-family="{_esc(FONT)}">'
            f"<title>{_esc(title)}</title>"
            f'<rect width="100%" height="100%" fill="#fff"/>')
    return Chart(head + _text(8, 20, title, 14, weight="bold") + "".join(body) + "</svg>", title)


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]."""
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    out = []
    v = first
    while v <= hi + 1e-9:
        out.append(round(v, 10))
        v += step
    return out


def _fmt_tick(v: float, percent: bool) -> str:
    if percent:
        return f"{v:.0%}"
    return f"{v:g}"


def _finite(values: Sequence[Any]) -> list[float]:
    out = []
    for v in values:
        try:
            f = float(v)
        except (TypeError, ValueError):
            f = float("nan")
        out.append(f)
    return out


# --- charts --------------------------------------------------------------------
def bar_shares(labels, values, title: str, xlabel: str = "share", percent: bool = True, annotate=None) -> Chart:
    """Horizontal bars in the given order (first on top), each with its value written at the end.

    ``annotate`` replaces the value labels (e.g. ``"40% (4)"``).

    >>> "40%" in bar_shares(["a", "b"], [0.4, 0.6], "t").svg
    True
    """
    labels = [str(x) for x in labels]
    vals = _finite(values)
    texts = list(annotate) if annotate is not None else [
        ("n/a" if not math.isfinite(v) else f"{v:.0%}" if percent else f"{v:.2f}") for v in vals]
    top = max([v for v in vals if math.isfinite(v)] or [0.0])
    xmax = max(1.0, top * 1.15) if percent else (top * 1.2 or 1.0)
    left = 16 + max([text_width(x) for x in labels] or [0])
    right = 14 + max([text_width(t, 11) for t in texts] or [0])
    plot_w = max(WIDTH - left - right, 160)
    row, y0 = 26, 38
    height = y0 + row * max(len(labels), 1) + 44
    sx = plot_w / xmax
    body = []
    for t in _ticks(0, xmax):
        x = left + t * sx
        body.append(_line(x, y0 - 4, x, y0 + row * len(labels)))
        body.append(_text(x, y0 + row * len(labels) + 15, _fmt_tick(t, percent), 11, "middle", MUTED))
    for i, (label, v, t) in enumerate(zip(labels, vals, texts)):
        y = y0 + i * row
        w = (v if math.isfinite(v) else 0) * sx
        body.append(_text(left - 8, y + row / 2 + 4, label, 12, "end"))
        body.append(_rect(left, y + 4, w, row - 8, PALETTE[0], f"{label}: {t}"))
        body.append(_text(left + w + 5, y + row / 2 + 4, t, 11, fill=TEXT))
    body.append(_line(left, y0 - 4, left, y0 + row * len(labels), "#999"))
    body.append(_text(left + plot_w / 2, height - 8, xlabel, 11, "middle", MUTED))
    return _svg(WIDTH, height, title, body)


def per_paragraph(counts, value: str, title: str, ylabel: str) -> Chart:
    """Bars per body paragraph (x: paragraph number, 1 = first body paragraph)."""
    vals = [v if math.isfinite(v) else 0.0 for v in _finite(list(counts[value]))]
    n = max(len(vals), 1)
    left, right, y0, plot_h = 52, 16, 40, 150
    plot_w = WIDTH - left - right
    height = y0 + plot_h + 48
    top = max(vals or [0]) or 1
    ticks = [t for t in _ticks(0, top, min(5, max(int(top), 1))) if float(t).is_integer()] or [0, top]
    ymax = max(top, ticks[-1])
    sy = plot_h / ymax
    slot = plot_w / n
    body = []
    for t in ticks:
        y = y0 + plot_h - t * sy
        body.append(_line(left, y, left + plot_w, y))
        body.append(_text(left - 6, y + 4, f"{t:g}", 11, "end", MUTED))
    every = max(1, math.ceil(n / 25))
    for i, v in enumerate(vals):
        x = left + i * slot
        body.append(_rect(x + slot * 0.15, y0 + plot_h - v * sy, slot * 0.7, v * sy, PALETTE[0],
                          f"paragraph {i + 1}: {v:g} {ylabel}"))
        if (i + 1) % every == 0 or i == 0:
            body.append(_text(x + slot / 2, y0 + plot_h + 15, i + 1, 11, "middle", MUTED))
    body.append(_line(left, y0 + plot_h, left + plot_w, y0 + plot_h, "#999"))
    body.append(_text(left + plot_w / 2, height - 8, "body paragraph", 11, "middle", MUTED))
    body.append(_text(14, y0 + plot_h / 2, ylabel, 11, "middle", MUTED,
                      extra=f' transform="rotate(-90 14 {_num(y0 + plot_h / 2)})"'))
    return _svg(WIDTH, height, title, body)


def stacked_shares(table, index: str, columns: list[str], title: str, colours: Mapping[str, str] | None = None,
                   xlabel: str = "share of mentions") -> Chart:
    """One horizontal bar per row of ``table`` split into ``columns`` (shares summing to 1), with a legend."""
    labels = [str(x) for x in table[index]]
    parts = {c: [v if math.isfinite(v) else 0.0 for v in _finite(list(table[c]))] for c in columns}
    colours = {c: (colours or {}).get(c, PALETTE[i % len(PALETTE)]) for i, c in enumerate(columns)}
    left = 16 + max([text_width(x) for x in labels] or [0])
    right = 20
    plot_w = WIDTH - left - right
    row, y0 = 30, 62
    height = y0 + row * max(len(labels), 1) + 44
    body = []
    x = left
    for c in columns:  # legend
        body.append(_rect(x, 33, 12, 12, colours[c]))
        body.append(_text(x + 17, 43.5, c, 12))
        x += 17 + text_width(c) + 18
    for t in _ticks(0, 1, 4):
        gx = left + t * plot_w
        body.append(_line(gx, y0 - 4, gx, y0 + row * len(labels)))
        body.append(_text(gx, y0 + row * len(labels) + 15, f"{t:.0%}", 11, "middle", MUTED))
    for i, label in enumerate(labels):
        y = y0 + i * row
        body.append(_text(left - 8, y + row / 2 + 4, label, 12, "end"))
        x = left
        for c in columns:
            v = parts[c][i]
            w = v * plot_w
            body.append(_rect(x, y + 4, w, row - 8, colours[c], f"{label}, {c}: {v:.0%}",
                              ' stroke="#fff" stroke-width="1"'))
            if w >= 34:
                body.append(_text(x + w / 2, y + row / 2 + 4, f"{v:.0%}", 11, "middle", _ink(colours[c])))
            x += w
    body.append(_text(left + plot_w / 2, height - 8, xlabel, 11, "middle", MUTED))
    return _svg(WIDTH, height, title, body)


def heatmap(table, title: str, fmt: str = "{:.0%}", cmap: str = "Blues", vmax: float | None = 1.0) -> Chart:
    """A labelled grid of a wide table (rows x columns), each cell's value written in it; NaN left blank.

    ``cmap`` is ``"Blues"`` (the only ramp used); ``vmax=None`` scales to the largest value. No label
    reaches past the drawing's edge:

    >>> import pandas as pd
    >>> chart = heatmap(pd.DataFrame([[0.5]], index=["a"], columns=["a very long column label indeed"]), "t")
    >>> float(chart.svg.split('width="')[1].split('"')[0]) > 16 + 34 + 0.82 * text_width("a very long column label indeed", 11)
    True
    """
    rows = [str(i) for i in table.index]
    cols = [str(c) for c in table.columns]
    values = [_finite(list(r)) for r in table.to_numpy(dtype=float)]
    finite = [v for r in values for v in r if math.isfinite(v)]
    top = vmax if vmax is not None else (max(finite) if finite else 1.0)
    top = top or 1.0
    left = 16 + max([text_width(r) for r in rows] or [0])
    head = 24 + max([text_width(c, 11) for c in cols] or [0]) * 0.6
    avail = WIDTH - left - 20
    cell_w = max(min(avail / max(len(cols), 1), 90), 34)
    cell_h = 28
    y0 = 34 + head
    # Column labels run up and to the right at 35 degrees: the drawing is as
    # wide as the last one reaches (cos 35 = 0.82), so that none is cut off.
    reach = max([left + j * cell_w + cell_w / 2 + 0.82 * text_width(c, 11) + 8 for j, c in enumerate(cols)] or [0])
    width = max(left + cell_w * len(cols) + 20, reach, 320)
    height = y0 + cell_h * max(len(rows), 1) + 40
    body = []
    for j, c in enumerate(cols):
        cx = left + j * cell_w + cell_w / 2
        body.append(_text(cx, y0 - 6, c, 11, "start", TEXT, extra=f' transform="rotate(-35 {_num(cx)} {_num(y0 - 6)})"'))
    for i, r in enumerate(rows):
        y = y0 + i * cell_h
        body.append(_text(left - 8, y + cell_h / 2 + 4, r, 12, "end"))
        for j, v in enumerate(values[i]):
            x = left + j * cell_w
            if math.isfinite(v):
                fill = _blues(min(max(v / top, 0.0), 1.0))
                body.append(_rect(x + 1, y + 1, cell_w - 2, cell_h - 2, fill, f"{r} · {cols[j]}: {fmt.format(v)}"))
                body.append(_text(x + cell_w / 2, y + cell_h / 2 + 4, fmt.format(v), 11, "middle",
                                  "#fff" if v > 0.6 * top else TEXT))
            else:
                body.append(_rect(x + 1, y + 1, cell_w - 2, cell_h - 2, "#f4f4f4", f"{r} · {cols[j]}: no data"))
    ly = height - 22  # colour key
    for k in range(10):
        body.append(_rect(left + k * 14, ly, 14, 10, _blues((k + 0.5) / 10)))
    body.append(_text(left - 6, ly + 9, fmt.format(0), 10, "end", MUTED))
    body.append(_text(left + 146, ly + 9, fmt.format(top), 10, "start", MUTED))
    return _svg(width, height, title, body)


def diverging_bars(labels, values, title: str, xlabel: str, counts=None) -> Chart:
    """Horizontal bars around zero on a −1…+1 scale (negative red, positive green), e.g. mean tone per party."""
    labels = [str(x) for x in labels]
    vals = _finite(values)
    notes = list(counts) if counts is not None else [None] * len(vals)
    left = 16 + max([text_width(x) for x in labels] or [0])
    right = 20
    plot_w = WIDTH - left - right
    row, y0 = 26, 38
    height = y0 + row * max(len(labels), 1) + 44
    lim = 1.05
    zero = left + plot_w / 2
    sx = plot_w / (2 * lim)
    body = []
    for t in (-1, -0.5, 0, 0.5, 1):
        x = zero + t * sx
        body.append(_line(x, y0 - 4, x, y0 + row * len(labels), "#999" if t == 0 else GRID))
        body.append(_text(x, y0 + row * len(labels) + 15, f"{t:+g}" if t else "0", 11, "middle", MUTED))
    for i, (label, v, n) in enumerate(zip(labels, vals, notes)):
        y = y0 + i * row
        body.append(_text(left - 8, y + row / 2 + 4, label, 12, "end"))
        if not math.isfinite(v):
            body.append(_text(zero + 5, y + row / 2 + 4, "n/a", 11, fill=MUTED))
            continue
        w = abs(v) * sx
        x = zero if v >= 0 else zero - w
        text = f"{v:+.2f}" + (f" (n={n})" if n is not None else "")
        body.append(_rect(x, y + 4, w, row - 8, "#55A868" if v >= 0 else "#C44E52", f"{label}: {text}"))
        if v >= 0:
            body.append(_text(zero + w + 5, y + row / 2 + 4, text, 11))
        else:
            body.append(_text(zero - w - 5, y + row / 2 + 4, text, 11, "end"))
    body.append(_text(left + plot_w / 2, height - 8, xlabel, 11, "middle", MUTED))
    return _svg(WIDTH, height, title, body)


def position_strip(positions, labels, title: str, categories=None,
                   xlabel: str = "position in article (0 = start, 1 = end)") -> Chart:
    """Dots along the article: where the counted spans sit, one row per category."""
    pos = _finite(positions)
    labs = [None if lab is None or lab != lab else str(lab) for lab in labels]
    cats = [str(c) for c in (categories or sorted({lab for lab in labs if lab is not None}))]
    left = 16 + max([text_width(c) for c in cats] or [0])
    plot_w = WIDTH - left - 24
    row, y0 = 26, 38
    height = y0 + row * max(len(cats), 1) + 44
    body = []
    for t in _ticks(0, 1, 4):
        x = left + t * plot_w
        body.append(_line(x, y0 - 4, x, y0 + row * len(cats)))
        body.append(_text(x, y0 + row * len(cats) + 15, f"{t:g}", 11, "middle", MUTED))
    for i, cat in enumerate(cats):
        y = y0 + i * row + row / 2
        body.append(_text(left - 8, y + 4, cat, 12, "end"))
        for p, lab in zip(pos, labs):
            if lab == cat and math.isfinite(p):
                body.append(f'<circle cx="{_num(left + min(max(p, 0), 1) * plot_w)}" cy="{_num(y)}" r="5" '
                            f'fill="{PALETTE[i % len(PALETTE)]}" fill-opacity="0.85"><title>{_esc(cat)}: {p:.2f}</title></circle>')
    body.append(_text(left + plot_w / 2, height - 8, xlabel, 11, "middle", MUTED))
    return _svg(WIDTH, height, title, body)


# --- colours -------------------------------------------------------------------
_BLUES = [(247, 251, 255), (198, 219, 239), (107, 174, 214), (33, 113, 181), (8, 48, 107)]


def _blues(t: float) -> str:
    """Colour at ``t`` in [0, 1] on a light-to-dark blue ramp (ColorBrewer Blues)."""
    t = min(max(t, 0.0), 1.0) * (len(_BLUES) - 1)
    i = min(int(t), len(_BLUES) - 2)
    f = t - i
    a, b = _BLUES[i], _BLUES[i + 1]
    return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(a, b))


def _ink(fill: str) -> str:
    """Black or white text, whichever reads better on ``fill``."""
    h = fill.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    try:
        r, g, b = (int(h[k:k + 2], 16) for k in (0, 2, 4))
    except ValueError:
        return TEXT
    return TEXT if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#fff"
