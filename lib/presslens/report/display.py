"""HTML for notebooks and reports: highlighted article text, figure cards, tables.

Every piece of article text is HTML-escaped here, once, so a notebook can
display any article safely. The highlighted text is the evidence behind each
figure: the spans a measure counted, in colour, with a legend.

>>> from presslens.document.spans import Document
>>> doc = Document("d", "Sources said <b>no</b>.")
>>> html = highlight_spans(doc, [(0, 7, "source"), (8, 12, "cue")], {"source": "#fdd", "cue": "#dfd"})
>>> "&lt;b&gt;no&lt;/b&gt;" in html and "<mark" in html
True
"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from presslens.document.spans import Document

HighlightSpan = tuple[int, int, str] | tuple[int, int, str, str]

_STYLE = """
<style>
.pl-article{font-family:Georgia,serif;line-height:1.7;max-width:52em;border:1px solid #ddd;padding:1em 1.4em;border-radius:6px;background:#fff;color:#222}
.pl-article p{margin:0 0 .8em 0}
.pl-article .pl-boilerplate{color:#999;font-size:.85em;font-style:italic}
.pl-article .pl-headline{font-weight:bold;font-size:1.15em}
.pl-article mark{padding:.05em .1em;border-radius:3px;color:inherit}
.pl-legend{font-family:sans-serif;font-size:.85em;margin:.4em 0 .6em 0}
.pl-legend span{display:inline-block;padding:.1em .5em;margin-right:.6em;border-radius:3px}
.pl-cards{display:flex;flex-wrap:wrap;gap:.8em;margin:.6em 0;font-family:sans-serif}
.pl-card{border:1px solid #ccd;border-radius:6px;padding:.6em .9em;min-width:10em;background:#f7f8fc}
.pl-card .pl-value{font-size:1.6em;font-weight:bold;color:#223}
.pl-card .pl-name{font-size:.85em;color:#445}
.pl-card .pl-note{font-size:.75em;color:#778}
.pl-details{margin:.5em 0;border:1px solid #dde;border-radius:6px;padding:.3em .8em;background:#fafbfd}
.pl-details summary{cursor:pointer;font-weight:600;font-family:sans-serif;padding:.2em 0}
.pl-details-body{overflow-x:auto;padding:.3em 0}
.pl-scroll{overflow-x:auto;max-width:100%;margin:.4em 0}
.pl-scroll table{border-collapse:separate;border-spacing:0}
.pl-scroll th:first-child,.pl-scroll td:first-child{position:sticky;left:0;background:#fff;z-index:1;min-width:14em}
.pl-notice{border-left:4px solid #d9a400;background:#fff8e0;padding:.6em 1em;margin:.6em 0;font-family:sans-serif;border-radius:4px}
</style>
"""


def escape(text: str) -> str:
    """HTML-escape article text (quotes included)."""
    return _html.escape(text, quote=True)


def legend(colours: Mapping[str, str], names: Mapping[str, str] | None = None) -> str:
    """A row of coloured labels explaining highlight colours."""
    names = names or {}
    items = "".join(
        f'<span style="background:{c}">{escape(names.get(k, k))}</span>' for k, c in colours.items()
    )
    return f'<div class="pl-legend">{items}</div>'


def highlight_spans(
    doc: Document,
    spans: Iterable[HighlightSpan],
    colours: Mapping[str, str],
    names: Mapping[str, str] | None = None,
    priority: Sequence[str] | None = None,
    show_boilerplate: bool = True,
) -> str:
    """The article as HTML with ``spans`` highlighted by category.

    ``spans`` are ``(start, end, category)`` or ``(start, end, category,
    tooltip)``. Where spans overlap, the category listed first in
    ``priority`` (default: order of ``colours``) gives the colour and the
    tooltip lists them all. Paragraph structure and boilerplate (greyed) are
    kept so the reader sees the article as published.
    """
    order = list(priority or colours)
    rank = {c: i for i, c in enumerate(order)}
    spans = [s for s in spans if s[2] in colours and s[1] > s[0]]
    text = doc.text
    bounds = sorted({0, len(text), *(s[0] for s in spans), *(s[1] for s in spans)})
    paragraphs = doc.layer("paragraph")
    if len(paragraphs):
        blocks = [(int(s), int(e), str(l)) for s, e, l in paragraphs[["start", "end", "label"]].itertuples(index=False)]
    else:
        blocks = [(0, len(text), "body")]
    out = [_STYLE, legend(colours, names), '<div class="pl-article">']
    for bs, be, label in blocks:
        if label == "boilerplate" and not show_boilerplate:
            continue
        cls = {"boilerplate": "pl-boilerplate", "headline": "pl-headline"}.get(label, "")
        out.append(f'<p class="{cls}">' if cls else "<p>")
        cuts = [bs] + [b for b in bounds if bs < b < be] + [be]
        for s, e in zip(cuts, cuts[1:]):
            piece = escape(text[s:e]).replace("\n", "<br>")
            active = [sp for sp in spans if sp[0] <= s and e <= sp[1]]
            if not active:
                out.append(piece)
                continue
            top = min(active, key=lambda sp: (rank.get(sp[2], 99), sp[1] - sp[0]))
            tip = "; ".join(sorted({sp[3] if len(sp) > 3 else (names or {}).get(sp[2], sp[2]) for sp in active}))
            out.append(f'<mark style="background:{colours[top[2]]}" title="{escape(tip)}">{piece}</mark>')
        out.append("</p>")
    out.append("</div>")
    return "".join(out)


def figure_cards(figures: Sequence[Mapping[str, Any]]) -> str:
    """Headline figures as cards: each ``{"name", "value", "note"?}``."""
    cards = []
    for f in figures:
        note = f'<div class="pl-note">{escape(str(f["note"]))}</div>' if f.get("note") else ""
        cards.append(
            f'<div class="pl-card"><div class="pl-value">{escape(str(f["value"]))}</div>'
            f'<div class="pl-name">{escape(str(f["name"]))}</div>{note}</div>'
        )
    return _STYLE + '<div class="pl-cards">' + "".join(cards) + "</div>"


def table(frame, formats: Mapping[str, str] | None = None, na_rep: str = "", index: bool = False,
          highlight: Sequence[bool] | None = None, links: Mapping[str, str] | None = None,
          precision: int | None = None):
    """A table for a report: no index, text columns left-aligned, number columns right-aligned, headers alike.

    The one way notebooks show a table: every cell and every header is
    HTML-escaped here, whatever the frame holds (article text, ids, outlet
    names, party labels, skip reasons). ``formats`` maps column names to
    format strings (``{"share": "{:.0%}"}``; ``precision``: digits of the
    other numbers); ``index`` shows the frame's
    index as its first column(s); ``highlight`` tints the rows where it is
    true; ``links`` maps a column holding link targets to the text of the
    link (``{"report": "report"}``): relative paths and http(s) addresses
    only, anything else is shown as text.

    >>> import pandas as pd
    >>> html = table(pd.DataFrame({"source": ["<b>x</b>"], "n": [3]})).to_html()
    >>> "&lt;b&gt;x&lt;/b&gt;" in html and "text-align: right" in html
    True
    >>> html = table(pd.DataFrame({"report": ["a/index.html", "javascript:alert(1)"]}), links={"report": "open"}).to_html()
    >>> '<a href="a/index.html">open</a>' in html, "javascript" in html.split("<tbody>")[1].split("</td>")[1]
    (True, True)
    >>> 'href="javascript' in html
    False
    """
    from pandas.api.types import is_numeric_dtype

    frame = frame.reset_index() if index else frame.reset_index(drop=True)
    # Headers as plain text: a MultiIndex or a named columns index would be rendered unescaped.
    frame.columns = [" ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in frame.columns]
    styles = []
    for i, col in enumerate(frame.columns):
        align = "right" if is_numeric_dtype(frame.iloc[:, i]) and frame.iloc[:, i].dtype != bool else "left"
        styles.append({"selector": f"th.col_heading.col{i}, td.col{i}", "props": f"text-align: {align}; vertical-align: top"})
    formats = dict(formats or {})
    for col, text in (links or {}).items():
        # The cell value reaches the formatter already escaped; the link text is escaped here.
        formats[col] = lambda href, text=escape(text): (f'<a href="{href}">{text}</a>' if _safe_href(href)
                                                        else href)
    styler = (frame.style.hide(axis="index").format(formats, na_rep=na_rep, escape="html", precision=precision)
              .format_index(escape="html", axis=1)
              .set_table_styles(styles, overwrite=False))
    if highlight is not None:
        marks = list(highlight)
        styler = styler.apply(lambda row: ["background-color: #fde2e1" if marks[row.name] else "" for _ in row], axis=1)
    return styler


def _safe_href(href: Any) -> bool:
    """A link target a report may hold: a relative path or an http(s) address (no ``javascript:``)."""
    if not isinstance(href, str) or not href.strip():
        return False
    head = href.split("/", 1)[0]
    return ":" not in head or href.lower().startswith(("http://", "https://"))


def code(value: Any) -> str:
    """A value from an input (an id, a file or column name) set as code inside Markdown, escaped.

    Markdown keeps raw HTML, and a backtick in the value would end a code
    span: the value is HTML-escaped, with Markdown's punctuation as
    character references, inside ``<code>``.

    >>> code("a`<img src=x onerror=alert(1)>")
    '<code>a&#96;&lt;img src=x onerror=alert&#40;1&#41;&gt;</code>'
    """
    return f"<code>{str(value).translate(_CODE_ENTITIES)}</code>"


#: HTML's special characters and Markdown's punctuation, as character references.
_CODE_ENTITIES = {**{ord(c): f"&#{ord(c)};" for c in "`*_[]()#!|~\\{}"},
                  ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#x27;"}


def preformatted(text: str) -> str:
    """Plain text (a command's report) as an escaped ``<pre>`` block, for ``display(HTML(...))``."""
    return f'<pre class="pl-pre">{escape(text)}</pre>'


def headline(cards: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """The figure cards a report shows first, as the ``[label, value]`` pairs its index entry lists.

    >>> headline([{"name": "hedges per 100 words", "value": "1.20", "note": "12 hedges"}])
    [['hedges per 100 words', '1.20']]
    """
    return [[str(c["name"]), str(c["value"])] for c in cards]


def details(summary: str, *parts: Any) -> str:
    """Evidence folded under a one-line summary (HTML ``<details>``), opened with a click.

    ``parts`` are HTML strings or pandas Stylers (:func:`table`).

    >>> details("Frames per sentence", "<p>x</p>").startswith('<details class="pl-details">')
    True
    """
    body = "".join(p if isinstance(p, str) else p.to_html() for p in parts)
    return (f'<details class="pl-details"><summary>{escape(summary)}</summary>'
            f'<div class="pl-details-body">{body}</div></details>')


def scroll_table(table_or_html: Any) -> str:
    """A table that may be wider than the page: it scrolls sideways inside the page, its first column fixed.

    >>> scroll_table("<table></table>").startswith("<style>") and 'class="pl-scroll"' in scroll_table("")
    True
    """
    body = table_or_html if isinstance(table_or_html, str) else table_or_html.to_html()
    return _STYLE.strip() + f'<div class="pl-scroll">{body}</div>'


def notice(html_text: str) -> str:
    """A boxed note at the top of a report (``html_text`` is trusted HTML written by presslens)."""
    return f'<div class="pl-notice" role="note">{html_text}</div>'


def excerpt(text: str, limit: int = 160) -> str:
    """Shorten text for tables, marking the cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


ATTRIBUTION_COLOURS = {"cue": "#ffb3b3", "source": "#9ecbff", "content": "#fff1a8"}
ATTRIBUTION_NAMES = {"cue": "cue (reporting expression)", "source": "source (who speaks)", "content": "content (what is attributed)"}


def attribution_highlights(doc: Document) -> str:
    """The article with every attribution's source, cue and content in three colours."""
    spans: list[HighlightSpan] = []
    for row in doc.layer("attribution").to_dict("records"):
        kind = row.get("source_type") or "untyped"
        for part in ("cue", "source", "content"):
            sp = row.get(part)
            if isinstance(sp, Mapping) and sp.get("end", 0) > sp.get("start", 0):
                tip = f"{ATTRIBUTION_NAMES[part].split(' (')[0]}; source type: {kind}"
                spans.append((int(sp["start"]), int(sp["end"]), part, tip))
    return highlight_spans(doc, spans, ATTRIBUTION_COLOURS, ATTRIBUTION_NAMES, priority=["cue", "source", "content"])


HEDGE_COLOURS = {"hedge": "#ffd59e", "booster": "#b8e6b8"}


def hedge_highlights(doc: Document) -> str:
    """The article with hedges (orange) and boosters (green); tooltips give the category."""
    spans: list[HighlightSpan] = []
    for layer in ("hedge", "booster"):
        for row in doc.layer(layer).to_dict("records"):
            neg = " (negated)" if row.get("negated") is True else ""
            spans.append((int(row["start"]), int(row["end"]), layer, f"{layer}: {row['label']}{neg}"))
    return highlight_spans(doc, spans, HEDGE_COLOURS, {"hedge": "hedge", "booster": "booster"})


ROLE_COLOURS = {"agent": "#9ecbff", "patient": "#ffb3b3", "other": "#e0e0e0"}
ROLE_NAMES = {"agent": "agent (acts)", "patient": "patient (acted upon)", "other": "other (modifier, place, list)"}


def mention_highlights(doc: Document, labels: Mapping[str, str] | None = None) -> str:
    """The article with party mentions coloured by role; tooltips give party and verb."""
    labels = labels or {}
    spans: list[HighlightSpan] = []
    for row in doc.layer("mention").to_dict("records"):
        party = labels.get(row["label"], row["label"])
        verb = f", verb: {row['verb']}" if isinstance(row.get("verb"), str) else ""
        spans.append((int(row["start"]), int(row["end"]), row["role"], f"{party}: {row['role']}{verb}"))
    return highlight_spans(doc, spans, ROLE_COLOURS, ROLE_NAMES)


PARTY_PALETTE = ["#9ecbff", "#ffb3b3", "#b8e6b8", "#ffd59e", "#d9c2f0", "#c8b39e", "#f5c2e0", "#d0d0d0"]


def party_colours(party_ids: Sequence[str]) -> dict[str, str]:
    """A fixed colour per party, in the order of the parties file."""
    return {p: PARTY_PALETTE[i % len(PARTY_PALETTE)] for i, p in enumerate(party_ids)}


def party_highlights(doc: Document, labels: Mapping[str, str]) -> str:
    """The article with each party's mentions in the party's colour; tooltips give role, verb and tone.

    Mentions outside the body (the headline) are shown but say that no figure counts them.
    """
    colours = party_colours(list(labels))
    spans: list[HighlightSpan] = []
    sentence_label = doc.layer("sentence")["label"].tolist()
    for row in doc.layer("mention").to_dict("records"):
        verb = f", verb: {row['verb']}" if isinstance(row.get("verb"), str) else ""
        tone = f", tone: {row['tone']}" if isinstance(row.get("tone"), str) else ""
        where = sentence_label[int(row["sentence"])] if "sentence" in row else "body"
        counted = "" if where == "body" else f" ({where}: in no figure)"
        tip = f"{labels.get(row['label'], row['label'])}: {row['role']}{verb}{tone}{counted}"
        spans.append((int(row["start"]), int(row["end"]), row["label"], tip))
    return highlight_spans(doc, spans, colours, dict(labels))


DESCRIPTOR_COLOURS = {"delegitimising": "#ffb3b3", "legitimising": "#b8e6b8", "victimhood": "#d9c2f0", "none": "#fff1a8"}
DESCRIPTOR_NAMES = {"delegitimising": "delegitimising label", "legitimising": "status / legitimacy label",
                    "victimhood": "victim label", "none": "other descriptor"}


def descriptor_highlights(doc: Document, descriptors, labels: Mapping[str, str]) -> str:
    """The article with every descriptor coloured by its lexicon group (tooltip: which party it describes)."""
    spans: list[HighlightSpan] = []
    for r in descriptors.to_dict("records"):
        group = r["group"] if isinstance(r.get("group"), str) else "none"
        spans.append((int(r["start"]), int(r["end"]), group, f"{labels.get(r['party'], r['party'])}: {r['kind']}"))
    return highlight_spans(doc, spans, DESCRIPTOR_COLOURS, DESCRIPTOR_NAMES)
